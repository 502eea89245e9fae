package io.geomlens.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32-arithmetic kernel of the CPU backend's float32 mode, as a float32 GPU GEMM computes:
 * twice the lanes of {@link VectorGemmKernel} per instruction. For each block of KC products, NC
 * columns of B are converted once into float panels of NR columns (reused by every row of A) and
 * MC rows of A into float strips of MR rows (reused across those panels); a 4 x (2 vectors) tile
 * of C accumulates the block in float registers and is then added to C in double. So every element
 * of C is the double sum, in block order, of float fused multiply-add chains over 256 products;
 * {@link ScalarFloatGemmKernel} computes exactly that, and every path here (tiles, single rows,
 * zero-padded last panels) gives the same bits whatever the split across threads.
 */
final class FloatGemmKernel implements GemmKernel {
    static final int KC = 256;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MR = 4;
    /** Rows of A packed at a time (a multiple of MR): 64 KB of floats, reused across an NC block's panels. */
    private static final int MC = 64;
    /** Columns of B packed at a time (a multiple of NR): 1 MB of floats, reused by every row of A. */
    private static final int NC = 1024;
    /** Doubles converted per vector, into half a float vector's width. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> H =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int HALF = D.length();

    @Override
    public void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                      int iLo, int iHi, int jLo, int jHi, boolean accumulate) {
        if (!accumulate) {
            for (int i = iLo; i < iHi; i++) {
                java.util.Arrays.fill(c, cOff + i * n + jLo, cOff + i * n + jHi, 0.0);
            }
        }
        // Buffers sized to this block (a small conv's GEMM must not zero a full-size panel per call).
        int kcMax = Math.min(KC, k);
        float[] packed = new float[kcMax * NR * ((Math.min(NC, jHi - jLo) + NR - 1) / NR)];
        float[] strips = strips(kcMax, iHi - iLo);
        float[] acc = new float[MR * NR];
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int j0 = jLo; j0 < jHi; j0 += NC) {
                int j1 = Math.min(jHi, j0 + NC);
                for (int j = j0; j < j1; j += NR) {   // the last panel may be partial: zero-padded
                    packPanel(b, bOff + p0 * n + j, n, kc, Math.min(NR, j1 - j), packed, (j - j0) / NR * kcMax * NR);
                }
                rows(a, aOff, k, p0, kc, iLo, iHi, packed, 0, kcMax, j0, j1, c, cOff, n, strips, acc);
            }
        }
    }

    /** B converted once, for all the row blocks (each would otherwise convert all of B). */
    @Override
    public RowBlocks byRows(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                            boolean accumulate) {
        float[] all = packAll(b, bOff, n, k);
        return (iLo, iHi) -> blockRows(a, aOff, all, c, cOff, n, k, iLo, iHi, accumulate);
    }

    /** B as float panels, every block of KC products over all n columns. */
    private static float[] packAll(double[] b, int bOff, int n, int k) {
        int kcMax = Math.min(KC, k);
        int panels = (n + NR - 1) / NR;
        float[] all = new float[(k + KC - 1) / KC * panels * kcMax * NR];
        for (int p0 = 0, q = 0; p0 < k; p0 += KC, q++) {
            for (int j = 0; j < n; j += NR) {
                packPanel(b, bOff + p0 * n + j, n, Math.min(KC, k - p0), Math.min(NR, n - j), all,
                        (q * panels + j / NR) * kcMax * NR);
            }
        }
        return all;
    }

    /** Rows [iLo, iHi) of C, all n columns, from B as {@link #packAll} converted it: the same bits as block. */
    private static void blockRows(double[] a, int aOff, float[] all, double[] c, int cOff, int n, int k, int iLo,
                                  int iHi, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, cOff + iLo * n, cOff + iHi * n, 0.0);
        }
        int kcMax = Math.min(KC, k);
        int panels = (n + NR - 1) / NR;
        float[] strips = strips(kcMax, iHi - iLo);
        float[] acc = new float[MR * NR];
        for (int p0 = 0, q = 0; p0 < k; p0 += KC, q++) {
            rows(a, aOff, k, p0, Math.min(KC, k - p0), iLo, iHi, all, q * panels * kcMax * NR, kcMax, 0, n, c, cOff,
                    n, strips, acc);
        }
    }

    private static float[] strips(int kcMax, int rows) {
        return new float[kcMax * Math.min(MC, (rows + MR - 1) / MR * MR)];
    }

    /** One block of kc products for rows [iLo, iHi) and columns [j0, j1), whose panels start at base. */
    private static void rows(double[] a, int aOff, int k, int p0, int kc, int iLo, int iHi, float[] packed, int base,
                             int kcMax, int j0, int j1, double[] c, int cOff, int n, float[] strips, float[] acc) {
        for (int i0 = iLo; i0 < iHi; i0 += MC) {
            int i1 = Math.min(iHi, i0 + MC);
            packRows(a, aOff, k, p0, kc, i0, i1, strips);
            for (int j = j0; j < j1; j += NR) {
                int width = Math.min(NR, j1 - j);
                int panel = base + (j - j0) / NR * kcMax * NR;
                for (int i = i0; i < i1; i += MR) {
                    int rows = Math.min(MR, i1 - i);
                    int at = (i - i0) * kc;   // this strip's start: MR rows interleaved per p
                    if (rows == MR) {
                        tile(strips, at, packed, panel, kc, acc);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            row(strips, at, r, packed, panel, kc, acc);
                        }
                    }
                    for (int r = 0; r < rows; r++) {
                        addTo(c, cOff + (i + r) * n + j, acc, r * NR, width);
                    }
                }
            }
        }
    }

    /** c[ci + q] += acc[ai + q] in double for q < width (converted a vector at a time when the panel is whole). */
    private static void addTo(double[] c, int ci, float[] acc, int ai, int width) {
        if (width < NR) {
            for (int q = 0; q < width; q++) {
                c[ci + q] += acc[ai + q];
            }
            return;
        }
        for (int q = 0; q < NR; q += HALF) {
            DoubleVector sum = (DoubleVector) FloatVector.fromArray(H, acc, ai + q)
                    .convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, c, ci + q).add(sum).intoArray(c, ci + q);
        }
    }

    /** Rows [i0, i1) of A's columns [p0, p0 + kc) as float strips of MR rows, the rows of a strip interleaved per p. */
    private static void packRows(double[] a, int aOff, int k, int p0, int kc, int i0, int i1, float[] strips) {
        for (int i = i0; i < i1; i += MR) {
            int rows = Math.min(MR, i1 - i);
            int at = (i - i0) * kc;
            for (int r = 0; r < rows; r++) {
                int from = aOff + (i + r) * k + p0;
                for (int p = 0; p < kc; p++) {
                    strips[at + p * MR + r] = (float) a[from + p];
                }
            }
        }
    }

    /**
     * kc rows of `width` columns of B (rows n apart from `from`) as floats, NR per row (a vector at
     * a time when whole; zeros past width, whose products are never stored).
     */
    private static void packPanel(double[] b, int from, int n, int kc, int width, float[] panel, int to) {
        if (width < NR) {
            for (int p = 0; p < kc; p++) {
                for (int q = 0; q < NR; q++) {
                    panel[to + p * NR + q] = q < width ? (float) b[from + p * n + q] : 0f;
                }
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int src = from + p * n;
            for (int q = 0; q < NR; q += HALF) {
                ((FloatVector) DoubleVector.fromArray(D, b, src + q).convertShape(VectorOperators.D2F, H, 0))
                        .intoArray(panel, to + p * NR + q);
            }
        }
    }

    /** The MR = 4 rows of a strip times the panel's NR columns, over kc rows, into acc (row-major MR x NR). */
    private static void tile(float[] strip, int at, float[] panel, int pt, int kc, float[] acc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, panel, pt + p * NR);
            FloatVector b1 = FloatVector.fromArray(S, panel, pt + p * NR + L);
            int s = at + p * MR;
            FloatVector x = FloatVector.broadcast(S, strip[s]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, strip[s + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, strip[s + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, strip[s + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, 1 * NR);
        c11.intoArray(acc, 1 * NR + L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
    }

    /** Row r of the strip times the panel, into row r of acc. */
    private static void row(float[] strip, int at, int r, float[] panel, int pt, int kc, float[] acc) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.broadcast(S, strip[at + p * MR + r]);
            c0 = x.fma(FloatVector.fromArray(S, panel, pt + p * NR), c0);
            c1 = x.fma(FloatVector.fromArray(S, panel, pt + p * NR + L), c1);
        }
        c0.intoArray(acc, r * NR);
        c1.intoArray(acc, r * NR + L);
    }

    @Override
    public String name() {
        return "float32 vector (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public boolean splitsColumns() {
        return true;
    }
}
