package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * ReLU and LeakyReLU written with torch.where or masked_fill, which select on the sign of a
 * latent-dependent value: Where(x > 0, x, alpha x), Where(x > 0, x, zeros_like(x)),
 * masked_fill(x < 0, 0) (a Where on a Cast of Less), with >= and <= too. Each becomes the activation
 * it is (equal at 0 as well), a layer of delta like any ReLU; the comparison goes, and the zeros' Shape
 * and ConstantOfShape are left for the dead-node pass. Other Wheres on the latent are masks (LatentLogic).
 */
final class WhereActivationFusion {
    private WhereActivationFusion() {}

    static List<NodeProto> apply(List<NodeProto> nodes, Function<String, Tensor> constant) {
        return NodeIndex.fuse(nodes, constant, Set.of("Where"), WhereActivationFusion::match);
    }

    /** The Where at w as Relu / LeakyRelu of the compared value, dropping the comparison (and Cast); or null. */
    private static NodeIndex.Fused match(NodeIndex index, int w) {
        NodeProto where = index.node(w);
        if (where.getInputCount() != 3) {
            return null;
        }
        String cond = where.getInput(0);
        Integer cast = index.producer(cond, "Cast");   // masked_fill casts its mask to bool
        if (cast != null && index.only(index.node(cast), w)) {
            cond = index.node(cast).getInput(0);
        } else {
            cast = null;
        }
        Integer cmp = comparison(index, cond);
        if (cmp == null || !index.only(index.node(cmp), cast != null ? cast : w)
                || index.scalar(index.node(cmp).getInput(1)) != 0) {
            return null;
        }
        String x = index.node(cmp).getInput(0);
        boolean positiveFirst = index.node(cmp).getOpType().startsWith("Greater");
        String kept = where.getInput(positiveFirst ? 1 : 2);
        String other = where.getInput(positiveFirst ? 2 : 1);
        double slope = x.equals(kept) ? slope(index, other, x) : Double.NaN;
        if (Double.isNaN(slope)) {
            return null;
        }
        NodeProto act = OnnxModelBuilder.nodeProto(slope == 0 ? "Relu" : "LeakyRelu", where.getName(), List.of(x),
                List.of(where.getOutput(0)), slope == 0 ? new Attr[0] : new Attr[] {Attr.f("alpha", slope)});
        return new NodeIndex.Fused(w, act, cast == null ? List.of(cmp) : List.of(cmp, cast));
    }

    /** The Greater / GreaterOrEqual / Less / LessOrEqual node that makes cond, or null. */
    private static Integer comparison(NodeIndex index, String cond) {
        for (String op : List.of("Greater", "GreaterOrEqual", "Less", "LessOrEqual")) {
            Integer c = index.producer(cond, op);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    /**
     * 0 for zeros (a constant 0, or zeros_like(x): ConstantOfShape(Shape(x)) as TorchScript writes it,
     * Expand(0, Shape(x)) as the dynamo exporter does), alpha for Mul(x, alpha), else NaN.
     */
    private static double slope(NodeIndex index, String value, String x) {
        if (index.scalar(value) == 0) {
            return 0;
        }
        Integer zeros = index.producer(value, "ConstantOfShape");
        if (zeros != null) {
            NodeProto z = index.node(zeros);
            boolean zeroFill = z.getAttributeList().stream().noneMatch(a -> a.getName().equals("value"))
                    || ShapeFolding.fillValue(new Attributes(z)) == 0;
            return zeroFill && shapeOf(index, z.getInput(0), x) ? 0 : Double.NaN;
        }
        Integer expand = index.producer(value, "Expand");
        if (expand != null) {
            NodeProto e = index.node(expand);
            return index.scalar(e.getInput(0)) == 0 && shapeOf(index, e.getInput(1), x) ? 0 : Double.NaN;
        }
        Integer mul = index.producer(value, "Mul");
        return mul == null ? Double.NaN : index.scalar(NodeIndex.other(index.node(mul), x));
    }

    /** Whether shape is Shape(x), all of it. */
    private static boolean shapeOf(NodeIndex index, String shape, String x) {
        Integer s = index.producer(shape, "Shape");
        if (s == null || !index.node(s).getInput(0).equals(x)) {
            return false;
        }
        Attributes a = new Attributes(index.node(s));
        return a.integer("start", 0) == 0 && !a.has("end");
    }
}
