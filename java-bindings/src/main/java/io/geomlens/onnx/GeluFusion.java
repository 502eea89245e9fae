package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites the erf-form GELU that torch.onnx.export writes below opset 20,
 * Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5), or as torchlib writes it, Mul(x, Mul(0.5, Add(...))),
 * into one Gelu node, so that it counts as one nonlinearity layer (MATH.md) and runs as one fused
 * activation. Graphs without the exact
 * pattern are left alone; they still compute the same function.
 */
final class GeluFusion {
    private final List<NodeProto> nodes;
    private final NodeIndex index;

    private GeluFusion(List<NodeProto> nodes, Function<String, Tensor> constant) {
        this.nodes = nodes;
        this.index = new NodeIndex(nodes, constant);
    }

    /** @param constant the constant value of a name, or null when it is not a constant */
    static List<NodeProto> apply(List<NodeProto> nodes, Function<String, Tensor> constant) {
        return new GeluFusion(nodes, constant).run();
    }

    private List<NodeProto> run() {
        Set<Integer> removed = new HashSet<>();
        Map<Integer, NodeProto> replaced = new HashMap<>();
        for (int e = 0; e < nodes.size(); e++) {
            if (!nodes.get(e).getOpType().equals("Erf")) {
                continue;
            }
            int[] match = match(e);
            if (match != null) {
                NodeProto erf = nodes.get(e);
                NodeProto last = nodes.get(match[4]);
                String x = nodes.get(match[0]).getInput(0);
                String base = erf.getName().contains("/") ? erf.getName().substring(0, erf.getName().lastIndexOf('/'))
                        : erf.getName();
                replaced.put(match[4], NodeProto.newBuilder().setOpType("Gelu").setName(base + "/Gelu")
                        .addInput(x).addOutput(last.getOutput(0)).build());
                for (int i = 0; i < 4; i++) {
                    removed.add(match[i]);
                }
            }
        }
        return NodeIndex.rebuilt(nodes, removed, replaced);
    }

    /** Indices of [Div, Erf, Add, Mul, Mul], or null. */
    private int[] match(int e) {
        NodeProto erf = nodes.get(e);
        Integer div = index.producer(erf.getInput(0), "Div");
        if (div == null || !index.only(nodes.get(div), e) || !index.isConstant(nodes.get(div).getInput(1),
                Math.sqrt(2.0))) {
            return null;
        }
        String x = nodes.get(div).getInput(0);
        Integer add = index.single(erf);
        if (add == null || !nodes.get(add).getOpType().equals("Add")
                || !index.isConstant(NodeIndex.other(nodes.get(add), erf.getOutput(0)), 1.0)) {
            return null;
        }
        // x * (erf + 1), then * 0.5 (torch.onnx.export); or 0.5 * (erf + 1), then x * (torchlib)
        Integer first = index.single(nodes.get(add));
        if (first == null || !nodes.get(first).getOpType().equals("Mul")) {
            return null;
        }
        String factor = NodeIndex.other(nodes.get(first), nodes.get(add).getOutput(0));
        String last = x.equals(factor) ? "0.5" : index.isConstant(factor, 0.5) ? x : null;
        Integer second = last == null ? null : index.single(nodes.get(first));
        if (second == null || !nodes.get(second).getOpType().equals("Mul")) {
            return null;
        }
        String other = NodeIndex.other(nodes.get(second), nodes.get(first).getOutput(0));
        boolean ok = last.equals("0.5") ? index.isConstant(other, 0.5) : last.equals(other);
        return ok ? new int[] {div, e, add, first, second} : null;
    }
}
