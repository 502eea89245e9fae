package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
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

    /** A fusion's match: `node` put in place of node `at`, and the other nodes it stands for, dropped. */
    record Fused(int at, NodeProto node, List<Integer> dropped) {}

    /**
     * Runs a pattern fusion: match is tried at each node whose op is an anchor and gives a Fused or
     * null; a match that would take a node an earlier match took is left alone.
     */
    static List<NodeProto> fuse(List<NodeProto> nodes, Function<String, Tensor> constant, Set<String> anchors,
                                BiFunction<NodeIndex, Integer, Fused> match) {
        NodeIndex index = new NodeIndex(nodes, constant);
        Set<Integer> taken = new HashSet<>();
        Map<Integer, NodeProto> replaced = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Fused f = anchors.contains(nodes.get(i).getOpType()) ? match.apply(index, i) : null;
            if (f != null && !taken.contains(f.at()) && f.dropped().stream().noneMatch(taken::contains)) {
                taken.add(f.at());
                taken.addAll(f.dropped());
                replaced.put(f.at(), f.node());
            }
        }
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (replaced.containsKey(i)) {
                out.add(replaced.get(i));
            } else if (!taken.contains(i)) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /**
     * The nodes the output needs, in order: the rest (other outputs' branches, what a fusion left
     * unread) never runs, so an op there that geomlens does not know cannot stop the import.
     */
    static List<NodeProto> needed(List<NodeProto> nodes, String output) {
        Set<String> wanted = new HashSet<>(List.of(output));
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
