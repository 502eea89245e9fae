package io.geomlens.graph;

/**
 * One node's computation with its forward- and reverse-mode derivatives. Variables carry the
 * batch in dimension 0: in jvp/vjp the primal inputs have batch 1 and the tangents/cotangents
 * batch k, so broadcasting applies the primal's derivative to all k at once.
 */
public interface Op {
    Tensor forward(Tensor[] x);

    /** Tangent of the output; t[i] is null where input i is constant. */
    Tensor jvp(Tensor[] x, Tensor y, Tensor[] t);

    /** Cotangents of the inputs marked in needs (others null), given the output's cotangent gy. */
    Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs);

    /**
     * False when jvp/vjp read only the primal values' shapes (linear ops): the batched walk then
     * skips repeating those values once per tangent.
     */
    default boolean derivativeUsesPrimal() {
        return true;
    }

    /** True when the op's input counts as neurons for local complexity (MATH.md). */
    default boolean isNonlinearity() {
        return false;
    }

}
