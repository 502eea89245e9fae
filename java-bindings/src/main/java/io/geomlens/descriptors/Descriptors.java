package io.geomlens.descriptors;

import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.SignPattern;
import io.geomlens.linalg.Orthonormal;
import io.geomlens.linalg.SmallSvd;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * psi, nu and delta for a batch of latents (MATH.md). The frames W (k x D) and B (P x E) are
 * built once per instance; latents are processed in parallel.
 */
public final class Descriptors {
    private final Generator gen;
    private final DescriptorOptions opt;
    private final Route route;
    private final int k;
    private final double[] w;
    private final double[] basis;

    public Descriptors(Generator gen, DescriptorOptions opt) {
        this.gen = gen;
        this.opt = opt;
        int e = gen.latentDim();
        int d = gen.outputDim();
        Route r = opt.route();
        if (r == Route.AUTO) {
            r = e <= opt.k() ? Route.EXACT : Route.PROJECTED;
        }
        if (r == Route.PROJECTED) {
            if (opt.k() > d && opt.route() == Route.PROJECTED) {
                throw new IllegalArgumentException("k = " + opt.k() + " exceeds the output dimension D = " + d
                        + "; use k <= " + d + " or the exact route");
            }
            // AUTO with D < k: W is then a rotation of R^D and loses nothing.
            this.k = Math.min(opt.k(), d);
            this.w = Orthonormal.rows(k, d, opt.projectionSeed());
        } else {
            this.k = 0;
            this.w = null;
        }
        this.route = r;
        if (opt.complexity()) {
            if (opt.polytopeP() > e) {
                throw new IllegalArgumentException("P = " + opt.polytopeP() + " exceeds the latent dimension E = "
                        + e + "; use P <= " + e);
            }
            this.basis = Orthonormal.rows(opt.polytopeP(), e, opt.polytopeSeed());
        } else {
            this.basis = null;
        }
    }

    public Route route() {
        return route;
    }

    /** The projection W (k x D, orthonormal rows), or null on the exact route. */
    public double[] projection() {
        return w == null ? null : w.clone();
    }

    /** @param progress called with the number of latents done so far (from worker threads) */
    public DescriptorBatch describe(double[] z, int n, IntConsumer progress) {
        int e = gen.latentDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        LatentDescriptors[] out = new LatentDescriptors[n];
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] zi = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
            out[i] = one(zi);
            if (progress != null) {
                progress.accept(done.incrementAndGet());
            }
        });
        return new DescriptorBatch(route, k, opt, gen.layerNames(), List.of(out));
    }

    public DescriptorBatch describe(double[] z, int n) {
        return describe(z, n, null);
    }

    private LatentDescriptors one(double[] z) {
        SingularSpectrum s = new SingularSpectrum(singularValues(z));
        long[] delta = basis == null ? null : complexity(z);
        return new LatentDescriptors(s.psi(opt.rtol()), s.nu(), s.rank(opt.rtol()), s, delta);
    }

    /** Singular values of J (exact: rows J e_i) or of W J (projected: rows J^T w_j). */
    double[] singularValues(double[] z) {
        int e = gen.latentDim();
        if (route == Route.EXACT) {
            double[] eye = new double[e * e];
            for (int i = 0; i < e; i++) {
                eye[i * e + i] = 1.0;
            }
            return SmallSvd.singularValues(gen.jvp(z, eye, e), e, gen.outputDim());
        }
        return SmallSvd.singularValues(gen.vjp(z, w, k), k, e);
    }

    /** Neurons per layer whose sign differs among the 2P vertices z +- r b_i. */
    private long[] complexity(double[] z) {
        int e = gen.latentDim();
        int p = opt.polytopeP();
        double r = opt.polytopeR();
        double[] v = new double[2 * p * e];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < e; j++) {
                v[i * e + j] = z[j] + r * basis[i * e + j];
                v[(p + i) * e + j] = z[j] - r * basis[i * e + j];
            }
        }
        SignPattern signs = gen.preActivationSigns(v, 2 * p);
        return signs.changedPerLayer(0, 2 * p);
    }

    /** Summary statistics over a batch, for the CLI's closing line. */
    public static List<String> summary(DescriptorBatch b) {
        List<String> lines = new ArrayList<>();
        double psi = 0;
        double nu = 0;
        double delta = 0;
        for (LatentDescriptors l : b.latents()) {
            psi += l.psi();
            nu += l.nu();
            delta += l.delta();
        }
        int n = Math.max(1, b.latents().size());
        lines.add(String.format("mean psi %.4f, mean nu %.4f%s", psi / n, nu / n,
                b.options().complexity() ? String.format(", mean delta %.2f", delta / n) : ""));
        return lines;
    }
}
