package io.geomlens.bench;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU backend primitives on the issue-5 shapes (seeded random weights built in Java): forward of
 * a batch, k JVPs, k VJPs, and psi/nu/delta per latent. Run: java -jar benchmarks/target/benchmarks.jar
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class CpuPrimitivesBenchmark {
    @Param({"mlp", "conv", "dcgan"})
    public String model;

    @Param({"24"})
    public int batch;

    private Generator gen;
    private Descriptors exact;
    private Descriptors projected;
    private double[] z;
    private double[] tangents;
    private double[] cotangents;

    @Setup(Level.Trial)
    public void setup() {
        OnnxModelBuilder m = switch (model) {
            case "mlp" -> ModelZoo.mlp(2026, "Relu", 16, 512, 512, 784);
            case "conv" -> ModelZoo.convDecoder(2026, 32);
            case "dcgan" -> ModelZoo.dcgan(2026, 100, 64, 3);
            default -> throw new IllegalArgumentException(model);
        };
        gen = new CpuBackend().load(OnnxImporter.read(m.toBytes(), model));
        SplittableRandom rnd = new SplittableRandom(1);
        int e = gen.latentDim();
        z = rnd.doubles(batch * e).map(x -> 2 * x - 1).toArray();
        tangents = rnd.doubles(batch * e).toArray();
        cotangents = rnd.doubles((long) batch * gen.outputDim()).toArray();
        exact = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT));
        projected = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.PROJECTED).withComplexity(false));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gen.close();
    }

    @Benchmark
    public double[] forwardBatch() {
        return gen.forward(z, batch);
    }

    @Benchmark
    public double[] jvpBatch() {
        return gen.jvp(java.util.Arrays.copyOf(z, gen.latentDim()), tangents, batch);
    }

    @Benchmark
    public double[] vjpBatch() {
        return gen.vjp(java.util.Arrays.copyOf(z, gen.latentDim()), cotangents, batch);
    }

    @Benchmark
    public Object describeExactOneLatent() {
        return exact.describe(java.util.Arrays.copyOf(z, gen.latentDim()), 1);
    }

    @Benchmark
    public Object psiNuProjectedOneLatent() {
        return projected.describe(java.util.Arrays.copyOf(z, gen.latentDim()), 1);
    }
}
