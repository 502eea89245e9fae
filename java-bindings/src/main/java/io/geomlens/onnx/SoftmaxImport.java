package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Softmax;
import io.geomlens.graph.Transpose;
import java.util.List;

/** Softmax and LogSoftmax over one axis. */
final class SoftmaxImport {
    private SoftmaxImport() {}

    /**
     * Softmax over any non-batch axis (opset 13+; before, the last only, which the coerced-2-D
     * definition then matches): moved last by a Transpose and back. LogSoftmax = Log(Softmax).
     */
    static void importNode(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        int rank = b.shapeOf(ctx.input(0)).length;
        long given = ctx.a().integer("axis", ctx.opset() >= 13 ? -1 : 1);
        int axis = NodeContext.axis(given, rank);
        if (axis < 1 || axis >= rank || (ctx.opset() < 13 && axis != rank - 1)) {
            throw ctx.fail(ctx.n().getOpType() + " over axis " + given + " of a rank-" + rank + " input; supported:"
                    + " any axis but the batch (opset 13+), the last one before opset 13");
        }
        boolean log = ctx.n().getOpType().equals("LogSoftmax");
        int[] perm = java.util.stream.IntStream.range(0, rank).toArray();
        perm[axis] = rank - 1;
        perm[rank - 1] = axis;
        String x = ctx.input(0);
        String soft = log ? name + "/softmax" : ctx.output(0);
        if (axis != rank - 1) {
            b.node(name + "/to_last", "Transpose", new Transpose(perm), List.of(x), name + "/last");
            x = name + "/last";
        }
        String y = axis != rank - 1 ? name + "/soft_last" : soft;
        b.node(name, "Softmax", new Softmax(), List.of(x), y);
        if (axis != rank - 1) {
            b.node(name + "/back", "Transpose", new Transpose(perm), List.of(y), soft);
        }
        if (log) {
            b.node(name + "/Log", "Log", new Activation(Activation.Kind.LOG, 0), List.of(soft), ctx.output(0));
        }
    }
}
