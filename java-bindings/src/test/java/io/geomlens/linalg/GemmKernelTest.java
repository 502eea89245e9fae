package io.geomlens.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both CPU GEMM kernels, alone and split across threads by Gemm, against the definition: one
 * fused multiply-add chain over p per element, so the comparison is bit for bit. The shapes cover
 * the tile edges (rows not a multiple of 4, columns not a multiple of 16, k past the 256-row
 * panel), k = 0, offsets into larger arrays and accumulation into C.
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
                Arguments.of(3, 40, 300));
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

    private static void check(GemmKernel kernel, int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k);
        double[] a = padded(rnd, A_OFF, m * k);
        double[] b = padded(rnd, B_OFF, k * n);
        for (boolean accumulate : new boolean[] {false, true}) {
            double[] c = padded(rnd, C_OFF, m * n);
            double[] expected = c.clone();
            definition(a, b, expected, m, n, k, accumulate);
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
}
