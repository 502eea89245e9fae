package io.geomlens.metric;

/** A matrix-free symmetric operator on R^n, applied to m vectors at once (rows of v). */
public interface SymmetricOperator {
    int dimension();

    /** A v for m row vectors v (m x n, row-major): m x n. */
    double[] apply(double[] v, int m);
}
