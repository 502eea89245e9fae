package io.geomlens.graph;

/**
 * An op linear in its latent-dependent input (Dense, Conv, ConvTranspose, folded BatchNorm,
 * Reshape, Upsample): its JVP and VJP need the primal values' shapes only, never the values.
 */
public interface LinearOp extends Op {
    @Override
    default boolean derivativeUsesPrimal() {
        return false;
    }
}
