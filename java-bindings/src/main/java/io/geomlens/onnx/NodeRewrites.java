package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import java.util.Arrays;
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

    /**
     * GatherND(data, indices) with batch_dims 0 and constant indices of one coordinate ([..., 1]) as
     * Gather(data, indices[..., 0]) on axis 0: the dynamo exporter writes x[:, idx] as a Transpose,
     * this GatherND and a Transpose back. Other GatherNDs stay as they are (and are refused by name).
     */
    static NodeProto gatherNDAsGather(NodeProto n, Graph.Builder b) {
        if (!n.getOpType().equals("GatherND") || !n.getDomain().isEmpty() || n.getInputCount() != 2
                || new Attributes(n).integer("batch_dims", 0) != 0) {
            return n;
        }
        Tensor idx = b.constantOf(n.getInput(1));
        if (idx == null || idx.rank() < 1 || idx.dim(idx.rank() - 1) != 1) {
            return n;
        }
        String list = n.getOutput(0) + "/indices";
        b.constant(list, new Tensor(Arrays.copyOf(idx.shape(), idx.rank() - 1), idx.data()));
        return n.toBuilder().setOpType("Gather").setInput(1, list).clearAttribute()
                .addAttribute(OnnxModelBuilder.Attr.i("axis", 0).proto()).build();
    }
}
