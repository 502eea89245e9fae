package io.geomlens;

/**
 * A Jacobian (or a product with it) that holds NaN or infinity: the model overflows at that
 * latent in the backend's precision, or computes a NaN. Never a descriptor or an eigenvalue.
 */
public final class NonFiniteJacobianException extends IllegalStateException {
    public NonFiniteJacobianException(String where, String backend) {
        super("the Jacobian " + where + " is not finite on " + backend + ": the model overflows there (values "
                + "beyond float32's range) or computes a NaN; try the float64 CPU backend (--backend cpu64)");
    }

    /** Throws for the first NaN or infinity in values; `where` names the latent ("at latent 3"). */
    public static void check(double[] values, String where, String backend) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new NonFiniteJacobianException(where, backend);
            }
        }
    }
}
