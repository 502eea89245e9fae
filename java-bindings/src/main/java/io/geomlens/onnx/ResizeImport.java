package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Dense;
import io.geomlens.graph.Graph;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;
import java.util.Arrays;
import java.util.List;

/**
 * Resize / Upsample. Integer spatial upsampling, nearest (when it copies each pixel) or bilinear,
 * runs on its own ops; every other Resize of opset 11+ (cubic, non-integer sizes, downscaling,
 * other nearest roundings) runs as what it is, a linear map per resized axis: the axis moved
 * last, a Dense with the interpolation matrix (ResizeMatrix), moved back.
 */
final class ResizeImport {
    private ResizeImport() {}

    static void importNode(NodeContext ctx) {
        NodeProto n = ctx.n();
        Attributes a = ctx.a();
        String x = ctx.dataInput();
        int[] s = ctx.b().shapeOf(x);
        String mode = a.string("mode", "nearest");
        boolean legacy = n.getOpType().equals("Upsample") || ctx.opset() < 11;
        double[] scales = scales(ctx, s, legacy);
        if (scales.length != s.length || scales[0] != 1) {
            throw ctx.fail("scales " + Arrays.toString(scales) + " for a rank-" + s.length + " input; the batch"
                    + " axis must keep scale 1");
        }
        boolean integerUpsampling = s.length == 4 && scales[1] == 1 && scales[2] >= 1 && scales[3] >= 1
                && scales[2] == Math.rint(scales[2]) && scales[3] == Math.rint(scales[3]);
        if (legacy) {
            if (!integerUpsampling || !mode.equals("nearest") && !mode.equals("linear")) {
                throw ctx.fail("mode '" + mode + "' with scales " + Arrays.toString(scales) + " is supported from "
                        + "opset 11 on; here only nearest or linear integer spatial upsampling is");
            }
            // Upsample (opset 7-9) maps x_out / scale, which Resize calls asymmetric.
            ctx.unary(mode.equals("nearest") ? new UpsampleNearest((int) scales[2], (int) scales[3])
                    : new UpsampleLinear((int) scales[2], (int) scales[3], UpsampleLinear.Coordinates.ASYMMETRIC));
            return;
        }
        String coords = a.string("coordinate_transformation_mode", "half_pixel");
        ResizeMatrix.Settings set = new ResizeMatrix.Settings(mode, coords,
                a.string("nearest_mode", "round_prefer_floor"), a.real("cubic_coeff_a", -0.75),
                a.integer("exclude_outside", 0) != 0, a.integer("antialias", 0) != 0);
        ResizeMatrix[] maps = new ResizeMatrix[s.length];
        double[] sizes = sized(ctx) ? sizes(ctx, s) : null;
        for (int d = 1; d < s.length; d++) {
            int out = sizes != null ? (int) sizes[d] : (int) Math.floor(s[d] * scales[d]);
            if (out < 1) {
                throw ctx.fail("axis " + d + " of size " + s[d] + " would resize to " + out);
            }
            if (out == s[d] && scales[d] == 1) {
                continue;   // left as it is, as ONNX Runtime does (tf_half_pixel_for_nn would shift it)
            }
            try {
                maps[d] = ResizeMatrix.of(s[d], out, scales[d], set);
            } catch (IllegalArgumentException e) {
                throw ctx.fail(e.getMessage());
            }
        }
        if (integerUpsampling && mode.equals("nearest") && replicates(maps[2], scales[2])
                && replicates(maps[3], scales[3])) {
            ctx.unary(new UpsampleNearest((int) scales[2], (int) scales[3]));
        } else if (integerUpsampling && mode.equals("linear") && !coords.equals("tf_half_pixel_for_nn")) {
            ctx.unary(new UpsampleLinear((int) scales[2], (int) scales[3], switch (coords) {
                case "align_corners" -> UpsampleLinear.Coordinates.ALIGN_CORNERS;
                case "asymmetric" -> UpsampleLinear.Coordinates.ASYMMETRIC;
                default -> UpsampleLinear.Coordinates.HALF_PIXEL;   // pytorch_half_pixel: the same when out > 1
            }));
        } else {
            byAxis(ctx, x, maps);
        }
    }

    /** y = R_d x along every axis d whose map is not the identity. */
    private static void byAxis(NodeContext ctx, String x, ResizeMatrix[] maps) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        int rank = maps.length;
        String current = x;
        int last = -1;
        for (int d = rank - 1; d >= 1; d--) {
            if (!identity(maps[d])) {
                last = d;
            }
        }
        if (last < 0) {
            b.alias(ctx.output(0), x);
            return;
        }
        for (int d = rank - 1; d >= 1; d--) {
            ResizeMatrix m = maps[d];
            if (identity(m)) {
                continue;
            }
            String p = name + "/axis" + d;
            String out = d == last ? ctx.output(0) : p + "/out";
            AxisMap.apply(b, p + "/Resize", "Resize", current, d, rank, new Dense(m.in(), m.out(), m.denseWeights(),
                    null), out);
            current = out;
        }
    }

    private static boolean replicates(ResizeMatrix m, double factor) {
        return m == null || m.replicates((int) factor);
    }

    /** A null map (an axis of scale 1) or the identity matrix. */
    private static boolean identity(ResizeMatrix m) {
        if (m == null) {
            return true;
        }
        if (m.in() != m.out()) {
            return false;
        }
        for (int o = 0; o < m.out(); o++) {
            for (int i = 0; i < m.in(); i++) {
                if (m.r()[o * m.in() + i] != (o == i ? 1 : 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sized(NodeContext ctx) {
        NodeProto n = ctx.n();
        if (!n.getOpType().equals("Resize") || ctx.opset() < 11) {
            return false;
        }
        return n.getInputCount() < 3 || n.getInput(2).isEmpty() || ctx.weight(2, "scales").size() == 0;
    }

    /** The scales per axis: Upsample's attribute or input, Resize's input 1 (opset 10) or 2, or sizes / input. */
    private static double[] scales(NodeContext ctx, int[] s, boolean legacy) {
        NodeProto n = ctx.n();
        Attributes a = ctx.a();
        if (n.getOpType().equals("Upsample") && a.has("scales")) {
            float[] f = a.floats("scales");
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
        if (legacy) {
            return ctx.weight(1, "scales").data();
        }
        if (!sized(ctx)) {
            return forEveryAxis(ctx, ctx.weight(2, "scales").data(), s, false);
        }
        if (n.getInputCount() < 4 || n.getInput(3).isEmpty()) {
            throw ctx.fail("Resize has neither 'scales' nor 'sizes'");
        }
        double[] sizes = sizes(ctx, s);
        if (sizes.length != s.length) {
            throw ctx.fail("'sizes' has " + sizes.length + " entries for a rank-" + s.length + " input");
        }
        if (!a.string("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            throw ctx.fail("keep_aspect_ratio_policy other than stretch is not supported");
        }
        double[] scales = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            scales[i] = i == 0 ? 1 : (float) sizes[i] / (float) s[i];   // entry 0: the batch (BATCH or a number)
        }
        return scales;
    }

    private static double[] sizes(NodeContext ctx, int[] s) {
        return forEveryAxis(ctx, ctx.weight(3, "sizes").data(), s, true);
    }

    /**
     * Scales or sizes given for the axes attribute's axes only (opset 18) spread over every axis;
     * the others keep scale 1 (their size). Without the attribute, the values as given.
     */
    private static double[] forEveryAxis(NodeContext ctx, double[] given, int[] s, boolean sizes) {
        int[] axes = ctx.a().ints("axes", null);
        if (axes == null) {
            return given;
        }
        if (axes.length != given.length) {
            throw ctx.fail("axes " + Arrays.toString(axes) + " with " + given.length + (sizes ? " sizes" : " scales"));
        }
        double[] full = new double[s.length];
        for (int d = 0; d < s.length; d++) {
            full[d] = sizes ? s[d] : 1;
        }
        for (int i = 0; i < axes.length; i++) {
            full[NodeContext.axis(axes[i], s.length)] = given[i];
        }
        return full;
    }
}
