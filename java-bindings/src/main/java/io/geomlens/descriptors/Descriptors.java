package io.geomlens.descriptors;

import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.JacobianSpectra;
import io.geomlens.NonFiniteModelException;
import io.geomlens.SignPattern;
import io.geomlens.graph.OpProfile;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import io.geomlens.linalg.Orthonormal;
import io.geomlens.linalg.SmallSvd;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * Latents per chunk: on a device what its generator says fits (or -Dgeomlens.deviceChunk),
     * halved on out-of-memory and remembered for the next calls; on the CPU all cores with
     * fine-grained progress.
     */
    private static final Integer DEVICE_CHUNK = Integer.getInteger("geomlens.deviceChunk");
    private static final int HOST_CHUNK = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** The device chunk learned so far (0: not yet asked). */
    private volatile int deviceChunk;

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

    /**
     * Descriptors for n latents, processed in chunks: per chunk the singular values (on the
     * generator's device when it offers {@link JacobianSpectra}, else per latent in parallel on
     * the CPU in float64) and one forward pass over all cross-polytope vertices.
     *
     * @param progress called with the number of latents done so far
     */
    public DescriptorBatch describe(double[] z, int n, IntConsumer progress) {
        int e = gen.latentDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        LatentDescriptors[] out = new LatentDescriptors[n];
        int chunk = gen instanceof JacobianSpectra js ? deviceChunk(js) : HOST_CHUNK;
        for (int start = 0; start < n; ) {
            int m = Math.min(chunk, n - start);
            double[] zc = java.util.Arrays.copyOfRange(z, start * e, (start + m) * e);
            double[][] sv;
            long[][] delta;
            try {
                sv = singularValues(zc, m);
                delta = basis == null ? null : complexity(zc, m);
            } catch (OutOfDeviceMemoryException oom) {
                if (m == 1) {
                    throw oom;
                }
                chunk = m / 2;   // the device is full: retry this chunk in halves
                if (gen instanceof JacobianSpectra) {
                    deviceChunk = chunk;
                }
                continue;
            }
            for (int i = 0; i < m; i++) {
                NonFiniteModelException.check(sv[i], "Jacobian", "at latent " + (start + i), gen.backendName());
                SingularSpectrum s = new SingularSpectrum(sv[i]);
                out[start + i] = new LatentDescriptors(s.psi(opt.rtol()), s.nu(), s.rank(opt.rtol()), s,
                        delta == null ? null : delta[i]);
            }
            start += m;
            if (progress != null) {
                progress.accept(start);
            }
        }
        return new DescriptorBatch(route, k, opt, gen.layerNames(), List.of(out));
    }

    private int deviceChunk(JacobianSpectra js) {
        if (deviceChunk == 0) {
            deviceChunk = Math.max(1, DEVICE_CHUNK != null ? DEVICE_CHUNK
                    : js.latentsPerCall(route == Route.EXACT ? gen.latentDim() : k));
        }
        return deviceChunk;
    }

    public DescriptorBatch describe(double[] z, int n) {
        return describe(z, n, null);
    }

    /** Singular values per latent: of J^T (exact: rows J e_i) or of W J (projected: rows J^T w_j). */
    double[][] singularValues(double[] z, int m) {
        int e = gen.latentDim();
        if (gen instanceof JacobianSpectra js) {
            return js.singularValues(z, m, w, route == Route.EXACT ? e : k);
        }
        double[][] sv = new double[m][];
        IntStream.range(0, m).parallel().forEach(i -> {
            double[] zi = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
            if (route == Route.EXACT) {
                double[] eye = new double[e * e];
                for (int j = 0; j < e; j++) {
                    eye[j * e + j] = 1.0;
                }
                double[] jt = gen.jvp(zi, eye, e);
                sv[i] = OpProfile.measure("SVD", "float64", () -> {}, () -> SmallSvd.singularValues(jt, e, gen.outputDim()));
            } else {
                double[] wj = gen.vjp(zi, w, k);
                sv[i] = OpProfile.measure("SVD", "float64", () -> {}, () -> SmallSvd.singularValues(wj, k, e));
            }
        });
        return sv;
    }

    /** Per latent and layer, the neurons whose sign differs among its 2P vertices z +- r b_i. */
    private long[][] complexity(double[] z, int m) {
        int e = gen.latentDim();
        int p = opt.polytopeP();
        double r = opt.polytopeR();
        double[] v = new double[m * 2 * p * e];
        for (int l = 0; l < m; l++) {
            int base = l * 2 * p;
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < e; j++) {
                    v[(base + i) * e + j] = z[l * e + j] + r * basis[i * e + j];
                    v[(base + p + i) * e + j] = z[l * e + j] - r * basis[i * e + j];
                }
            }
        }
        SignPattern signs = gen.preActivationSigns(v, m * 2 * p);
        long[][] out = new long[m][];
        for (int l = 0; l < m; l++) {
            out[l] = signs.changedPerLayer(l * 2 * p, 2 * p);
        }
        return out;
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
