package io.geomlens.descriptors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Precision;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorsTest {
    private static Generator load(OnnxModelBuilder m, Precision p) {
        return new CpuBackend(p).load(OnnxImporter.read(m.toBytes(), "test.onnx"));
    }

    /** G(z) = A z + b with A = L U (L unit lower, U upper): det A = prod diag(U). */
    private static OnnxModelBuilder linear(double[] uDiag) {
        int n = uDiag.length;
        double[] l = new double[n * n];
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            l[i * n + i] = 1;
            u[i * n + i] = uDiag[i];
            for (int j = 0; j < i; j++) {
                l[i * n + j] = 0.5 * Math.sin(i + 3 * j);
            }
            for (int j = i + 1; j < n; j++) {
                u[i * n + j] = 0.25 * Math.cos(2 * i - j);
            }
        }
        float[] a = new float[n * n];   // Gemm B with transB=1 is A itself, [out, in]
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < n; t++) {
                    s += l[i * n + t] * u[t * n + j];
                }
                a[i * n + j] = (float) s;
            }
        }
        float[] b = new float[n];
        java.util.Arrays.fill(b, 0.3f);
        return new OnnxModelBuilder(17).input("z", n).initializer("A", new int[] {n, n}, a)
                .initializer("b", new int[] {n}, b)
                .node("Gemm", "/lin", List.of("z", "A", "b"), "y", Attr.i("transB", 1)).output("y");
    }

    @Test
    void linearGeneratorPsiIsLogAbsDet() {
        double[] diag = {2.0, -0.5, 3.0, 0.125, 1.5, -4.0};
        double logDet = 0;
        for (double d : diag) {
            logDet += Math.log(Math.abs(d));
        }
        double[] z = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 1, 2, 3, 4, 5, 6};
        for (Precision p : Precision.values()) {
            Generator g = load(linear(diag), p);
            DescriptorBatch b = new Descriptors(g, DescriptorOptions.DEFAULTS.withComplexity(false)).describe(z, 2);
            assertEquals(Route.EXACT, b.route());
            for (LatentDescriptors l : b.latents()) {
                // float32 weights: A is rounded, so allow 1e-5; the float64 run still rounds A.
                assertEquals(logDet, l.psi(), 1e-5, "psi at " + p);
                assertEquals(6, l.rank());
            }
        }
    }

    @Test
    void projectedRouteWithFullFrameEqualsExact() {
        double[] diag = {2.0, -0.5, 3.0, 0.125, 1.5, -4.0};
        Generator g = load(linear(diag), Precision.FLOAT64);
        double[] z = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withComplexity(false);
        LatentDescriptors exact = new Descriptors(g, o.withRoute(Route.EXACT)).describe(z, 1).latents().get(0);
        DescriptorBatch proj = new Descriptors(g, o.withRoute(Route.PROJECTED).withK(6)).describe(z, 1);
        assertEquals(Route.PROJECTED, proj.route());
        assertEquals(exact.psi(), proj.latents().get(0).psi(), 1e-10);
        assertEquals(exact.nu(), proj.latents().get(0).nu(), 1e-10);
        assertThrows(IllegalArgumentException.class,
                () -> new Descriptors(g, o.withRoute(Route.PROJECTED).withK(7)));
    }

    @Test
    void nuAndPsiFollowMathMd() {
        SingularSpectrum s = new SingularSpectrum(new double[] {3, 1, 1e-9});
        double p1 = 3 / (4 + 1e-9) + 1e-30;
        double p2 = 1 / (4 + 1e-9) + 1e-30;
        double p3 = 1e-9 / (4 + 1e-9) + 1e-30;
        assertEquals(Math.exp(-(p1 * Math.log(p1) + p2 * Math.log(p2) + p3 * Math.log(p3))), s.nu(), 1e-12);
        assertEquals(Math.log(3), s.psi(1e-6), 1e-15, "1e-9 < 1e-6 * 3 is dropped");
        assertEquals(2, s.rank(1e-6));
        assertEquals(3, s.rank(1e-12));
        SingularSpectrum zero = new SingularSpectrum(new double[] {0, 0});
        assertEquals(0, zero.rank(1e-6));
        assertEquals(0.0, zero.psi(1e-6));
        assertEquals(1.0, zero.nu(), 1e-20);
    }

    /**
     * Layer 1 pre-activations at z are set to s_j with unit gradients, so neuron j changes sign on
     * the cross-polytope iff |s_j| < r max_i |a_j . b_i|, which lies in [r / sqrt 2, r] for E = P = 2:
     * |s| < r / sqrt 2 always changes, |s| > r never. Layer 2 reads only the always-active neuron 3
     * (locally affine) or the always-inactive neuron 2 (locally zero).
     */
    @Test
    void deltaCountsEnumerableSignChanges() {
        double r = 0.1;
        double[] z = {0.3, -0.2};
        double[] angle = {0.1, 1.3, 2.0, 2.9, 4.4};
        double[] s = {0.3 * r, -0.6 * r, -1.5 * r, 3 * r, 0.2 * r};
        float[] w1 = new float[10];
        float[] c1 = new float[5];
        for (int j = 0; j < 5; j++) {
            w1[2 * j] = (float) Math.cos(angle[j]);
            w1[2 * j + 1] = (float) Math.sin(angle[j]);
            c1[j] = (float) (s[j] - (w1[2 * j] * z[0] + w1[2 * j + 1] * z[1]));
        }
        float[] w2 = new float[20];
        float[] c2 = {(float) (-3 * r + 0.2 * r), (float) (-3 * r + 2 * r), -0.1f, 0.1f};
        w2[0 * 5 + 3] = 1;
        w2[1 * 5 + 3] = 1;
        w2[2 * 5 + 2] = 5;
        w2[3 * 5 + 2] = 5;
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2)
                .initializer("w1", new int[] {5, 2}, w1).initializer("c1", new int[] {5}, c1)
                .initializer("w2", new int[] {4, 5}, w2).initializer("c2", new int[] {4}, c2)
                .node("Gemm", "/l1", List.of("z", "w1", "c1"), "a1", Attr.i("transB", 1))
                .node("Relu", "/relu1", List.of("a1"), "h1")
                .node("Gemm", "/l2", List.of("h1", "w2", "c2"), "a2", Attr.i("transB", 1))
                .node("Relu", "/relu2", List.of("a2"), "y").output("y");
        for (long seed = 0; seed < 20; seed++) {
            DescriptorOptions o = DescriptorOptions.DEFAULTS.withPolytope(2, r, seed);
            DescriptorBatch b = new Descriptors(load(m, Precision.FLOAT32), o).describe(z, 1);
            assertEquals(List.of("/relu1", "/relu2"), b.layers());
            assertArrayEquals(new long[] {3, 1}, b.latents().get(0).deltaPerLayer(), "seed " + seed);
            assertEquals(4, b.latents().get(0).delta());
        }
    }

    @Test
    void badLatentsAreRejectedWithTheReason() {
        Generator g = load(linear(new double[] {1, 2, 3}), Precision.FLOAT32);
        Descriptors d = new Descriptors(g, DescriptorOptions.DEFAULTS.withPolytope(2, 0.01, 1));
        var wrongWidth = assertThrows(IllegalArgumentException.class, () -> d.describe(new double[] {1, 2, 3, 4}, 1));
        assertTrue(wrongWidth.getMessage().contains("latent dimension E = 3"), wrongWidth.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> d.describe(new double[] {1, Double.NaN, 3}, 1));
        assertTrue(nan.getMessage().contains("row 0, column 1 is NaN"), nan.getMessage());
        var bigP = assertThrows(IllegalArgumentException.class,
                () -> new Descriptors(g, DescriptorOptions.DEFAULTS.withPolytope(4, 0.01, 1)));
        assertTrue(bigP.getMessage().contains("P <= 3"), bigP.getMessage());
    }

    /** A conv then one nonlinearity op, built twice from the same weights. */
    private static OnnxModelBuilder convThen(String op, float slope) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(61);
        float[] w = new float[3 * 2 * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5);
        }
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2, 4, 4).initializer("w", new int[] {3, 2, 3, 3}, w)
                .node("Conv", "/conv", List.of("z", "w"), "c", Attr.ints("pads", 1, 1, 1, 1));
        if (op.equals("PRelu")) {
            m.initializer("slope", new int[] {3, 1, 1}, new float[] {slope, slope, slope})
                    .node("PRelu", "/act", List.of("c", "slope"), "y");
        } else {
            m.node("LeakyRelu", "/act", List.of("c"), "y", Attr.f("alpha", slope));
        }
        return m.output("y");
    }

    @Test
    void preluCountsTheSameNeuronsAsLeakyRelu() {
        // PRelu is imported as x + (1 - slope) relu(-x): its one ReLU layer must count what LeakyRelu does.
        double[] z = io.geomlens.testing.Close.gaussian(new java.util.SplittableRandom(5), 6 * 32, 1.0);
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withPolytope(4, 0.3, 2);
        DescriptorBatch p = new Descriptors(load(convThen("PRelu", 0.2f), Precision.FLOAT64), o).describe(z, 6);
        DescriptorBatch l = new Descriptors(load(convThen("LeakyRelu", 0.2f), Precision.FLOAT64), o).describe(z, 6);
        long total = 0;
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(l.latents().get(i).deltaPerLayer(), p.latents().get(i).deltaPerLayer(), "latent " + i);
            assertEquals(l.latents().get(i).psi(), p.latents().get(i).psi(), 1e-9, "psi " + i);
            total += p.latents().get(i).delta();
        }
        assertTrue(total > 0, "the polytopes cross some kinks");
    }

    @Test
    void normalizationArithmeticIsNotCountedAsNeurons() {
        // Pow, Sqrt and Reciprocal compute statistics; only the activations are layers of delta.
        assertEquals(List.of("/act"), load(io.geomlens.testing.TestModels.layerNormDecomposed(), Precision.FLOAT64)
                .layerNames());
        assertEquals(List.of("/map0/act"), load(io.geomlens.testing.TestModels.pixelNorm(), Precision.FLOAT64)
                .layerNames());
        assertEquals(List.of(), load(io.geomlens.testing.TestModels.elementary(), Precision.FLOAT64).layerNames());
    }

    @Test
    void pixelNormRemovesTheRadialDirection() {
        // G(z) = S(z / rms(z)) is constant along z itself, so J z = 0 (up to the 1e-8 in the rms):
        // numeric rank E - 1 on the exact route, for every latent.
        Generator g = load(io.geomlens.onnx.StyleGanLite.build(151, 8, 4), Precision.FLOAT64);
        double[] z = io.geomlens.testing.Close.gaussian(new java.util.SplittableRandom(8), 4 * 8, 1.0);
        DescriptorBatch b = new Descriptors(g, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withComplexity(false))
                .describe(z, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(7, b.latents().get(i).rank(), "latent " + i);
        }
    }

    @Test
    void aJacobianThatOverflowsFloat32IsAnErrorNotANaN() {
        int n = 4;
        OnnxModelBuilder m = io.geomlens.testing.TestModels.float32Overflow(n);
        double[] z = {0.1, -0.2, 0.3, 0.4, 0.5, 0.6, -0.7, 0.8};
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.EXACT);
        var e = assertThrows(IllegalStateException.class,
                () -> new Descriptors(load(m, Precision.FLOAT32), o).describe(z, 2));
        assertTrue(e.getMessage().contains("Jacobian at latent 0 is not finite") && e.getMessage().contains("cpu64"),
                e.getMessage());
        DescriptorBatch ok = new Descriptors(load(m, Precision.FLOAT64), o).describe(z, 2);
        assertEquals(n * Math.log(1e40), ok.latents().get(1).psi(), 1e-9 * n * Math.log(1e40));
    }
}
