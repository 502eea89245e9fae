package io.geomlens.bench;

import io.geomlens.Backend;
import io.geomlens.Backends;
import io.geomlens.Generator;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.linalg.Orthonormal;
import io.geomlens.metric.MetricTensor;
import io.geomlens.onnx.DiffusionDecoder;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.StyleGanLite;
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
 * The issue-5 operations on the three reference shapes (seeded random weights built in Java),
 * per backend: forward of a batch, batched JVP/VJP (batch latents x k), psi/nu on both routes,
 * psi/nu with delta, and Lanczos top-20 at one latent. CPU by default; on a GPU host add
 * -p backend=cuda -jvmArgsAppend -Dgeomlens.library.path=.../libgeomlens.so.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
        "--add-modules=jdk.incubator.vector"})
public class PrimitivesBenchmark {
    /** The three target shapes of issue 5; "vae" (a latent-diffusion decoder) and "stylegan" with -p model=... */
    @Param({"mlp", "conv", "dcgan"})
    public String model;

    @Param({"cpu"})
    public String backend;

    /** Latents per call; 24 is deliberately not a power of two. */
    @Param({"24"})
    public int batch;

    @Param({"7"})
    public int k;

    private Backend be;
    private Generator gen;
    private Descriptors exact;
    private Descriptors projected;
    private Descriptors withDelta;
    private MetricTensor metric;
    private double[] z;
    private double[] tangents;
    private double[] cotangents;

    @Setup(Level.Trial)
    public void setup() {
        OnnxModelBuilder m = switch (model) {
            case "mlp" -> ModelZoo.mlp(2026, "Relu", 16, 512, 512, 784);
            case "conv" -> ModelZoo.convDecoder(2026, 32);
            case "dcgan" -> ModelZoo.dcgan(2026, 100, 64, 3);
            case "vae" -> DiffusionDecoder.build(2026, 4, 8, 64, 32);
            case "stylegan" -> StyleGanLite.build(2026, 64, 32);
            default -> throw new IllegalArgumentException(model);
        };
        be = Backends.select(backend, System.err::println);
        gen = be.load(OnnxImporter.read(m.toBytes(), model));
        SplittableRandom rnd = new SplittableRandom(1);
        int e = gen.latentDim();
        z = rnd.doubles(batch * e).map(x -> 2 * x - 1).toArray();
        tangents = rnd.doubles(k * e).toArray();
        cotangents = Orthonormal.rows(k, gen.outputDim(), 3);
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withComplexity(false);
        exact = new Descriptors(gen, o.withRoute(Route.EXACT));
        projected = new Descriptors(gen, o.withRoute(Route.PROJECTED).withK(Math.min(120, gen.outputDim())));
        withDelta = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT));
        // Block Lanczos, ten HVPs per batched call, as geomlens hessian does by default on every backend.
        metric = new MetricTensor(gen, 1e-6, 0L, 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gen.close();
        be.close();
    }

    @Benchmark
    public double[] forward() {
        return gen.forward(z, batch);
    }

    @Benchmark
    public double[] jvpBatch() {
        return gen.jvpBatch(z, batch, tangents, k);
    }

    @Benchmark
    public double[] vjpBatch() {
        return gen.vjpBatch(z, batch, cotangents, k);
    }

    @Benchmark
    public Object psiNuExact() {
        return exact.describe(z, batch);
    }

    @Benchmark
    public Object psiNuProjected() {
        return projected.describe(z, batch);
    }

    /** psi/nu (exact route) plus delta with P = 4: the difference to psiNuExact is delta's cost. */
    @Benchmark
    public Object psiNuDelta() {
        return withDelta.describe(z, batch);
    }

    @Benchmark
    public Object lanczosTop20() {
        return metric.lanczos(java.util.Arrays.copyOf(z, gen.latentDim()), 20);
    }
}
