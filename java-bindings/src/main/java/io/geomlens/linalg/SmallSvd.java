package io.geomlens.linalg;

import java.util.Arrays;

/**
 * Singular values of a small dense matrix in float64, as MATH.md asks for psi: QR first (so the
 * work is on the r x r factor R, r = min(rows, cols)), then one-sided Jacobi on R's columns,
 * which keeps small singular values to high relative accuracy (no Gram matrix is formed).
 */
public final class SmallSvd {
    private static final int MAX_SWEEPS = 60;

    private SmallSvd() {}

    /** Singular values of row-major rows x cols a, descending, min(rows, cols) of them. */
    public static double[] singularValues(double[] a, int rows, int cols) {
        if (rows < cols) {
            return singularValues(Gemm.transpose(a, rows, cols), cols, rows);
        }
        int n = cols;
        double[] r = new Householder(a, rows, cols).r();
        // Work on columns of R (column-major copy), rotating pairs until all are orthogonal.
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[j][i] = r[i * n + j];
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotated |= rotate(c[p], c[q]);
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] s = new double[n];
        for (int j = 0; j < n; j++) {
            s[j] = Norm.euclidean(c[j], 0, c[j].length);
        }
        Arrays.sort(s);
        for (int i = 0; i < n / 2; i++) {
            double t = s[i];
            s[i] = s[n - 1 - i];
            s[n - 1 - i] = t;
        }
        return s;
    }

    /** One Jacobi rotation making columns x and y orthogonal; false when they already are. */
    private static boolean rotate(double[] x, double[] y) {
        double alpha = 0;
        double beta = 0;
        double gamma = 0;
        for (int i = 0; i < x.length; i++) {
            alpha += x[i] * x[i];
            beta += y[i] * y[i];
            gamma += x[i] * y[i];
        }
        if (gamma == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
            return false;
        }
        double zeta = (beta - alpha) / (2 * gamma);
        double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        if (zeta == 0) {
            t = 1;
        }
        double cs = 1 / Math.sqrt(1 + t * t);
        double sn = cs * t;
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            double yi = y[i];
            x[i] = cs * xi - sn * yi;
            y[i] = sn * xi + cs * yi;
        }
        return true;
    }
}
