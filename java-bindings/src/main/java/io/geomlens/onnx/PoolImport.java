package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reduce;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AveragePool (1-D, 2-D) as the depthwise conv it is: weights 1 / window per channel, or, when
 * padded cells do not count (count_include_pad=0), weights 1 and a constant map of 1 / (cells
 * inside the input) per output position. GlobalAveragePool is a ReduceMean over the spatial axes.
 * MaxPool over windows that tile the input is a max of reshaped slices.
 */
final class PoolImport {
    private PoolImport() {}

    /** A pooling node's input and window attributes (1-D or 2-D; pads as [begins..., ends...]). */
    private record Window(String x, int[] s, int[] k, int[] strides, int[] pads, int[] dilations) {
        static Window of(NodeContext ctx, String kind) {
            String x = ctx.variableInput("pooling");
            int[] s = ctx.b().shapeOf(x);
            Attributes a = ctx.a();
            int[] k = a.ints("kernel_shape", null);
            if (k == null || k.length != s.length - 2 || (k.length != 1 && k.length != 2)) {
                throw ctx.fail("kernel_shape " + Arrays.toString(k) + " on an input of shape " + Arrays.toString(s)
                        + "; only 1-D and 2-D " + kind + " pooling is supported");
            }
            return new Window(x, s, k, a.ints("strides", ones(k.length)), a.ints("pads", new int[2 * k.length]),
                    a.ints("dilations", ones(k.length)));
        }
    }

    static void average(NodeContext ctx) {
        Window win = Window.of(ctx, "average");
        Attributes a = ctx.a();
        int[] s = win.s();
        int[] k = win.k();
        int spatial = k.length;
        int[] strides = win.strides();
        int[] pads = win.pads();
        int[] dilations = win.dilations();
        int[] counts = new int[spatial];   // output positions per axis, and the windows' cells inside the input
        double[][] inside = new double[spatial][];
        for (int d = 0; d < spatial; d++) {
            int size = s[2 + d];
            int span = dilations[d] * (k[d] - 1) + 1;
            int padded = size + pads[d] + pads[d + spatial] - span;
            if (a.integer("ceil_mode", 0) != 0 && padded % strides[d] != 0) {
                throw ctx.fail("ceil_mode=1 adds a partial window here; export with ceil_mode=False or pad the input");
            }
            counts[d] = padded / strides[d] + 1;
            inside[d] = new double[counts[d]];
            for (int o = 0; o < counts[d]; o++) {
                for (int t = 0; t < k[d]; t++) {
                    int at = o * strides[d] - pads[d] + t * dilations[d];
                    inside[d][o] += at >= 0 && at < size ? 1 : 0;
                }
            }
        }
        int window = Arrays.stream(k).reduce(1, (p, q) -> p * q);
        boolean padsCount = a.integer("count_include_pad", 0) != 0 || Arrays.stream(pads).allMatch(p -> p == 0);
        int channels = s[1];
        int[] w = new int[2 + spatial];
        w[0] = channels;
        w[1] = 1;
        System.arraycopy(k, 0, w, 2, spatial);
        double[] weights = new double[channels * window];
        Arrays.fill(weights, padsCount ? 1.0 / window : 1.0);
        if (padsCount) {
            ConvImport.add(ctx, false, new Tensor(w, weights), null, channels, ctx.output(0));
            return;
        }
        String name = ctx.name();
        double[] scale = new double[Arrays.stream(counts).reduce(1, (p, q) -> p * q)];
        for (int i = 0; i < scale.length; i++) {
            double cells = spatial == 1 ? inside[0][i] : inside[0][i / counts[1]] * inside[1][i % counts[1]];
            if (cells == 0) {
                throw ctx.fail("pads " + Arrays.toString(pads) + " leave a window with no input cell");
            }
            scale[i] = 1.0 / cells;
        }
        ConvImport.add(ctx, false, new Tensor(w, weights), null, channels, name + "/sum");
        ctx.b().constant(name + "/per_cell", new Tensor(counts, scale))
                .node(name + "/mean", "Mul", new Elementwise(Elementwise.Kind.MUL),
                        List.of(name + "/sum", name + "/per_cell"), ctx.output(0));
    }

    /**
     * MaxPool with windows that tile the input (kernel = strides, no padding, as BigGAN's
     * self-attention pools): the input reshaped so each window is one block of axes, each of its
     * cells taken by Narrows, and the max of them as a tree of max(a, b) = a + relu(b - a), whose
     * ReLUs are selections, not neurons (see Activation.selection).
     */
    static void max(NodeContext ctx) {
        Window win = Window.of(ctx, "max");
        Attributes a = ctx.a();
        String x = win.x();
        int[] s = win.s();
        int[] k = win.k();
        int spatial = k.length;
        int[] strides = win.strides();
        int[] pads = win.pads();
        int[] dilations = win.dilations();
        boolean tiles = Arrays.equals(strides, k) && Arrays.stream(pads).allMatch(p -> p == 0)
                && Arrays.stream(dilations).allMatch(d -> d == 1) && ctx.n().getOutputCount() == 1
                && a.string("auto_pad", "NOTSET").matches("NOTSET|VALID");
        for (int d = 0; d < spatial && tiles; d++) {
            tiles = s[2 + d] % k[d] == 0;
        }
        if (!tiles) {
            throw ctx.fail("only max pooling whose windows tile the input is supported (kernel_shape = strides, "
                    + "no padding or dilation, sizes divisible by the kernel, no Indices output); got kernel "
                    + Arrays.toString(k) + ", strides " + Arrays.toString(strides) + ", pads " + Arrays.toString(pads)
                    + " on " + Arrays.toString(s));
        }
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        int[] blocks = new int[2 + 2 * spatial];   // [0, C, H / kh, kh, W / kw, kw]
        int[] pooled = new int[2 + spatial];        // [0, C, H / kh, W / kw]
        blocks[1] = s[1];
        pooled[1] = s[1];
        for (int d = 0; d < spatial; d++) {
            blocks[2 + 2 * d] = s[2 + d] / k[d];
            blocks[3 + 2 * d] = k[d];
            pooled[2 + d] = s[2 + d] / k[d];
        }
        b.node(name + "/windows", "Reshape", new Reshape(blocks), List.of(x), name + "/blocks");
        List<String> cells = new ArrayList<>();
        int count = Arrays.stream(k).reduce(1, (p, q) -> p * q);
        for (int c = 0; c < count; c++) {
            String cur = name + "/blocks";
            int[] at = spatial == 1 ? new int[] {c} : new int[] {c / k[1], c % k[1]};   // the cell in its window
            for (int d = 0; d < spatial; d++) {
                String next = name + "/cell" + c + "/axis" + d;
                b.node(next, "Slice", new Narrow(3 + 2 * d, at[d], 1), List.of(cur), next + "/out");
                cur = next + "/out";
            }
            b.node(name + "/cell" + c, "Reshape", new Reshape(pooled), List.of(cur), name + "/cell" + c + "/out");
            cells.add(name + "/cell" + c + "/out");
        }
        String m = cells.get(0);
        for (int c = 1; c < cells.size(); c++) {
            String p = name + "/max" + c;
            String out = c == cells.size() - 1 ? ctx.output(0) : p + "/out";
            b.node(p + "/Sub", "Sub", new Elementwise(Elementwise.Kind.SUB), List.of(cells.get(c), m), p + "/gap")
                    .node(p + "/Relu", "Relu", Activation.selection(), List.of(p + "/gap"), p + "/gain")
                    .node(p + "/Add", "Add", new Elementwise(Elementwise.Kind.ADD), List.of(m, p + "/gain"), out);
            m = out;
        }
        if (cells.size() == 1) {
            b.alias(ctx.output(0), m);
        }
    }

    static void global(NodeContext ctx) {
        String x = ctx.variableInput("pooling");
        int[] s = ctx.b().shapeOf(x);
        if (s.length < 3) {
            throw ctx.fail("expects [N, C, spatial...], got " + Arrays.toString(s));
        }
        int[] axes = new int[s.length - 2];
        int count = 1;
        for (int i = 0; i < axes.length; i++) {
            axes[i] = 2 + i;
            count *= s[2 + i];
        }
        ctx.unary(new Reduce(axes, true, true, count));
    }

    private static int[] ones(int n) {
        int[] o = new int[n];
        Arrays.fill(o, 1);
        return o;
    }
}
