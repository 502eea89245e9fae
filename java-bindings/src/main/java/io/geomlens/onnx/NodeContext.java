package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Op;
import io.geomlens.graph.Tensor;
import java.util.List;

/** One ONNX node being imported, with the graph built so far: what the per-op importers share. */
record NodeContext(Graph.Builder b, NodeProto n, String name, Attributes a, int opset) {
    /** "node 'name' (Op, opset k)", the prefix of every message about this node. */
    String where() {
        return "node '" + name + "' (" + n.getOpType() + ", opset " + opset + ")";
    }

    OnnxImportException fail(String what) {
        return new OnnxImportException(where() + ": " + what);
    }

    /** Adds op as this node: its first input to its first output. */
    void unary(Op op) {
        b.node(name, n.getOpType(), op, List.of(n.getInput(0)), n.getOutput(0));
    }

    /**
     * Input 0, the data the op works on. A constant (learned queries normalized in a model exported
     * from one latent) goes through the same ops, which the builder then folds: they leave axis 0
     * alone as they leave the batch, and refuse to work along it.
     */
    String dataInput() {
        return n.getInput(0);
    }

    /** An ONNX axis (negative counts from the end) as an index into a rank-`rank` shape. */
    static int axis(long axis, int rank) {
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** A constant's values as ints (axes, sizes), or null for a missing one. */
    static int[] ints(Tensor t) {
        return t == null ? null : java.util.Arrays.stream(t.data()).mapToInt(v -> (int) v).toArray();
    }

    String input(int i) {
        return n.getInput(i);
    }

    String output(int i) {
        return n.getOutput(i);
    }

    /**
     * A Dropout runs as the identity: refused when its training_mode input is true (it would drop
     * values at random) or its mask output is read.
     */
    void checkInferenceDropout() {
        Tensor training = optionalWeight(2, "training_mode");
        if (training != null && training.data()[0] != 0) {
            throw fail("training_mode=True drops values at random; export in eval() mode");
        }
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
            throw fail("the Dropout mask output is used; export in eval() mode");
        }
    }

    /** A constant input (weight, shape, scales), or an error naming the missing initializer. */
    Tensor weight(int index, String role) {
        if (n.getInputCount() <= index || n.getInput(index).isEmpty()) {
            throw fail("input " + index + " (" + role + ") is missing");
        }
        String in = n.getInput(index);
        Tensor t = b.constantOf(in);
        if (t == null) {
            throw fail("input '" + in + "' (" + role + ") must be an"
                    + (b.has(in) ? " initializer or Constant, but it depends on the latent"
                    : " initializer, but no initializer or earlier node defines it"));
        }
        return t;
    }

    Tensor optionalWeight(int index, String role) {
        return n.getInputCount() > index && !n.getInput(index).isEmpty() ? weight(index, role) : null;
    }
}
