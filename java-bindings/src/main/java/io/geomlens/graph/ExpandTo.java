package io.geomlens.graph;

import java.util.Arrays;

/**
 * ONNX Expand of a latent-dependent value to a fixed sample shape by broadcasting (e.g.
 * z.view(n, c, 1, 1).expand(-1, -1, 4, 4)). Linear: the adjoint sums over the broadcast axes.
 */
public final class ExpandTo implements LinearMap {
    /** The target with the batch (dimension 0) as 1; the batch itself is never expanded. */
    private final int[] target;

    public ExpandTo(int[] target) {
        if (target.length == 0 || target[0] != 1) {
            throw new ShapeException("expanding the batch dimension is not supported: " + Arrays.toString(target));
        }
        this.target = target.clone();
    }

    /** The output shape for an input of shape s (its batch kept). */
    public int[] outputShape(int[] s) {
        int[] one = s.clone();
        one[0] = 1;
        int[] out = Broadcast.shape(one, target);
        if (out.length != s.length) {
            throw new ShapeException("Expand to " + Arrays.toString(target) + " changes the rank of "
                    + Arrays.toString(s) + "; the batch must stay dimension 0");
        }
        out[0] = s[0];
        return out;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] os = outputShape(x[0].shape());
        return Broadcast.expand(x[0], os);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = LinearMap.cotangentShape(x[0], gy);
        return new Tensor[] {Broadcast.reduceTo(gy, s)};
    }
}
