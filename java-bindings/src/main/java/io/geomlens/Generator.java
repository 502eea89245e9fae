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
        int e = latentDim();
        int d = outputDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        double[] out = new double[n * k * d];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> System.arraycopy(
                jvp(java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e), v, k), 0, out, i * k * d, k * d));
        return out;
    }

    /** J(z_i)^T u_j for n latents and the same k cotangents at each: (n*k) x E, rows i*k+j. */
    default double[] vjpBatch(double[] z, int n, double[] u, int k) {
        int e = latentDim();
        Inputs.matrix("latents", z, n, e, "latent dimension E");
        double[] out = new double[n * k * e];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> System.arraycopy(
                vjp(java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e), u, k), 0, out, i * k * e, k * e));
        return out;
    }

    /** Sign bits of every nonlinearity's input for n latents. */
    SignPattern preActivationSigns(double[] z, int n);

    /** The nonlinearity layers, in order, as named in the model. */
    List<String> layerNames();

    @Override
    default void close() {}
}
