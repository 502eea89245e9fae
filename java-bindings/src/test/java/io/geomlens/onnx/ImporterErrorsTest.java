package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.graph.Graph;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unsupported or broken models fail whole, with the op, node name and opset in the message. */
class ImporterErrorsTest {
    private static String failure(OnnxModelBuilder m) {
        return assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toBytes(), "bad.onnx")).getMessage();
    }

    private static void assertMentions(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "expected '" + p + "' in: " + msg);
        }
    }

    @Test
    void unsupportedOpNamesOpNodeAndOpset() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4)
                .node("NonMaxSuppression", "/head/Nms", List.of("z"), "y").output("y");
        assertMentions(failure(m), "bad.onnx", "unsupported ONNX op 'NonMaxSuppression'", "'/head/Nms'", "opset 17",
                "supported ops:");
        assertTrue(!failure(m).contains("also uses"), failure(m));
    }

    /** The first unsupported op fails the import; the message names the model's other unsupported ops too. */
    @Test
    void everyUnsupportedOpIsNamedAtOnce() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4)
                .node("Relu", "/act", List.of("z"), "a")
                .node("TopK", "/topk", List.of("a"), "b")
                .node("Hardmax", "/hardmax", List.of("b"), "c")
                .node("TopK", "/topk2", List.of("c"), "y").output("y");
        assertMentions(failure(m), "unsupported ONNX op 'TopK' at node '/topk'",
                "the model also uses Hardmax, not supported either");
    }

    @Test
    void missingInitializerIsNamed() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4)
                .node("Gemm", "/fc/Gemm", List.of("z", "fc.weight"), "y", Attr.i("transB", 1)).output("y");
        assertMentions(failure(m), "'/fc/Gemm'", "Gemm", "opset 17", "'fc.weight'", "no initializer");
    }

    @Test
    void shapeMismatchIsNamed() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 4)
                .initializer("w", new int[] {3, 5}, new float[15])
                .node("Gemm", "/fc/Gemm", List.of("z", "w"), "y", Attr.i("transB", 1)).output("y");
        assertMentions(failure(m), "node '/fc/Gemm' (Gemm, opset 13)", "last dimension 5", "[1, 4]");
    }

    @Test
    void weightsThatDependOnTheLatentAreRejected() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4)
                .node("Relu", "/r", List.of("z"), "a")
                .node("MatMul", "/mm", List.of("z", "a"), "y").output("y");
        assertMentions(failure(m), "'/mm'", "MatMul", "both operands depend on the latent");
    }

    @Test
    void nonIntegerUpsample9AndGroupsNotDividingTheChannelsAreClearErrors() {
        OnnxModelBuilder conv = new OnnxModelBuilder(17).input("z", 3, 3, 3)
                .initializer("w", new int[] {3, 1, 1, 1}, new float[3])
                .node("Conv", "/dw", List.of("z", "w"), "y", Attr.i("group", 2)).output("y");
        assertMentions(failure(conv), "'/dw'", "group=2 does not divide the 3 channels");
        OnnxModelBuilder nonInt = new OnnxModelBuilder(9).input("z", 2, 3, 3)
                .initializer("s", new int[] {4}, new float[] {1, 1, 1.5f, 1.5f})
                .node("Upsample", "/up", List.of("z", "s"), "y").output("y");
        assertMentions(failure(nonInt), "'/up'", "supported from opset 11 on", "integer spatial upsampling");
    }

    @Test
    void garbageAndMissingFilesAreReported() {
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(new byte[] {1, 2, 3, 4, 5}, "x.onnx"));
        assertMentions(e.getMessage(), "x.onnx", "not an ONNX model");
        assertThrows(NoSuchFileException.class, () -> OnnxImporter.read(Path.of("/nonexistent/model.onnx")));
    }

    /** GELU written as (x * 0.5) * (1 + erf(x / sqrt 2)) is not fused but still one counted layer. */
    @Test
    void unfusedGeluStillCountsItsNeurons() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 5);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 5, 9);
        m.constant("sqrt2", new int[0], (float) Math.sqrt(2.0)).constant("one", new int[0], 1f)
                .constant("half", new int[0], 0.5f)
                .node("Mul", "/act/Mul_half", List.of(h, "half"), "xh")
                .node("Div", "/act/Div", List.of(h, "sqrt2"), "xd")
                .node("Erf", "/act/Erf", List.of("xd"), "e")
                .node("Add", "/act/Add", List.of("e", "one"), "a")
                .node("Mul", "/act/Mul", List.of("xh", "a"), "y").output("y");
        Graph g = OnnxImporter.read(m.toBytes(), "gelu-alt.onnx");
        assertEquals(List.of("/act/Erf"), g.layerNames());
        assertEquals(9, g.layerWidths()[0]);
        double[] z = {0.3, -1, 0.2, 2, -0.5};
        float[] ref = io.geomlens.testing.OrtReference.run(m.toBytes(), io.geomlens.testing.Close.toFloat(z), 1, 5);
        io.geomlens.testing.Close.assertClose(io.geomlens.testing.Close.toDouble(ref),
                new io.geomlens.cpu.CpuBackend().load(g).forward(z, 1), 1e-6, 1e-5, "unfused GELU vs ONNX Runtime");
    }

    @Test
    void erfGeluIsFusedIntoOneLayer() {
        Graph g = OnnxImporter.read(ModelZoo.mlp(1, "GeluErf", 4, 8, 8, 3).toBytes(), "gelu.onnx");
        assertEquals(List.of("/fc0/act/Gelu", "/fc1/act/Gelu", "/fc2/Sigmoid"), g.layerNames());
        assertEquals(8, g.layerWidths()[0]);
        assertEquals(3, g.layerWidths()[2]);
    }
}
