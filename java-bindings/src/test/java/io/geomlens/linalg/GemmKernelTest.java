package io.geomlens.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU GEMM kernels, alone and split across threads by Gemm, against their definitions, bit
 * for bit: in double arithmetic one fused multiply-add chain over p per element; in float32
 * arithmetic one float chain per block of 256 products, the blocks summed in double. The shapes
 * cover the tile edges (rows not a multiple of 4, columns not a multiple of 16 or 32, k past the
 * 256-row panel), splits by rows and by columns, k = 0, offsets into larger arrays and accumulation into C.
 */
class GemmKernelTest {
    private static final int A_OFF = 3;
    private static final int B_OFF = 5;
    private static final int C_OFF = 7;
    private static final double SENTINEL = -12345.5;

    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(3, 5, 0), Arguments.of(4, 16, 8), Arguments.of(7, 37, 13),
                Arguments.of(9, 33, 300), Arguments.of(64, 200, 520), Arguments.of(130, 17, 40),
                Arguments.of(5, 1000, 70), Arguments.of(300, 40, 65), Arguments.of(2, 1000, 200),
                Arguments.of(3, 40, 300), Arguments.of(200, 24, 300),
                Arguments.of(300, 70, 300));
    }

    static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @ParameterizedTest(name = "scalar {0}x{1}x{2}")
    @MethodSource("shapes")
    void scalarKernelIsTheDefinition(int m, int n, int k) {
        check(new ScalarGemmKernel(), m, n, k);
    }

    @ParameterizedTest(name = "vector {0}x{1}x{2}")
    @MethodSource("shapes")
    void vectorKernelIsTheDefinition(int m, int n, int k) {
        assumeTrue(vectorApi(), "jdk.incubator.vector is not resolved (run with --add-modules jdk.incubator.vector)");
        check(new VectorGemmKernel(), m, n, k);
    }

    @ParameterizedTest(name = "scalar float32 {0}x{1}x{2}")
    @MethodSource("shapes")
    void scalarFloatKernelIsTheDefinition(int m, int n, int k) {
        check(new ScalarFloatGemmKernel(), m, n, k);
    }

    @ParameterizedTest(name = "vector float32 {0}x{1}x{2}")
    @MethodSource("shapes")
    void floatVectorKernelIsTheDefinition(int m, int n, int k) {
        assumeTrue(vectorApi(), "jdk.incubator.vector is not resolved (run with --add-modules jdk.incubator.vector)");
        check(new FloatGemmKernel(), m, n, k);
    }

    /** Float32 arithmetic rounds as float32: it differs from the double product, within float32's bound. */
    @Test
    void floatArithmeticRoundsAsFloat32() {
        int m = 8;
        int n = 40;
        int k = 600;
        SplittableRandom rnd = new SplittableRandom(5);
        double[] a = rnd.doubles(m * k, -1, 1).toArray();
        double[] b = rnd.doubles(k * n, -1, 1).toArray();
        double[] exact = new double[m * n];
        double[] f32 = new double[m * n];
        Gemm.multiply(new ScalarGemmKernel(), a, 0, b, 0, exact, 0, m, n, k, false);
        Gemm.multiply(new ScalarFloatGemmKernel(), a, 0, b, 0, f32, 0, m, n, k, false);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    magnitude += Math.abs(a[i * k + p] * b[p * n + j]);
                }
                // operands rounded to float32 (2u), chains of at most 256 float fmas (256u), u = 2^-24
                double err = Math.abs(f32[i * n + j] - exact[i * n + j]);
                assertTrue(err <= 258 * 0x1p-24 * magnitude, "element " + i + "," + j + ": error " + err);
                worst = Math.max(worst, err);
            }
        }
        assertTrue(worst > 1e-9, "float32 arithmetic gave double-accurate results (worst error " + worst + ")");
    }

    private static void check(GemmKernel kernel, int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k);
        double[] a = padded(rnd, A_OFF, m * k);
        double[] b = padded(rnd, B_OFF, k * n);
        for (boolean accumulate : new boolean[] {false, true}) {
            double[] c = padded(rnd, C_OFF, m * n);
            double[] expected = c.clone();
            if (kernel instanceof FloatGemmKernel || kernel instanceof ScalarFloatGemmKernel) {
                floatDefinition(a, b, expected, m, n, k, accumulate);
            } else {
                definition(a, b, expected, m, n, k, accumulate);
            }
            double[] single = c.clone();
            kernel.block(a, A_OFF, b, B_OFF, single, C_OFF, n, k, 0, m, 0, n, accumulate);
            assertArrayEquals(expected, single, 0.0, kernel.name() + " one block, accumulate=" + accumulate);
            double[] split = c.clone();
            Gemm.multiply(kernel, a, A_OFF, b, B_OFF, split, C_OFF, m, n, k, accumulate);
            assertArrayEquals(expected, split, 0.0, kernel.name() + " split by Gemm, accumulate=" + accumulate);
            assertEquals(SENTINEL, split[split.length - 1], "past the end of C");
        }
    }

    /** offset values before the matrix, one sentinel after it, so a write out of place shows. */
    private static double[] padded(SplittableRandom rnd, int offset, int size) {
        double[] x = new double[offset + size + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = i >= offset && i < offset + size ? rnd.nextDouble(-1, 1) : SENTINEL;
        }
        return x;
    }

    private static void definition(double[] a, double[] b, double[] c, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[C_OFF + i * n + j] : 0.0;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[A_OFF + i * k + p], b[B_OFF + p * n + j], s);
                }
                c[C_OFF + i * n + j] = s;
            }
        }
    }

    private static void floatDefinition(double[] a, double[] b, double[] c, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[C_OFF + i * n + j] : 0.0;
                for (int p0 = 0; p0 < k; p0 += 256) {
                    float chain = 0f;
                    for (int p = p0; p < Math.min(k, p0 + 256); p++) {
                        chain = Math.fma((float) a[A_OFF + i * k + p], (float) b[B_OFF + p * n + j], chain);
                    }
                    s += chain;
                }
                c[C_OFF + i * n + j] = s;
            }
        }
    }

    @Test
    void kernelChoiceByProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.Kernels.of("fast", true));
        assertTrue(e.getMessage().contains("-Dgeomlens.cpuGemm=fast") && e.getMessage().contains("float32"),
                e.getMessage());
        assertKernels(Gemm.Kernels.of("auto", true), VectorGemmKernel.class, VectorGemmKernel.class);
        assertKernels(Gemm.Kernels.of("auto", false), ScalarGemmKernel.class, ScalarGemmKernel.class);
        assertKernels(Gemm.Kernels.of("scalar", true), ScalarGemmKernel.class, ScalarGemmKernel.class);
        assertKernels(Gemm.Kernels.of("float32", true), VectorGemmKernel.class, FloatGemmKernel.class);
        assertKernels(Gemm.Kernels.of("float32", false), ScalarGemmKernel.class, ScalarFloatGemmKernel.class);
    }

    private static void assertKernels(Gemm.Kernels k, Class<?> float64, Class<?> float32) {
        assertEquals(float64, k.float64().getClass());
        assertEquals(float32, k.float32().getClass());
    }
}
