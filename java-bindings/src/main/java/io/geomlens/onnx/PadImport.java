package io.geomlens.onnx;

import io.geomlens.graph.BorderPad;
import io.geomlens.graph.Op;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.ZeroPad;
import java.util.Arrays;

/**
 * Pad of a latent-dependent value: with zeros (mode constant, value 0: F.pad), or in mode reflect
 * or edge on the last two axes (ReflectionPad2d, ReplicationPad2d and their 1-D forms).
 */
final class PadImport {
    private PadImport() {}

    static Op pad(NodeContext ctx) {
        ctx.variableInput("padding");
        String mode = ctx.a().string("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
            throw ctx.fail("mode='" + mode + "' is not supported; constant (zero), reflect and edge are");
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
            return new ZeroPad(Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank, 2 * rank));
        }
        return border(ctx, mode, pads, rank);
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
