package io.geomlens.graph;

import java.util.Arrays;

/**
 * A dense row-major tensor of doubles. Variables (values that depend on the latent) carry the
 * batch as dimension 0; constants carry their own ONNX shape. Doubles let the CPU oracle run in
 * float64; in float32 mode every op output is rounded to float32 (see {@link Precision}).
 */
public final class Tensor {
    private final int[] shape;
    private final double[] data;

    public Tensor(int[] shape, double[] data) {
        long n = count(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + data.length + " were given");
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = count(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return new Tensor(shape, new double[(int) n]);
    }

    public static Tensor scalar(double v) {
        return new Tensor(new int[0], new double[] {v});
    }

    public static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return data.length;
    }

    /** The backing array, shared (no copy): ops write their fresh outputs through it. */
    public double[] data() {
        return data;
    }

    /** Values per batch row (everything but dimension 0). */
    public int rowSize() {
        return shape.length == 0 || shape[0] == 0 ? data.length : data.length / shape[0];
    }

    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    /** Same shape with dimension 0 replaced, for the batch of tangents or cotangents. */
    public int[] shapeWithBatch(int batch) {
        int[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
