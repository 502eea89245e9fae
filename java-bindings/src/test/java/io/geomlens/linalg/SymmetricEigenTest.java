package io.geomlens.linalg;

import static io.geomlens.testing.Close.assertClose;

import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void recoversKnownSpectrumAndVectors() {
        int n = 7;
        double[] lambda = {9, 4, 2.5, 1, 1e-3, -0.5, -3};
        double[] q = Orthonormal.rows(n, n, 11);   // rows: eigenvectors
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int r = 0; r < n; r++) {
                    a[i * n + j] += q[r * n + i] * lambda[r] * q[r * n + j];
                }
            }
        }
        SymmetricEigen e = new SymmetricEigen(a, n);
        assertClose(lambda, e.values(), 1e-13, 1e-12, "eigenvalues");
        double[] v = e.vectors();
        for (int r = 0; r < n; r++) {
            double[] av = new double[n];
            double[] lv = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    av[i] += a[i * n + j] * v[r * n + j];
                }
                lv[i] = lambda[r] * v[r * n + i];
            }
            assertClose(lv, av, 1e-12, 0, "A v = lambda v for pair " + r);
        }
    }
}
