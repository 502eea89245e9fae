package io.geomlens.onnx;

import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.GridSamples;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * GridSample on a fixed grid against ONNX Runtime: every mode, padding mode and align_corners, on
 * a grid whose points reach past the input (so padding matters) and land exactly on pixel centres
 * and corners (so ties and edges matter).
 */
class GridSampleVsOrtTest {
    @Test
    void everyModeAndPadding() throws Exception {
        for (String mode : List.of("bilinear", "nearest", "bicubic")) {
            for (String padding : List.of("zeros", "border", "reflection")) {
                for (int align = 0; align < 2; align++) {
                    try {
                        ForwardVsOrtTest.check(GridSamples.gridSampled(16, new int[] {2, 5, 6}, new int[] {4, 7},
                                Attr.s("mode", mode), Attr.s("padding_mode", padding),
                                Attr.i("align_corners", align)), 3, 1.0);
                    } catch (AssertionError e) {
                        throw new AssertionError(mode + ", " + padding + ", align_corners " + align + ": "
                                + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** Opset 20's names (linear, cubic) and its volumes: [N, C, D, H, W] with a grid of (x, y, z) points. */
    @Test
    void opset20NamesAndVolumes() throws Exception {
        for (String mode : List.of("linear", "nearest", "cubic")) {
            ForwardVsOrtTest.check(GridSamples.gridSampled(20, new int[] {2, 5, 6}, new int[] {3, 4},
                    Attr.s("mode", mode), Attr.s("padding_mode", "border")), 3, 1.0);
        }
        for (String mode : List.of("linear", "nearest")) {
            for (String padding : List.of("zeros", "reflection")) {
                ForwardVsOrtTest.check(GridSamples.gridSampled(20, new int[] {2, 3, 4, 5}, new int[] {2, 3, 4},
                        Attr.s("mode", mode), Attr.s("padding_mode", padding)), 3, 1.0);
            }
        }
    }

    /** The default attributes (bilinear, zeros, align_corners 0) and a grid with a batch of equal entries. */
    @Test
    void defaultsAndARepeatedGrid() throws Exception {
        ForwardVsOrtTest.check(GridSamples.gridSampled(16, new int[] {1, 4, 4}, new int[] {3, 3}), 1, 1.0);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] one = GridSamples.gridPoints(rnd, 6 * 2);
        float[] three = new float[3 * one.length];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(one, 0, three, i * one.length, one.length);
        }
        OnnxModelBuilder m = GridSamples.latentImage(16, new int[] {2, 3, 3});
        m.initializer("grid", new int[] {3, 2, 3, 2}, three).node("GridSample", "/gs", List.of("x", "grid"), "y");
        ForwardVsOrtTest.check(m.output("y"), 3, 1.0);
    }
}
