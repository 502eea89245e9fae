package io.geomlens.onnx;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import java.util.List;

/** Piecewise-linear activations written with ReLU layers: Clip (ReLU6, Hardtanh), PRelu and Abs. */
final class PiecewiseLinear {
    private PiecewiseLinear() {}

    /**
     * Clip(x, min, max) (ReLU6, Hardtanh) as max(x, min) = min + relu(x - min), then
     * min(., max) = . - relu(. - max): one ReLU layer per kink, so delta counts both boundaries.
     */
    static void clip(NodeContext ctx) {
        clamp(ctx.b(), ctx.name(), ctx.input(0), clipBound(ctx, 1, "min"), clipBound(ctx, 2, "max"), ctx.output(0));
    }

    /** out = min(max(x, lo), hi) through ReLU layers; a null bound is absent. */
    private static void clamp(Graph.Builder b, String name, String x, Double lo, Double hi, String out) {
        if (lo == null && hi == null) {
            b.alias(out, x);
            return;
        }
        String base = x;
        if (lo != null) {
            b.constant(name + "/min", Tensor.scalar(lo));
            base = hi == null ? out : name + "/lower_out";
            b.node(name + "/lower/Sub", "Sub", new Elementwise(Elementwise.Kind.SUB), List.of(x, name + "/min"),
                            name + "/lower/Sub_out")
                    .node(name + "/lower/Relu", "Relu", new Activation(Activation.Kind.RELU, 0),
                            List.of(name + "/lower/Sub_out"), name + "/lower/Relu_out")
                    .node(name + "/lower/Add", "Add", new Elementwise(Elementwise.Kind.ADD),
                            List.of(name + "/lower/Relu_out", name + "/min"), base);
        }
        if (hi != null) {
            b.constant(name + "/max", Tensor.scalar(hi));
            b.node(name + "/upper/Sub", "Sub", new Elementwise(Elementwise.Kind.SUB), List.of(base, name + "/max"),
                            name + "/upper/Sub_out")
                    .node(name + "/upper/Relu", "Relu", new Activation(Activation.Kind.RELU, 0),
                            List.of(name + "/upper/Sub_out"), name + "/upper/Relu_out")
                    .node(name + "/upper/Sub_1", "Sub", new Elementwise(Elementwise.Kind.SUB),
                            List.of(base, name + "/upper/Relu_out"), out);
        }
    }

    /**
     * HardSigmoid(x) = clamp(alpha x + beta, 0, 1) (defaults alpha 0.2, beta 0.5) and HardSwish(x) =
     * x HardSigmoid(x) with alpha 1/6 (MobileNet-style blocks): the clamp's two ReLU layers.
     */
    static void hard(NodeContext ctx, boolean swish) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        double alpha = swish ? 1.0 / 6 : ctx.a().real("alpha", 0.2);
        double beta = swish ? 0.5 : ctx.a().real("beta", 0.5);
        b.constant(name + "/alpha", Tensor.scalar(alpha)).constant(name + "/beta", Tensor.scalar(beta));
        b.node(name + "/Mul", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(ctx.input(0), name + "/alpha"),
                        name + "/scaled")
                .node(name + "/Add", "Add", new Elementwise(Elementwise.Kind.ADD),
                        List.of(name + "/scaled", name + "/beta"), name + "/shifted");
        String gate = swish ? name + "/gate" : ctx.output(0);
        clamp(b, name, name + "/shifted", 0.0, 1.0, gate);
        if (swish) {
            b.node(name + "/Mul_1", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(ctx.input(0), gate),
                    ctx.output(0));
        }
    }

    /** A Clip bound: an attribute before opset 11, an optional scalar input from opset 11 on. */
    static Double clipBound(NodeContext ctx, int index, String role) {
        Attributes a = ctx.a();
        int opset = ctx.opset();
        if (opset < 11) {
            return a.has(role) ? a.real(role, 0) : null;
        }
        Tensor t = ctx.optionalWeight(index, role);
        if (t != null && t.size() != 1) {
            throw ctx.fail(role + " must be a scalar, got " + t);
        }
        return t == null ? null : t.data()[0];
    }

    /**
     * PRelu(x) = x + (1 - slope) relu(-x) (for x < 0: x - (1 - slope) x = slope x): one ReLU layer whose inputs change sign exactly where
     * x's do, so delta counts PRelu's neurons once. slope broadcasts as ONNX says (often [C, 1, 1]).
     */
    static void prelu(NodeContext ctx) {
        leaky(ctx.b(), ctx.name(), ctx.input(0), ctx.weight(1, "slope"), ctx.output(0));
    }

    /**
     * Abs(x) = PRelu(x) with slope -1 (x + 2 relu(-x)); torch writes nn.Softsign as x / (1 + Abs(x)).
     * Its kink at 0 is a ReLU layer's, so delta counts it as one, like PRelu.
     */
    static void abs(NodeContext ctx) {
        leaky(ctx.b(), ctx.name(), ctx.input(0), Tensor.scalar(-1), ctx.output(0));
    }

    private static void leaky(Graph.Builder b, String name, String x, Tensor slope, String out) {
        double[] oneMinus = slope.data().clone();
        for (int i = 0; i < oneMinus.length; i++) {
            oneMinus[i] = 1 - oneMinus[i];
        }
        b.constant(name + "/minus_one", Tensor.scalar(-1)).constant(name + "/one_minus_slope",
                new Tensor(slope.shape(), oneMinus));
        b.node(name + "/Neg", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(x, name + "/minus_one"),
                        name + "/neg")
                .node(name + "/Relu", "Relu", new Activation(Activation.Kind.RELU, 0), List.of(name + "/neg"),
                        name + "/relu")
                .node(name + "/Mul", "Mul", new Elementwise(Elementwise.Kind.MUL),
                        List.of(name + "/relu", name + "/one_minus_slope"), name + "/leak")
                .node(name + "/Add", "Add", new Elementwise(Elementwise.Kind.ADD), List.of(x, name + "/leak"), out);
    }
}
