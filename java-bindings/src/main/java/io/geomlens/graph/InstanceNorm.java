package io.geomlens.graph;

import java.util.Arrays;

/**
 * ONNX InstanceNormalization (also how torch exports GroupNorm): for each sample and channel,
 * y = scale[c] (x - mean) / sqrt(var + eps) + bias[c] over the spatial elements. With
 * xh = (x - mean) / s and s = sqrt(var + eps), the derivative maps t to
 * scale[c] / s (t - mean(t) - xh mean(t xh)); it is symmetric, so the VJP is the same map.
 */
public final class InstanceNorm implements Op {
    private final double[] scale;
    private final double[] bias;
    private final double eps;

    public InstanceNorm(double[] scale, double[] bias, double eps) {
        if (scale.length != bias.length) {
            throw new ShapeException("scale has " + scale.length + " values, B has " + bias.length);
        }
        this.scale = scale;
        this.bias = bias;
        this.eps = eps;
    }

    public double[] scale() {
        return scale;
    }

    public double[] bias() {
        return bias;
    }

    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        Tensor in = x[0];
        int c = channels(in);
        int plane = in.rowSize() / c;
        double[] d = in.data();
        double[] out = new double[d.length];
        for (int g = 0; g < d.length / plane; g++) {
            int off = g * plane;
            double mean = mean(d, off, plane);
            double s = Math.sqrt(variance(d, off, plane, mean) + eps);
            int ch = g % c;
            for (int i = 0; i < plane; i++) {
                out[off + i] = scale[ch] * (d[off + i] - mean) / s + bias[ch];
            }
        }
        return new Tensor(in.shape(), out);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return derivative(x[0], t[0]);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {derivative(x[0], gy)};
    }

    /** Applies the (symmetric) Jacobian at primal x to each row of t; x has 1 row or as many as t. */
    private Tensor derivative(Tensor x, Tensor t) {
        int c = channels(x);
        int row = x.rowSize();
        int plane = row / c;
        if (t.rowSize() != row || (x.dim(0) != 1 && x.dim(0) != t.dim(0))) {
            throw new ShapeException("tangents " + Arrays.toString(t.shape()) + " do not match primal "
                    + Arrays.toString(x.shape()));
        }
        double[] xd = x.data();
        double[] td = t.data();
        double[] out = new double[td.length];
        for (int r = 0; r < t.dim(0); r++) {
            int xr = x.dim(0) == 1 ? 0 : r;
            for (int ch = 0; ch < c; ch++) {
                int xo = xr * row + ch * plane;
                int to = r * row + ch * plane;
                double mean = mean(xd, xo, plane);
                double s = Math.sqrt(variance(xd, xo, plane, mean) + eps);
                double mt = 0;
                double mtx = 0;
                for (int i = 0; i < plane; i++) {
                    double xh = (xd[xo + i] - mean) / s;
                    mt += td[to + i];
                    mtx += td[to + i] * xh;
                }
                mt /= plane;
                mtx /= plane;
                for (int i = 0; i < plane; i++) {
                    double xh = (xd[xo + i] - mean) / s;
                    out[to + i] = scale[ch] / s * (td[to + i] - mt - xh * mtx);
                }
            }
        }
        return new Tensor(t.shape(), out);
    }

    private int channels(Tensor x) {
        if (x.rank() < 3 || x.dim(1) != scale.length) {
            throw new ShapeException("expects [N, " + scale.length + ", spatial...], got " + x);
        }
        return scale.length;
    }

    private static double mean(double[] d, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += d[off + i];
        }
        return s / n;
    }

    private static double variance(double[] d, int off, int n, double mean) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = d[off + i] - mean;
            s += v * v;
        }
        return s / n;
    }
}
