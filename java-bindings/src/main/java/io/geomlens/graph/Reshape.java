package io.geomlens.graph;

import java.util.Arrays;

/**
 * ONNX Reshape with a constant target (0 copies a dimension, -1 is inferred); Flatten(axis=1)
 * is Reshape [0, -1]. The batch must stay in dimension 0.
 */
public final class Reshape implements LinearOp {
    private final int[] spec;

    public Reshape(int[] spec) {
        this.spec = spec.clone();
    }

    public int[] spec() {
        return spec.clone();
    }

    public int[] resolve(int[] in) {
        if (spec.length > 0 && spec[0] > 0 && in.length > 0 && spec[0] != in[0]) {
            throw new ShapeException("target " + Arrays.toString(spec) + " fixes the batch dimension to " + spec[0]
                    + " but the batch is " + in[0] + "; export with a dynamic batch (view(-1, ...) or"
                    + " view(x.size(0), ...))");
        }
        int[] out = new int[spec.length];
        long known = 1;
        int infer = -1;
        for (int i = 0; i < spec.length; i++) {
            if (spec[i] == 0) {
                if (i >= in.length) {
                    throw new ShapeException("target " + Arrays.toString(spec) + " copies dimension " + i
                            + " that input " + Arrays.toString(in) + " lacks");
                }
                out[i] = in[i];
            } else if (spec[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeException("target " + Arrays.toString(spec) + " has two -1");
                }
                infer = i;
                continue;
            } else {
                out[i] = spec[i];
            }
            known *= out[i];
        }
        long total = Tensor.count(in);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new ShapeException("cannot reshape " + Arrays.toString(in) + " to " + Arrays.toString(spec));
            }
            out[infer] = (int) (total / known);
        } else if (known != total) {
            throw new ShapeException("cannot reshape " + Arrays.toString(in) + " (" + total + " values) to "
                    + Arrays.toString(spec));
        }
        if (out.length == 0 || out[0] != in[0]) {
            throw new ShapeException("reshape " + Arrays.toString(in) + " -> " + Arrays.toString(out)
                    + " moves the batch dimension; export with a dynamic batch (view(-1, ...) or"
                    + " view(x.size(0), ...))");
        }
        return out;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        return x[0].reshape(resolve(x[0].shape()));
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return t[0].reshape(y.shapeWithBatch(t[0].dim(0)));
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {gy.reshape(x[0].shapeWithBatch(gy.dim(0)))};
    }
}
