package io.geomlens.linalg;

/**
 * The float32 arithmetic of {@link FloatGemmKernel} without the Vector API (its fallback, and the
 * definition the tests hold it to): per block of {@link FloatGemmKernel#KC} products, a float
 * fused multiply-add chain from 0 for each element of C, then added to C in double.
 */
final class ScalarFloatGemmKernel implements GemmKernel {
    @Override
    public void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                      int iLo, int iHi, int jLo, int jHi, boolean accumulate) {
        float[] acc = new float[jHi - jLo];
        for (int i = iLo; i < iHi; i++) {
            int ci = cOff + i * n;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci + jLo, ci + jHi, 0.0);
            }
            for (int p0 = 0; p0 < k; p0 += FloatGemmKernel.KC) {
                java.util.Arrays.fill(acc, 0f);
                int pEnd = Math.min(k, p0 + FloatGemmKernel.KC);
                for (int p = p0; p < pEnd; p++) {
                    float av = (float) a[aOff + i * k + p];
                    int bp = bOff + p * n + jLo;
                    for (int j = 0; j < acc.length; j++) {
                        acc[j] = Math.fma(av, (float) b[bp + j], acc[j]);
                    }
                }
                for (int j = 0; j < acc.length; j++) {
                    c[ci + jLo + j] += acc[j];
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar float32";
    }

    @Override
    public boolean splitsColumns() {
        return false;
    }
}
