package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.Generator;
import io.geomlens.graph.Graph;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.Close;
import io.geomlens.testing.OrtReference;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Models calling their own ONNX functions, against ONNX Runtime (which runs the functions itself). */
class FunctionInlinerTest {
    private static final String DOMAIN = "blocks";

    /** y = x + LeakyRelu_alpha(x W + b): alpha from the call, else the function's default 0.25. */
    private static FunctionProto residual() {
        NodeProto gemm = NodeProto.newBuilder().setOpType("Gemm").setName("fc").addInput("x").addInput("w")
                .addInput("b").addOutput("h").addAttribute(Attr.i("transB", 1).proto()).build();
        NodeProto act = NodeProto.newBuilder().setOpType("LeakyRelu").setName("act").addInput("h").addOutput("a")
                .addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT)
                        .setRefAttrName("slope")).build();
        NodeProto add = NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput("a")
                .addOutput("y").build();
        return FunctionProto.newBuilder().setDomain(DOMAIN).setName("Residual").addInput("x").addInput("w")
                .addInput("b").addOutput("y").addAttribute("slope").addAttributeProto(Attr.f("slope", 0.25).proto())
                .addNode(gemm).addNode(act).addNode(add)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
    }

    /** Two Residual calls, nested in a Stack function, then a Tanh outside. */
    private static byte[] model() {
        SplittableRandom rnd = new SplittableRandom(12);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        for (String p : List.of("a", "b")) {
            m.initializer(p + ".w", new int[] {6, 6}, ModelZoo.uniform(rnd, 36, 6))
                    .initializer(p + ".b", new int[] {6}, ModelZoo.uniform(rnd, 6, 6));
        }
        m.node("Tanh", "/tanh", List.of("s"), "y").output("y");
        NodeProto call1 = NodeProto.newBuilder().setOpType("Residual").setDomain(DOMAIN).setName("r1")
                .addInput("x").addInput("wa").addInput("ba").addOutput("r").addAttribute(Attr.f("slope", 0.1).proto())
                .build();
        NodeProto call2 = NodeProto.newBuilder().setOpType("Residual").setDomain(DOMAIN).setName("r2")
                .addInput("r").addInput("wb").addInput("bb").addOutput("y").build();
        FunctionProto stack = FunctionProto.newBuilder().setDomain(DOMAIN).setName("Stack").addInput("x")
                .addInput("wa").addInput("ba").addInput("wb").addInput("bb").addOutput("y").addNode(call1)
                .addNode(call2).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(DOMAIN).setVersion(1)).build();
        NodeProto top = NodeProto.newBuilder().setOpType("Stack").setDomain(DOMAIN).setName("/stack").addInput("z")
                .addInput("a.w").addInput("a.b").addInput("b.w").addInput("b.b").addOutput("s").build();
        ModelProto p = ModelProto.newBuilder(parse(m.toBytes())).setIrVersion(9).addFunctions(residual())
                .addFunctions(stack).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(DOMAIN).setVersion(1))
                .build();
        var g = p.getGraph().toBuilder().clearNode().addNode(top).addAllNode(p.getGraph().getNodeList());
        return p.toBuilder().setGraph(g).build().toByteArray();
    }

    private static ModelProto parse(byte[] b) {
        try {
            return ModelProto.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void nestedCallsWithAttributeReferencesAndDefaultsMatchOnnxRuntime() throws Exception {
        byte[] bytes = model();
        Graph g = OnnxImporter.read(bytes, "functions.onnx");
        int n = 5;
        float[] zf = Close.toFloat(Close.gaussian(new SplittableRandom(3), n * 6, 2.0));
        double[] ref = Close.toDouble(OrtReference.run(bytes, zf, n, g.inputShape()));
        try (Generator gen = new CpuBackend().load(g)) {
            assertClose(ref, gen.forward(Close.toDouble(zf), n), 1e-6, 1e-5, "functions vs ONNX Runtime");
        }
        // the two LeakyRelus kept their own slopes and the calls' names: layers of delta by path
        assertEquals(List.of("/stack/r1/act", "/stack/r2/act", "/tanh"), g.layerNames());
    }

    @Test
    void callsThatDoNotFitTheirFunctionAreNamed() {
        ModelProto p = parse(model());
        NodeProto top = p.getGraph().getNode(0).toBuilder().addInput("z").addInput("z").build();
        byte[] extra = p.toBuilder().setGraph(p.getGraph().toBuilder().setNode(0, top)).build().toByteArray();
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(extra, "bad.onnx"));
        assertTrue(e.getMessage().contains("calls function Stack with 7 inputs and 1 outputs; it declares 5 and 1"),
                e.getMessage());

        FunctionProto loop = FunctionProto.newBuilder().setDomain(DOMAIN).setName("Loop").addInput("x")
                .addOutput("y").addNode(NodeProto.newBuilder().setOpType("Loop").setDomain(DOMAIN).setName("again")
                        .addInput("x").addOutput("y")).build();
        NodeProto call = NodeProto.newBuilder().setOpType("Loop").setDomain(DOMAIN).setName("/loop").addInput("z")
                .addOutput("s").build();
        byte[] recursive = p.toBuilder().addFunctions(loop).setGraph(p.getGraph().toBuilder().setNode(0, call))
                .build().toByteArray();
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(recursive, "bad.onnx"));
        assertTrue(e.getMessage().contains("is the function recursive?"), e.getMessage());
    }
}
