package io.geomlens.onnx;

import io.geomlens.graph.BorderPad;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.ZeroPad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pad of a latent-dependent value: with zeros (mode constant, value 0: F.pad), in mode reflect
 * or edge on the last two axes (ReflectionPad2d, ReplicationPad2d and their 1-D forms), or in mode
 * wrap (circular, opset 19) on any non-batch axis as the Concat of the input's far ends around it.
 */
final class PadImport {
    private PadImport() {}

    static void importNode(NodeContext ctx) {
        String mode = ctx.a().string("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge") && !mode.equals("wrap")) {
            throw ctx.fail("mode='" + mode + "' is not supported; constant (zero), reflect, edge and wrap are");
        }
        int rank = ctx.b().shapeOf(ctx.input(0)).length;
        int[] pads;
        if (ctx.opset() < 11) {
            pads = ctx.a().ints("pads", null);
            if (ctx.a().real("value", 0) != 0) {
                throw ctx.fail("value " + ctx.a().real("value", 0) + ": only zero padding is supported");
            }
        } else {
            pads = Arrays.stream(ctx.weight(1, "pads").data()).mapToInt(v -> (int) v).toArray();
            Tensor value = ctx.optionalWeight(2, "constant_value");
            if (value != null && value.data()[0] != 0) {
                throw ctx.fail("constant_value " + value.data()[0] + ": only zero padding is supported");
            }
            Tensor axesT = ctx.optionalWeight(3, "axes");
            if (axesT != null) {   // opset 18: pads only for the listed axes
                int[] full = new int[2 * rank];
                double[] axes = axesT.data();
                for (int i = 0; i < axes.length; i++) {
                    int ax = NodeContext.axis((long) axes[i], rank);
                    full[ax] = pads[i];
                    full[rank + ax] = pads[axes.length + i];
                }
                pads = full;
            }
        }
        if (pads == null || pads.length != 2 * rank) {
            throw ctx.fail("pads " + Arrays.toString(pads) + " do not have 2 x rank = " + 2 * rank + " entries");
        }
        if (mode.equals("constant")) {
            ctx.unary(new ZeroPad(Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank, 2 * rank)));
        } else if (mode.equals("wrap")) {
            wrap(ctx, pads, rank);
        } else {
            ctx.unary(border(ctx, mode, pads, rank));
        }
    }

    /** Per padded axis: concat(x[-begin:], x, x[:end]) along it. */
    private static void wrap(NodeContext ctx, int[] pads, int rank) {
        Graph.Builder b = ctx.b();
        int[] s = b.shapeOf(ctx.input(0));
        if (pads[0] != 0 || pads[rank] != 0) {
            throw ctx.fail("pads " + Arrays.toString(pads) + " pad the batch axis");
        }
        int last = -1;
        for (int d = 1; d < rank; d++) {
            if (pads[d] < 0 || pads[rank + d] < 0 || pads[d] > s[d] || pads[rank + d] > s[d]) {
                throw ctx.fail("pads " + Arrays.toString(pads) + ": mode='wrap' takes pads from 0 to the axis' size "
                        + Arrays.toString(s));
            }
            if (pads[d] + pads[rank + d] > 0) {
                last = d;
            }
        }
        if (last < 0) {
            b.alias(ctx.output(0), ctx.input(0));
            return;
        }
        String cur = ctx.input(0);
        for (int d = 1; d <= last; d++) {
            int begin = pads[d];
            int end = pads[rank + d];
            if (begin + end == 0) {
                continue;
            }
            String p = ctx.name() + "/axis" + d;
            List<String> parts = new ArrayList<>();
            if (begin > 0) {
                b.node(p + "/head", "Slice", new Narrow(d, s[d] - begin, begin), List.of(cur), p + "/head_out");
                parts.add(p + "/head_out");
            }
            parts.add(cur);
            if (end > 0) {
                b.node(p + "/tail", "Slice", new Narrow(d, 0, end), List.of(cur), p + "/tail_out");
                parts.add(p + "/tail_out");
            }
            String out = d == last ? ctx.output(0) : p + "/out";
            b.node(p + "/Concat", "Concat", new Concat(d), parts, out);
            cur = out;
        }
    }

    private static BorderPad border(NodeContext ctx, String mode, int[] pads, int rank) {
        if (rank < 3) {
            throw ctx.fail("mode='" + mode + "' needs an input of rank >= 3 ([N, ..., H, W]), got rank " + rank);
        }
        for (int d = 0; d < rank - 2; d++) {
            if (pads[d] != 0 || pads[rank + d] != 0) {
                throw ctx.fail("mode='" + mode + "' pads axis " + d + " (pads " + Arrays.toString(pads)
                        + "); only the last two axes can be padded in this mode");
            }
        }
        BorderPad.Mode m = mode.equals("reflect") ? BorderPad.Mode.REFLECT : BorderPad.Mode.EDGE;
        try {   // the op checks the pads' signs and the plane's size
            BorderPad p = new BorderPad(m, pads[rank - 2], pads[2 * rank - 2], pads[rank - 1], pads[2 * rank - 1]);
            p.paddedShape(ctx.b().shapeOf(ctx.input(0)));
            return p;
        } catch (io.geomlens.graph.ShapeException e) {
            throw ctx.fail(e.getMessage());
        }
    }
}
