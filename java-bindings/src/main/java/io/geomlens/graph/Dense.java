package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.Arrays;

/**
 * y = x W + bias over the last dimension of x, W constant [in, out] (Gemm with alpha folded in
 * and transB resolved, or MatMul). The tangent map is x -> x W, the adjoint g -> g W^T. An input
 * stored as float32 multiplies as the float32 mode's products do (see Gemm).
 */
public final class Dense implements LinearOp {
    private final int in;
    private final int out;
    private final double[] w;
    private final double[] wt;
    private final Tensor bias;

    /** @param w row-major [in, out]; @param bias broadcastable to [N, out], or null */
    public Dense(int in, int out, double[] w, Tensor bias) {
        this.in = in;
        this.out = out;
        this.w = w;
        this.wt = Gemm.transpose(w, in, out);
        this.bias = bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    /** Weights, row-major [in, out] (shared, do not modify). */
    public double[] weights() {
        return w;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        Tensor y = linear(x[0], w, in, out);
        return bias == null ? y : Broadcast.apply(y, bias, Elementwise.Kind.ADD);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return linear(t[0], w, in, out);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {linear(gy, wt, out, in)};
    }

    private static Tensor linear(Tensor x, double[] m, int rowsIn, int cols) {
        int[] s = x.shape();
        if (s.length < 2 || s[s.length - 1] != rowsIn) {
            throw new ShapeException("expects input with last dimension " + rowsIn + ", got "
                    + Arrays.toString(s));
        }
        int rows = x.size() / rowsIn;
        double[] o = new double[rows * cols];
        Gemm.multiply(x.isFloat32(), x.data(), 0, m, 0, o, 0, rows, cols, rowsIn, false);
        s[s.length - 1] = cols;
        return new Tensor(s, o);
    }
}
