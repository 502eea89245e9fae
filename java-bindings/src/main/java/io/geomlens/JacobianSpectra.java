package io.geomlens;

/**
 * Optional capability of a {@link Generator}: singular values of J (or W J) for a batch of
 * latents computed where the Jacobians live (the GPU: one batched pass, a float64 Gram matrix
 * and a batched symmetric eigen-solver), so they never travel to the host.
 */
public interface JacobianSpectra {
    /**
     * @param frame null for the exact route (identity tangents), else W (k x D, orthonormal rows)
     * @return per latent, the min(rows, cols) singular values of J^T (exact: E x D) or of W J
     *         (k x E), descending
     */
    double[][] singularValues(double[] z, int n, double[] frame, int k);

    /** Latents one call should take, given the rows (tangents) per latent: what fits the device. */
    default int latentsPerCall(int rowsPerLatent) {
        return 32;
    }
}
