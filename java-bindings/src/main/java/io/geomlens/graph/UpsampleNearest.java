package io.geomlens.graph;

import java.util.Arrays;

/**
 * Nearest-neighbour upsampling of [N, C, H, W] by integer factors (Resize/Upsample, mode nearest):
 * each input pixel is copied fy x fx times; the adjoint sums each block back.
 */
public final class UpsampleNearest implements LinearMap {
    private final int fy;
    private final int fx;

    public UpsampleNearest(int fy, int fx) {
        if (fy < 1 || fx < 1) {
            throw new ShapeException("upsampling factors must be positive integers, got " + fy + "x" + fx);
        }
        this.fy = fy;
        this.fx = fx;
    }

    public int factorY() {
        return fy;
    }

    public int factorX() {
        return fx;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        if (s.length != 4) {
            throw new ShapeException("expects [N, C, H, W], got " + Arrays.toString(s));
        }
        int planes = s[0] * s[1];
        int h = s[2];
        int w = s[3];
        double[] in = x[0].data();
        double[] out = new double[in.length * fy * fx];
        int wo = w * fx;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < h * fy; oy++) {
                int src = (p * h + oy / fy) * w;
                int dst = (p * h * fy + oy) * wo;
                for (int ox = 0; ox < wo; ox++) {
                    out[dst + ox] = in[src + ox / fx];
                }
            }
        }
        return new Tensor(new int[] {s[0], s[1], h * fy, wo}, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = gy.shape();
        int planes = s[0] * s[1];
        int h = s[2] / fy;
        int w = s[3] / fx;
        double[] g = gy.data();
        double[] out = new double[planes * h * w];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < s[2]; oy++) {
                int dst = (p * h + oy / fy) * w;
                int src = (p * s[2] + oy) * s[3];
                for (int ox = 0; ox < s[3]; ox++) {
                    out[dst + ox / fx] += g[src + ox];
                }
            }
        }
        return new Tensor[] {new Tensor(new int[] {s[0], s[1], h, w}, out)};
    }
}
