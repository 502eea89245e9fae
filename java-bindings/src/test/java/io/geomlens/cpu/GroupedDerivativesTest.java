package io.geomlens.cpu;

import static io.geomlens.testing.Close.assertClose;

import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.Precision;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.testing.Close;
import io.geomlens.testing.TestModels;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grouped JVP/VJP (N latents x k tangents in one pass, the GPU's batched path) equals N
 * separate single-latent passes, on every test model.
 */
class GroupedDerivativesTest {
    static Stream<Arguments> models() {
        return TestModels.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void groupedEqualsOneLatentAtATime(String name, OnnxModelBuilder model) {
        Graph g = OnnxImporter.read(model.toBytes(), name);
        GraphRunner<Tensor> run = new GraphRunner<>(g, new CpuExecutor(Precision.FLOAT64));
        int e = g.latentDim();
        int d = g.outputDim();
        int n = 3;
        int k = 4;
        SplittableRandom rnd = new SplittableRandom(8);
        double[] z = Close.gaussian(rnd, n * e, 1.0);
        double[] v = Close.gaussian(rnd, n * k * e, 1.0);
        double[] u = Close.gaussian(rnd, n * k * d, 1.0);
        double[] jv = run.jvp(new Tensor(run.inputShape(n), z), new Tensor(run.inputShape(n * k), v)).data();
        double[] ju = run.vjp(new Tensor(run.inputShape(n), z), new Tensor(run.outputShape(n * k), u)).data();
        for (int i = 0; i < n; i++) {
            Tensor zi = new Tensor(run.inputShape(1), java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e));
            double[] one = run.jvp(zi, new Tensor(run.inputShape(k),
                    java.util.Arrays.copyOfRange(v, i * k * e, (i + 1) * k * e))).data();
            assertClose(one, java.util.Arrays.copyOfRange(jv, i * k * d, (i + 1) * k * d), 1e-12, 1e-12,
                    name + " jvp latent " + i);
            double[] back = run.vjp(zi, new Tensor(run.outputShape(k),
                    java.util.Arrays.copyOfRange(u, i * k * d, (i + 1) * k * d))).data();
            assertClose(back, java.util.Arrays.copyOfRange(ju, i * k * e, (i + 1) * k * e), 1e-12, 1e-12,
                    name + " vjp latent " + i);
        }
    }
}
