package io.geomlens.linalg;

import java.util.SplittableRandom;

/** Seeded random frames: k orthonormal rows in R^n, from the QR of a Gaussian n x k matrix. */
public final class Orthonormal {
    private Orthonormal() {}

    /** Row-major k x n with orthonormal rows; the same (k, n, seed) always gives the same frame. */
    public static double[] rows(int k, int n, long seed) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("cannot fit " + k + " orthonormal rows in dimension " + n
                    + "; choose 1 <= k <= " + n);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] g = new double[n * k];
        for (int i = 0; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        return new Householder(g, n, k).qTransposed();
    }
}
