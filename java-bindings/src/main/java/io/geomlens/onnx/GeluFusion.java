package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.ArrayList;
import java.util.List;
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

    private final NodeIndex index;

    /** The nodes before the erf / tanh node, and the GELU's input x. */
    private record Head(List<Integer> nodes, String x) {}

    private GeluFusion(NodeIndex index) {
        this.index = index;
    }

    /** @param constant the constant value of a name, or null when it is not a constant */
    static List<NodeProto> apply(List<NodeProto> nodes, Function<String, Tensor> constant) {
        return NodeIndex.fuse(nodes, constant, Set.of("Erf", "Tanh"), (index, e) -> new GeluFusion(index).match(e));
    }

    /** The GELU around the Erf / Tanh at e, as one Gelu in place of its last Mul; or null. */
    private NodeIndex.Fused match(int e) {
        NodeProto core = index.node(e);
        boolean tanh = core.getOpType().equals("Tanh");
        Head head = tanh ? tanhHead(e) : erfHead(e);
        int[] tail = head == null ? null : tail(e, head.x());
        if (tail == null) {
            return null;
        }
        String base = core.getName().contains("/") ? core.getName().substring(0, core.getName().lastIndexOf('/'))
                : core.getName();
        NodeProto gelu = OnnxModelBuilder.nodeProto("Gelu", base + "/Gelu", List.of(head.x()),
                List.of(index.node(tail[2]).getOutput(0)),
                tanh ? new Attr[] {Attr.s("approximate", "tanh")} : new Attr[0]);
        List<Integer> dropped = new ArrayList<>(head.nodes());
        dropped.addAll(List.of(e, tail[0], tail[1]));
        return new NodeIndex.Fused(tail[2], gelu, dropped);
    }

    /** [Div] of Erf(Div(x, sqrt 2)), or null. */
    private Head erfHead(int e) {
        Integer div = index.producer(index.node(e).getInput(0), "Div");
        if (div == null || !index.only(index.node(div), e)
                || !index.isConstant(index.node(div).getInput(1), Math.sqrt(2.0))) {
            return null;
        }
        return new Head(List.of(div), index.node(div).getInput(0));
    }

    /** [Add(x, .), Mul(sqrt(2/pi), .), Mul(0.044715, .), the cube's nodes] of the tanh form, or null. */
    private Head tanhHead(int t) {
        Integer scale = index.producer(index.node(t).getInput(0), "Mul");
        if (scale == null || !index.only(index.node(scale), t)) {
            return null;
        }
        NodeProto s = index.node(scale);
        String inner = index.isConstant(s.getInput(0), TANH_SCALE) ? s.getInput(1)
                : index.isConstant(s.getInput(1), TANH_SCALE) ? s.getInput(0) : null;
        Integer add = inner == null ? null : index.producer(inner, "Add");
        if (add == null || !index.only(index.node(add), scale)) {
            return null;
        }
        for (int side = 0; side < 2; side++) {   // x + cubic term, either order
            String x = index.node(add).getInput(side);
            Integer cubic = index.producer(index.node(add).getInput(1 - side), "Mul");
            if (cubic == null || !index.only(index.node(cubic), add)) {
                continue;
            }
            NodeProto c = index.node(cubic);
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
            NodeProto p = index.node(pow);
            return p.getInput(0).equals(x) && index.isConstant(p.getInput(1), 3) && index.only(p, consumer)
                    ? List.of(pow) : null;
        }
        Integer outer = index.producer(value, "Mul");
        if (outer == null || !index.only(index.node(outer), consumer)) {
            return null;
        }
        String square = NodeIndex.other(index.node(outer), x);
        Integer inner = square == null ? null : index.producer(square, "Mul");
        if (inner == null || !index.only(index.node(inner), outer)) {
            return null;
        }
        NodeProto sq = index.node(inner);
        return sq.getInput(0).equals(x) && sq.getInput(1).equals(x) ? List.of(outer, inner) : null;
    }

    /**
     * [Add(., 1), Mul, Mul] after the erf / tanh node e, giving x (1 + .) / 2 in either order:
     * Mul(Mul(x, .), 0.5) (torch.onnx.export) or Mul(x, Mul(0.5, .)) (torchlib); or null.
     */
    private int[] tail(int e, String x) {
        Integer add = index.single(index.node(e));
        if (add == null || !index.node(add).getOpType().equals("Add")
                || !index.isConstant(NodeIndex.other(index.node(add), index.node(e).getOutput(0)), 1.0)) {
            return null;
        }
        Integer first = index.single(index.node(add));
        if (first == null || !index.node(first).getOpType().equals("Mul")) {
            return null;
        }
        String factor = NodeIndex.other(index.node(first), index.node(add).getOutput(0));
        String last = x.equals(factor) ? "0.5" : index.isConstant(factor, 0.5) ? x : null;
        Integer second = last == null ? null : index.single(index.node(first));
        if (second == null || !index.node(second).getOpType().equals("Mul")) {
            return null;
        }
        String other = NodeIndex.other(index.node(second), index.node(first).getOutput(0));
        boolean ok = last.equals("0.5") ? index.isConstant(other, 0.5) : last.equals(other);
        return ok ? new int[] {add, first, second} : null;
    }
}
