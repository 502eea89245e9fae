package io.geomlens.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A register-tiled kernel on the Vector API: a 4 x (2 vectors) tile of C stays in registers
 * while p runs over a block of KC rows of B, copied once into a contiguous panel (B's own rows
 * are n apart: a power-of-two n would map them all onto one set of the L1 cache). Loaded only
 * when the JVM resolves jdk.incubator.vector (see Gemm).
 */
final class VectorGemmKernel implements GemmKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MR = 4;
    private static final int KC = 256;

    @Override
    public void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                      int iLo, int iHi, int jLo, int jHi, boolean accumulate) {
        if (k == 0) {
            zeroUnlessAccumulating(c, cOff, n, iLo, iHi, jLo, jHi, accumulate);
            return;
        }
        // Fewer rows than a tile (a matrix-vector product, say): no panel is reused, so none is copied.
        boolean tiles = iHi - iLo >= MR;
        double[] panel = tiles ? new double[KC * NR] : null;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean load = accumulate || p0 > 0;
            int j = jLo;
            for (; j + NR <= jHi; j += NR) {
                if (!tiles) {
                    for (int i = iLo; i < iHi; i++) {
                        row(a, aOff + i * k + p0, b, bOff + p0 * n + j, n, kc, c, cOff + i * n + j, load);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, bOff + (p0 + p) * n + j, panel, p * NR, NR);
                }
                int i = iLo;
                for (; i + MR <= iHi; i += MR) {
                    tile(a, aOff + i * k + p0, k, panel, kc, c, cOff + i * n + j, n, load);
                }
                for (; i < iHi; i++) {
                    row(a, aOff + i * k + p0, panel, 0, NR, kc, c, cOff + i * n + j, load);
                }
            }
            for (; j < jHi; j++) {   // the last columns, fewer than a tile: one fma chain each
                for (int i = iLo; i < iHi; i++) {
                    int ci = cOff + i * n + j;
                    int ai = aOff + i * k + p0;
                    double s = load ? c[ci] : 0.0;
                    for (int p = 0; p < kc; p++) {
                        s = Math.fma(a[ai + p], b[bOff + (p0 + p) * n + j], s);
                    }
                    c[ci] = s;
                }
            }
        }
    }

    /** Four rows of C (n apart from ci) times NR columns, over kc rows of the panel. */
    private static void tile(double[] a, int ai, int k, double[] panel, int kc, double[] c, int ci, int n,
                             boolean load) {
        DoubleVector c00 = start(c, ci, load), c01 = start(c, ci + L, load);
        DoubleVector c10 = start(c, ci + n, load), c11 = start(c, ci + n + L, load);
        DoubleVector c20 = start(c, ci + 2 * n, load), c21 = start(c, ci + 2 * n + L, load);
        DoubleVector c30 = start(c, ci + 3 * n, load), c31 = start(c, ci + 3 * n + L, load);
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, panel, p * NR);
            DoubleVector b1 = DoubleVector.fromArray(S, panel, p * NR + L);
            DoubleVector x = DoubleVector.broadcast(S, a[ai + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[ai + k + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[ai + 2 * k + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[ai + 3 * k + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + n);
        c11.intoArray(c, ci + n + L);
        c20.intoArray(c, ci + 2 * n);
        c21.intoArray(c, ci + 2 * n + L);
        c30.intoArray(c, ci + 3 * n);
        c31.intoArray(c, ci + 3 * n + L);
    }

    /** One row of C times NR columns of B's rows, which start at bo and lie stride apart. */
    private static void row(double[] a, int ai, double[] b, int bo, int stride, int kc, double[] c, int ci,
                            boolean load) {
        DoubleVector c0 = start(c, ci, load), c1 = start(c, ci + L, load);
        for (int p = 0; p < kc; p++) {
            DoubleVector x = DoubleVector.broadcast(S, a[ai + p]);
            c0 = x.fma(DoubleVector.fromArray(S, b, bo + p * stride), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, bo + p * stride + L), c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
    }

    private static DoubleVector start(double[] c, int ci, boolean load) {
        return load ? DoubleVector.fromArray(S, c, ci) : DoubleVector.zero(S);
    }

    private static void zeroUnlessAccumulating(double[] c, int cOff, int n, int iLo, int iHi, int jLo, int jHi,
                                       boolean accumulate) {
        if (!accumulate) {
            for (int i = iLo; i < iHi; i++) {
                java.util.Arrays.fill(c, cOff + i * n + jLo, cOff + i * n + jHi, 0.0);
            }
        }
    }

    @Override
    public String name() {
        return "vector (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public boolean splitsColumns() {
        return true;
    }
}
