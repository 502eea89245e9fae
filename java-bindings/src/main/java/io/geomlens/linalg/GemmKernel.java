package io.geomlens.linalg;

/**
 * One block of a row-major GEMM: C[i, j] (+)= sum_p A[i, p] B[p, j] for rows [iLo, iHi) and
 * columns [jLo, jHi), A being m x k and B, C k x n. Every implementation computes each C element
 * as one chain of fused multiply-adds over p = 0..k-1 starting from 0 (or from C when
 * accumulating), so they agree bit for bit, whatever the blocking, the split across threads or
 * the batch a row belongs to.
 */
interface GemmKernel {
    void block(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n, int k,
               int iLo, int iHi, int jLo, int jHi, boolean accumulate);

    String name();

    /**
     * Whether threads should split a wide C by columns: a kernel that copies panels of B per block
     * would otherwise copy all of B once per thread; one that streams whole rows of B would get
     * shorter inner loops.
     */
    boolean splitsColumns();
}
