package io.geomlens.graph;

/**
 * A linear op of one latent-dependent input with no offset (pads, slices, resampling,
 * reductions, broadcasts): the tangent is the op itself applied to the input's tangent.
 */
public interface LinearMap extends LinearOp {
    @Override
    default Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return forward(new Tensor[] {t[0]});
    }

    /** The input's shape with the cotangent's batch: the shape of the input's cotangent. */
    static int[] cotangentShape(Tensor input, Tensor gy) {
        int[] s = input.shape();
        s[0] = gy.dim(0);
        return s;
    }
}
