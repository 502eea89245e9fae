package io.geomlens.cpu;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomlens.Generator;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
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
 * JVP and VJP in float64 agree with central finite differences of the forward pass, and with each
 * other through the adjoint identity u^T (J v) = (J^T u)^T v. Smooth activations only where the
 * finite difference must not straddle a kink.
 */
class DerivativesTest {
    static Stream<Arguments> models() {
        return TestModels.smooth().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void jvpAndVjpMatchFiniteDifferencesAndEachOther(String name, OnnxModelBuilder model) {
        Graph g = OnnxImporter.read(model.toBytes(), name);
        Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
        int e = gen.latentDim();
        int d = gen.outputDim();
        SplittableRandom rnd = new SplittableRandom(29);
        double[] z = Close.gaussian(rnd, e, 0.5);
        int k = 3;
        double[] v = Close.gaussian(rnd, k * e, 1.0);
        double[] u = Close.gaussian(rnd, k * d, 1.0);
        double[] jv = gen.jvp(z, v, k);
        double[] jtu = gen.vjp(z, u, k);
        assertEquals(k * d, jv.length);
        assertEquals(k * e, jtu.length);

        double h = 1e-5;
        double[] fd = new double[k * d];
        for (int t = 0; t < k; t++) {
            double[] zp = z.clone();
            double[] zm = z.clone();
            for (int i = 0; i < e; i++) {
                zp[i] += h * v[t * e + i];
                zm[i] -= h * v[t * e + i];
            }
            double[] fp = gen.forward(zp, 1);
            double[] fm = gen.forward(zm, 1);
            for (int j = 0; j < d; j++) {
                fd[t * d + j] = (fp[j] - fm[j]) / (2 * h);
            }
        }
        assertClose(fd, jv, 1e-7, 1e-6, name + ": JVP vs central differences");

        // Adjoint identity for every pair (tangent a, cotangent b).
        double[] lhs = new double[k * k];
        double[] rhs = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                for (int j = 0; j < d; j++) {
                    lhs[a * k + b] += u[b * d + j] * jv[a * d + j];
                }
                for (int i = 0; i < e; i++) {
                    rhs[a * k + b] += jtu[b * e + i] * v[a * e + i];
                }
            }
        }
        assertClose(lhs, rhs, 1e-10, 1e-10, name + ": u^T (J v) vs (J^T u)^T v");
    }
}
