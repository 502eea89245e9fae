package io.geomlens.linalg;

/**
 * Eigen-decomposition of a small symmetric matrix in float64 by cyclic Jacobi rotations:
 * accurate for small eigenvalues and simple enough to trust as a reference. O(n^3) per sweep,
 * meant for n up to a few hundred (the exact metric spectrum, Lanczos' tridiagonal T).
 */
public final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    private final double[] values;
    private final double[] vectors;
    private final int n;

    /** @param a row-major symmetric n x n (only read, not modified) */
    public SymmetricEigen(double[] a, int n) {
        this.n = n;
        double[] m = a.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1.0;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += m[i * n + i] * m[i * n + i];
                for (int j = i + 1; j < n; j++) {
                    off += m[i * n + j] * m[i * n + j];
                }
            }
            if (off <= 1e-32 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
        // Sort descending, eigenvectors as rows.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y * n + y], m[x * n + x]));
        values = new double[n];
        vectors = new double[n * n];
        for (int r = 0; r < n; r++) {
            int c = order[r];
            values[r] = m[c * n + c];
            for (int i = 0; i < n; i++) {
                vectors[r * n + i] = v[i * n + c];
            }
        }
    }

    private void rotate(double[] m, double[] v, int p, int q) {
        double apq = m[p * n + q];
        if (apq == 0) {
            return;
        }
        double app = m[p * n + p];
        double aqq = m[q * n + q];
        double theta = (aqq - app) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double mkp = m[k * n + p];
            double mkq = m[k * n + q];
            m[k * n + p] = c * mkp - s * mkq;
            m[k * n + q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) {
            double mpk = m[p * n + k];
            double mqk = m[q * n + k];
            m[p * n + k] = c * mpk - s * mqk;
            m[q * n + k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /** Eigenvalues, descending. */
    public double[] values() {
        return values.clone();
    }

    /** Unit eigenvectors as rows (row r belongs to values()[r]), row-major n x n. */
    public double[] vectors() {
        return vectors.clone();
    }
}
