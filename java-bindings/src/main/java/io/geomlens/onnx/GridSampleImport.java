package io.geomlens.onnx;

import io.geomlens.graph.SparseMap;
import io.geomlens.graph.Tensor;
import java.util.Arrays;

/**
 * GridSample on a fixed grid (sampling points that do not depend on the latent: a fixed warp, a
 * rendering's rays through triplanes). Each output point then reads a fixed set of input points
 * with fixed weights, so the op is a {@link SparseMap} of the spatial axes, the same for every
 * batch entry and channel. Interpolation is separable: an output point's taps are the product of
 * its per-axis taps. Coordinates follow torch's grid_sampler (and ONNX Runtime): bilinear and
 * nearest pad the coordinate, bicubic (A = -0.75) pads each tap's index.
 */
final class GridSampleImport {
    private GridSampleImport() {}

    private enum Mode { NEAREST, LINEAR, CUBIC }

    private enum Padding { ZEROS, BORDER, REFLECTION }

    private record Axis(int[] index, double[] weight) {}

    static void importNode(NodeContext ctx) {
        int[] s = ctx.b().shapeOf(ctx.dataInput());
        if (ctx.b().isVariable(ctx.input(1))) {
            throw ctx.fail("the grid depends on the latent (a warp or flow field the model computes); only a fixed"
                    + " grid is supported, with which GridSample is a fixed linear map");
        }
        Tensor grid = ctx.weight(1, "grid");
        int k = s.length - 2;
        if (k < 1 || (ctx.opset() < 20 && k != 2)) {
            throw ctx.fail("input of shape " + Arrays.toString(s) + ": expected [N, C, H, W]"
                    + (ctx.opset() >= 20 ? " or [N, C, D1, ..., Dk]" : ""));
        }
        int[] g = grid.shape();
        if (g.length != k + 2 || g[k + 1] != k) {
            throw ctx.fail("grid of shape " + Arrays.toString(g) + " does not fit input " + Arrays.toString(s)
                    + ": expected [N, out spatial..., " + k + "]");
        }
        int points = Tensor.product(g, 1, k + 1);
        double[] shared = sharedGrid(ctx, grid.data(), g[0], points * k);
        Mode mode = mode(ctx);
        Padding padding = padding(ctx);
        boolean align = ctx.a().integer("align_corners", 0) != 0;
        int[] inTail = Arrays.copyOfRange(s, 2, s.length);
        SparseMap.Builder m = new SparseMap.Builder();
        Axis[] axes = new Axis[k];
        for (int p = 0; p < points; p++) {
            for (int d = 0; d < k; d++) {   // grid's last entry is x, the last spatial axis
                axes[d] = taps(shared[p * k + k - 1 - d], inTail[d], mode, padding, align);
            }
            m.row();
            product(m, axes, inTail, 0, 0, 1.0);
        }
        ctx.unary(m.build(inTail, Arrays.copyOfRange(g, 1, k + 1)));
    }

    /** The grid of batch entry 0, after checking that every entry holds the same grid and no NaN. */
    private static double[] sharedGrid(NodeContext ctx, double[] data, int entries, int size) {
        for (int i = 0; i < data.length; i++) {
            if (!Double.isFinite(data[i])) {
                throw ctx.fail("the grid holds " + data[i] + " at flat index " + i
                        + "; sampling points must be finite");
            }
            if (i >= size && data[i] != data[i % size]) {
                throw ctx.fail("the grid differs between its " + entries + " batch entries (first at entry "
                        + i / size + "); export with one grid for the whole batch (a grid of batch size 1)");
            }
        }
        return Arrays.copyOf(data, size);
    }

    private static void product(SparseMap.Builder m, Axis[] axes, int[] sizes, int d, int offset, double w) {
        if (d == axes.length) {
            m.add(offset, w);
            return;
        }
        for (int i = 0; i < axes[d].index.length; i++) {
            product(m, axes, sizes, d + 1, offset * sizes[d] + axes[d].index[i], w * axes[d].weight[i]);
        }
    }

    /** One axis' taps for normalized coordinate c in [-1, 1] over size input points. */
    private static Axis taps(double c, int size, Mode mode, Padding padding, boolean align) {
        double x = align ? (c + 1) / 2 * (size - 1) : ((c + 1) * size - 1) / 2;
        if (mode == Mode.CUBIC) {
            double x0 = Math.floor(x);
            double t = x - x0;
            double[] w = {ResizeMatrix.cubic(t + 1, A), ResizeMatrix.cubic(t, A), ResizeMatrix.cubic(1 - t, A),
                ResizeMatrix.cubic(2 - t, A)};
            int[] idx = new int[4];
            int n = 0;
            for (int i = 0; i < 4; i++) {
                double at = padding == Padding.ZEROS ? x0 - 1 + i : padded(x0 - 1 + i, size, padding, align);
                if (at >= 0 && at <= size - 1) {
                    w[n] = w[i];
                    idx[n++] = (int) at;
                }
            }
            return new Axis(Arrays.copyOf(idx, n), Arrays.copyOf(w, n));
        }
        x = padding == Padding.ZEROS ? x : padded(x, size, padding, align);
        if (mode == Mode.NEAREST) {
            double i = Math.rint(x);   // half to even, as torch's nearbyint
            return i >= 0 && i <= size - 1 ? new Axis(new int[] {(int) i}, new double[] {1}) : new Axis(new int[0],
                    new double[0]);
        }
        double x0 = Math.floor(x);
        double f = x - x0;
        boolean lo = x0 >= 0 && x0 <= size - 1;
        boolean hi = x0 + 1 >= 0 && x0 + 1 <= size - 1;
        if (lo && hi) {
            return new Axis(new int[] {(int) x0, (int) x0 + 1}, new double[] {1 - f, f});
        }
        return lo ? new Axis(new int[] {(int) x0}, new double[] {1 - f})
                : hi ? new Axis(new int[] {(int) x0 + 1}, new double[] {f}) : new Axis(new int[0], new double[0]);
    }

    /** Border: clipped to the input; reflection: mirrored at the edges (pixel centres or corners), then clipped. */
    private static double padded(double x, int size, Padding padding, boolean align) {
        if (padding == Padding.REFLECTION) {
            x = align ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
        }
        return Math.min(Math.max(x, 0), size - 1);
    }

    /** torch's reflect_coordinates: x mirrored into [twiceLow / 2, twiceHigh / 2]. */
    private static double reflect(double x, double twiceLow, double twiceHigh) {
        if (twiceLow == twiceHigh) {
            return 0;
        }
        double min = twiceLow / 2;
        double span = (twiceHigh - twiceLow) / 2;
        double in = Math.abs(x - min);
        double extra = in % span;
        return ((long) Math.floor(in / span)) % 2 == 0 ? extra + min : span - extra + min;
    }

    /** torch's bicubic coefficient. */
    private static final double A = -0.75;

    private static Mode mode(NodeContext ctx) {
        String m = ctx.a().string("mode", ctx.opset() >= 20 ? "linear" : "bilinear");
        return switch (m) {
            case "bilinear", "linear" -> Mode.LINEAR;
            case "nearest" -> Mode.NEAREST;
            case "bicubic", "cubic" -> Mode.CUBIC;
            default -> throw ctx.fail("mode '" + m + "' is not a GridSample mode (linear, nearest, cubic)");
        };
    }

    private static Padding padding(NodeContext ctx) {
        String p = ctx.a().string("padding_mode", "zeros");
        return switch (p) {
            case "zeros" -> Padding.ZEROS;
            case "border" -> Padding.BORDER;
            case "reflection" -> Padding.REFLECTION;
            default -> throw ctx.fail("padding_mode '" + p + "' is not one of zeros, border, reflection");
        };
    }
}
