package io.geomlens.graph;

import java.util.Arrays;

/**
 * Elements [start, start + length) of one non-batch axis (ONNX Slice with step 1, each output of
 * Split; torch's x[:, a:b] and chunk). Linear: the adjoint writes the cotangent back into zeros.
 */
public final class Narrow implements LinearMap {
    private final int axis;
    private final int start;
    private final int length;

    public Narrow(int axis, int start, int length) {
        if (axis < 1 || start < 0 || length < 1) {
            throw new ShapeException("cannot take " + length + " elements from " + start + " of axis " + axis
                    + " (the batch axis 0 cannot be sliced)");
        }
        this.axis = axis;
        this.start = start;
        this.length = length;
    }

    public int axis() {
        return axis;
    }

    public int start() {
        return start;
    }

    public int length() {
        return length;
    }

    /** Rows before the axis (batch included), the axis' size and the elements after it. */
    public int[] blocks(int[] s) {
        if (axis >= s.length || start + length > s[axis]) {
            throw new ShapeException("elements " + start + ".." + (start + length) + " of axis " + axis
                    + " do not exist in " + Arrays.toString(s));
        }
        return new int[] {Tensor.product(s, 0, axis), s[axis], Tensor.product(s, axis + 1, s.length)};
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        int[] b = blocks(s);
        double[] in = x[0].data();
        double[] out = new double[b[0] * length * b[2]];
        for (int o = 0; o < b[0]; o++) {
            System.arraycopy(in, (o * b[1] + start) * b[2], out, o * length * b[2], length * b[2]);
        }
        int[] os = s.clone();
        os[axis] = length;
        return new Tensor(os, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = gy.shape();
        s[axis] = x[0].dim(axis);
        int[] b = blocks(s);
        double[] g = gy.data();
        double[] out = new double[b[0] * b[1] * b[2]];
        for (int o = 0; o < b[0]; o++) {
            System.arraycopy(g, o * length * b[2], out, (o * b[1] + start) * b[2], length * b[2]);
        }
        return new Tensor[] {new Tensor(s, out)};
    }
}
