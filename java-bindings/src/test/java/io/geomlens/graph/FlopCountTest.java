package io.geomlens.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FLOP counts against the textbook formulas, written out by hand for each layer. */
class FlopCountTest {
    private static Graph read(OnnxModelBuilder m) {
        return OnnxImporter.read(m.toBytes(), "m.onnx");
    }

    @Test
    void mlpIsTwoMultiplyAddsPerWeightPlusPointwiseWork() {
        Graph g = read(ModelZoo.mlp(1, "Relu", 16, 512, 512, 784));
        long weights = 16 * 512 + 512 * 512 + 512 * 784;
        long units = 512 + 512 + 784;
        assertEquals(2 * weights + units + 4 * units, FlopCount.forward(g));   // GEMMs, biases, activations
        assertEquals(2 * weights + units, FlopCount.tangent(g));               // GEMMs, slopes
        long rows = 120;
        // projected with E = 16 < k: the Gram (and eigen-solve) is E x E, of the 120 x 16 stack
        assertEquals(FlopCount.forward(g) + rows * FlopCount.tangent(g) + 2L * 16 * 16 * rows + 4L * 16 * 16 * 16 / 3,
                FlopCount.psiNu(g, false, 120));
        assertEquals(FlopCount.forward(g) + 16 * FlopCount.tangent(g) + 2L * 16 * 16 * 784 + 4L * 16 * 16 * 16 / 3,
                FlopCount.psiNu(g, true, 120));
    }

    @Test
    void convTransposeCountsItsGemmOnceEachWay() {
        // ConvTranspose 3 -> 2 channels, 4x4 kernel, stride 2, pad 1: 5x5 -> 10x10. As GEMMs: each of
        // the 5x5 input pixels meets 3 x 2 x 16 weights.
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 3, 5, 5);
        m.initializer("w", new int[] {3, 2, 4, 4}, new float[96]);
        m.node("ConvTranspose", "/ct", List.of("z", "w"), "y", Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 1, 1, 1));
        Graph g = read(m.output("y"));
        assertEquals(2L * 25 * 3 * 2 * 16, FlopCount.forward(g));
        assertEquals(2L * 25 * 3 * 2 * 16, FlopCount.tangent(g));
    }

    @Test
    void groupedConvCountsOnlyEachGroupsChannels() {
        // Depthwise 3x3 conv of 4 channels on 5x5 with padding 1: each output pixel meets 9 weights.
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4, 5, 5);
        m.initializer("w", new int[] {4, 1, 3, 3}, new float[36]);
        m.node("Conv", "/dw", List.of("z", "w"), "y", Attr.i("group", 4), Attr.ints("pads", 1, 1, 1, 1));
        assertEquals(2L * 4 * 25 * 9, FlopCount.forward(read(m.output("y"))));
    }

    @Test
    void latentTimesLatentMatMulCostsTwoProductsPerTangent() {
        // z [N, 4, 6] times tanh(z)^T [N, 6, 4], both from the latent: the JVP is dA B + A dB.
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4, 6);
        m.node("Tanh", "/t", List.of("z"), "t")
                .node("Transpose", "/tt", List.of("t"), "tt", Attr.ints("perm", 0, 2, 1))
                .node("MatMul", "/mm", List.of("z", "tt"), "y");
        Graph g = read(m.output("y"));
        long product = 2L * 4 * 4 * 6;
        assertEquals(4 * 24 + product, FlopCount.forward(g));
        assertEquals(24 + 2 * product + 16, FlopCount.tangent(g));
    }

    @Test
    void gridSampleCountsTwoPerTapAndChannel() {
        // Bilinear GridSample of a 2-channel 5x5 image at 3 interior, off-lattice points: 4 taps each.
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2, 5, 5);
        m.initializer("grid", new int[] {1, 1, 3, 2}, new float[] {0.1f, 0.23f, -0.37f, 0.41f, 0.55f, -0.19f});
        m.node("GridSample", "/gs", List.of("z", "grid"), "y");
        Graph g = read(m.output("y"));
        assertEquals(2L * 4 * 3 * 2, FlopCount.forward(g));
        assertEquals(2L * 4 * 3 * 2, FlopCount.tangent(g));
    }
}
