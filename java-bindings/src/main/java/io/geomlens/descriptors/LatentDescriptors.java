package io.geomlens.descriptors;

/** psi, nu, numeric rank and delta (per layer and total) at one latent. */
public record LatentDescriptors(double psi, double nu, int rank, SingularSpectrum spectrum, long[] deltaPerLayer) {
    public LatentDescriptors {
        deltaPerLayer = deltaPerLayer == null ? null : deltaPerLayer.clone();
    }

    @Override
    public long[] deltaPerLayer() {
        return deltaPerLayer == null ? null : deltaPerLayer.clone();
    }

    /** Total local complexity, or -1 when delta was not computed. */
    public long delta() {
        if (deltaPerLayer == null) {
            return -1;
        }
        long t = 0;
        for (long d : deltaPerLayer) {
            t += d;
        }
        return t;
    }
}
