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

    /** Sign bits of every nonlinearity's input for n latents. */
    SignPattern preActivationSigns(double[] z, int n);

    /** The nonlinearity layers, in order, as named in the model. */
    List<String> layerNames();

    @Override
    default void close() {}
}
