package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Comparisons and logic on latent-dependent values, as 0/1 masks, and Where selecting by such a
 * mask. A comparison is a step of a difference (Greater(a, b) = step(a - b)), piecewise constant:
 * its derivative is 0 wherever it is defined, so a Where's tangent is the chosen branch's tangent,
 * as torch's autograd has it. Boolean ONNX values that depend on the latent are always such masks
 * (the latent itself must be a float, and a Cast of it to an integer type is refused), so Not,
 * And, Or, Xor and Cast work on 0/1 values: 1 - m, m n, m + n - m n, (m - n)^2, m.
 * Where(m, a, b) = m a + (1 - m) b. Masks are not neurons: delta does not count them.
 */
final class LatentLogic {
    private LatentLogic() {}

    /** A comparison or logic op with a latent-dependent input, as the mask arithmetic above. */
    static void importNode(NodeContext ctx) {
        String a = ctx.input(0);
        String b = ctx.n().getInputCount() > 1 ? ctx.input(1) : null;
        String out = ctx.output(0);
        String name = ctx.name();
        switch (ctx.n().getOpType()) {
            case "Greater" -> step(ctx, a, b, out);
            case "Less" -> step(ctx, b, a, out);
            case "GreaterOrEqual" -> complement(ctx, step(ctx, b, a, ctx.name() + "/lt"), out);
            case "LessOrEqual" -> complement(ctx, step(ctx, a, b, ctx.name() + "/gt"), out);
            case "Equal" -> {   // neither a > b nor b > a
                String gt = step(ctx, a, b, ctx.name() + "/gt");
                String lt = step(ctx, b, a, ctx.name() + "/lt");
                binary(ctx, Elementwise.Kind.ADD, gt, lt, ctx.name() + "/ne");
                complement(ctx, ctx.name() + "/ne", out);
            }
            case "Not" -> complement(ctx, a, out);
            case "And" -> binary(ctx, Elementwise.Kind.MUL, a, b, out);
            case "Or" -> {   // m + n - m n
                binary(ctx, Elementwise.Kind.MUL, a, b, name + "/both");
                binary(ctx, Elementwise.Kind.ADD, a, b, name + "/sum");
                binary(ctx, Elementwise.Kind.SUB, name + "/sum", name + "/both", out);
            }
            case "Xor" -> {   // (m - n)^2
                binary(ctx, Elementwise.Kind.SUB, a, b, name + "/diff");
                binary(ctx, Elementwise.Kind.MUL, name + "/diff", name + "/diff", out);
            }
            default -> throw ctx.fail("not a comparison or logic op");
        }
    }

    /** Cast of a latent-dependent float to bool: x != 0. */
    static void nonZero(NodeContext ctx) {
        String x = ctx.input(0);
        String name = ctx.name();
        ctx.b().constant(name + "/zero", Tensor.scalar(0));
        String pos = step(ctx, x, name + "/zero", name + "/pos");
        String neg = step(ctx, name + "/zero", x, name + "/neg");
        binary(ctx, Elementwise.Kind.ADD, pos, neg, ctx.output(0));
    }

    /** Where(m, a, b) with a latent-dependent mask m: m a + (1 - m) b (a constant 0 branch drops its term). */
    static void where(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String m = ctx.input(0);
        String name = ctx.name();
        for (int i = 1; i <= 2; i++) {
            Tensor c = b.constantOf(ctx.input(i));
            if (c != null && Arrays.stream(c.data()).anyMatch(v -> !Double.isFinite(v))) {
                throw ctx.fail("the condition depends on the latent and branch " + i + " ('" + ctx.input(i)
                        + "') holds a non-finite constant (a -inf fill selected by a latent-dependent mask); only"
                        + " finite branches are supported there");
            }
        }
        boolean zeroA = isZero(b.constantOf(ctx.input(1)));
        boolean zeroB = isZero(b.constantOf(ctx.input(2)));
        if (zeroB) {
            binary(ctx, Elementwise.Kind.MUL, m, ctx.input(1), ctx.output(0));
        } else if (zeroA) {
            binary(ctx, Elementwise.Kind.MUL, complement(ctx, m, name + "/not"), ctx.input(2), ctx.output(0));
        } else {
            binary(ctx, Elementwise.Kind.MUL, m, ctx.input(1), name + "/then");
            binary(ctx, Elementwise.Kind.MUL, complement(ctx, m, name + "/not"), ctx.input(2), name + "/else");
            binary(ctx, Elementwise.Kind.ADD, name + "/then", name + "/else", ctx.output(0));
        }
    }

    /** step(a - b) as `out`: 1 where a > b. */
    private static String step(NodeContext ctx, String a, String b, String out) {
        String diff = out + "/diff";
        binary(ctx, Elementwise.Kind.SUB, a, b, diff);
        ctx.b().node(out.equals(ctx.output(0)) ? ctx.name() : out, "Step", new Activation(Activation.Kind.STEP, 0),
                List.of(diff), out);
        return out;
    }

    /** 1 - m as `out`. */
    private static String complement(NodeContext ctx, String m, String out) {
        ctx.b().constant(out + "/one", Tensor.scalar(1));
        binary(ctx, Elementwise.Kind.SUB, out + "/one", m, out);
        return out;
    }

    /** out = a (op) b, a node named after its output (the ONNX node's own name for its output). */
    private static void binary(NodeContext ctx, Elementwise.Kind kind, String a, String b, String out) {
        String op = kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
        String node = out.equals(ctx.output(0)) ? ctx.name() : out;
        ctx.b().node(node, op, new Elementwise(kind), List.of(a, b), out);
    }

    private static boolean isZero(Tensor t) {
        return t != null && Arrays.stream(t.data()).allMatch(v -> v == 0);
    }
}
