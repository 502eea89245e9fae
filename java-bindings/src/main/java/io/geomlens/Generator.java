package io.geomlens;

import java.util.List;

/**
 * A differentiable map G: R^E -> R^D with batched primitives. Arrays are row-major: latents
 * N x E, outputs N x D, tangents k x E, cotangents k x D. Implementations are thread-safe.
 */
public interface Generator extends AutoCloseable {
    int latentDim();

    int outputDim();

    /** The backend that runs it, e.g. "cpu (float32)". */
    String backendName();

    /** G(z) for n latents. */
    double[] forward(double[] z, int n);

    /** J(z) v for k tangents at one latent z: k x D. */
    double[] jvp(double[] z, double[] v, int k);

    /** J(z)^T u for k cotangents at one latent z: k x E. */
    double[] vjp(double[] z, double[] u, int k);

    /**
     * J(z_i) v_j for n latents and the same k tangents at each: (n*k) x D, rows i*k+j. The default
     * runs the latents one by one in parallel; a GPU backend does all of them in one pass.
     */
    default double[] jvpBatch(double[] z, int n, double[] v, int k) {
        return perLatent(z, n, k * outputDim(), zi -> jvp(zi, v, k));
    }

    /** J(z_i)^T u_j for n latents and the same k cotangents at each: (n*k) x E, rows i*k+j. */
    default double[] vjpBatch(double[] z, int n, double[] u, int k) {
        return perLatent(z, n, k * latentDim(), zi -> vjp(zi, u, k));
    }

    /** Concatenates f(z_i) (each of length width) over n latents, computed in parallel. */
    private double[] perLatent(double[] z, int n, int width, java.util.function.Function<double[], double[]> f) {
        int e = latentDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        double[] out = new double[n * width];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> System.arraycopy(
                f.apply(java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e)), 0, out, i * width, width));
        return out;
    }

    /** Sign bits of every nonlinearity's input for n latents. */
    SignPattern preActivationSigns(double[] z, int n);

    /** The nonlinearity layers, in order, as named in the model. */
    List<String> layerNames();

    @Override
    default void close() {}
}
