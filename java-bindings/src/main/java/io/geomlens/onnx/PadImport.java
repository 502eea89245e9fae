package io.geomlens.onnx;

import io.geomlens.graph.Tensor;
import io.geomlens.graph.ZeroPad;
import java.util.Arrays;

/** Pad with zeros (mode constant, value 0: F.pad) of a latent-dependent value. */
final class PadImport {
    private PadImport() {}

    static ZeroPad pad(NodeContext ctx) {
        ctx.variableInput("padding");
        String mode = ctx.a().string("mode", "constant");
        if (!mode.equals("constant")) {
            throw ctx.fail("mode='" + mode + "' is not supported; only constant (zero) padding");
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
        return new ZeroPad(Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank, 2 * rank));
    }
}
