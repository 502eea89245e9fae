package io.geomlens.metric;

import io.geomlens.linalg.SymmetricEigen;
import java.util.SplittableRandom;

/**
 * Top-m eigenpairs of a symmetric positive semi-definite operator by Lanczos with full
 * reorthogonalization (every new vector is orthogonalized twice against the whole basis, so
 * no ghost eigenvalues). Ritz pairs are checked every few steps with the residual estimate
 * |beta_j s_ji|; the returned residuals are recomputed with one batched operator call.
 * A pair converges when ||H u - lambda u|| <= tol * lambda_1 (MATH.md: relative residual).
 */
public final class Lanczos {
    private final int top;
    private final double tol;
    private final long seed;

    public Lanczos(int top, double tol, long seed) {
        if (top < 1) {
            throw new IllegalArgumentException("top = " + top + "; ask for at least one eigenpair");
        }
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tol = " + tol + "; use a positive relative residual such as 1e-6");
        }
        this.top = top;
        this.tol = tol;
        this.seed = seed;
    }

    public MetricSpectrum run(SymmetricOperator h) {
        int n = h.dimension();
        int m = Math.min(top, n);
        double[][] q = new double[n][];
        double[] alpha = new double[n];
        double[] beta = new double[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        q[0] = randomUnit(rnd, n, q, 0);
        double[] ritz = null;
        double[] s = null;
        int j = 0;
        for (; j < n; j++) {
            double[] w = h.apply(q[j], 1);
            alpha[j] = dot(w, q[j]);
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i <= j; i++) {
                    axpy(-dot(w, q[i]), q[i], w);
                }
            }
            double b = Math.sqrt(dot(w, w));
            int size = j + 1;
            // As in BlockLanczos: 5 more converged pairs than asked for guard against a skipped eigenvalue.
            int check = Math.min(m + 5, n);
            if (size >= check && (size % 5 == 0 || size == n || b == 0)) {
                double[] t = tridiagonal(alpha, beta, size);
                SymmetricEigen e = new SymmetricEigen(t, size);
                ritz = e.values();
                s = e.vectors();
                double scale = Math.max(Math.abs(ritz[0]), Double.MIN_NORMAL);
                boolean done = true;
                for (int i = 0; i < check; i++) {
                    done &= Math.abs(b * s[i * size + size - 1]) <= 0.1 * tol * scale;
                }
                if (done || size == n) {
                    j++;
                    break;
                }
            }
            if (j + 1 == n) {
                j++;
                break;
            }
            if (b <= 1e-10 * Math.max(Math.abs(alpha[0]), 1e-300)) {
                // Invariant subspace found: continue with a fresh direction orthogonal to the basis.
                beta[j] = 0;
                q[j + 1] = randomUnit(rnd, n, q, j + 1);
            } else {
                beta[j] = b;
                for (int i = 0; i < n; i++) {
                    w[i] /= b;
                }
                q[j + 1] = w;
            }
        }
        int size = j;
        if (s == null || ritz.length != size) {
            SymmetricEigen e = new SymmetricEigen(tridiagonal(alpha, beta, size), size);
            ritz = e.values();
            s = e.vectors();
        }
        double[] vectors = new double[m * n];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < size; i++) {
                axpy(s[r * size + i], q[i], vectors, r * n);
            }
        }
        return finish(h, java.util.Arrays.copyOf(ritz, m), vectors, tol, size);
    }

    /**
     * The result from Ritz pairs: true residuals ||H u - lambda u|| from one batched operator call,
     * converged when each is <= tol * |lambda_1|.
     */
    static MetricSpectrum finish(SymmetricOperator h, double[] values, double[] vectors, double tol, int iterations) {
        int m = values.length;
        int n = h.dimension();
        double[] hv = h.apply(vectors, m);
        double[] res = new double[m];
        boolean converged = true;
        double scale = Math.max(Math.abs(values[0]), Double.MIN_NORMAL);
        for (int r = 0; r < m; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double d = hv[r * n + i] - values[r] * vectors[r * n + i];
                sum += d * d;
            }
            res[r] = Math.sqrt(sum);
            converged &= res[r] <= tol * scale;
        }
        return new MetricSpectrum(values, vectors, res, converged, iterations);
    }

    private static double[] tridiagonal(double[] alpha, double[] beta, int size) {
        double[] t = new double[size * size];
        for (int i = 0; i < size; i++) {
            t[i * size + i] = alpha[i];
            if (i + 1 < size) {
                t[i * size + i + 1] = beta[i];
                t[(i + 1) * size + i] = beta[i];
            }
        }
        return t;
    }

    private static double[] randomUnit(SplittableRandom rnd, int n, double[][] basis, int count) {
        double[] v = new double[n];
        for (int attempt = 0; attempt < 10; attempt++) {
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < count; i++) {
                    axpy(-dot(v, basis[i]), basis[i], v);
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm > 1e-8) {
                for (int i = 0; i < n; i++) {
                    v[i] /= norm;
                }
                return v;
            }
        }
        throw new IllegalStateException("could not extend the Lanczos basis beyond " + count + " vectors");
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        axpy(a, x, y, 0);
    }

    private static void axpy(double a, double[] x, double[] y, int off) {
        for (int i = 0; i < x.length; i++) {
            y[off + i] += a * x[i];
        }
    }
}
