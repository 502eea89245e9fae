package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.Close;
import io.geomlens.testing.OrtReference;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Models exported from one latent without dynamic_axes: torch writes the batch as a literal 1 in
 * Reshape targets, Tile repeats and Expand shapes. geomlens runs them on many latents at once; ONNX
 * Runtime, which takes such a model only one latent at a time, is the reference.
 */
class BatchOfOneTest {
    /** z -> Gemm -> Relu -> view(1, 4, 2, 2) * const.repeat(1, ...) + const.expand(1, 4, 2, 2) -> flatten. */
    private static OnnxModelBuilder model() {
        SplittableRandom rnd = new SplittableRandom(4);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 16);
        float[] c = new float[16];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) rnd.nextDouble(-1, 1);
        }
        return m.node("Relu", "/relu", List.of(h), "r").initializerLongs("shape", 1, 4, 2, 2)
                .node("Reshape", "/view", List.of("r", "shape"), "x")
                .initializer("const", new int[] {1, 4, 2, 2}, c).initializerLongs("reps", 1, 1, 1, 1)
                .node("Tile", "/repeat", List.of("const", "reps"), "tiled")
                .initializer("bias", new int[] {1, 4, 1, 1}, Arrays.copyOf(c, 4))
                .node("Expand", "/expand", List.of("bias", "shape"), "expanded")
                .node("Mul", "/mul", List.of("x", "tiled"), "p").node("Add", "/add", List.of("p", "expanded"), "q")
                .node("Flatten", "/flatten", List.of("q"), "y").output("y").batchOfOne();
    }

    @Test
    void runsManyLatentsLikeOnnxRuntimeRunsOne() throws Exception {
        byte[] bytes = model().toBytes();
        Graph g = OnnxImporter.read(bytes, "one.onnx");
        int n = 3;
        float[] z = Close.toFloat(Close.gaussian(new SplittableRandom(8), n * 6, 1.0));
        double[] ref = new double[n * 16];
        for (int i = 0; i < n; i++) {
            float[] out = OrtReference.run(bytes, Arrays.copyOfRange(z, i * 6, (i + 1) * 6), 1, 6);
            System.arraycopy(Close.toDouble(out), 0, ref, i * 16, 16);
        }
        try (Generator gen = new CpuBackend().load(g)) {
            assertClose(ref, gen.forward(Close.toDouble(z), n), 1e-6, 1e-5, "batch-1 export vs ONNX Runtime");
        }
    }

    /** With the batch declared as N, a literal 1 really fixes it: the old message stands. */
    @Test
    void aDynamicBatchDoesNotReadALeadingOneAsTheBatch() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 16).initializerLongs("shape", 1, 4, 2, 2)
                .node("Reshape", "/view", List.of("z", "shape"), "y").output("y");
        Graph g = OnnxImporter.read(m.toBytes(), "n.onnx");
        try (Generator gen = new CpuBackend().load(g)) {
            var e = assertThrows(RuntimeException.class, () -> gen.forward(new double[32], 2));
            assertTrue(e.getMessage().contains("fixes the batch dimension to 1"), e.getMessage());
        }
    }

    /**
     * Sequence-first attention exported from one latent: the batch is a 1 or folded into a number
     * ([3, 1, 4] viewed as [3, 2, 2] puts it with the 2), and geomlens follows it (BatchLayout.reshape).
     */
    @Test
    void followsTheBatchThroughNumbersOfAOneLatentExport() throws Exception {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 3, 4).initializerLongs("heads", 3, 2, 2)
                .initializerLongs("flat", 1, 12)
                .node("Tanh", "/act", List.of("z"), "a")
                .node("Transpose", "/seq_first", List.of("a"), "t", Attr.ints("perm", 1, 0, 2))
                .node("Reshape", "/heads", List.of("t", "heads"), "h")
                .node("Transpose", "/batch_heads", List.of("h"), "bh", Attr.ints("perm", 1, 0, 2))
                .node("Reshape", "/flat", List.of("bh", "flat"), "y").output("y").batchOfOne();
        byte[] bytes = m.toBytes();
        int n = 3;
        float[] z = Close.toFloat(Close.gaussian(new SplittableRandom(9), n * 12, 1.0));
        double[] ref = new double[n * 12];
        for (int i = 0; i < n; i++) {
            float[] out = OrtReference.run(bytes, Arrays.copyOfRange(z, i * 12, (i + 1) * 12), 1, 3, 4);
            System.arraycopy(Close.toDouble(out), 0, ref, i * 12, 12);
        }
        try (Generator gen = new CpuBackend().load(OnnxImporter.read(bytes, "one.onnx"))) {
            assertClose(ref, gen.forward(Close.toDouble(z), n), 1e-6, 1e-5, "moved batch of a batch-1 export vs ORT");
        }
    }
}
