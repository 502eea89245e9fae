package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Conv2d;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;
import java.util.List;

/**
 * Conv and ConvTranspose, 2-D and 1-D (1 x k over a height-1 image), any group, as a {@link Conv2d};
 * 3-D ones as Conv2d per output frame ({@link Conv3dImport}).
 */
final class ConvImport {
    private ConvImport() {}

    /**
     * Conv / ConvTranspose, 2-D or 1-D (run as 1 x k over a height-1 image between two reshapes),
     * with its groups (one GEMM per group).
     */
    static void convolution(NodeContext ctx, boolean transposed) {
        Tensor w = ctx.weight(1, "W");
        if (w.rank() == 5) {
            Conv3dImport.importNode(ctx, transposed, w, ctx.optionalWeight(2, "B"), (int) ctx.a().integer("group", 1));
            return;
        }
        if (w.rank() != 4 && w.rank() != 3) {
            throw ctx.fail("only 1-D, 2-D and 3-D convolutions are supported, W is " + w);
        }
        add(ctx, transposed, w, ctx.optionalWeight(2, "B"), (int) ctx.a().integer("group", 1), ctx.output(0));
    }

    /**
     * Adds the conv with weights w (rank 4, or rank 3 for 1-D) from the node's input 0 to `out`,
     * with the node's spatial attributes (kernel_shape, strides, pads, dilations, output_padding).
     */
    static void add(NodeContext ctx, boolean transposed, Tensor w, Tensor bias, int groups, String out) {
        add(ctx, transposed, w, bias, groups, out, null);
    }

    /** As above with these pads ([begins..., ends...]) instead of the node's, when not null. */
    static void add(NodeContext ctx, boolean transposed, Tensor w, Tensor bias, int groups, String out, int[] pads) {
        Graph.Builder b = ctx.b();
        NodeProto n = ctx.n();
        String name = ctx.name();
        String x = n.getInput(0);
        if (w.rank() == 4) {
            b.node(name, n.getOpType(), conv(ctx, transposed, w, bias, 2, groups, pads), List.of(x), out);
            return;
        }
        int[] s = b.shapeOf(x);
        if (s.length != 3) {
            throw ctx.fail("a 1-D convolution expects [N, C, L], got rank " + s.length);
        }
        int[] ws = w.shape();   // [a, b, k] -> [a, b, 1, k]
        Conv2d c = conv(ctx, transposed, w.reshape(new int[] {ws[0], ws[1], 1, ws[2]}), bias, 1, groups, pads);
        b.node(name + "/as2d", "Reshape", new Reshape(new int[] {0, s[1], 1, s[2]}), List.of(x), name + "/image")
                .node(name, n.getOpType(), c, List.of(name + "/image"), name + "/conv2d")
                .node(name + "/as1d", "Reshape", new Reshape(new int[] {0, c.outChannels(), -1}),
                        List.of(name + "/conv2d"), out);
    }

    /** A dense 2-D conv from 2-D weights; spatial attributes have 2 entries (or 1 for a 1-D conv: height 1 added). */
    static Conv2d conv(NodeContext ctx, boolean transposed, Tensor w, Tensor bias, int spatial, int groups,
                       int[] padsGiven) {
        Attributes a = ctx.a();
        String autoPad = a.string("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw ctx.fail("auto_pad=" + autoPad + " is not supported; export"
                    + " with explicit pads");
        }
        if (transposed && a.has("output_shape")) {
            throw ctx.fail("output_shape is not supported; use output_padding");
        }
        int[] k = a.ints("kernel_shape", spatial == 2 ? new int[] {w.dim(2), w.dim(3)} : new int[] {w.dim(3)});
        if (spatial == 1) {
            k = new int[] {1, k[0]};
        }
        if (k.length != 2 || k[0] != w.dim(2) || k[1] != w.dim(3)) {
            throw new ShapeException("kernel_shape " + java.util.Arrays.toString(k) + " disagrees with W " + w);
        }
        int[] strides = a.ints("strides", spatial == 2 ? new int[] {1, 1} : new int[] {1});
        int[] pads = padsGiven != null ? padsGiven
                : a.ints("pads", spatial == 2 ? new int[] {0, 0, 0, 0} : new int[] {0, 0});
        int[] dilations = a.ints("dilations", spatial == 2 ? new int[] {1, 1} : new int[] {1});
        int[] outputPadding = a.ints("output_padding", spatial == 2 ? new int[] {0, 0} : new int[] {0});
        if (spatial == 1) {   // height 1: stride, dilation 1, no padding
            strides = new int[] {1, strides[0]};
            pads = new int[] {0, pads[0], 0, pads[1]};
            dilations = new int[] {1, dilations[0]};
            outputPadding = new int[] {0, outputPadding[0]};
        }
        return new Conv2d(transposed, w.shape(), w.data(), bias == null ? null : bias.data(), strides, pads, dilations,
                outputPadding, groups);
    }
}
