package io.geomlens.testing;

import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.SplittableRandom;

/** Models that sample a latent-dependent image at fixed points (GridSample) or gather index lists from it. */
public final class GridSamples {
    private GridSamples() {}

    /** z (8) -> Linear -> Reshape to [N, C, spatial...] -> Tanh, as value "x". */
    public static OnnxModelBuilder latentImage(int opset, int[] cSpatial) {
        SplittableRandom rnd = new SplittableRandom(191);
        int size = 1;
        long[] shape = new long[cSpatial.length + 1];
        for (int i = 0; i < cSpatial.length; i++) {
            size *= cSpatial[i];
            shape[i + 1] = cSpatial[i];
        }
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, size);
        return m.initializerLongs("img", shape).node("Reshape", "/r", List.of(h, "img"), "u")
                .node("Tanh", "/t", List.of("u"), "x");
    }

    /**
     * count normalized coordinates: mostly uniform in [-1.3, 1.3] (past the edges, so padding
     * matters), every fourth one on a pixel centre or corner of a small input (ties, exact edges).
     */
    public static float[] gridPoints(SplittableRandom rnd, int count) {
        float[] g = new float[count];
        for (int i = 0; i < count; i++) {
            g[i] = i % 4 == 3 ? (float) (rnd.nextInt(-8, 9) / 8.0) : (float) rnd.nextDouble(-1.3, 1.3);
        }
        return g;
    }

    /** latentImage sampled by GridSample at fixed points of out spatial shape, then Tanh. */
    public static OnnxModelBuilder gridSampled(int opset, int[] cSpatial, int[] outSpatial, Attr... attrs) {
        OnnxModelBuilder m = latentImage(opset, cSpatial);
        int k = outSpatial.length;
        int[] gs = new int[k + 2];
        gs[0] = 1;
        int points = 1;
        for (int i = 0; i < k; i++) {
            gs[i + 1] = outSpatial[i];
            points *= outSpatial[i];
        }
        gs[k + 1] = k;
        m.initializer("grid", gs, gridPoints(new SplittableRandom(193), points * k));
        return m.node("GridSample", "/gs", List.of("x", batchGrid(m, "grid", gs)), "s", attrs)
                .node("Tanh", "/t2", List.of("s"), "y").output("y");
    }

    /**
     * grid (batch 1) expanded to x's batch, as grid.expand(x.size(0), ...) exports: ONNX Runtime
     * wants the grid's batch to be the input's. Returns the expanded value's name.
     */
    public static String batchGrid(OnnxModelBuilder m, String grid, int[] gridShape) {
        long[] rest = new long[gridShape.length - 1];
        for (int i = 1; i < gridShape.length; i++) {
            rest[i - 1] = gridShape[i];
        }
        m.initializerLongs(grid + "_rest", rest).initializerLongs(grid + "_0", 0).initializerLongs(grid + "_1", 1);
        m.node("Shape", grid + "/shape", List.of("x"), grid + "_xs")
                .node("Slice", grid + "/n", List.of(grid + "_xs", grid + "_0", grid + "_1"), grid + "_n")
                .node("Concat", grid + "/size", List.of(grid + "_n", grid + "_rest"), grid + "_size", Attr.i("axis", 0))
                .node("Expand", grid + "/expand", List.of(grid, grid + "_size"), grid + "_batch");
        return grid + "_batch";
    }

    /**
     * A fixed bilinear warp of a latent image (reflection padding), then channels and columns
     * picked by index lists (x[:, [2, 0, 0]], x[..., [3, 1, 2, 0]]), flattened: smooth, for the
     * derivative and backend checks.
     */
    public static OnnxModelBuilder warpedAndGathered() {
        OnnxModelBuilder m = latentImage(17, new int[] {3, 4, 5});
        m.initializer("grid", new int[] {1, 3, 4, 2}, gridPoints(new SplittableRandom(197), 24))
                .initializerLongs("chans", 2, 0, 0).initializerLongs("cols", 3, 1, 2, 0);
        return m.node("GridSample", "/warp", List.of("x", batchGrid(m, "grid", new int[] {1, 3, 4, 2})), "w",
                        Attr.s("padding_mode", "reflection"))
                .node("Gather", "/chans", List.of("w", "chans"), "c", Attr.i("axis", 1))
                .node("Gather", "/cols", List.of("c", "cols"), "g", Attr.i("axis", -1))
                .node("Sigmoid", "/s", List.of("g"), "sg").node("Flatten", "/f", List.of("sg"), "y").output("y");
    }
}
