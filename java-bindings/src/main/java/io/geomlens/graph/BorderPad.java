package io.geomlens.graph;

import java.util.Arrays;

/**
 * ONNX Pad in mode reflect (ReflectionPad2d: mirror without repeating the edge) or edge
 * (ReplicationPad2d) on the last two axes. Linear: each padded element copies one input element,
 * so the adjoint adds each cotangent element back onto the element it copies.
 */
public final class BorderPad implements LinearMap {
    /** In the order of geomlens.h's GEOMLENS_PAD_* values. */
    public enum Mode { REFLECT, EDGE }

    private final Mode mode;
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

    public BorderPad(Mode mode, int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new ShapeException("pads " + Arrays.toString(new int[] {top, bottom, left, right})
                    + " must be non-negative");
        }
        this.mode = mode;
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    public Mode mode() {
        return mode;
    }

    /** {top, bottom, left, right}. */
    public int[] pads() {
        return new int[] {top, bottom, left, right};
    }

    public int[] paddedShape(int[] s) {
        if (s.length < 3) {
            throw new ShapeException("border padding needs [N, ..., H, W], got " + Arrays.toString(s));
        }
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        if (mode == Mode.REFLECT && (top >= h || bottom >= h || left >= w || right >= w)) {
            throw new ShapeException("reflect pads " + Arrays.toString(pads()) + " must be smaller than the "
                    + h + " x " + w + " plane they mirror");
        }
        int[] p = s.clone();
        p[s.length - 2] += top + bottom;
        p[s.length - 1] += left + right;
        return p;
    }

    /** Index in [0, n) of the element that padded index i copies, along an axis padded by before. */
    int source(int i, int n, int before) {
        int j = i - before;
        if (mode == Mode.EDGE) {
            return Math.min(Math.max(j, 0), n - 1);
        }
        return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        int[] p = paddedShape(s);
        double[] in = x[0].data();
        double[] out = new double[(int) Tensor.count(p)];
        walk(s, p, (from, to) -> out[to] = in[from]);
        return new Tensor(p, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = LinearMap.cotangentShape(x[0], gy);
        double[] g = gy.data();
        double[] back = new double[(int) Tensor.count(s)];
        walk(s, paddedShape(s), (from, to) -> back[from] += g[to]);
        return new Tensor[] {new Tensor(s, back)};
    }

    private interface Pair {
        void at(int from, int to);
    }

    /** Calls f(input index, padded index) for every padded element. */
    private void walk(int[] s, int[] p, Pair f) {
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        int ho = p[p.length - 2];
        int wo = p[p.length - 1];
        long planes = Tensor.count(s) / ((long) h * w);
        for (int plane = 0; plane < planes; plane++) {
            for (int oy = 0; oy < ho; oy++) {
                int row = (plane * h + source(oy, h, top)) * w;
                for (int ox = 0; ox < wo; ox++) {
                    f.at(row + source(ox, w, left), (plane * ho + oy) * wo + ox);
                }
            }
        }
    }
}
