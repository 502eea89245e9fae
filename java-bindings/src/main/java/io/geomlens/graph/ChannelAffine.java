package io.geomlens.graph;

/**
 * y = scale[c] * x + shift[c] over dimension 1: BatchNormalization in inference mode, folded at
 * import to scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
 */
public final class ChannelAffine implements LinearOp {
    private final double[] scale;
    private final double[] shift;

    public ChannelAffine(double[] scale, double[] shift) {
        this.scale = scale;
        this.shift = shift;
    }

    public double[] scale() {
        return scale;
    }

    public double[] shift() {
        return shift;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        return apply(x[0], shift);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return apply(t[0], null);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {apply(gy, null)};
    }

    private Tensor apply(Tensor x, double[] add) {
        if (x.rank() < 2 || x.dim(1) != scale.length) {
            throw new ShapeException("expects " + scale.length + " channels in dimension 1, got " + x);
        }
        double[] in = x.data();
        double[] out = new double[in.length];
        int plane = x.rowSize() / scale.length;
        for (int i = 0; i < in.length; i++) {
            int c = (i / plane) % scale.length;
            out[i] = scale[c] * in[i] + (add == null ? 0.0 : add[c]);
        }
        return new Tensor(x.shape(), out);
    }
}
