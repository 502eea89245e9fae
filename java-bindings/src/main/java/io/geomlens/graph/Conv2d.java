package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.Arrays;

/**
 * ONNX Conv (2-D, any group): weights [cout, cin / group, kh, kw], optional bias. ConvTranspose is the same
 * index map run backwards, so one class serves both; {@code transposed} picks the direction.
 */
public final class Conv2d implements LinearOp {
    private final boolean transposed;
    private final int cIn;
    private final int cOut;
    private final int kh;
    private final int kw;
    private final int[] strides;
    private final int[] pads;
    private final int[] dilations;
    private final int[] outputPadding;
    private final double[] wmat;
    private final double[] wmatT;
    private final double[] bias;
    private final int groups;

    /**
     * @param weights ONNX layout: [cout, cin / groups, kh, kw] for Conv, [cin, cout / groups, kh, kw]
     *                for ConvTranspose
     * @param pads    [top, left, bottom, right]
     */
    public Conv2d(boolean transposed, int[] wShape, double[] weights, double[] bias, int[] strides,
                  int[] pads, int[] dilations, int[] outputPadding, int groups) {
        if (groups < 1 || wShape[0] % groups != 0) {
            throw new ShapeException("group=" + groups + " does not divide the " + wShape[0] + " channels of W "
                    + Arrays.toString(wShape) + (transposed ? " (ConvTranspose)" : ""));
        }
        this.transposed = transposed;
        this.groups = groups;
        this.cIn = transposed ? wShape[0] : wShape[1] * groups;
        this.cOut = transposed ? wShape[1] * groups : wShape[0];
        this.kh = wShape[2];
        this.kw = wShape[3];
        this.strides = strides.clone();
        this.pads = pads.clone();
        this.dilations = dilations.clone();
        this.outputPadding = outputPadding.clone();
        // Both layouts are [rows of the conv's output channels, cols of one group's input channels x
        // kernel]; the adjoint needs each group's block transposed.
        int rows = wShape[0];
        int cols = wShape[1] * kh * kw;
        int rg = rows / groups;
        this.wmat = weights;
        this.wmatT = new double[weights.length];
        for (int g = 0; g < groups; g++) {
            double[] block = Gemm.transpose(Arrays.copyOfRange(weights, g * rg * cols, (g + 1) * rg * cols), rg, cols);
            System.arraycopy(block, 0, wmatT, g * rg * cols, block.length);
        }
        this.bias = bias;
        if (bias != null && bias.length != cOut) {
            throw new ShapeException("bias has " + bias.length + " values for " + cOut + " output channels");
        }
    }

    public boolean transposed() {
        return transposed;
    }

    public int inChannels() {
        return cIn;
    }

    public int outChannels() {
        return cOut;
    }

    /** Weights as the conv matrix [rows, cols] = [conv output channels, one group's input channels x kh x kw]. */
    public double[] weightMatrix() {
        return wmat;
    }


    /** Bias per output channel, or null. */
    public double[] bias() {
        return bias;
    }

    /** The conv index map for an input of spatial size h x w (of this op's input). */
    public ConvGeometry geometry(int h, int w) {
        int ekh = (kh - 1) * dilations[0] + 1;
        int ekw = (kw - 1) * dilations[1] + 1;
        if (!transposed) {
            int ho = Math.floorDiv(h + pads[0] + pads[2] - ekh, strides[0]) + 1;
            int wo = Math.floorDiv(w + pads[1] + pads[3] - ekw, strides[1]) + 1;
            if (ho <= 0 || wo <= 0) {
                throw new ShapeException("kernel " + kh + "x" + kw + " does not fit input " + h + "x" + w);
            }
            return new ConvGeometry(cIn, h, w, cOut, kh, kw, strides[0], strides[1], pads[0], pads[1],
                    dilations[0], dilations[1], ho, wo, groups);
        }
        int ho = strides[0] * (h - 1) + outputPadding[0] + ekh - pads[0] - pads[2];
        int wo = strides[1] * (w - 1) + outputPadding[1] + ekw - pads[1] - pads[3];
        if (ho <= 0 || wo <= 0) {
            throw new ShapeException("ConvTranspose output would be " + ho + "x" + wo);
        }
        // Seen as a conv, the transpose's output is the conv's input and vice versa.
        return new ConvGeometry(cOut, ho, wo, cIn, kh, kw, strides[0], strides[1], pads[0], pads[1],
                dilations[0], dilations[1], h, w, groups);
    }

    @Override
    public Tensor forward(Tensor[] x) {
        Tensor y = linear(x[0]);
        if (bias != null) {
            double[] d = y.data();
            int plane = y.dim(2) * y.dim(3);
            for (int from = 0, ch = 0; from < d.length; from += plane, ch = ch + 1 == cOut ? 0 : ch + 1) {
                double v = bias[ch];
                for (int i = from; i < from + plane; i++) {
                    d[i] += v;
                }
            }
        }
        return y;
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return linear(t[0]);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {adjoint(x[0], gy)};
    }

    private Tensor linear(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != cIn) {
            throw new ShapeException("expects [N, " + cIn + ", H, W], got " + Arrays.toString(s));
        }
        int n = s[0];
        ConvGeometry g = geometry(s[2], s[3]);
        if (!transposed) {
            double[] o = new double[n * g.outSize()];
            g.conv(x.data(), wmat, o, n, x.isFloat32());
            return new Tensor(new int[] {n, g.cout(), g.ho(), g.wo()}, o);
        }
        // Seen as a conv, a transpose's input is the conv's output: run the conv's adjoint.
        double[] o = new double[n * g.inSize()];
        g.convAdjoint(x.data(), wmatT, o, n, x.isFloat32());
        return new Tensor(new int[] {n, g.cin(), g.h(), g.w()}, o);
    }

    /** The adjoint needs the primal input's spatial size, which the cotangent alone does not fix. */
    private Tensor adjoint(Tensor primalIn, Tensor gy) {
        ConvGeometry g = geometry(primalIn.dim(2), primalIn.dim(3));
        int n = gy.dim(0);
        if (!transposed) {
            double[] o = new double[n * g.inSize()];
            g.convAdjoint(gy.data(), wmatT, o, n, gy.isFloat32());
            return new Tensor(new int[] {n, g.cin(), g.h(), g.w()}, o);
        }
        double[] o = new double[n * g.outSize()];
        g.conv(gy.data(), wmat, o, n, gy.isFloat32());
        return new Tensor(new int[] {n, g.cout(), g.ho(), g.wo()}, o);
    }
}
