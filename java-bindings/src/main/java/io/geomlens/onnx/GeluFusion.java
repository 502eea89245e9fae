package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
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
 * Rewrites GELU as exporters write it below opset 20 into one Gelu node, so that it counts as one
 * nonlinearity layer (MATH.md) and runs as one fused activation:
 * erf form 0.5 x (1 + erf(x / sqrt 2)) and tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 * (x^3 as Pow or as Mul(x, Mul(x, x))), with the last two products in torch.onnx.export's order,
 * Mul(Mul(x, .), 0.5), or torchlib's, Mul(x, Mul(0.5, .)). Graphs without an exact pattern are left
 * alone; they still compute the same function.
 */
final class GeluFusion {
    private static final double TANH_SCALE = Math.sqrt(2 / Math.PI);

    private final List<NodeProto> nodes;
    private final NodeIndex index;

    /** The nodes before the erf / tanh node, and the GELU's input x. */
    private record Head(List<Integer> nodes, String x) {}

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
            String op = nodes.get(e).getOpType();
            Head head = op.equals("Erf") ? erfHead(e) : op.equals("Tanh") ? tanhHead(e) : null;
            String x = head == null ? null : head.x();
            int[] tail = x == null ? null : tail(e, x);
            if (tail == null || head.nodes().stream().anyMatch(removed::contains)) {
                continue;
            }
            NodeProto core = nodes.get(e);
            String base = core.getName().contains("/") ? core.getName().substring(0, core.getName().lastIndexOf('/'))
                    : core.getName();
            NodeProto.Builder gelu = NodeProto.newBuilder().setOpType("Gelu").setName(base + "/Gelu").addInput(x)
                    .addOutput(nodes.get(tail[2]).getOutput(0));
            if (op.equals("Tanh")) {
                gelu.addAttribute(AttributeProto.newBuilder().setName("approximate")
                        .setType(AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8("tanh")));
            }
            replaced.put(tail[2], gelu.build());
            removed.addAll(head.nodes());
            removed.add(e);
            removed.add(tail[0]);
            removed.add(tail[1]);
        }
        return NodeIndex.rebuilt(nodes, removed, replaced);
    }

    /** [Div] of Erf(Div(x, sqrt 2)), or null. */
    private Head erfHead(int e) {
        Integer div = index.producer(nodes.get(e).getInput(0), "Div");
        if (div == null || !index.only(nodes.get(div), e)
                || !index.isConstant(nodes.get(div).getInput(1), Math.sqrt(2.0))) {
            return null;
        }
        return new Head(List.of(div), nodes.get(div).getInput(0));
    }

    /** [Add(x, .), Mul(sqrt(2/pi), .), Mul(0.044715, .), the cube's nodes] of the tanh form, or null. */
    private Head tanhHead(int t) {
        Integer scale = index.producer(nodes.get(t).getInput(0), "Mul");
        if (scale == null || !index.only(nodes.get(scale), t)) {
            return null;
        }
        NodeProto s = nodes.get(scale);
        String inner = index.isConstant(s.getInput(0), TANH_SCALE) ? s.getInput(1)
                : index.isConstant(s.getInput(1), TANH_SCALE) ? s.getInput(0) : null;
        Integer add = inner == null ? null : index.producer(inner, "Add");
        if (add == null || !index.only(nodes.get(add), scale)) {
            return null;
        }
        for (int side = 0; side < 2; side++) {   // x + cubic term, either order
            String x = nodes.get(add).getInput(side);
            Integer cubic = index.producer(nodes.get(add).getInput(1 - side), "Mul");
            if (cubic == null || !index.only(nodes.get(cubic), add)) {
                continue;
            }
            NodeProto c = nodes.get(cubic);
            String cube = index.isConstant(c.getInput(0), 0.044715) ? c.getInput(1)
                    : index.isConstant(c.getInput(1), 0.044715) ? c.getInput(0) : null;
            List<Integer> cubeNodes = cube == null ? null : cube(cube, x, cubic);
            if (cubeNodes != null) {
                List<Integer> head = new ArrayList<>(List.of(add, scale, cubic));
                head.addAll(cubeNodes);
                return new Head(head, x);
            }
        }
        return null;
    }

    /** The nodes of x^3, Pow(x, 3) or Mul(x, Mul(x, x)) (either order), each read once; or null. */
    private List<Integer> cube(String value, String x, int consumer) {
        Integer pow = index.producer(value, "Pow");
        if (pow != null) {
            NodeProto p = nodes.get(pow);
            return p.getInput(0).equals(x) && index.isConstant(p.getInput(1), 3) && index.only(p, consumer)
                    ? List.of(pow) : null;
        }
        Integer outer = index.producer(value, "Mul");
        if (outer == null || !index.only(nodes.get(outer), consumer)) {
            return null;
        }
        String square = NodeIndex.other(nodes.get(outer), x);
        Integer inner = square == null ? null : index.producer(square, "Mul");
        if (inner == null || !index.only(nodes.get(inner), outer)) {
            return null;
        }
        NodeProto sq = nodes.get(inner);
        return sq.getInput(0).equals(x) && sq.getInput(1).equals(x) ? List.of(outer, inner) : null;
    }

    /**
     * [Add(., 1), Mul, Mul] after the erf / tanh node e, giving x (1 + .) / 2 in either order:
     * Mul(Mul(x, .), 0.5) (torch.onnx.export) or Mul(x, Mul(0.5, .)) (torchlib); or null.
     */
    private int[] tail(int e, String x) {
        Integer add = index.single(nodes.get(e));
        if (add == null || !nodes.get(add).getOpType().equals("Add")
                || !index.isConstant(NodeIndex.other(nodes.get(add), nodes.get(e).getOutput(0)), 1.0)) {
            return null;
        }
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
        return ok ? new int[] {add, first, second} : null;
    }
}
