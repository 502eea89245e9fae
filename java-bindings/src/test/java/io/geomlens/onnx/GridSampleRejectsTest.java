package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.GridSamples;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GridSample imports refused, each with the words that say why and what to change. */
class GridSampleRejectsTest {
    /** A latent image [N, 2, 3, 3] sampled at a grid of the given shape and values. */
    private static OnnxModelBuilder sampled(int opset, int[] cSpatial, int[] gridShape, float[] grid, Attr... attrs) {
        return GridSamples.latentImage(opset, cSpatial).initializer("grid", gridShape, grid)
                .node("GridSample", "/gs", List.of("x", "grid"), "y", attrs).output("y");
    }

    private static float[] points(int count) {
        return GridSamples.gridPoints(new SplittableRandom(1), count);
    }

    static Stream<Arguments> cases() {
        float[] differing = points(16);
        float[] nan = points(8);
        nan[5] = Float.NaN;
        return Stream.of(
                Arguments.of("a grid computed from the latent", (Supplier<OnnxModelBuilder>) () -> {
                    OnnxModelBuilder m = GridSamples.latentImage(16, new int[] {2, 3, 3});
                    String g = ModelZoo.linear(m, new SplittableRandom(2), "/flow", "z", 8, 8);
                    return m.initializerLongs("gs", 0, 2, 2, 2).node("Reshape", "/rg", List.of(g, "gs"), "grid")
                            .node("GridSample", "/gs", List.of("x", "grid"), "y").output("y");
                }, "the grid depends on the latent"),
                Arguments.of("a grid per batch entry", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 3, 3}, new int[] {2, 2, 2, 2}, differing),
                        "differs between its 2 batch entries (first at entry 1)"),
                Arguments.of("a NaN sampling point", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 3, 3}, new int[] {1, 2, 2, 2}, nan), "NaN at flat index 5"),
                Arguments.of("an unknown mode", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 3, 3}, new int[] {1, 2, 2, 2}, points(8), Attr.s("mode", "area")),
                        "mode 'area' is not a GridSample mode"),
                Arguments.of("an unknown padding mode", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 3, 3}, new int[] {1, 2, 2, 2}, points(8),
                                Attr.s("padding_mode", "wrap")), "padding_mode 'wrap' is not one of"),
                Arguments.of("a volume before opset 20", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 2, 2, 2}, new int[] {1, 1, 1, 2, 3}, points(6)),
                        "expected [N, C, H, W]"),
                Arguments.of("a grid of 3-D points for an image", (Supplier<OnnxModelBuilder>) () ->
                        sampled(16, new int[] {2, 3, 3}, new int[] {1, 2, 1, 3}, points(6)),
                        "does not fit input"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithAnActionableMessage(String name, Supplier<OnnxModelBuilder> model, String expected) {
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model.get().toBytes(), "bad.onnx"));
        assertTrue(e.getMessage().contains("'/gs' (GridSample") && e.getMessage().contains(expected),
                name + ": " + e.getMessage());
    }
}
