package io.geomlens.metric;

/**
 * How the metric of z -> activation of one layer lines up with the output metric at a latent:
 * overlap = ||U_l U_out^T||_F^2 / m (1 when the top-m eigenspaces coincide, ~m/E when random),
 * logCorrelation = corr(log diag(U_out^T H_l U_out), log lambda_l), as homogeneity across layers.
 */
public record LayerAlignment(String layer, double overlap, double logCorrelation, MetricSpectrum spectrum) {}
