package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reshape;
import java.util.Arrays;
import java.util.List;

/**
 * Max / Min of several operands (torch.maximum, clamp with tensor bounds) and ReduceMax /
 * ReduceMin over axes (maxout's x.max(dim)[0]) as max(a, b) = a + relu(b - a) and
 * min(a, b) = a - relu(a - b). Those ReLUs select rather than activate: not neurons for delta
 * (Activation.selection), as in MaxPool.
 */
final class Extrema {
    private Extrema() {}

    /** max(a, b) (or min) into out. */
    static void pair(Graph.Builder b, String name, String a, String c, String out, boolean max) {
        List<String> gap = max ? List.of(c, a) : List.of(a, c);
        b.node(name + "/Sub", "Sub", new Elementwise(Elementwise.Kind.SUB), gap, name + "/gap")
                .node(name + "/Relu", "Relu", Activation.selection(), List.of(name + "/gap"), name + "/gain")
                .node(name + "/" + (max ? "Add" : "Sub"), max ? "Add" : "Sub",
                        new Elementwise(max ? Elementwise.Kind.ADD : Elementwise.Kind.SUB), List.of(a, name + "/gain"),
                        out);
    }

    /** Max / Min node: its operands folded pairwise, left to right. */
    static void elementwise(NodeContext ctx) {
        boolean max = ctx.n().getOpType().equals("Max");
        List<String> in = ctx.n().getInputList();
        if (in.size() == 1) {
            ctx.b().alias(ctx.output(0), in.get(0));
            return;
        }
        String m = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            String out = i == in.size() - 1 ? ctx.output(0) : ctx.name() + "/pair" + i + "/out";
            pair(ctx.b(), ctx.name() + "/pair" + i, m, in.get(i), out, max);
            m = out;
        }
    }

    /** ReduceMax / ReduceMin over non-batch axes: per axis, halves compared until one element is left. */
    static void reduce(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        boolean max = ctx.n().getOpType().equals("ReduceMax");
        String x = ctx.dataInput();
        int[] s = b.shapeOf(x);
        int[] axes = ctx.opset() >= 18 ? NodeContext.ints(ctx.optionalWeight(1, "axes")) : ctx.a().ints("axes", null);
        if (axes == null || axes.length == 0) {
            throw ctx.fail("reducing every axis includes the batch; give the non-batch axes");
        }
        int[] resolved = Arrays.stream(axes).map(a -> NodeContext.axis(a, s.length)).sorted().distinct().toArray();
        if (resolved[0] < 1 || resolved[resolved.length - 1] >= s.length) {
            throw ctx.fail("axes " + Arrays.toString(axes) + " include the batch axis or do not exist in rank "
                    + s.length + "; only non-batch axes can be reduced");
        }
        String cur = x;
        int step = 0;
        for (int ax : resolved) {
            for (int size = s[ax]; size > 1; size = (size + 1) / 2) {
                String p = ctx.name() + "/axis" + ax + "/level" + step++;
                int half = size / 2;
                b.node(p + "/low", "Slice", new Narrow(ax, 0, half), List.of(cur), p + "/low")
                        .node(p + "/high", "Slice", new Narrow(ax, half, half), List.of(cur), p + "/high");
                pair(b, p, p + "/low", p + "/high", p + "/out", max);
                if (size % 2 == 1) {   // the odd one out goes on to the next level
                    b.node(p + "/odd", "Slice", new Narrow(ax, size - 1, 1), List.of(cur), p + "/odd")
                            .node(p + "/join", "Concat", new Concat(ax), List.of(p + "/out", p + "/odd"),
                                    p + "/joined");
                    cur = p + "/joined";
                } else {
                    cur = p + "/out";
                }
            }
        }
        boolean keep = ctx.a().integer("keepdims", 1) != 0;
        int[] spec = java.util.stream.IntStream.range(0, s.length)
                .filter(d -> keep || Arrays.binarySearch(resolved, d) < 0)
                .map(d -> d == 0 ? 0 : Arrays.binarySearch(resolved, d) >= 0 ? 1 : s[d]).toArray();
        b.node(ctx.name(), ctx.n().getOpType(), new Reshape(spec), List.of(cur), ctx.output(0));
    }
}
