package io.geomlens.metric;

import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.NonFiniteModelException;
import io.geomlens.linalg.SymmetricEigen;
import java.util.SplittableRandom;

/**
 * GAN inversion: find z with G(z) close to a target x, minimising L(z) = ||G(z) - x||^2 / D by
 * Adam. In the eigenbasis of the metric averaged over sample latents (seed 003), Adam's
 * per-coordinate step sizes follow the generator's stiff and flat directions instead of the
 * arbitrary latent axes. The gradient is one VJP: dL/dz = 2/D J^T (G(z) - x).
 */
public final class LatentInverter {
    /** The result: the latent found and the loss after every step (index 0 = the start). */
    public record Inversion(double[] z, double[] losses) {
        public double finalLoss() {
            return losses[losses.length - 1];
        }
    }

    private final Generator gen;
    private final double[] basis;   // E x E, orthonormal rows: eigenvectors, stiffest first

    private LatentInverter(Generator gen, double[] basis) {
        this.gen = gen;
        this.basis = basis;
    }

    /** Adam in the latent's own coordinates (the baseline). */
    public static LatentInverter plain(Generator gen) {
        int e = gen.latentDim();
        double[] eye = new double[e * e];
        for (int i = 0; i < e; i++) {
            eye[i * e + i] = 1;
        }
        return new LatentInverter(gen, eye);
    }

    /** Adam in the eigenbasis of the exact metric averaged over `samples` N(0, I) latents. */
    public static LatentInverter eigenbasis(Generator gen, int samples, long seed) {
        int e = gen.latentDim();
        MetricTensor mt = new MetricTensor(gen);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] avg = new double[e * e];
        double[] eye = new double[e * e];
        for (int i = 0; i < e; i++) {
            eye[i * e + i] = 1;
        }
        for (int s = 0; s < samples; s++) {
            double[] z = new double[e];
            for (int i = 0; i < e; i++) {
                z[i] = rnd.nextGaussian();
            }
            // Columns of H: H e_i, from one batched HVP over the identity.
            double[] h = new HessianVectorProduct(gen, z).apply(eye, e);
            for (int i = 0; i < h.length; i++) {
                avg[i] += h[i] / samples;
            }
        }
        // Symmetrize away float32 asymmetry before the eigen-solver.
        for (int i = 0; i < e; i++) {
            for (int j = i + 1; j < e; j++) {
                double m = 0.5 * (avg[i * e + j] + avg[j * e + i]);
                avg[i * e + j] = m;
                avg[j * e + i] = m;
            }
        }
        return new LatentInverter(gen, new SymmetricEigen(avg, e).vectors());
    }

    public Inversion invert(double[] target, double[] z0, int steps, double lr) {
        return invert(target, z0, steps, lr, null);
    }

    /** @param progress called with the number of steps done (may be null) */
    public Inversion invert(double[] target, double[] z0, int steps, double lr, java.util.function.IntConsumer progress) {
        int e = gen.latentDim();
        int d = gen.outputDim();
        Inputs.matrix("target", target, 1, d, "output dimension D");
        Inputs.matrix("start latent", z0, 1, e, "latent dimension E");
        if (steps < 0 || !(lr > 0)) {
            throw new IllegalArgumentException("need steps >= 0 and lr > 0, got " + steps + ", " + lr);
        }
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] c = toBasis(z0);
        double[] m = new double[e];
        double[] v = new double[e];
        double[] losses = new double[steps + 1];
        double[] z = z0.clone();
        for (int t = 0; t <= steps; t++) {
            double[] x = gen.forward(z, 1);
            NonFiniteModelException.check(x, "output", "at step " + t + "'s latent", gen.backendName());
            double[] r = new double[d];
            double loss = 0;
            for (int i = 0; i < d; i++) {
                r[i] = 2.0 / d * (x[i] - target[i]);
                loss += (x[i] - target[i]) * (x[i] - target[i]) / d;
            }
            losses[t] = loss;
            if (t == steps) {
                break;
            }
            double[] jr = gen.vjp(z, r, 1);
            NonFiniteModelException.check(jr, "Jacobian", "at step " + t + "'s latent", gen.backendName());
            double[] g = toBasis(jr);
            for (int i = 0; i < e; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(b1, t + 1));
                double vh = v[i] / (1 - Math.pow(b2, t + 1));
                c[i] -= lr * mh / (Math.sqrt(vh) + eps);
            }
            z = fromBasis(c);
            if (progress != null) {
                progress.accept(t + 1);
            }
        }
        return new Inversion(z, losses);
    }

    private double[] toBasis(double[] z) {
        int e = z.length;
        double[] c = new double[e];
        for (int r = 0; r < e; r++) {
            for (int i = 0; i < e; i++) {
                c[r] += basis[r * e + i] * z[i];
            }
        }
        return c;
    }

    private double[] fromBasis(double[] c) {
        int e = c.length;
        double[] z = new double[e];
        for (int r = 0; r < e; r++) {
            for (int i = 0; i < e; i++) {
                z[i] += basis[r * e + i] * c[r];
            }
        }
        return z;
    }
}
