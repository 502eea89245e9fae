package io.geomlens.graph;

import java.util.Arrays;

/**
 * A constant (batch 1, or no batch dimension) repeated over the batch of a latent-dependent
 * reference: what lets torch.cat([z, embedding(label)], 1) concatenate a fixed condition with
 * the latent. Inputs: [constant, reference]. The output does not depend on the reference's
 * values, so its derivatives are zero.
 */
public final class BatchBroadcast implements LinearOp {
    @Override
    public Tensor forward(Tensor[] x) {
        return repeat(x[0], x[1].dim(0));
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        int batch = t[1] != null ? t[1].dim(0) : x[1].dim(0);
        return new Tensor(shape(x[0], batch), new double[(int) Tensor.count(shape(x[0], batch))]);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = LinearMap.cotangentShape(x[1], gy);
        return new Tensor[] {null, needs[1] ? new Tensor(s, new double[(int) Tensor.count(s)]) : null};
    }

    /** The constant's shape with dimension 0 (its batch of 1) set to batch. */
    public static int[] shape(Tensor c, int batch) {
        int[] s = c.shape();
        if (s.length == 0 || s[0] != 1) {
            throw new ShapeException("a constant joined with latent-dependent values needs batch size 1, got "
                    + Arrays.toString(s));
        }
        s[0] = batch;
        return s;
    }

    static Tensor repeat(Tensor c, int batch) {
        double[] d = c.data();
        double[] out = new double[d.length * batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(d, 0, out, i * d.length, d.length);
        }
        return new Tensor(shape(c, batch), out);
    }
}
