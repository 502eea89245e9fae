package io.geomlens.graph;

import java.util.Arrays;

/**
 * Bilinear upsampling of [N, C, H, W] by integer factors (Resize mode linear, nn.Upsample
 * bilinear). Output pixel o reads source coordinate s(o), clamped to [0, n - 1], between
 * floor(s) and the next pixel. The adjoint scatters each output back onto its four taps.
 */
public final class UpsampleLinear implements LinearMap {
    /** ONNX coordinate_transformation_mode; the ordinal is the C ABI's mode argument. */
    public enum Coordinates {
        HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC;

        /** Source coordinate of output index o for an axis of n inputs and out outputs, factor f. */
        public double source(int o, int n, int out, int f) {
            return switch (this) {
                case HALF_PIXEL -> (o + 0.5) / f - 0.5;
                case ALIGN_CORNERS -> out > 1 ? (double) o * (n - 1) / (out - 1) : 0;
                case ASYMMETRIC -> (double) o / f;
            };
        }
    }

    private final int fy;
    private final int fx;
    private final Coordinates mode;

    public UpsampleLinear(int fy, int fx, Coordinates mode) {
        if (fy < 1 || fx < 1) {
            throw new ShapeException("upsampling factors must be positive integers, got " + fy + "x" + fx);
        }
        this.fy = fy;
        this.fx = fx;
        this.mode = mode;
    }

    public int factorY() {
        return fy;
    }

    public int factorX() {
        return fx;
    }

    public Coordinates mode() {
        return mode;
    }

    /** Per output index along one axis: the lower tap, the upper tap and the upper tap's weight. */
    private record Taps(int[] lo, int[] hi, double[] w) {
        static Taps of(Coordinates mode, int n, int f) {
            int out = n * f;
            int[] lo = new int[out];
            int[] hi = new int[out];
            double[] w = new double[out];
            for (int o = 0; o < out; o++) {
                double s = Math.min(Math.max(mode.source(o, n, out, f), 0), n - 1);
                lo[o] = (int) Math.floor(s);
                hi[o] = Math.min(lo[o] + 1, n - 1);
                w[o] = s - lo[o];
            }
            return new Taps(lo, hi, w);
        }
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        if (s.length != 4) {
            throw new ShapeException("expects [N, C, H, W], got " + Arrays.toString(s));
        }
        int h = s[2];
        int w = s[3];
        Taps ty = Taps.of(mode, h, fy);
        Taps tx = Taps.of(mode, w, fx);
        int ho = h * fy;
        int wo = w * fx;
        double[] in = x[0].data();
        double[] out = new double[s[0] * s[1] * ho * wo];
        for (int p = 0; p < s[0] * s[1]; p++) {
            for (int oy = 0; oy < ho; oy++) {
                int r0 = (p * h + ty.lo[oy]) * w;
                int r1 = (p * h + ty.hi[oy]) * w;
                double a = ty.w[oy];
                for (int ox = 0; ox < wo; ox++) {
                    double b = tx.w[ox];
                    double top = (1 - b) * in[r0 + tx.lo[ox]] + b * in[r0 + tx.hi[ox]];
                    double bottom = (1 - b) * in[r1 + tx.lo[ox]] + b * in[r1 + tx.hi[ox]];
                    out[(p * ho + oy) * wo + ox] = (1 - a) * top + a * bottom;
                }
            }
        }
        return new Tensor(new int[] {s[0], s[1], ho, wo}, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = gy.shape();
        int ho = s[2];
        int wo = s[3];
        int h = ho / fy;
        int w = wo / fx;
        Taps ty = Taps.of(mode, h, fy);
        Taps tx = Taps.of(mode, w, fx);
        double[] g = gy.data();
        double[] out = new double[s[0] * s[1] * h * w];
        for (int p = 0; p < s[0] * s[1]; p++) {
            for (int oy = 0; oy < ho; oy++) {
                int r0 = (p * h + ty.lo[oy]) * w;
                int r1 = (p * h + ty.hi[oy]) * w;
                double a = ty.w[oy];
                for (int ox = 0; ox < wo; ox++) {
                    double v = g[(p * ho + oy) * wo + ox];
                    double b = tx.w[ox];
                    out[r0 + tx.lo[ox]] += (1 - a) * (1 - b) * v;
                    out[r0 + tx.hi[ox]] += (1 - a) * b * v;
                    out[r1 + tx.lo[ox]] += a * (1 - b) * v;
                    out[r1 + tx.hi[ox]] += a * b * v;
                }
            }
        }
        return new Tensor[] {new Tensor(new int[] {s[0], s[1], h, w}, out)};
    }
}
