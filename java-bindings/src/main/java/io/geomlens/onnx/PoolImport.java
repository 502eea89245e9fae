package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Activation;
import io.geomlens.graph.BorderPad;
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
 * AveragePool (1-D, 2-D, 3-D) as the depthwise conv it is: weights 1 / window per channel, or, when
 * windows differ in the cells they count (padding with count_include_pad=0, ceil_mode's
 * partial window), weights 1 and a constant map of 1 / (cells counted) per output position.
 * GlobalAveragePool is a ReduceMean over the spatial axes.
 * MaxPool is a max over slices of the input cut into blocks of the stride.
 */
final class PoolImport {
    private PoolImport() {}

    /** A pooling node's input and window attributes (1-D to 3-D; pads as [begins..., ends...]). */
    private record Window(String x, int[] s, int[] k, int[] strides, int[] pads, int[] dilations) {
        static Window of(NodeContext ctx, String kind) {
            String x = ctx.dataInput();
            int[] s = ctx.b().shapeOf(x);
            Attributes a = ctx.a();
            int[] k = a.ints("kernel_shape", null);
            if (k == null || k.length != s.length - 2 || k.length > 3) {
                throw ctx.fail("kernel_shape " + Arrays.toString(k) + " on an input of shape " + Arrays.toString(s)
                        + "; 1-D, 2-D and 3-D " + kind + " pooling are supported");
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
        boolean padsCount = a.integer("count_include_pad", 0) != 0;
        int[] counts = new int[spatial];   // output positions per axis
        double[][] cells = new double[spatial][];   // per axis and output: the cells its mean divides by
        int[] convPads = pads.clone();     // ceil_mode's partial window: zeros after the end, not counted
        for (int d = 0; d < spatial; d++) {
            int size = s[2 + d];
            int span = dilations[d] * (k[d] - 1) + 1;
            int room = size + pads[d] + pads[d + spatial] - span;
            if (room < 0) {
                throw ctx.fail("kernel " + Arrays.toString(k) + " is larger than the padded input "
                        + Arrays.toString(s));
            }
            counts[d] = room / strides[d] + 1;
            // ceil_mode: one more, partial, window unless it would start in the right padding (ONNX, torch).
            if (a.integer("ceil_mode", 0) != 0 && room % strides[d] != 0 && counts[d] * strides[d] < size + pads[d]) {
                counts[d]++;
                convPads[d + spatial] += (counts[d] - 1) * strides[d] + span - (size + pads[d] + pads[d + spatial]);
            }
            // The cells a window's mean counts: with count_include_pad=1 those inside the padded input,
            // not ceil_mode's overhang past it (as torch and ONNX Runtime 1.29 do; 1.23.2 counted it; torch
            // 2's exporters write ceil_mode avg_pool2d this way); else those inside the input.
            int lo = padsCount ? -pads[d] : 0;
            int hi = padsCount ? size + pads[d + spatial] : size;
            cells[d] = new double[counts[d]];
            for (int o = 0; o < counts[d]; o++) {
                for (int t = 0; t < k[d]; t++) {
                    int at = o * strides[d] - pads[d] + t * dilations[d];
                    cells[d][o] += at >= lo && at < hi ? 1 : 0;
                }
            }
        }
        int window = Arrays.stream(k).reduce(1, (p, q) -> p * q);
        double[] scale = new double[Arrays.stream(counts).reduce(1, (p, q) -> p * q)];
        boolean whole = true;
        for (int i = 0; i < scale.length; i++) {
            double c = 1;
            for (int d = spatial - 1, rest = i; d >= 0; rest /= counts[d], d--) {
                c *= cells[d][rest % counts[d]];
            }
            if (c == 0) {
                throw ctx.fail("pads " + Arrays.toString(pads) + " leave a window with no input cell");
            }
            scale[i] = 1.0 / c;
            whole &= c == window;
        }
        int channels = s[1];
        int[] w = new int[2 + spatial];
        w[0] = channels;
        w[1] = 1;
        System.arraycopy(k, 0, w, 2, spatial);
        double[] weights = new double[channels * window];
        Arrays.fill(weights, whole ? 1.0 / window : 1.0);
        String name = ctx.name();
        String sum = whole ? ctx.output(0) : name + "/sum";
        if (spatial == 3) {   // one 2-D conv per output frame: the node as a Conv with the conv's pads
            NodeProto.Builder conv = ctx.n().toBuilder().setOutput(0, sum).clearAttribute();
            ctx.n().getAttributeList().stream().filter(at -> !at.getName().equals("pads")).forEach(conv::addAttribute);
            NodeProto asConv = conv.addAttribute(OnnxModelBuilder.Attr.ints("pads",
                    Arrays.stream(convPads).asLongStream().toArray()).proto()).build();
            Conv3dImport.importNode(new NodeContext(ctx.b(), asConv, name, new Attributes(asConv), ctx.opset()), false,
                    new Tensor(w, weights), null, channels);
        } else {
            ConvImport.add(ctx, false, new Tensor(w, weights), null, channels, sum, convPads);
        }
        if (whole) {
            return;
        }
        ctx.b().constant(name + "/per_cell", new Tensor(counts, scale))
                .node(name + "/mean", "Mul", new Elementwise(Elementwise.Kind.MUL),
                        List.of(name + "/sum", name + "/per_cell"), ctx.output(0));
    }

    /**
     * MaxPool (1-D to 3-D, any stride, dilation, padding, ceil_mode) as a max over the window's cells:
     * cell i of the window at o reads x[s o + d i] = x[s (o + d i / s) + d i % s], so with the
     * (padded) axis cut into blocks of s, each cell is a Narrow of whole blocks and one Narrow
     * inside them. Padding repeats the edge, which leaves the max unchanged as long as every window
     * that reaches into the padding (or past the input, ceil_mode's partial last window) also holds
     * the edge cell; that is checked per window (always so without dilation for pads <= kernel / 2).
     * Cells past the last window are cropped or filled the same way. The max is a tree of max(a, b)
     * = a + relu(b - a), whose ReLUs are selections, not neurons (see Activation.selection).
     */
    static void max(NodeContext ctx) {
        Window win = Window.of(ctx, "max");
        Attributes a = ctx.a();
        int[] s = win.s();
        int[] k = win.k();
        int spatial = k.length;
        int[] st = win.strides();
        int[] pads = win.pads();
        boolean indices = ctx.n().getOutputCount() > 1 && !ctx.n().getOutput(1).isEmpty();   // used (NodeRewrites)
        int[] dil = win.dilations();
        if (indices || !a.string("auto_pad", "NOTSET").matches("NOTSET|VALID")) {
            throw ctx.fail("its Indices output and auto_pad SAME are not supported");
        }
        int[] out = new int[spatial];
        int[] blocks = new int[spatial];
        int[] end = new int[spatial];   // cells to add (or, negative, to crop) after the input
        for (int d = 0; d < spatial; d++) {
            int size = s[2 + d];
            int span = dil[d] * (k[d] - 1) + 1;
            int padded = size + pads[d] + pads[d + spatial];
            if (padded < span) {
                throw ctx.fail("kernel " + Arrays.toString(k) + " (dilations " + Arrays.toString(dil)
                        + ") is larger than the padded input " + Arrays.toString(s));
            }
            out[d] = (padded - span) / st[d] + 1;
            // ceil_mode: one more, partial, window unless it would start in the right padding (ONNX, torch).
            if (a.integer("ceil_mode", 0) != 0 && (padded - span) % st[d] != 0 && out[d] * st[d] < size + pads[d]) {
                out[d]++;
            }
            checkEdges(ctx, size, out[d], st[d], dil[d], k[d], pads[d]);
            blocks[d] = out[d] + dil[d] * (k[d] - 1) / st[d];
            end[d] = st[d] * blocks[d] - size - pads[d];
        }
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        String x = win.x();
        if (spatial == 3 && (pads[0] > 0 || end[0] > 0)) {
            x = edgeFrames(b, name, x, s[2], pads[0], Math.max(0, end[0]));
        }
        int h = spatial - 2;   // the axis before the last, when there is one
        if (Arrays.stream(pads, Math.max(0, h), spatial).anyMatch(p -> p > 0)
                || Arrays.stream(end, Math.max(0, h), spatial).anyMatch(e -> e > 0)) {
            int last = spatial - 1;
            BorderPad edge = new BorderPad(BorderPad.Mode.EDGE, h >= 0 ? pads[h] : 0,
                    h >= 0 ? Math.max(0, end[h]) : 0, pads[last], Math.max(0, end[last]));
            b.node(name + "/edge", "Pad", edge, List.of(x), name + "/padded");
            x = name + "/padded";
        }
        for (int d = 0; d < spatial; d++) {
            if (end[d] < 0) {
                b.node(name + "/crop" + d, "Slice", new Narrow(2 + d, 0, st[d] * blocks[d]), List.of(x),
                        name + "/crop" + d + "/out");
                x = name + "/crop" + d + "/out";
            }
        }
        int[] cut = new int[2 + 2 * spatial];   // [0, C, blocks_h, s_h, blocks_w, s_w]
        int[] pooled = new int[2 + spatial];     // [0, C, out_h, out_w]
        cut[1] = s[1];
        pooled[1] = s[1];
        for (int d = 0; d < spatial; d++) {
            cut[2 + 2 * d] = blocks[d];
            cut[3 + 2 * d] = st[d];
            pooled[2 + d] = out[d];
        }
        b.node(name + "/blocks", "Reshape", new Reshape(cut), List.of(x), name + "/blocks_out");
        List<String> cells = new ArrayList<>();
        int count = Arrays.stream(k).reduce(1, (p, q) -> p * q);
        for (int c = 0; c < count; c++) {
            String cur = name + "/blocks_out";
            int[] at = new int[spatial];   // the cell in its window
            for (int d = spatial - 1, rest = c; d >= 0; rest /= k[d], d--) {
                at[d] = rest % k[d];
            }
            for (int d = 0; d < spatial; d++) {
                String p = name + "/cell" + c + "/axis" + d;
                int offset = at[d] * dil[d];   // from the window's first cell
                if (blocks[d] != out[d]) {
                    b.node(p + "/blocks", "Slice", new Narrow(2 + 2 * d, offset / st[d], out[d]), List.of(cur),
                            p + "/blocks_out");
                    cur = p + "/blocks_out";
                }
                b.node(p + "/in_block", "Slice", new Narrow(3 + 2 * d, offset % st[d], 1), List.of(cur),
                        p + "/out");
                cur = p + "/out";
            }
            b.node(name + "/cell" + c, "Reshape", new Reshape(pooled), List.of(cur), name + "/cell" + c + "/out");
            cells.add(name + "/cell" + c + "/out");
        }
        String m = cells.get(0);
        for (int c = 1; c < cells.size(); c++) {
            String o = c == cells.size() - 1 ? ctx.output(0) : name + "/max" + c + "/out";
            Extrema.pair(b, name + "/max" + c, m, cells.get(c), o, true);
            m = o;
        }
        if (cells.size() == 1) {
            b.alias(ctx.output(0), m);
        }
    }

    /** x [N, C, T, H, W] with its first frame repeated `before` times in front and its last `after` times behind. */
    private static String edgeFrames(Graph.Builder b, String name, String x, int frames, int before, int after) {
        List<String> parts = new ArrayList<>();
        b.node(name + "/first_frame", "Slice", new Narrow(2, 0, 1), List.of(x), name + "/first_frame");
        b.node(name + "/last_frame", "Slice", new Narrow(2, frames - 1, 1), List.of(x), name + "/last_frame");
        parts.addAll(java.util.Collections.nCopies(before, name + "/first_frame"));
        parts.add(x);
        parts.addAll(java.util.Collections.nCopies(after, name + "/last_frame"));
        b.node(name + "/edge_frames", "Concat", new io.geomlens.graph.Concat(2), parts, name + "/frames");
        return name + "/frames";
    }

    /**
     * Every window along an axis that reads a cell before the input (or after it) also reads its
     * first (last) cell, so the edge padding repeats a value the window holds anyway.
     */
    private static void checkEdges(NodeContext ctx, int size, int out, int stride, int dil, int k, int padBegin) {
        for (int o = 0; o < out; o++) {
            int first = o * stride - padBegin;
            int last = first + dil * (k - 1);
            boolean holdsFirst = first <= 0 && last >= 0 && Math.floorMod(-first, dil) == 0;
            boolean holdsLast = first <= size - 1 && last >= size - 1 && Math.floorMod(size - 1 - first, dil) == 0;
            if (first < 0 && !holdsFirst || last > size - 1 && !holdsLast) {
                throw ctx.fail("the window at output " + o + " reads padding (input cells " + first + ", "
                        + (first + dil) + ", ..., " + last + " of 0.." + (size - 1) + ") but not the edge cell next to"
                        + " it; only pads that every such window crosses to the edge are supported");
            }
        }
    }

    static void global(NodeContext ctx) {
        String x = ctx.dataInput();
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
