package io.geomlens.onnx;

import io.geomlens.graph.Dense;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Transpose;
import java.util.List;

/**
 * A constant linear map along one axis, written as ops both backends run: the axis moved last, a
 * Dense, moved back. What Resize beyond pixel copies, a reversed slice and CumSum are.
 */
final class AxisMap {
    private AxisMap() {}

    /** dense applied along `axis` of x (of rank `rank`), into out. */
    static void apply(Graph.Builder b, String name, String opType, String x, int axis, int rank, Dense dense,
                      String out) {
        if (axis == rank - 1) {
            b.node(name, opType, dense, List.of(x), out);
            return;
        }
        int[] swap = new int[rank];
        for (int i = 0; i < rank; i++) {
            swap[i] = i == axis ? rank - 1 : i == rank - 1 ? axis : i;
        }
        b.node(name + "/to_last", "Transpose", new Transpose(swap), List.of(x), name + "/moved")
                .node(name, opType, dense, List.of(name + "/moved"), name + "/mapped")
                .node(name + "/back", "Transpose", new Transpose(swap), List.of(name + "/mapped"), out);
    }

    /** CumSum node: a running sum along a non-batch axis is a triangular matrix. */
    static void cumSum(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String x = ctx.input(0);
        int rank = b.shapeOf(x).length;
        long given = (long) ctx.weight(1, "axis").data()[0];
        int axis = NodeContext.axis(given, rank);
        if (axis < 1 || axis >= rank) {
            throw ctx.fail("a running sum along axis " + given + " (the batch, or out of range) is not supported");
        }
        apply(b, ctx.name(), "CumSum", x, axis, rank, prefixSums(b.shapeOf(x)[axis],
                ctx.a().integer("exclusive", 0) != 0, ctx.a().integer("reverse", 0) != 0), ctx.output(0));
    }

    /** The map that picks elements picks[0], picks[1], ... of an axis of size n. */
    static Dense selection(int n, int[] picks) {
        double[] w = new double[n * picks.length];
        for (int j = 0; j < picks.length; j++) {
            w[picks[j] * picks.length + j] = 1;
        }
        return new Dense(n, picks.length, w, null);
    }

    /** CumSum along an axis of size n: y_j = sum of x_i for i <= j (i < j exclusive; i >= j reversed). */
    static Dense prefixSums(int n, boolean exclusive, boolean reverse) {
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean in = reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
                w[i * n + j] = in ? 1 : 0;
            }
        }
        return new Dense(n, n, w, null);
    }
}
