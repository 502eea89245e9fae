package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.Arrays;

/**
 * MatMul of two tensors of the same rank >= 3 with equal leading dimensions (the batch first):
 * [..., m, k] x [..., k, n], as in attention (q k^T, then weights v). Either side may depend on
 * the latent; the derivatives follow the product rule.
 */
public final class BatchedMatMul implements Op {
    @Override
    public Tensor forward(Tensor[] x) {
        return multiply(x[0], false, x[1], false);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        Tensor a = t[0] == null ? null : multiply(t[0], false, x[1], false);
        Tensor b = t[1] == null ? null : multiply(x[0], false, t[1], false);
        return a == null ? b : b == null ? a : Broadcast.apply(a, b, Elementwise.Kind.ADD);
    }

    /** dA = G B^T, dB = A^T G (per batch matrix). */
    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {needs[0] ? multiply(gy, false, x[1], true) : null,
                needs[1] ? multiply(x[0], true, gy, false) : null};
    }

    /**
     * The shape of batched op(A) op(B), after checking that the operands fit: same rank >= 3, equal
     * dimensions between the first and the last two, dimension 0 equal or 1 (broadcast).
     */
    public static int[] productShape(int[] as, boolean ta, int[] bs, boolean tb) {
        int r = as.length;
        if (r < 3 || bs.length != r) {
            throw new ShapeException("expects two inputs of the same rank >= 3, got " + Arrays.toString(as) + " and "
                    + Arrays.toString(bs));
        }
        int batch = Math.max(as[0], bs[0]);
        if ((as[0] != batch && as[0] != 1) || (bs[0] != batch && bs[0] != 1)
                || !Arrays.equals(Arrays.copyOfRange(as, 1, r - 2), Arrays.copyOfRange(bs, 1, r - 2))) {
            throw new ShapeException("leading dimensions of " + Arrays.toString(as) + " and " + Arrays.toString(bs)
                    + " differ");
        }
        int k = ta ? as[r - 2] : as[r - 1];
        int kb = tb ? bs[r - 1] : bs[r - 2];
        if (k != kb) {
            throw new ShapeException("inner dimensions differ: " + Arrays.toString(as) + " x " + Arrays.toString(bs));
        }
        int[] os = as.clone();
        os[0] = batch;
        os[r - 2] = ta ? as[r - 1] : as[r - 2];
        os[r - 1] = tb ? bs[r - 2] : bs[r - 1];
        return os;
    }

    /**
     * Batched op(A) op(B). A row of size 1 in dimension 0 (a primal against k tangents) is
     * broadcast over the other operand's batch.
     */
    static Tensor multiply(Tensor a, boolean ta, Tensor b, boolean tb) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] os = productShape(as, ta, bs, tb);
        int r = os.length;
        int batch = os[0];
        int m = os[r - 2];
        int n = os[r - 1];
        int k = ta ? as[r - 2] : as[r - 1];
        int mid = Tensor.product(os, 1, r - 2);
        boolean float32 = a.isFloat32() || b.isFloat32();   // a product of the float32 mode (see Gemm)
        double[] ad = a.data();
        double[] bd = b.data();
        double[] out = new double[batch * mid * m * n];
        int aMat = as[r - 2] * as[r - 1];
        int bMat = bs[r - 2] * bs[r - 1];
        for (int s = 0; s < batch; s++) {
            for (int q = 0; q < mid; q++) {
                double[] am = Arrays.copyOfRange(ad, ((as[0] == 1 ? 0 : s) * mid + q) * aMat,
                        ((as[0] == 1 ? 0 : s) * mid + q + 1) * aMat);
                double[] bm = Arrays.copyOfRange(bd, ((bs[0] == 1 ? 0 : s) * mid + q) * bMat,
                        ((bs[0] == 1 ? 0 : s) * mid + q + 1) * bMat);
                if (ta) {
                    am = Gemm.transpose(am, k, m);
                }
                if (tb) {
                    bm = Gemm.transpose(bm, n, k);
                }
                Gemm.multiply(float32, am, 0, bm, 0, out, (s * mid + q) * m * n, m, n, k, false);
            }
        }
        return new Tensor(os, out);
    }
}
