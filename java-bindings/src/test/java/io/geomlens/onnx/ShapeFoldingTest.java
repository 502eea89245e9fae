package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.Close;
import io.geomlens.testing.OrtReference;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain of x.view(x.size(0), ...) exports. */
class ShapeFoldingTest {
    private static Attr int64(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        if (v.length != 1) {
            t.addDims(v.length);
        }
        for (long x : v) {
            t.addInt64Data(x);
        }
        return Attr.tensor("value", t.build());
    }

    /**
     * h.view(h.size(0), 2, 3, 3), a ConvTranspose, then up.view(up.size(0), -1), as torch.onnx.export
     * writes them at opset 17 (scalar Gather index, Unsqueeze with an axes input, Concat).
     */
    private static OnnxModelBuilder viewBySize() {
        SplittableRandom rnd = new SplittableRandom(4);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 18);
        m.initializerLongs("axes0", 0);
        m.node("Constant", "/Constant", List.of(), "zero", int64("zero", 0))
                .node("Constant", "/Constant_1", List.of(), "rest", int64("rest", 2, 3, 3))
                .node("Constant", "/Constant_2", List.of(), "minus1", int64("minus1", -1, -1))
                .node("Shape", "/Shape", List.of(h), "shape")
                .node("Gather", "/Gather", List.of("shape", "zero"), "n", Attr.i("axis", 0))
                .node("Unsqueeze", "/Unsqueeze", List.of("n", "axes0"), "n1")
                .node("Concat", "/Concat", List.of("n1", "rest"), "target", Attr.i("axis", 0))
                .node("Reshape", "/Reshape", List.of(h, "target"), "r");
        m.initializer("w", new int[] {2, 1, 2, 2}, ModelZoo.uniform(rnd, 8, 4));
        m.node("ConvTranspose", "/up", List.of("r", "w"), "up", Attr.ints("strides", 2, 2))
                .node("Shape", "/Shape_1", List.of("up"), "s2")
                .node("Gather", "/Gather_1", List.of("s2", "zero"), "n2", Attr.i("axis", 0))
                .node("Unsqueeze", "/Unsqueeze_1", List.of("n2", "axes0"), "n3")
                .node("Slice", "/Slice", List.of("minus1", "axes0", "one"), "m1")
                .node("Concat", "/Concat_1", List.of("n3", "m1"), "flat", Attr.i("axis", 0))
                .node("Reshape", "/Reshape_1", List.of("up", "flat"), "y");
        m.initializerLongs("one", 1);
        return m.output("y");
    }

    @Test
    void foldsTheBatchSizeIntoReshapeAndMatchesOnnxRuntime() throws Exception {
        byte[] bytes = viewBySize().toBytes();
        Graph g = OnnxImporter.read(bytes, "view.onnx");
        for (int n : new int[] {1, 3, 5}) {
            double[] z = Close.gaussian(new SplittableRandom(n), n * 8, 1.0);
            double[] ref = Close.toDouble(OrtReference.run(bytes, Close.toFloat(z), n, 8));
            assertClose(ref, new CpuBackend().load(g).forward(z, n), 1e-6, 1e-5, "batch " + n);
        }
    }

    @Test
    void arithmeticOnTheBatchSizeIsRejected() {
        SplittableRandom rnd = new SplittableRandom(4);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 18);
        m.node("Shape", "/Shape", List.of(h), "shape").initializerLongs("two", 2)
                .node("Mul", "/Mul", List.of("shape", "two"), "doubled")
                .node("Reshape", "/Reshape", List.of(h, "doubled"), "y").output("y");
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toBytes(), "bad.onnx"));
        assertTrue(e.getMessage().contains("'/Reshape'") && e.getMessage().contains("computed from the batch size"),
                e.getMessage());
    }

    private static io.geomlens.graph.Tensor vec(double... v) {
        return new io.geomlens.graph.Tensor(new int[] {v.length}, v);
    }

    /** F.pad's (left, right, top, bottom) become ONNX pads through Reshape, a flipping Slice, Transpose. */
    @Test
    void torchPadListFoldsIntoOnnxOrder() {
        io.geomlens.graph.Tensor pairs = ShapeFolding.reshape(vec(3, 3, 1, 2, 0, 0, 0, 0), vec(-1, 2), "test");
        io.geomlens.graph.Tensor flipped = ShapeFolding.slice(List.of(pairs, vec(-1), vec(-9.2e18), vec(0), vec(-1)));
        io.geomlens.graph.Tensor onnx = ShapeFolding.reshape(
                io.geomlens.graph.Transpose.permute(flipped, new int[] {1, 0}), vec(-1), "test");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, 1, 3, 0, 0, 2, 3}, onnx.data());
        // A slice with a step of 2 along axis 1 of a 2-D constant.
        io.geomlens.graph.Tensor m = ShapeFolding.reshape(vec(0, 1, 2, 3, 4, 5), vec(2, 3), "test");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 2, 3, 5},
                ShapeFolding.slice(List.of(m, vec(0), vec(99), vec(1), vec(2))).data());
        assertThrows(OnnxImportException.class, () -> ShapeFolding.reshape(vec(1, 2, 3), vec(2, 2), "test"));
    }

    /** ReduceProd over chosen axes (keepdims both ways) and MatMul of constants with numpy's 1-D rules. */
    @Test
    void productsAndMatrixProductsOfConstants() {
        io.geomlens.graph.Tensor m = ShapeFolding.reshape(vec(1, 2, 3, 4, 5, 6), vec(2, 3), "test");
        io.geomlens.graph.Tensor rows = ShapeFolding.product(m, new int[] {1}, false, "test");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2}, rows.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {6, 120}, rows.data());
        io.geomlens.graph.Tensor cols = ShapeFolding.product(m, new int[] {-2}, true, "test");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 3}, cols.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {4, 10, 18}, cols.data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {720},
                ShapeFolding.product(m, null, false, "test").data());
        io.geomlens.graph.Tensor wv = ShapeFolding.matmul(m, vec(1, 0, -1), "test");   // [2, 3] x [3]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2}, wv.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-2, -2}, wv.data());
        io.geomlens.graph.Tensor uw = ShapeFolding.matmul(vec(1, 2), m, "test");        // [2] x [2, 3]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {9, 12, 15}, uw.data());
        io.geomlens.graph.Tensor dot = ShapeFolding.matmul(vec(1, 2), vec(3, 4), "test");
        org.junit.jupiter.api.Assertions.assertEquals(0, dot.rank());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {11}, dot.data());
        assertThrows(OnnxImportException.class, () -> ShapeFolding.matmul(m, m, "test"));
    }

    /** numpy's matmul of constants beyond 2-D: leading axes broadcast ([2, 1, 2, 3] x [4, 3, 1]). */
    @Test
    void batchedMatrixProductsOfConstantsBroadcast() {
        SplittableRandom rnd = new SplittableRandom(3);
        io.geomlens.graph.Tensor a = new io.geomlens.graph.Tensor(new int[] {2, 1, 2, 3}, rnd.doubles(12).toArray());
        io.geomlens.graph.Tensor c = new io.geomlens.graph.Tensor(new int[] {4, 3, 1}, rnd.doubles(12).toArray());
        io.geomlens.graph.Tensor p = ShapeFolding.matmul(a, c, "test");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 4, 2, 1}, p.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int r = 0; r < 2; r++) {
                    double ref = 0;
                    for (int k = 0; k < 3; k++) {
                        ref += a.data()[(i * 2 + r) * 3 + k] * c.data()[j * 3 + k];
                    }
                    org.junit.jupiter.api.Assertions.assertEquals(ref, p.data()[(i * 4 + j) * 2 + r], 1e-15);
                }
            }
        }
        io.geomlens.graph.Tensor rows = ShapeFolding.matmul(vec(1, 0, 2), c, "test");   // [3] x [4, 3, 1] -> [4, 1]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {4, 1}, rows.shape());
        org.junit.jupiter.api.Assertions.assertEquals(c.data()[0] + 2 * c.data()[2], rows.data()[0], 1e-15);
    }
}
