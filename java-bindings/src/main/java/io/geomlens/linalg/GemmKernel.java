package io.geomlens.linalg;

/**
 * One block of a row-major GEMM: C[i, j] (+)= sum_p A[i, p] B[p, j] for rows [iLo, iHi) and
 * columns [jLo, jHi), A being m x k and B, C k x n. Each element of C has one fixed order of
 * operations per arithmetic (double: one fused multiply-add chain over p = 0..k-1 from 0, or from
 * C when accumulating; float32: see FloatGemmKernel), so kernels of the same arithmetic agree bit
 * for bit, whatever the blocking, the split across threads or the batch a row belongs to.
 */
interface GemmKernel {
    void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
               int iLo, int iHi, int jLo, int jHi, boolean accumulate);

    /** Computes rows [iLo, iHi) of C, all columns: one block of a product split by rows. */
    interface RowBlocks {
        void rows(int iLo, int iHi);
    }

    /**
     * A product about to be split by rows across threads: by default each row block is a block
     * call; a kernel that converts B may do so once here for all of them.
     */
    default RowBlocks byRows(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
                             boolean accumulate) {
        return (iLo, iHi) -> block(a, aOff, b, bOff, c, cOff, n, k, iLo, iHi, 0, n, accumulate);
    }

    String name();

    /**
     * Whether threads should split a wide C by columns: a kernel that copies panels of B per block
     * would otherwise copy all of B once per thread; one that streams whole rows of B would get
     * shorter inner loops.
     */
    boolean splitsColumns();
}
