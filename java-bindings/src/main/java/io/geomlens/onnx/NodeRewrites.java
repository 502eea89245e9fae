package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Set;

/** Nodes rewritten into the forms the op handlers take, before they run. */
final class NodeRewrites {
    private NodeRewrites() {}

    /**
     * Outputs after the first that no node reads and that are not the model's output, emptied: the
     * dynamo exporter writes LayerNormalization's Mean and InvStdDev and BatchNormalization's
     * statistics even when nothing uses them; the handlers refuse only those that are used.
     */
    static NodeProto unusedOutputsDropped(NodeProto n, Set<String> consumed) {
        NodeProto.Builder b = null;
        for (int i = 1; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty() && !consumed.contains(n.getOutput(i))) {
                b = b == null ? n.toBuilder() : b;
                b.setOutput(i, "");
            }
        }
        return b == null ? n : b.build();
    }

    /**
     * CastLike(x, like) (opset 15; the dynamo exporter's scalar constants) as Cast(x) to like's
     * type, which for geomlens is an integer (INT64) or a float.
     */
    static NodeProto castLikeAsCast(NodeProto n, IntegerValues integers) {
        if (!n.getOpType().equals("CastLike") || !n.getDomain().isEmpty() || n.getInputCount() != 2) {
            return n;
        }
        int to = integers.contains(n.getInput(1)) ? TensorProto.DataType.INT64_VALUE
                : TensorProto.DataType.FLOAT_VALUE;
        return n.toBuilder().setOpType("Cast").clearInput().addInput(n.getInput(0)).clearAttribute()
                .addAttribute(OnnxModelBuilder.Attr.i("to", to).proto()).build();
    }
}
