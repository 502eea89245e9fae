package io.geomlens.descriptors;

/**
 * Singular values of J (or W J) in descending order, with the quantities MATH.md derives:
 * numeric rank, local scaling psi and local rank nu.
 */
public record SingularSpectrum(double[] values) {
    public SingularSpectrum {
        values = values.clone();
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[i - 1]) {
                throw new IllegalArgumentException("singular values must be in descending order");
            }
        }
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** Count of sigma_i > rtol * sigma_max (0 for a zero matrix). */
    public int rank(double rtol) {
        if (values.length == 0 || values[0] <= 0) {
            return 0;
        }
        int r = 0;
        for (double s : values) {
            if (s > rtol * values[0]) {
                r++;
            }
        }
        return r;
    }

    /** psi = sum of ln sigma_i over the kept (non-zero) singular values; 0 for a zero matrix. */
    public double psi(double rtol) {
        double sum = 0;
        int r = rank(rtol);
        for (int i = 0; i < r; i++) {
            sum += Math.log(values[i]);
        }
        return sum;
    }

    /**
     * nu = exp(-sum p_i ln p_i), p_i = sigma_i / sum_j sigma_j + 1e-30 over all sigma. For a zero
     * matrix the ratio 0/0 is taken as 0, so every p_i = 1e-30 and nu = 1 (to 1e-27).
     */
    public double nu() {
        double total = 0;
        for (double s : values) {
            total += s;
        }
        double h = 0;
        for (double s : values) {
            double p = (total > 0 ? s / total : 0.0) + 1e-30;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }
}
