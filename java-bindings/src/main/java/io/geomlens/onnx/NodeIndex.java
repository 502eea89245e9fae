package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Who makes and who reads each value of a node list: the lookups the pattern fusions match with. */
final class NodeIndex {
    private final List<NodeProto> nodes;
    private final Function<String, Tensor> constant;
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, Integer> producer = new HashMap<>();

    /** @param constant the constant value of a name, or null when it is not a constant */
    NodeIndex(List<NodeProto> nodes, Function<String, Tensor> constant) {
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

    NodeProto node(int i) {
        return nodes.get(i);
    }

    /** The index of the node that makes value, if it is op; else null. */
    Integer producer(String value, String op) {
        Integer p = producer.get(value);
        return p != null && nodes.get(p).getOpType().equals(op) ? p : null;
    }

    /** Whether n's first output is read by that consumer alone. */
    boolean only(NodeProto n, int consumer) {
        List<Integer> c = consumers.get(n.getOutput(0));
        return c != null && c.size() == 1 && c.get(0) == consumer;
    }

    /** The one node that reads n's first output, or null. */
    Integer single(NodeProto n) {
        List<Integer> c = consumers.get(n.getOutput(0));
        return c != null && c.size() == 1 ? c.get(0) : null;
    }

    /** The input of a two-input node that is not `one`, or null. */
    static String other(NodeProto n, String one) {
        if (n.getInputCount() != 2) {
            return null;
        }
        return n.getInput(0).equals(one) ? n.getInput(1) : n.getInput(1).equals(one) ? n.getInput(0) : null;
    }

    /** The value of a constant scalar, or NaN. */
    double scalar(String name) {
        Tensor t = name == null ? null : constant.apply(name);
        return t != null && t.size() == 1 ? t.data()[0] : Double.NaN;
    }

    /** The nodes without the removed ones and with the replaced ones swapped in, in order. */
    static List<NodeProto> rebuilt(List<NodeProto> nodes, java.util.Set<Integer> removed,
                                   Map<Integer, NodeProto> replaced) {
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!removed.contains(i)) {
                out.add(replaced.getOrDefault(i, nodes.get(i)));
            }
        }
        return out;
    }

    /**
     * The nodes the output needs, in order: the rest (other outputs' branches, what a fusion left
     * unread) never runs, so an op there that geomlens does not know cannot stop the import.
     */
    static List<NodeProto> needed(List<NodeProto> nodes, String output) {
        java.util.Set<String> wanted = new java.util.HashSet<>(List.of(output));
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(wanted::contains)) {
                keep[i] = true;
                wanted.addAll(n.getInputList());
            }
        }
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    boolean isConstant(String name, double value) {
        return Math.abs(scalar(name) - value) <= 1e-6 * Math.abs(value);
    }
}
