package io.geomlens;

/**
 * A model's output or Jacobian (or a product with it) that holds NaN or infinity: the model
 * overflows at that latent in the backend's precision, or computes a NaN. Never a descriptor,
 * an eigenvalue or a latent.
 */
public final class NonFiniteModelException extends IllegalStateException {
    public NonFiniteModelException(String subject, String where, String backend) {
        super("the " + subject + " " + where + " is not finite on " + backend + ": the model overflows there (values "
                + "beyond float32's range) or computes a NaN; try the float64 CPU backend (--backend cpu64)");
    }

    /** Throws for the first NaN or infinity in values; e.g. subject "Jacobian", where "at latent 3". */
    public static void check(double[] values, String subject, String where, String backend) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new NonFiniteModelException(subject, where, backend);
            }
        }
    }
}
