package io.geomlens.metric;

/**
 * Top eigenpairs of the metric H at one latent, eigenvalues descending, eigenvectors as rows
 * (m x E), with the true residual norms ||H u - lambda u|| and whether each met the tolerance.
 */
public record MetricSpectrum(double[] eigenvalues, double[] eigenvectors, double[] residuals, boolean converged,
                             int iterations) {
    public MetricSpectrum {
        eigenvalues = eigenvalues.clone();
        eigenvectors = eigenvectors.clone();
        residuals = residuals.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] eigenvectors() {
        return eigenvectors.clone();
    }

    @Override
    public double[] residuals() {
        return residuals.clone();
    }

    public int count() {
        return eigenvalues.length;
    }

    /** log10(lambda_1 / lambda_k) over the reported pairs (k = count); infinite if lambda_k <= 0. */
    public double anisotropy() {
        double last = eigenvalues[eigenvalues.length - 1];
        return last > 0 ? Math.log10(eigenvalues[0] / last) : Double.POSITIVE_INFINITY;
    }

    /** Effective rank exp(-sum p_i ln p_i), p_i = lambda_i / sum lambda over positive eigenvalues. */
    public double effectiveRank() {
        double total = 0;
        for (double l : eigenvalues) {
            total += Math.max(l, 0);
        }
        if (total == 0) {
            return 0;
        }
        double h = 0;
        for (double l : eigenvalues) {
            if (l > 0) {
                double p = l / total;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }
}
