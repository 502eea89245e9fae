package io.geomlens.metric;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.testing.Close;
import io.geomlens.testing.KnownSpectrum;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricTensorTest {
    /** G(z) = A z with A = U diag(s) V^T (D x E), so the eigenvalues of H are s^2. */
    private static Graph linear(double[] s, int d, int e) {
        return OnnxImporter.read(KnownSpectrum.linearGenerator(s, d, e, 3).toBytes(), "linear");
    }

    /** Squared singular values of the float32-rounded weight, the exact reference for H. */
    private static double[] squaredSingularValues(Graph g) {
        Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
        int e = gen.latentDim();
        double[] eye = new double[e * e];
        for (int i = 0; i < e; i++) {
            eye[i * e + i] = 1;
        }
        double[] sv = io.geomlens.linalg.SmallSvd.singularValues(gen.jvp(new double[e], eye, e), e, gen.outputDim());
        for (int i = 0; i < sv.length; i++) {
            sv[i] *= sv[i];
        }
        return sv;
    }

    @Test
    void linearMapEigenvaluesAreSquaredSingularValues() {
        double[] s = {5, 3, 2, 1.5, 1, 0.5, 0.25, 0.1};
        Graph g = linear(s, 30, 8);
        double[] ref = squaredSingularValues(g);
        for (int i = 0; i < s.length; i++) {
            assertEquals(s[i] * s[i], ref[i], 1e-5 * s[i] * s[i], "float32 rounding of A only");
        }
        Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
        MetricTensor mt = new MetricTensor(gen);
        double[] z = {0.3, -1, 2, 0, 0.1, 0.2, -0.3, 1};
        assertClose(ref, mt.exact(z, 8).eigenvalues(), 1e-12, 1e-10, "exact");
        MetricSpectrum l = mt.lanczos(z, 8);
        assertClose(ref, l.eigenvalues(), 1e-12, 1e-9, "lanczos");
        assertTrue(l.converged());
        assertEquals(Math.log10(25 / 0.01), l.anisotropy(), 1e-4);
    }

    @Test
    void rankDeficientMetricHasZeroTail() {
        double[] s = {4, 2, 1, 0.5, 0.3};
        Graph g = linear(s, 5, 12);
        double[] ref = squaredSingularValues(g);
        MetricSpectrum l = new MetricTensor(new CpuBackend(Precision.FLOAT64).load(g)).lanczos(new double[12], 8);
        double[] want = new double[8];
        System.arraycopy(ref, 0, want, 0, 5);
        assertClose(want, l.eigenvalues(), 1e-10, 1e-9, "5 positive, then zeros");
    }

    @Test
    void lanczosAgreesWithExactOnRandomMlps() {
        List<OnnxModelBuilder> models = List.of(ModelZoo.mlp(7, "Tanh", 40, 64, 64, 50),
                ModelZoo.mlp(8, "GeluErf", 36, 48, 300), ModelZoo.convDecoder(9, 24));
        for (OnnxModelBuilder m : models) {
            Graph g = OnnxImporter.read(m.toBytes(), "mlp");
            double[] z = Close.gaussian(new SplittableRandom(1), g.latentDim(), 1.0);
            for (Precision p : Precision.values()) {
                MetricTensor mt = new MetricTensor(new CpuBackend(p).load(g));
                double[] exact = mt.exact(z, 20).eigenvalues();
                MetricSpectrum l = mt.lanczos(z, 20);
                double rtol = p == Precision.FLOAT64 ? 1e-6 : 1e-3;
                assertClose(exact, l.eigenvalues(), 0, rtol, "top-20 " + p + " " + g.outputDim());
                if (p == Precision.FLOAT64) {
                    assertTrue(l.converged(), "residuals " + java.util.Arrays.toString(l.residuals()));
                }
            }
        }
    }

    @Test
    void impossibleToleranceIsReportedAsNotConverged() {
        Graph g = OnnxImporter.read(ModelZoo.mlp(7, "Tanh", 30, 40, 50).toBytes(), "mlp");
        MetricTensor mt = new MetricTensor(new CpuBackend(Precision.FLOAT32).load(g), 1e-14, 0);
        MetricSpectrum l = mt.lanczos(Close.gaussian(new SplittableRandom(2), 30, 1.0), 10);
        assertFalse(l.converged());
    }

    @Test
    void homogeneityIsOneForALinearGenerator() {
        Graph g = linear(new double[] {6, 3, 2, 1, 0.7, 0.4}, 20, 6);
        MetricTensor mt = new MetricTensor(new CpuBackend(Precision.FLOAT64).load(g));
        double[] z = Close.gaussian(new SplittableRandom(5), 3 * 6, 1.0);
        List<MetricSpectrum> spectra = List.of(mt.lanczos(java.util.Arrays.copyOfRange(z, 0, 6), 6),
                mt.lanczos(java.util.Arrays.copyOfRange(z, 6, 12), 6), mt.lanczos(java.util.Arrays.copyOfRange(z, 12, 18), 6));
        double[][] c = mt.homogeneity(z, 3, spectra);
        for (double[] row : c) {
            assertClose(new double[] {1, 1, 1}, row, 1e-9, 0, "C_ij");
        }
        // A nonlinear generator is not homogeneous.
        Graph nl = OnnxImporter.read(ModelZoo.mlp(3, "Tanh", 6, 30, 20).toBytes(), "mlp");
        MetricTensor mn = new MetricTensor(new CpuBackend(Precision.FLOAT64).load(nl));
        double[] z2 = Close.gaussian(new SplittableRandom(6), 2 * 6, 2.0);
        List<MetricSpectrum> s2 = List.of(mn.exact(java.util.Arrays.copyOfRange(z2, 0, 6), 6),
                mn.exact(java.util.Arrays.copyOfRange(z2, 6, 12), 6));
        assertTrue(mn.homogeneity(z2, 2, s2)[0][1] < 0.9999);
    }

    @Test
    void lastLayerIsPerfectlyAlignedWithTheOutput() {
        Graph g = OnnxImporter.read(ModelZoo.mlp(4, "Tanh", 10, 30, 25, 40).toBytes(), "mlp");
        double[] z = Close.gaussian(new SplittableRandom(3), 10, 1.0);
        List<LayerAlignment> a = MetricTensor.layerAlignment(new CpuBackend(Precision.FLOAT64), g, z, 5, true, 1e-6, 0);
        assertEquals(List.of("/fc0/Tanh", "/fc1/Tanh", "/fc2/Sigmoid"), a.stream().map(LayerAlignment::layer).toList());
        // The last nonlinearity's input is the output's pre-image: its metric differs, but the
        // metric of z -> its *output* is the output metric itself.
        assertEquals(1.0, a.get(2).overlap(), 1e-9);
        assertEquals(1.0, a.get(2).logCorrelation(), 1e-9);
        assertTrue(a.get(0).overlap() < 0.999, "first layer differs: " + a.get(0).overlap());
    }

    @Test
    void aJacobianThatOverflowsFloat32IsAnErrorForLanczosAndExact() {
        Graph g = OnnxImporter.read(io.geomlens.testing.TestModels.float32Overflow(4).toBytes(), "overflow");
        MetricTensor mt = new MetricTensor(new CpuBackend(Precision.FLOAT32).load(g));
        double[] z = {0.1, -0.2, 0.3, 0.4};
        for (Runnable r : new Runnable[] {() -> mt.lanczos(z, 3), () -> mt.exact(z, 3)}) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.geomlens.NonFiniteModelException.class,
                    r::run);
            assertTrue(e.getMessage().contains("is not finite on cpu (float32)") && e.getMessage().contains("cpu64"),
                    e.getMessage());
        }
        double top = new MetricTensor(new CpuBackend(Precision.FLOAT64).load(g)).lanczos(z, 1).eigenvalues()[0];
        assertEquals(1e80, top, 1e80 * 1e-6);   // H = J^T J = 1e80 I in float64
    }
}
