package io.geomlens.graph;

import java.util.Arrays;

/**
 * ReduceMean / ReduceSum over non-batch axes (normalization statistics as older exports write
 * LayerNorm, PixelNorm, RMSNorm). Linear: the adjoint spreads each cotangent over its reduced
 * elements, times 1 / count for the mean.
 */
public final class Reduce implements LinearMap {
    private final int[] axes;
    private final boolean keepDims;
    /** The factor after summing, {1 / count} (mean) or {1} (sum); an array so device caches key on it. */
    private final double[] factor;

    /** @param axes resolved, ascending, all >= 1; @param count elements summed per output (for the mean) */
    public Reduce(int[] axes, boolean keepDims, boolean mean, int count) {
        if (axes.length == 0 || Arrays.stream(axes).anyMatch(a -> a < 1)) {
            throw new ShapeException("reduction axes " + Arrays.toString(axes) + " include the batch axis 0");
        }
        this.axes = axes.clone();
        this.keepDims = keepDims;
        this.factor = new double[] {mean ? 1.0 / count : 1.0};
    }

    public double[] factor() {
        return factor;
    }

    /** x's shape with 1 on the reduced axes. */
    public int[] keptShape(int[] s) {
        int[] k = s.clone();
        for (int a : axes) {
            if (a >= s.length) {
                throw new ShapeException("axis " + a + " does not exist in " + Arrays.toString(s));
            }
            k[a] = 1;
        }
        return k;
    }

    /** The output shape: keptShape, without the reduced axes unless keepdims. */
    public int[] outputShape(int[] s) {
        int[] k = keptShape(s);
        if (keepDims) {
            return k;
        }
        return java.util.stream.IntStream.range(0, s.length).filter(i -> Arrays.binarySearch(axes, i) < 0)
                .map(i -> k[i]).toArray();
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = x[0].shape();
        Tensor sum = Broadcast.reduceTo(x[0], keptShape(s));
        double[] d = sum.data();
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor[0];
        }
        return new Tensor(outputShape(s), d);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        int[] s = LinearMap.cotangentShape(x[0], gy);
        Tensor g = gy.reshape(keptShape(s));
        return new Tensor[] {Broadcast.apply(new Tensor(s, new double[(int) Tensor.count(s)]), g,
                (zero, v) -> v * factor[0])};
    }
}
