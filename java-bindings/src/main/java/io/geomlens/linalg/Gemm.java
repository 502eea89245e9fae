package io.geomlens.linalg;

import java.util.stream.IntStream;

/**
 * Row-major double GEMM, C[m,n] (+)= A[m,k] * B[k,n], the i-k-j loop order so the inner loop
 * streams rows of B and C (the JIT vectorizes it). Large products split rows across cores.
 */
public final class Gemm {
    private static final long PARALLEL_FLOPS = 1L << 18;

    private Gemm() {}

    public static void multiply(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                                int m, int n, int k, boolean accumulate) {
        if ((long) m * n * k >= PARALLEL_FLOPS && m > 1) {
            int blocks = Math.min(m, 4 * Runtime.getRuntime().availableProcessors());
            IntStream.range(0, blocks).parallel().forEach(blk -> {
                int lo = (int) ((long) m * blk / blocks);
                int hi = (int) ((long) m * (blk + 1) / blocks);
                rows(a, aOff, b, bOff, c, cOff, lo, hi, n, k, accumulate);
            });
        } else {
            rows(a, aOff, b, bOff, c, cOff, 0, m, n, k, accumulate);
        }
    }

    private static void rows(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                             int lo, int hi, int n, int k, boolean accumulate) {
        for (int i = lo; i < hi; i++) {
            int ci = cOff + i * n;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0.0);
            }
            int ai = aOff + i * k;
            for (int p = 0; p < k; p++) {
                double av = a[ai + p];
                if (av == 0.0) {
                    continue;
                }
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /** Transpose of a row-major rows x cols matrix. */
    public static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
