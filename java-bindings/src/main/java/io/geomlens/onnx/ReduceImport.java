package io.geomlens.onnx;

import io.geomlens.graph.Reduce;
import java.util.Arrays;

/** ReduceMean / ReduceSum of latent-dependent values over non-batch axes. */
final class ReduceImport {
    private ReduceImport() {}

    static Reduce reduce(NodeContext ctx) {
        String x = ctx.variableInput("reducing");
        int[] s = ctx.b().shapeOf(x);
        boolean mean = ctx.n().getOpType().equals("ReduceMean");
        // axes moved from an attribute to an input at opset 13 (ReduceSum) and 18 (ReduceMean).
        boolean asInput = ctx.opset() >= (mean ? 18 : 13);
        int[] axes = asInput ? ints(ctx.optionalWeight(1, "axes")) : ctx.a().ints("axes", null);
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

    private static int[] ints(io.geomlens.graph.Tensor t) {
        return t == null ? null : Arrays.stream(t.data()).mapToInt(v -> (int) v).toArray();
    }
}
