package io.geomlens.graph;

/**
 * Softmax over the last axis (opset 13 semantics). With s = softmax(x), the derivative maps t to
 * s * (t - sum(s t)); it is symmetric, so the VJP is the same map.
 */
public final class Softmax implements Op {
    @Override
    public Tensor forward(Tensor[] x) {
        int w = x[0].dim(x[0].rank() - 1);
        double[] in = x[0].data();
        double[] out = new double[in.length];
        for (int off = 0; off < in.length; off += w) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < w; i++) {
                max = Math.max(max, in[off + i]);
            }
            double sum = 0;
            for (int i = 0; i < w; i++) {
                out[off + i] = Math.exp(in[off + i] - max);
                sum += out[off + i];
            }
            for (int i = 0; i < w; i++) {
                out[off + i] /= sum;
            }
        }
        return new Tensor(x[0].shape(), out);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return derivative(y, t[0]);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {derivative(y, gy)};
    }

    /** s * (t - <s, t>) per row; s has one row per t row or a single batch row broadcast over t. */
    private static Tensor derivative(Tensor s, Tensor t) {
        int w = t.dim(t.rank() - 1);
        double[] sd = s.data();
        double[] td = t.data();
        double[] out = new double[td.length];
        int sRows = sd.length / w;
        int perSample = s.rowSize() / w;   // rows of one batch entry
        for (int row = 0; row < td.length / w; row++) {
            int sr = sRows == td.length / w ? row : row % perSample;
            double dot = 0;
            for (int i = 0; i < w; i++) {
                dot += sd[sr * w + i] * td[row * w + i];
            }
            for (int i = 0; i < w; i++) {
                out[row * w + i] = sd[sr * w + i] * (td[row * w + i] - dot);
            }
        }
        return new Tensor(t.shape(), out);
    }
}
