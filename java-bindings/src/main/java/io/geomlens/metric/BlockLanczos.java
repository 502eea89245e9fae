package io.geomlens.metric;

import io.geomlens.linalg.Householder;
import io.geomlens.linalg.SymmetricEigen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Block Lanczos with full reorthogonalization: the operator is applied to b vectors per call
 * (one batched JVP and one batched VJP for the metric), so a GPU does a few large passes
 * instead of many small ones. Same contract and convergence test as {@link Lanczos}: pairs
 * converge when ||H u - lambda u|| <= tol * lambda_1, residuals are recomputed at the end.
 */
public final class BlockLanczos {
    private final int top;
    private final int block;
    private final double tol;
    private final long seed;

    /** @param block vectors per operator call (b); top eigenpairs wanted; tol relative residual */
    public BlockLanczos(int top, int block, double tol, long seed) {
        if (top < 1 || block < 1) {
            throw new IllegalArgumentException("top = " + top + ", block = " + block + "; both must be >= 1");
        }
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tol = " + tol + "; use a positive relative residual such as 1e-6");
        }
        this.top = top;
        this.block = block;
        this.tol = tol;
        this.seed = seed;
    }

    public MetricSpectrum run(SymmetricOperator h) {
        int n = h.dimension();
        int m = Math.min(top, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> basis = new ArrayList<>();   // blocks of orthonormal rows
        List<Integer> sizes = new ArrayList<>();
        List<double[]> diag = new ArrayList<>();    // A_j = Q_j H Q_j^T, sizes[j]^2
        List<double[]> off = new ArrayList<>();     // R_j (sizes[j+1] x sizes[j]): coupling to the next block
        int bj = Math.min(block, n);
        double[] q = orthonormalBlock(randomBlock(rnd, bj, n), bj, n, basis, rnd, null);
        double[] ritz;
        double[] s;
        int size = 0;
        while (true) {
            double[] w = h.apply(q, bj);                      // bj x n rows: H q_i
            double[] a = new double[bj * bj];
            for (int i = 0; i < bj; i++) {
                for (int j = 0; j < bj; j++) {
                    a[i * bj + j] = dot(q, i * n, w, j * n, n);
                }
            }
            symmetrize(a, bj);
            basis.add(q);
            sizes.add(bj);
            diag.add(a);
            size += bj;
            // Full reorthogonalization (twice) removes Q_j A_j, Q_{j-1} R^T and rounding drift at once.
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < basis.size(); k++) {
                    double[] qb = basis.get(k);
                    for (int r = 0; r < bj; r++) {
                        for (int c = 0; c < sizes.get(k); c++) {
                            axpy(-dot(qb, c * n, w, r * n, n), qb, c * n, w, r * n, n);
                        }
                    }
                }
            }
            SymmetricEigen e = new SymmetricEigen(blockTridiagonal(diag, off, sizes, size), size);
            ritz = e.values();
            s = e.vectors();
            if (size == n) {
                break;   // the whole space: T is H in the basis, exact
            }
            // The last block may be smaller: w has rank <= n - size, the rest is rounding.
            int bn = Math.min(bj, n - size);
            double[] r = new double[bj * bj];
            double[] next = orthonormalBlock(w, bj, n, basis, rnd, r);
            double[] coupling = new double[bn * bj];
            System.arraycopy(r, 0, coupling, 0, bn * bj);
            double scale = Math.max(Math.abs(ritz[0]), Double.MIN_NORMAL);
            // Small residuals cannot show that no eigenvalue was skipped: demand a few more converged
            // pairs than asked for before stopping (a skipped one would sit among them).
            int check = Math.min(m + Math.max(5, bj), size);
            boolean done = size >= Math.min(m + Math.max(5, bj), n);
            for (int i = 0; done && i < check; i++) {
                double r2 = 0;   // residual estimate ||R_j s_i(last block)||
                for (int row = 0; row < bj; row++) {
                    double v = 0;
                    for (int c = 0; c < bj; c++) {
                        v += r[row * bj + c] * s[i * size + size - bj + c];
                    }
                    r2 += v * v;
                }
                done = Math.sqrt(r2) <= 0.1 * tol * scale;
            }
            if (done) {
                break;
            }
            off.add(coupling);
            q = java.util.Arrays.copyOf(next, bn * n);
            bj = bn;
        }
        double[] vectors = new double[m * n];
        for (int row = 0; row < m; row++) {
            int col = 0;
            for (int blk = 0; blk < basis.size(); blk++) {
                double[] qb = basis.get(blk);
                for (int c = 0; c < sizes.get(blk); c++) {
                    axpy(s[row * size + col++], qb, c * n, vectors, row * n, n);
                }
            }
        }
        return Lanczos.finish(h, java.util.Arrays.copyOf(ritz, m), vectors, tol, size);
    }

    /**
     * QR of the residual block w (b rows of length n): returns the orthonormal rows and writes the
     * b x b factor R into bOut (the coupling of this block to the next in T). Directions
     * that vanished (an invariant subspace) are replaced by fresh random ones orthogonal to the
     * basis, with zero coupling.
     */
    private static double[] orthonormalBlock(double[] w, int b, int n, List<double[]> basis, SplittableRandom rnd,
                                             double[] bOut) {
        double[] cols = new double[n * b];   // n x b row-major for Householder (tall)
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < n; i++) {
                cols[i * b + r] = w[r * n + i];
            }
        }
        Householder qr = new Householder(cols, n, b);
        double[] q = qr.qTransposed();          // b x n
        double[] rf = qr.r();                   // b x b upper: w_r = sum_c R[c][r] q_c
        double norm = 0;
        for (double v : rf) {
            norm = Math.max(norm, Math.abs(v));
        }
        for (int c = 0; c < b; c++) {
            boolean vanished = Math.abs(rf[c * b + c]) <= 1e-10 * Math.max(norm, 1e-300);
            if (vanished) {
                double[] fresh = randomBlock(rnd, 1, n);
                orthogonalize(fresh, 0, n, basis, q, c, b);
                System.arraycopy(fresh, 0, q, c * n, n);
                for (int r = 0; r < b; r++) {
                    rf[c * b + r] = 0;   // the fresh direction is coupled to nothing yet
                }
            } else {
                orthogonalize(q, c * n, n, basis, q, c, b);
            }
        }
        if (bOut != null) {
            System.arraycopy(rf, 0, bOut, 0, b * b);   // T[next c][this r] = <q_next_c, H q_r> = R[c][r]
        }
        return q;
    }

    /** Orthogonalizes row v (at off) against the basis and the first `upTo` rows of the block, then normalizes. */
    private static void orthogonalize(double[] v, int off, int n, List<double[]> basis, double[] block, int upTo,
                                      int b) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] qb : basis) {
                for (int c = 0; c < b; c++) {
                    axpy(-dot(qb, c * n, v, off, n), qb, c * n, v, off, n);
                }
            }
            for (int c = 0; c < upTo; c++) {
                axpy(-dot(block, c * n, v, off, n), block, c * n, v, off, n);
            }
        }
        double norm = Math.sqrt(dot(v, off, v, off, n));
        for (int i = 0; i < n; i++) {
            v[off + i] /= norm;
        }
    }

    private static double[] randomBlock(SplittableRandom rnd, int b, int n) {
        double[] v = new double[b * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** T with diagonal blocks A_k and the couplings R_k below (and R_k^T above) the diagonal. */
    private static double[] blockTridiagonal(List<double[]> diag, List<double[]> off, List<Integer> sizes, int size) {
        double[] t = new double[size * size];
        int o = 0;
        for (int k = 0; k < diag.size(); k++) {
            int bk = sizes.get(k);
            double[] a = diag.get(k);
            for (int i = 0; i < bk; i++) {
                for (int j = 0; j < bk; j++) {
                    t[(o + i) * size + o + j] = a[i * bk + j];
                }
            }
            if (k < off.size() && k + 1 < diag.size()) {
                int bn = sizes.get(k + 1);
                double[] r = off.get(k);
                for (int i = 0; i < bn; i++) {
                    for (int j = 0; j < bk; j++) {
                        t[(o + bk + i) * size + o + j] = r[i * bk + j];
                        t[(o + j) * size + o + bk + i] = r[i * bk + j];
                    }
                }
            }
            o += bk;
        }
        return t;
    }

    private static void symmetrize(double[] a, int b) {
        for (int i = 0; i < b; i++) {
            for (int j = i + 1; j < b; j++) {
                double v = 0.5 * (a[i * b + j] + a[j * b + i]);
                a[i * b + j] = v;
                a[j * b + i] = v;
            }
        }
    }

    private static double dot(double[] x, int xo, double[] y, int yo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xo + i] * y[yo + i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }
}
