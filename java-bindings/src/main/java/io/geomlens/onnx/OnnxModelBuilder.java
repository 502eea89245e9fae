package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes ONNX models from Java (the OnnxMl protobuf classes of tribuo-util-onnx), so tests,
 * the demo and benchmarks need no Python. The input has a dynamic batch dimension "N" (or a fixed 1:
 * {@link #batchOfOne}).
 */
public final class OnnxModelBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("geomlens");
    private final int opset;
    private int counter;

    public OnnxModelBuilder(int opset) {
        this.opset = opset;
    }

    /** A node attribute. */
    public record Attr(AttributeProto proto) {
        public static Attr i(String name, long v) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                    .setI(v).build());
        }

        public static Attr f(String name, double v) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                    .setF((float) v).build());
        }

        public static Attr ints(String name, long... v) {
            AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS);
            for (long x : v) {
                b.addInts(x);
            }
            return new Attr(b.build());
        }

        public static Attr s(String name, String v) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(v)).build());
        }

        public static Attr tensor(String name, TensorProto t) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                    .setT(t).build());
        }
    }

    public OnnxModelBuilder input(String name, int... sampleShape) {
        graph.addInput(valueInfo(name, sampleShape));
        return this;
    }

    /**
     * Declares the batch dimension of every input so far as a fixed 1, as torch.onnx.export writes a
     * model exported from one latent without dynamic_axes.
     */
    public OnnxModelBuilder batchOfOne() {
        for (int i = 0; i < graph.getInputCount(); i++) {
            graph.getInputBuilder(i).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0)
                    .setDimValue(1);
        }
        return this;
    }

    /** An int64 input with a dynamic batch (class labels, timesteps). */
    public OnnxModelBuilder inputLong(String name, int... sampleShape) {
        ValueInfoProto v = valueInfo(name, sampleShape);
        graph.addInput(v.toBuilder().setType(v.getType().toBuilder().setTensorType(v.getType().getTensorType()
                .toBuilder().setElemType(TensorProto.DataType.INT64_VALUE))).build());
        return this;
    }

    public OnnxModelBuilder output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return this;
    }

    public OnnxModelBuilder initializer(String name, int[] shape, float[] data) {
        graph.addInitializer(OnnxTensors.floats(name, shape, data));
        return this;
    }

    /** An initializer as given (other element types, external data). */
    public OnnxModelBuilder initializer(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    /** A BOOL initializer (torch folds masks such as tril(...) == 0 into these). */
    public OnnxModelBuilder initializerBools(String name, int[] shape, boolean... data) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.BOOL_VALUE);
        for (int d : shape) {
            t.addDims(d);
        }
        for (boolean v : data) {
            t.addInt32Data(v ? 1 : 0);
        }
        graph.addInitializer(t);
        return this;
    }

    public OnnxModelBuilder initializerLongs(String name, long... data) {
        graph.addInitializer(OnnxTensors.longs(name, data));
        return this;
    }

    /** A Constant node holding a float tensor (as torch.onnx.export writes scalars). */
    public OnnxModelBuilder constant(String output, int[] shape, float... data) {
        return node("Constant", output + "_const", List.of(), output,
                Attr.tensor("value", OnnxTensors.floats(output, shape, data)));
    }

    /** A 1-element int64 tensor (the value of ConstantOfShape). */
    public static ai.onnx.proto.OnnxMl.TensorProto longTensor(String name, long v) {
        return OnnxTensors.longs(name, new long[] {v});
    }

    /** A Constant node holding a 0-d int64 (as torch writes the index of x.shape[i]). */
    public OnnxModelBuilder constantLong(String output, long value) {
        return node("Constant", output + "_const", List.of(), output,
                Attr.tensor("value", OnnxTensors.scalarLong(output, value)));
    }

    public OnnxModelBuilder node(String op, String name, List<String> inputs, String output, Attr... attrs) {
        return graphNode(op, name, inputs, List.of(output), attrs);
    }

    /** A node with several outputs (Split). */
    public OnnxModelBuilder graphNode(String op, String name, List<String> inputs, List<String> outputs,
                                      Attr... attrs) {
        graph.addNode(nodeProto(op, name, inputs, outputs, attrs));
        return this;
    }

    /** A default-domain node, as the importer's rewrites make them too. */
    public static NodeProto nodeProto(String op, String name, List<String> inputs, List<String> outputs,
                                      Attr... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs)
                .addAllOutput(outputs);
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        return n.build();
    }

    /** A fresh value name with the given prefix. */
    public String fresh(String prefix) {
        return prefix + "_" + counter++;
    }

    public ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("geomlens")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    public byte[] toBytes() {
        return build().toByteArray();
    }

    public void write(Path path) throws IOException {
        Files.write(path, toBytes());
    }

    private static ValueInfoProto valueInfo(String name, int[] sampleShape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (int d : sampleShape) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(s))).build();
    }
}
