package io.geomlens.onnx;

import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.Conv2d;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import java.util.List;

/**
 * Conv / ConvTranspose whose weights depend on the latent: StyleGAN2's fused modulated
 * convolution as exported from one latent (w = W * styles * demodulation, reshaped to
 * [N * cout, cin, k, k], the batch merged into the first axis; the up-sampling layers transpose it
 * to [cin, N * cout, k, k] for a ConvTranspose). Both are a per-sample matrix product with the
 * input's patches, written with ops both backends run:
 * Conv: patches = depthwise conv of x with one-hot kernels (im2col), y = w [cout, cin k k] @ patches.
 * ConvTranspose: cols = w^T [cout k k, cin] @ x, y = col2im(cols) (a ConvTranspose with one-hot kernels).
 */
final class LatentWeightConv {
    private LatentWeightConv() {}

    /**
     * @param w  the weights' computed tensor in the canonical layout: [1, 1, cout, cin, kh, kw] for
     *           Conv, [1, cin, 1, cout, kh, kw] for ConvTranspose (the batch's axis as [before 1, after])
     */
    static void importNode(NodeContext ctx, boolean transposed, String w, int[] ws) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        if (ctx.a().integer("group", 1) != 1) {
            throw ctx.fail("group=" + ctx.a().integer("group", 1) + " with weights that depend on the latent: a"
                    + " fused modulated convolution exported with groups = batch size only works at that batch size;"
                    + " export from one latent (batch 1, no dynamic_axes), or with fused_modconv=False");
        }
        int[] xs = b.shapeOf(ctx.input(0));
        int cin = transposed ? ws[1] : ws[3];
        int cout = transposed ? ws[3] : ws[2];
        int kh = ws[4];
        int kw = ws[5];
        if (xs.length != 4 || xs[1] != cin) {
            throw ctx.fail("input of shape " + java.util.Arrays.toString(xs) + " does not fit weights with " + cin
                    + " input channels");
        }
        String pre = ctx.optionalWeight(2, "B") == null ? ctx.output(0) : name + "/unbiased";
        int k = kh * kw;
        if (!transposed) {
            Conv2d im2col = ConvImport.conv(ctx, false, oneHot(cin * k, k, kh, kw), null, 2, cin, null);
            b.node(name + "/patches", "Conv", im2col, List.of(ctx.input(0)), name + "/patches");
            int[] ps = b.shapeOf(name + "/patches");
            b.node(name + "/patch_rows", "Reshape", new Reshape(new int[] {0, cin * k, ps[2] * ps[3]}),
                            List.of(name + "/patches"), name + "/patch_rows")
                    .node(name + "/w", "Reshape", new Reshape(new int[] {0, cout, cin * k}), List.of(w), name + "/w")
                    .node(name + "/MatMul", "MatMul", new BatchedMatMul(), List.of(name + "/w", name + "/patch_rows"),
                            name + "/rows")
                    .node(name + "/image", "Reshape", new Reshape(new int[] {0, cout, ps[2], ps[3]}),
                            List.of(name + "/rows"), pre);
        } else {
            b.node(name + "/x_rows", "Reshape", new Reshape(new int[] {0, cin, xs[2] * xs[3]}), List.of(ctx.input(0)),
                            name + "/x_rows")
                    .node(name + "/w", "Reshape", new Reshape(new int[] {0, cin, cout * k}), List.of(w), name + "/w")
                    .node(name + "/wT", "Transpose", new Transpose(new int[] {0, 2, 1}), List.of(name + "/w"),
                            name + "/wT")
                    .node(name + "/MatMul", "MatMul", new BatchedMatMul(), List.of(name + "/wT", name + "/x_rows"),
                            name + "/cols")
                    .node(name + "/col_image", "Reshape", new Reshape(new int[] {0, cout * k, xs[2], xs[3]}),
                            List.of(name + "/cols"), name + "/col_image")
                    .node(name + "/col2im", "ConvTranspose", ConvImport.conv(ctx, true, oneHot(cout * k, k, kh, kw),
                            null, 2, cout, null), List.of(name + "/col_image"), pre);
        }
        Tensor bias = ctx.optionalWeight(2, "B");
        if (bias != null) {
            b.constant(name + "/bias", bias.reshape(new int[] {1, cout, 1, 1}))
                    .node(name + "/add_bias", "Add", new Elementwise(Elementwise.Kind.ADD),
                            List.of(pre, name + "/bias"), ctx.output(0));
        }
    }

    /** Kernels [rows, 1, kh, kw], row r one-hot at kernel cell r mod (kh kw): im2col's / col2im's. */
    private static Tensor oneHot(int rows, int k, int kh, int kw) {
        double[] d = new double[rows * k];
        for (int r = 0; r < rows; r++) {
            d[r * k + r % k] = 1;
        }
        return new Tensor(new int[] {rows, 1, kh, kw}, d);
    }
}
