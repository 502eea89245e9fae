package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Reduce;
import java.util.Arrays;
import java.util.List;

/**
 * ReduceMean / ReduceSum of latent-dependent values over non-batch axes, and the sums of squares
 * written with them: ReduceSumSquare = ReduceSum(x * x), ReduceL2 = Sqrt(ReduceSumSquare)
 * (torch's F.normalize and torch.linalg.norm(dim=...)).
 */
final class ReduceImport {
    private ReduceImport() {}

    static void importNode(NodeContext ctx) {
        String op = ctx.n().getOpType();
        if (op.equals("ReduceMean") || op.equals("ReduceSum")) {
            ctx.unary(reduce(ctx, op.equals("ReduceMean")));
            return;
        }
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        String x = ctx.dataInput();
        boolean l2 = op.equals("ReduceL2");
        String sum = l2 ? name + "/sum_squares" : ctx.output(0);
        b.node(name + "/square", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(x, x), name + "/squares")
                .node(name + "/ReduceSum", "ReduceSum", reduce(ctx, false), List.of(name + "/squares"), sum);
        if (l2) {
            b.node(name + "/Sqrt", "Sqrt", new Activation(Activation.Kind.SQRT, 0), List.of(sum), ctx.output(0));
        }
    }

    private static Reduce reduce(NodeContext ctx, boolean mean) {
        String x = ctx.dataInput();
        int[] s = ctx.b().shapeOf(x);
        // axes moved from an attribute to an input at opset 13 (ReduceSum) and 18 (the others).
        boolean asInput = ctx.opset() >= (ctx.n().getOpType().equals("ReduceSum") ? 13 : 18);
        int[] axes = asInput ? NodeContext.ints(ctx.optionalWeight(1, "axes")) : ctx.a().ints("axes", null);
        if (axes == null || axes.length == 0) {
            if (ctx.a().integer("noop_with_empty_axes", 0) != 0) {
                throw ctx.fail("noop_with_empty_axes=1 without axes is not supported");
            }
            throw ctx.fail("reducing every axis includes the batch; give the non-batch axes");
        }
        int[] resolved = Arrays.stream(axes).map(a -> NodeContext.axis(a, s.length)).sorted().distinct().toArray();
        if (resolved[0] < 1 || resolved[resolved.length - 1] >= s.length) {
            throw ctx.fail("axes " + Arrays.toString(axes) + " include the batch axis or do not exist in rank "
                    + s.length + "; only non-batch axes can be reduced");
        }
        int count = Arrays.stream(resolved).map(a -> s[a]).reduce(1, (p, q) -> p * q);
        return new Reduce(resolved, ctx.a().integer("keepdims", 1) != 0, mean, count);
    }
}
