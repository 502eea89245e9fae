package io.geomlens.graph;

import java.util.Arrays;

/**
 * A dense row-major tensor. Variables (values that depend on the latent) carry the batch as
 * dimension 0; constants carry their own ONNX shape. Ops compute on doubles ({@link #data()});
 * at rest a tensor is stored either as doubles (float64 mode, constants) or as float32
 * ({@link #toFloat32()}, what the CPU backend keeps between ops in float32 mode).
 */
public final class Tensor {
    private final int[] shape;
    private final double[] data;    // null when stored as float32
    private final float[] floats;   // null when stored as doubles

    public Tensor(int[] shape, double[] data) {
        this(shape, data, null);
    }

    private Tensor(int[] shape, double[] data, float[] floats) {
        long n = count(shape);
        int have = data != null ? data.length : floats.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + have + " were given");
        }
        this.shape = shape.clone();
        this.data = data;
        this.floats = floats;
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

    /** Product of shape[from .. to-1]: the number of rows before, or elements after, an axis. */
    public static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= shape[i];
        }
        return p;
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
        return data != null ? data.length : floats.length;
    }

    /**
     * The values as doubles: the backing array itself when stored as doubles (an op may write its
     * fresh output through it), a widened copy when stored as float32.
     */
    public double[] data() {
        if (data != null) {
            return data;
        }
        double[] d = new double[floats.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = floats[i];
        }
        return d;
    }

    public boolean isFloat32() {
        return floats != null;
    }

    /** The same values rounded to float32 and stored as such (this tensor if already float32). */
    public Tensor toFloat32() {
        if (floats != null) {
            return this;
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return new Tensor(shape, null, f);
    }

    /** Values per batch row (everything but dimension 0). */
    public int rowSize() {
        return shape.length == 0 || shape[0] == 0 ? size() : size() / shape[0];
    }

    /** A view with another shape over the same storage. */
    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data, floats);
    }

    /** Same shape with dimension 0 replaced, for the batch of tangents or cotangents. */
    public int[] shapeWithBatch(int batch) {
        int[] s = shape.clone();
        s[0] = batch;
        return s;
    }


    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
