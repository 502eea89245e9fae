package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * F.softplus(x, beta, threshold) as the dynamo exporter (torchlib) writes it,
 * Where(Greater(x * beta, threshold), x, Softplus(x * beta) / beta), becomes its softplus branch:
 * the Where only guards exp against overflow, which geomlens's Softplus (max(x, 0) + log1p(exp(-|x|)))
 * does not need; the branches differ by at most exp(-threshold) / beta (2e-9 at torch's 20). The
 * Greater on a latent-dependent value goes with it. Only thresholds of 14 and more are fused; a lower
 * one changes the function and imports as the Where it is (LatentLogic).
 */
final class SoftplusFusion {
    private static final double MIN_THRESHOLD = 14;   // exp(-14) = 8e-7

    private SoftplusFusion() {}

    static List<NodeProto> apply(List<NodeProto> nodes, Function<String, Tensor> constant) {
        return NodeIndex.fuse(nodes, constant, Set.of("Where"), SoftplusFusion::match);
    }

    /** The Where at w as an Identity of its softplus branch, dropping the Greater; or null. */
    private static NodeIndex.Fused match(NodeIndex index, int w) {
        NodeProto where = index.node(w);
        if (where.getInputCount() != 3) {
            return null;
        }
        Integer greater = index.producer(where.getInput(0), "Greater");
        if (greater == null || !index.only(index.node(greater), w)
                || !(index.scalar(index.node(greater).getInput(1)) >= MIN_THRESHOLD)) {
            return null;
        }
        String scaled = index.node(greater).getInput(0);
        String x = where.getInput(1);
        double beta = scaled.equals(x) ? 1 : beta(index, scaled, x);
        if (!(beta > 0 && softplusBranch(index, where.getInput(2), scaled, beta))) {
            return null;
        }
        return new NodeIndex.Fused(w, OnnxModelBuilder.nodeProto("Identity", where.getName(),
                List.of(where.getInput(2)), List.of(where.getOutput(0))), List.of(greater));
    }

    /** beta when scaled = Mul(x, beta) with a constant beta, else NaN. */
    private static double beta(NodeIndex index, String scaled, String x) {
        Integer mul = index.producer(scaled, "Mul");
        return mul == null ? Double.NaN : index.scalar(NodeIndex.other(index.node(mul), x));
    }

    /** Whether value is Softplus(scaled), divided by beta unless beta is 1. */
    private static boolean softplusBranch(NodeIndex index, String value, String scaled, double beta) {
        Integer div = index.producer(value, "Div");
        String sp = value;
        if (div != null) {
            if (!index.isConstant(index.node(div).getInput(1), beta)) {
                return false;
            }
            sp = index.node(div).getInput(0);
        } else if (beta != 1) {
            return false;
        }
        Integer softplus = index.producer(sp, "Softplus");
        return softplus != null && index.node(softplus).getInput(0).equals(scaled);
    }
}
