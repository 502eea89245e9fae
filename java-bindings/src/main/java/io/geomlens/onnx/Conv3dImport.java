package io.geomlens.onnx;

import io.geomlens.graph.Concat;
import io.geomlens.graph.Conv2d;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * 3-D Conv and ConvTranspose (video VAE decoders' Conv3d, voxel generators' ConvTranspose3d) on
 * [N, C, T, H, W] as 2-D convolutions, one per output frame: the input frames that reach output
 * frame t, each with its kernel tap along T, are stacked into channels ([N, C, m, H, W] as
 * [N, C * m, H, W]) and one {@link Conv2d} whose weights hold those taps makes the frame; the frames
 * are concatenated along T. The arithmetic is the 3-D convolution's (no zero taps: frames beyond
 * the padding have none). Frames with the same taps share one Conv2d, and so its weights.
 */
final class Conv3dImport {
    private Conv3dImport() {}

    /** One input frame and the kernel tap along T that joins it to an output frame. */
    private record Tap(int frame, int tap) {}

    static void importNode(NodeContext ctx, boolean transposed, Tensor w, Tensor bias, int groups) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        String x = ctx.input(0);
        int[] s = b.shapeOf(x);
        if (s.length != 5) {
            throw ctx.fail("a 3-D convolution expects [N, C, T, H, W], got rank " + s.length);
        }
        Attributes a = ctx.a();
        if (!a.string("auto_pad", "NOTSET").equals("NOTSET")) {
            throw ctx.fail("auto_pad=" + a.string("auto_pad", "") + " is not supported; export with explicit pads");
        }
        if (transposed && a.has("output_shape")) {
            throw ctx.fail("output_shape is not supported; use output_padding");
        }
        int[] k = {w.dim(2), w.dim(3), w.dim(4)};
        int[] given = a.ints("kernel_shape", k);
        if (!java.util.Arrays.equals(given, k)) {
            throw ctx.fail("kernel_shape " + java.util.Arrays.toString(given) + " disagrees with W " + w);
        }
        int[] strides = a.ints("strides", new int[] {1, 1, 1});
        int[] pads = a.ints("pads", new int[6]);
        int[] dil = a.ints("dilations", new int[] {1, 1, 1});
        int[] outPad = a.ints("output_padding", new int[3]);
        int frames = s[2];
        int outFrames = transposed ? (frames - 1) * strides[0] - pads[0] - pads[3] + dil[0] * (k[0] - 1) + outPad[0] + 1
                : Math.floorDiv(frames + pads[0] + pads[3] - dil[0] * (k[0] - 1) - 1, strides[0]) + 1;
        if (outFrames < 1) {
            throw ctx.fail(frames + " frames give no output frame with these kernel, strides and pads");
        }
        int[] pads2 = {pads[1], pads[2], pads[4], pads[5]};
        Map<List<Integer>, Conv2d> convs = new HashMap<>();
        Map<Integer, String> inputFrames = new HashMap<>();
        List<String> outputs = new ArrayList<>();
        for (int t = 0; t < outFrames; t++) {
            List<Tap> taps = taps(t, transposed, frames, k[0], strides[0], pads[0], dil[0]);
            if (taps.isEmpty()) {
                throw ctx.fail("output frame " + t + " takes no input frame (the stride along T outreaches the"
                        + " kernel); not supported");
            }
            List<String> parts = new ArrayList<>();
            List<Integer> tapIndices = new ArrayList<>();
            for (Tap tap : taps) {
                parts.add(inputFrames.computeIfAbsent(tap.frame(), f -> {
                    String frame = name + "/frame" + f;
                    b.node(frame, "Narrow", new Narrow(2, f, 1), List.of(x), frame);
                    return frame;
                }));
                tapIndices.add(tap.tap());
            }
            String p = name + "/t" + t;
            String stacked = parts.get(0);
            if (parts.size() > 1) {
                b.node(p + "/frames", "Concat", new Concat(2), parts, p + "/frames");
                stacked = p + "/frames";
            }
            Conv2d conv = convs.computeIfAbsent(tapIndices, taken -> new Conv2d(transposed,
                    stackedShape(w, taken.size(), transposed), stackedWeights(w, taken, transposed),
                    bias == null ? null : bias.data(), new int[] {strides[1], strides[2]}, pads2,
                    new int[] {dil[1], dil[2]}, new int[] {outPad[1], outPad[2]}, groups));
            b.node(p + "/as2d", "Reshape", new Reshape(new int[] {0, s[1] * parts.size(), s[3], s[4]}),
                            List.of(stacked), p + "/image")
                    .node(p + "/conv", ctx.n().getOpType(), conv, List.of(p + "/image"), p + "/conv2d");
            int[] os = b.shapeOf(p + "/conv2d");
            String frameOut = outFrames == 1 ? ctx.output(0) : p + "/out";
            b.node(p + "/as3d", "Reshape", new Reshape(new int[] {0, os[1], 1, os[2], os[3]}), List.of(p + "/conv2d"),
                    frameOut);
            outputs.add(frameOut);
        }
        if (outFrames > 1) {
            b.node(name, ctx.n().getOpType(), new Concat(2), outputs, ctx.output(0));
        }
    }

    /** The input frames (ascending) that reach output frame t, with their taps along T. */
    private static List<Tap> taps(int t, boolean transposed, int frames, int k, int stride, int pad, int dil) {
        List<Tap> taps = new ArrayList<>();
        for (int d = 0; d < k; d++) {
            int f;
            if (transposed) {   // output t = f * stride - pad + d * dil
                int num = t + pad - d * dil;
                if (num % stride != 0) {
                    continue;
                }
                f = num / stride;
            } else {            // input f = t * stride - pad + d * dil
                f = t * stride - pad + d * dil;
            }
            if (f >= 0 && f < frames) {
                taps.add(new Tap(f, d));
            }
        }
        taps.sort(java.util.Comparator.comparingInt(Tap::frame));
        return taps;
    }

    private static int[] stackedShape(Tensor w, int m, boolean transposed) {
        int[] ws = w.shape();
        return transposed ? new int[] {ws[0] * m, ws[1], ws[3], ws[4]} : new int[] {ws[0], ws[1] * m, ws[3], ws[4]};
    }

    /**
     * W [a, b, kt, kh, kw] with the given taps along T moved into its channel axis: Conv's input
     * channels (axis 1) or ConvTranspose's (axis 0) become c * m + j for tap j, as the stacked
     * frames' channels are.
     */
    private static double[] stackedWeights(Tensor w, List<Integer> taps, boolean transposed) {
        int[] ws = w.shape();
        int m = taps.size();
        int plane = ws[3] * ws[4];
        double[] src = w.data();
        double[] out = new double[ws[0] * ws[1] * m * plane];
        for (int i = 0; i < ws[0]; i++) {
            for (int c = 0; c < ws[1]; c++) {
                for (int j = 0; j < m; j++) {
                    int from = ((i * ws[1] + c) * ws[2] + taps.get(j)) * plane;
                    int to = transposed ? ((i * m + j) * ws[1] + c) * plane : ((i * ws[1] + c) * m + j) * plane;
                    System.arraycopy(src, from, out, to, plane);
                }
            }
        }
        return out;
    }
}
