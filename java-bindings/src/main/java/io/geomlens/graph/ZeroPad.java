package io.geomlens.graph;

import java.util.Arrays;

/**
 * ONNX Pad, mode constant with value 0 (F.pad), on non-batch dimensions; non-negative pads.
 * Linear: the adjoint crops the cotangent back to the input's extent.
 */
public final class ZeroPad implements LinearMap {
    private final int[] before;
    private final int[] after;

    /** Per dimension (the batch included, where both must be 0). */
    public ZeroPad(int[] before, int[] after) {
        if (before.length != after.length || before.length == 0 || before[0] != 0 || after[0] != 0
                || Arrays.stream(before).anyMatch(p -> p < 0) || Arrays.stream(after).anyMatch(p -> p < 0)) {
            throw new ShapeException("pads " + Arrays.toString(before) + " / " + Arrays.toString(after) + " must be"
                    + " non-negative and leave the batch dimension alone");
        }
        this.before = before.clone();
        this.after = after.clone();
    }

    public int[] paddedShape(int[] s) {
        if (s.length != before.length) {
            throw new ShapeException("pads for rank " + before.length + " given for an input " + Arrays.toString(s));
        }
        int[] p = s.clone();
        for (int i = 1; i < s.length; i++) {
            p[i] += before[i] + after[i];
        }
        return p;
    }

    /** Element offset of the input's first element inside the padded tensor. */
    public long interiorOffset(int[] padded) {
        long off = 0;
        long stride = 1;
        for (int i = padded.length - 1; i >= 0; i--) {
            off += before[i] * stride;
            stride *= padded[i];
        }
        return off;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        int[] p = paddedShape(s);
        double[] out = new double[(int) Tensor.count(p)];
        copy(x[0].data(), s, out, p, true);
        return new Tensor(p, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = LinearMap.cotangentShape(x[0], gy);
        double[] out = new double[(int) Tensor.count(s)];
        copy(out, s, gy.data(), gy.shape(), false);
        return new Tensor[] {new Tensor(s, out)};
    }

    /** Walks the small tensor (shape s); intoPadded copies small -> padded, else padded -> small. */
    private void copy(double[] small, int[] s, double[] padded, int[] p, boolean intoPadded) {
        int inner = s[s.length - 1];
        int rows = small.length / Math.max(1, inner);
        int[] idx = new int[s.length];
        for (int r = 0; r < rows; r++) {
            long at = 0;
            for (int d = 0; d < s.length; d++) {
                at = at * p[d] + idx[d] + before[d];
            }
            if (intoPadded) {
                System.arraycopy(small, r * inner, padded, (int) at, inner);
            } else {
                System.arraycopy(padded, (int) at, small, r * inner, inner);
            }
            for (int d = s.length - 2; d >= 0; d--) {
                if (++idx[d] < s[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
