package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites the erf-form GELU that torch.onnx.export writes below opset 20,
 * Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5), into one Gelu node, so that it counts as one
 * nonlinearity layer (MATH.md) and runs as one fused activation. Graphs without the exact
 * pattern are left alone; they still compute the same function.
 */
final class GeluFusion {
    private final List<NodeProto> nodes;
    private final Function<String, Tensor> constant;
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, Integer> producer = new HashMap<>();

    private GeluFusion(List<NodeProto> nodes, Function<String, Tensor> constant) {
        this.nodes = nodes;
        this.constant = constant;
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            for (String out : nodes.get(i).getOutputList()) {
                producer.put(out, i);
            }
        }
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
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!removed.contains(i)) {
                out.add(replaced.getOrDefault(i, nodes.get(i)));
            }
        }
        return out;
    }

    /** Indices of [Div, Erf, Add, Mul(x, .), Mul(., 0.5)], or null. */
    private int[] match(int e) {
        NodeProto erf = nodes.get(e);
        Integer div = producer.get(erf.getInput(0));
        if (div == null || !nodes.get(div).getOpType().equals("Div") || !only(nodes.get(div), e)
                || !isConstant(nodes.get(div).getInput(1), Math.sqrt(2.0))) {
            return null;
        }
        String x = nodes.get(div).getInput(0);
        Integer add = single(erf);
        if (add == null || !nodes.get(add).getOpType().equals("Add")
                || !isConstant(other(nodes.get(add), erf.getOutput(0)), 1.0)) {
            return null;
        }
        Integer mul = single(nodes.get(add));
        if (mul == null || !nodes.get(mul).getOpType().equals("Mul")
                || !x.equals(other(nodes.get(mul), nodes.get(add).getOutput(0)))) {
            return null;
        }
        Integer half = single(nodes.get(mul));
        if (half == null || !nodes.get(half).getOpType().equals("Mul")
                || !isConstant(other(nodes.get(half), nodes.get(mul).getOutput(0)), 0.5)) {
            return null;
        }
        return new int[] {div, e, add, mul, half};
    }

    private boolean only(NodeProto n, int consumer) {
        List<Integer> c = consumers.get(n.getOutput(0));
        return c != null && c.size() == 1 && c.get(0) == consumer;
    }

    private Integer single(NodeProto n) {
        List<Integer> c = consumers.get(n.getOutput(0));
        return c != null && c.size() == 1 ? c.get(0) : null;
    }

    private static String other(NodeProto n, String one) {
        if (n.getInputCount() != 2) {
            return null;
        }
        return n.getInput(0).equals(one) ? n.getInput(1) : n.getInput(1).equals(one) ? n.getInput(0) : null;
    }

    private boolean isConstant(String name, double value) {
        Tensor t = name == null ? null : constant.apply(name);
        return t != null && t.size() == 1 && Math.abs(t.data()[0] - value) <= 1e-6 * Math.abs(value);
    }
}
