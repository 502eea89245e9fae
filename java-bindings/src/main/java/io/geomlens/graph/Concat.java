package io.geomlens.graph;

import java.util.Arrays;
import java.util.List;

/**
 * ONNX Concat of latent-dependent tensors along a non-batch axis (skip connections, branches).
 * Linear: the tangent is the concatenation of the tangents, the adjoint splits the cotangent.
 */
public final class Concat implements LinearOp {
    private final int axis;

    /** @param axis as ONNX gives it (negative counts from the end); resolved against each input's rank */
    public Concat(int axis) {
        this.axis = axis;
    }

    public int axis(int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a <= 0 || a >= rank) {
            throw new ShapeException("axis " + axis + " of rank-" + rank + " inputs is the batch or out of range;"
                    + " only non-batch axes can be concatenated");
        }
        return a;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        return concatenate(List.of(x), axis(x[0].rank()));
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return concatenate(List.of(t), axis(x[0].rank()));
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int a = axis(gy.rank());
        int[] gs = gy.shape();
        int outer = Tensor.product(gs, 0, a);
        int inner = Tensor.product(gs, a + 1, gs.length);
        double[] g = gy.data();
        Tensor[] out = new Tensor[x.length];
        int offset = 0;
        for (int j = 0; j < x.length; j++) {
            int w = x[j].dim(a) * inner;
            int[] s = gs.clone();
            s[a] = x[j].dim(a);
            double[] d = new double[outer * w];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(g, o * gs[a] * inner + offset, d, o * w, w);
            }
            out[j] = new Tensor(s, d);
            offset += w;
        }
        return out;
    }

    /** Concatenation along axis (0-based, already resolved); all other dimensions must agree. */
    public static Tensor concatenate(List<Tensor> in, int axis) {
        int[] s0 = in.get(0).shape();
        int total = 0;
        for (Tensor t : in) {
            int[] s = t.shape();
            s[axis] = s0[axis];
            if (!Arrays.equals(s, s0)) {
                throw new ShapeException("cannot concatenate " + Arrays.toString(t.shape()) + " with "
                        + Arrays.toString(s0) + " along axis " + axis);
            }
            total += t.dim(axis);
        }
        int outer = Tensor.product(s0, 0, axis);
        int inner = Tensor.product(s0, axis + 1, s0.length);
        double[] out = new double[outer * total * inner];
        int offset = 0;
        for (Tensor t : in) {
            double[] d = t.data();
            int w = t.dim(axis) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(d, o * w, out, o * total * inner + offset, w);
            }
            offset += w;
        }
        int[] s = s0.clone();
        s[axis] = total;
        return new Tensor(s, out);
    }
}
