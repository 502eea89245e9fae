package io.geomlens.metric;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.NonFiniteModelException;
import io.geomlens.graph.Graph;
import io.geomlens.linalg.SymmetricEigen;
import java.util.ArrayList;
import java.util.List;

/**
 * The pullback metric H(z) = J^T J of a generator (MATH.md): its top eigenpairs (Lanczos on
 * HVPs, or exactly from J for small E), homogeneity between latents and alignment across layers.
 */
public final class MetricTensor {
    private final Generator gen;
    private final double tol;
    private final long seed;
    private final int block;

    /**
     * @param tol relative residual for Lanczos (MATH.md default 1e-6)
     * @param block vectors per HVP call: 1 is classic Lanczos, more is block Lanczos (pays on a GPU)
     */
    public MetricTensor(Generator gen, double tol, long seed, int block) {
        if (block < 1) {
            throw new IllegalArgumentException("block = " + block + "; use 1 (classic Lanczos) or more");
        }
        this.gen = gen;
        this.tol = tol;
        this.seed = seed;
        this.block = block;
    }

    public MetricTensor(Generator gen, double tol, long seed) {
        this(gen, tol, seed, 1);
    }

    public MetricTensor(Generator gen) {
        this(gen, 1e-6, 0L);
    }

    /** Top eigenpairs at z by (block) Lanczos on H v = J^T (J v). */
    public MetricSpectrum lanczos(double[] z, int top) {
        Inputs.matrix("latent", z, 1, gen.latentDim(), "latent dimension E");
        HessianVectorProduct h = new HessianVectorProduct(gen, z);
        return block == 1 ? new Lanczos(top, tol, seed).run(h) : new BlockLanczos(top, block, tol, seed).run(h);
    }

    /** Top eigenpairs at z from H = J^T J formed in float64 (J from E JVPs): for small E. */
    public MetricSpectrum exact(double[] z, int top) {
        int e = gen.latentDim();
        int d = gen.outputDim();
        Inputs.matrix("latent", z, 1, e, "latent dimension E");
        double[] eye = new double[e * e];
        for (int i = 0; i < e; i++) {
            eye[i * e + i] = 1;
        }
        double[] jt = gen.jvp(z, eye, e);   // row i = J e_i, i.e. J^T
        NonFiniteModelException.check(jt, "Jacobian", "at this latent", gen.backendName());
        double[] h = new double[e * e];
        for (int i = 0; i < e; i++) {
            for (int j = i; j < e; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += jt[i * d + t] * jt[j * d + t];
                }
                h[i * e + j] = s;
                h[j * e + i] = s;
            }
        }
        SymmetricEigen eig = new SymmetricEigen(h, e);
        int m = Math.min(top, e);
        double[] values = java.util.Arrays.copyOf(eig.values(), m);
        double[] vectors = java.util.Arrays.copyOf(eig.vectors(), m * e);
        double[] res = new double[m];
        for (int r = 0; r < m; r++) {
            double sum = 0;
            for (int i = 0; i < e; i++) {
                double hv = 0;
                for (int j = 0; j < e; j++) {
                    hv += h[i * e + j] * vectors[r * e + j];
                }
                double diff = hv - values[r] * vectors[r * e + i];
                sum += diff * diff;
            }
            res[r] = Math.sqrt(sum);
        }
        return new MetricSpectrum(values, vectors, res, true, e);
    }

    /** diag(U^T H(z) U) for the rows u of U: the metric at z measured along given directions. */
    public double[] rayleigh(double[] z, double[] u, int m) {
        int e = gen.latentDim();
        double[] hu = new HessianVectorProduct(gen, z).apply(u, m);
        double[] out = new double[m];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < e; i++) {
                out[r] += u[r * e + i] * hu[r * e + i];
            }
        }
        return out;
    }

    /**
     * Homogeneity C_ij = corr(log diag(U_i^T H_j U_i), log lambda_j) for every pair of latents
     * (seed 003). Pairs with a non-positive value are left out of the correlation; C is NaN when
     * fewer than two remain. Diagonal entries are 1 by construction (up to rounding).
     */
    public double[][] homogeneity(double[] z, int n, List<MetricSpectrum> spectra) {
        int e = gen.latentDim();
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            MetricSpectrum si = spectra.get(i);
            for (int j = 0; j < n; j++) {
                double[] zj = java.util.Arrays.copyOfRange(z, j * e, (j + 1) * e);
                double[] projected = rayleigh(zj, si.eigenvectors(), si.count());
                double[] lj = spectra.get(j).eigenvalues();
                c[i][j] = logCorrelation(projected, java.util.Arrays.copyOf(lj, si.count()));
            }
        }
        return c;
    }

    /**
     * Alignment of each nonlinearity layer's metric (of z -> that layer's activation) with the output
     * metric, at each of n latents: result[i][l] for latent i and layer l. Each layer's generator is
     * loaded once (on a GPU: its weights are uploaded once) and shares the graph's weights.
     */
    public static List<List<LayerAlignment>> layerAlignment(Backend backend, Graph graph, double[] z, int n, int top,
                                                            boolean exact, double tol, long seed) {
        int e = graph.latentDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        List<List<LayerAlignment>> out = new ArrayList<>();
        List<MetricSpectrum> outputs = new ArrayList<>();
        try (Generator full = backend.load(graph)) {
            MetricTensor mt = new MetricTensor(full, tol, seed);
            for (int i = 0; i < n; i++) {
                double[] zi = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
                outputs.add(exact ? mt.exact(zi, top) : mt.lanczos(zi, top));
                out.add(new ArrayList<>());
            }
        }
        for (String layer : graph.layerNames()) {
            try (Generator g = backend.load(graph.truncatedAt(layer))) {
                MetricTensor mt = new MetricTensor(g, tol, seed);
                for (int i = 0; i < n; i++) {
                    double[] zi = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
                    out.get(i).add(align(layer, mt, zi, outputs.get(i), top, exact, e));
                }
            }
        }
        return out;
    }

    /** One latent, all layers (see the batched form). */
    public static List<LayerAlignment> layerAlignment(Backend backend, Graph graph, double[] z, int top,
                                                      boolean exact, double tol, long seed) {
        return layerAlignment(backend, graph, z, 1, top, exact, tol, seed).get(0);
    }

    private static LayerAlignment align(String layer, MetricTensor mt, double[] z, MetricSpectrum so, int top,
                                        boolean exact, int e) {
        MetricSpectrum sl = exact ? mt.exact(z, top) : mt.lanczos(z, top);
        int m = so.count();
        double[] ul = sl.eigenvectors();
        double[] uo = so.eigenvectors();
        double overlap = 0;
        for (int a = 0; a < sl.count(); a++) {
            for (int b = 0; b < m; b++) {
                double d = 0;
                for (int i = 0; i < e; i++) {
                    d += ul[a * e + i] * uo[b * e + i];
                }
                overlap += d * d;
            }
        }
        double[] along = mt.rayleigh(z, uo, m);
        double corr = logCorrelation(along, java.util.Arrays.copyOf(sl.eigenvalues(), m));
        return new LayerAlignment(layer, overlap / m, corr, sl);
    }

    /** Pearson correlation of log a and log b over the entries where both are positive. */
    static double logCorrelation(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double[] x = new double[n];
        double[] y = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] > 0 && b[i] > 0) {
                x[k] = Math.log(a[i]);
                y[k] = Math.log(b[i]);
                k++;
            }
        }
        if (k < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < k; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= k;
        my /= k;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < k; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
