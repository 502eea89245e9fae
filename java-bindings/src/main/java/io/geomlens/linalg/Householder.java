package io.geomlens.linalg;

/**
 * Householder QR of a tall m x n matrix (m >= n) in float64. Columns are stored contiguously
 * so each reflection streams memory; R then feeds the Jacobi SVD, Q gives orthonormal frames.
 */
public final class Householder {
    private final int m;
    private final int n;
    private final double[][] cols;   // reflected columns: R above the diagonal, v below
    private final double[] diag;     // R's diagonal
    private final double[] beta;     // 2 / (v^T v) for each reflector

    /** @param a row-major m x n, m >= n */
    public Householder(double[] a, int m, int n) {
        if (m < n) {
            throw new IllegalArgumentException("QR needs rows >= cols, got " + m + " x " + n);
        }
        this.m = m;
        this.n = n;
        cols = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                cols[j][i] = a[i * n + j];
            }
        }
        diag = new double[n];
        beta = new double[n];
        for (int k = 0; k < n; k++) {
            double[] x = cols[k];
            double norm = Norm.euclidean(x, k, m);
            if (norm == 0) {
                diag[k] = 0;
                beta[k] = 0;
                continue;
            }
            double alpha = x[k] > 0 ? -norm : norm;
            x[k] -= alpha;                      // v = x - alpha e_k, stored in place
            double vtv = 0;
            for (int i = k; i < m; i++) {
                vtv += x[i] * x[i];
            }
            beta[k] = 2.0 / vtv;
            diag[k] = alpha;
            for (int j = k + 1; j < n; j++) {
                reflect(k, cols[j]);
            }
        }
    }

    private void reflect(int k, double[] y) {
        double[] v = cols[k];
        double dot = 0;
        for (int i = k; i < m; i++) {
            dot += v[i] * y[i];
        }
        double s = beta[k] * dot;
        for (int i = k; i < m; i++) {
            y[i] -= s * v[i];
        }
    }

    /** R, row-major n x n upper triangular. */
    public double[] r() {
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            r[j * n + j] = diag[j];
            for (int i = 0; i < j; i++) {
                r[i * n + j] = cols[j][i];
            }
        }
        return r;
    }

    /** Thin Q, returned transposed: n x m row-major, i.e. n orthonormal rows of length m. */
    public double[] qTransposed() {
        double[] qt = new double[n * m];
        double[] e = new double[m];
        for (int j = 0; j < n; j++) {
            java.util.Arrays.fill(e, 0.0);
            e[j] = 1.0;
            for (int k = n - 1; k >= 0; k--) {
                if (beta[k] != 0) {
                    reflect(k, e);
                }
            }
            System.arraycopy(e, 0, qt, j * m, m);
        }
        return qt;
    }
}
