package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Op;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;

/** Resize / Upsample: nearest or bilinear, integer factors from scales or sizes. */
final class ResizeImport {
    private ResizeImport() {}

    static Op upsample(NodeContext ctx) {
        NodeProto n = ctx.n();
        Attributes a = ctx.a();
        int opset = ctx.opset();
        String mode = a.string("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw ctx.fail("mode='" + mode + "' is not supported; only nearest and"
                    + " linear (bilinear)");
        }
        double[] scales;
        if (n.getOpType().equals("Upsample") && a.has("scales")) {
            float[] f = a.floats("scales");
            scales = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                scales[i] = f[i];
            }
        } else {
            int idx = n.getOpType().equals("Upsample") || opset < 11 ? 1 : 2;
            if (n.getOpType().equals("Resize") && ctx.optionalWeight(idx, "scales") == null) {
                scales = scalesFromSizes(ctx);
            } else {
                scales = ctx.weight(idx, "scales").data();
            }
        }
        if (scales.length != 4 || scales[0] != 1 || scales[1] != 1 || scales[2] != Math.rint(scales[2])
                || scales[3] != Math.rint(scales[3])) {
            throw ctx.fail("scales " + java.util.Arrays.toString(scales)
                    + " are not [1, 1, integer, integer]; only integer spatial upsampling is supported");
        }
        if (mode.equals("nearest")) {
            return new UpsampleNearest((int) scales[2], (int) scales[3]);
        }
        // Upsample (opset 7-9) maps x_out / scale, which Resize calls asymmetric.
        String coords = n.getOpType().equals("Upsample") ? "asymmetric"
                : a.string("coordinate_transformation_mode", "half_pixel");
        UpsampleLinear.Coordinates c = switch (coords) {
            case "half_pixel", "pytorch_half_pixel" -> UpsampleLinear.Coordinates.HALF_PIXEL;
            case "align_corners" -> UpsampleLinear.Coordinates.ALIGN_CORNERS;
            case "asymmetric" -> UpsampleLinear.Coordinates.ASYMMETRIC;
            default -> throw ctx.fail("coordinate_transformation_mode='" + coords
                    + "' is not supported with mode linear; half_pixel, pytorch_half_pixel, align_corners or asymmetric");
        };
        return new UpsampleLinear((int) scales[2], (int) scales[3], c);
    }

    /** Resize given output 'sizes' (interpolate(size=...) and the dynamo exporter): scales = sizes / input. */
    static double[] scalesFromSizes(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        NodeProto n = ctx.n();
        if (n.getInputCount() < 4 || n.getInput(3).isEmpty()) {
            throw ctx.fail("Resize has neither 'scales' nor 'sizes'");
        }
        double[] sizes = ctx.weight(3, "sizes").data();
        int[] in = b.shapeOf(n.getInput(0));
        if (sizes.length != in.length) {
            throw ctx.fail("'sizes' has " + sizes.length + " entries for a rank-"
                    + in.length + " input");
        }
        double[] scales = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            scales[i] = i == 0 ? 1 : sizes[i] / in[i];   // entry 0 is the batch (folded as BATCH or a number)
        }
        return scales;
    }
}
