package io.geomlens.graph;

import java.util.Arrays;

/** ONNX Transpose with perm[0] = 0 (the batch stays first); the adjoint is the inverse permutation. */
public final class Transpose implements LinearOp {
    private final int[] perm;
    private final int[] inverse;

    public Transpose(int[] perm) {
        if (perm.length == 0 || perm[0] != 0) {
            throw new ShapeException("perm " + Arrays.toString(perm) + " moves the batch dimension; perm[0] must be 0");
        }
        this.perm = perm.clone();
        this.inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
    }

    public int[] perm() {
        return perm.clone();
    }

    public int[] inverse() {
        return inverse.clone();
    }

    @Override
    public Tensor forward(Tensor[] x) {
        return permute(x[0], perm);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return permute(t[0], perm);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {permute(gy, inverse)};
    }

    /** x with its axes in the order p (any axis may move: also used on constants at import). */
    public static Tensor permute(Tensor x, int[] p) {
        int[] s = x.shape();
        if (s.length != p.length) {
            throw new ShapeException("perm has " + p.length + " entries for an input of rank " + s.length);
        }
        int r = s.length;
        int[] os = new int[r];
        for (int i = 0; i < r; i++) {
            os[i] = s[p[i]];
        }
        int[] inStride = new int[r];
        int st = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStride[i] = st;
            st *= s[i];
        }
        double[] in = x.data();
        double[] out = new double[in.length];
        int[] idx = new int[r];
        for (int o = 0; o < out.length; o++) {
            int src = 0;
            for (int i = 0; i < r; i++) {
                src += idx[i] * inStride[p[i]];
            }
            out[o] = in[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new Tensor(os, out);
    }
}
