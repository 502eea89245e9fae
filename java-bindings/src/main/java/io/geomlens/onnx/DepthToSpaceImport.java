package io.geomlens.onnx;

import io.geomlens.graph.Reshape;
import io.geomlens.graph.Transpose;
import java.util.List;

/**
 * DepthToSpace (torch's PixelShuffle exports as mode CRD; DCR is ONNX's default) as the
 * Reshape -> Transpose -> Reshape the operator is defined by, so both backends run it unchanged.
 */
final class DepthToSpaceImport {
    private DepthToSpaceImport() {}

    static void importNode(NodeContext ctx) {
        String x = ctx.dataInput();
        int bs = (int) ctx.a().integer("blocksize", 0);
        String mode = ctx.a().string("mode", "DCR");
        int[] s = ctx.b().shapeOf(x);
        if (s.length != 4 || bs < 1 || s[1] % (bs * bs) != 0) {
            throw ctx.fail("needs [N, C, H, W] with C a multiple of blocksize^2, got shape "
                    + java.util.Arrays.toString(s) + " and blocksize " + bs);
        }
        if (!mode.equals("CRD") && !mode.equals("DCR")) {
            throw ctx.fail("mode '" + mode + "' is not DCR or CRD");
        }
        int c = s[1] / (bs * bs);
        int h = s[2];
        int w = s[3];
        boolean crd = mode.equals("CRD");
        int[] split = crd ? new int[] {0, c, bs, bs, h, w} : new int[] {0, bs, bs, c, h, w};
        int[] perm = crd ? new int[] {0, 1, 4, 2, 5, 3} : new int[] {0, 3, 4, 1, 5, 2};
        String name = ctx.name();
        ctx.b().node(name + "/split", "Reshape", new Reshape(split), List.of(x), name + "/split");
        ctx.b().node(name + "/interleave", "Transpose", new Transpose(perm), List.of(name + "/split"),
                name + "/interleave");
        ctx.b().node(name, "DepthToSpace", new Reshape(new int[] {0, c, h * bs, w * bs}),
                List.of(name + "/interleave"), ctx.output(0));
    }
}
