package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.InstanceNorm;
import io.geomlens.graph.Reduce;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * LayerNormalization, GroupNormalization and RMSNormalization written with ops both backends run.
 * The first two reshape so the normalized elements form the planes of an InstanceNorm with unit
 * scale and reshape back; RMSNormalization is x (mean(x^2) + eps)^-1/2 with a Reduce. Then the
 * affine part as a broadcast Mul (and Add) with constants. The derivatives come for free.
 */
final class Normalizations {
    private Normalizations() {}

    /** LayerNormalization or GroupNormalization node: checks, then the rewrite below. */
    static void importNode(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        NodeProto n = ctx.n();
        String name = ctx.name();
        Attributes a = ctx.a();
        String x = ctx.dataInput();
        if (n.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw ctx.fail("the Mean/InvStdDev outputs (training) are not supported");
        }
        int[] s = b.shapeOf(x);
        double eps = a.real("epsilon", 1e-5);
        // torch 1.13 writes LayerNorm(elementwise_affine=False) with no scale (its checker then objects)
        Tensor scale = n.getOpType().equals("LayerNormalization") ? ctx.optionalWeight(1, "scale")
                : ctx.weight(1, "scale");
        Tensor bias = ctx.optionalWeight(2, "bias");
        if (n.getOpType().equals("GroupNormalization")) {
            if (s.length < 3) {
                throw ctx.fail("expects [N, C, spatial...], got rank " + s.length);
            }
            Normalizations.groupNorm(b, name, x, n.getOutput(0), s, (int) a.integer("num_groups", -1), eps, scale, bias);
            return;
        }
        int axis = (int) a.integer("axis", -1);
        axis = NodeContext.axis(axis, s.length);
        if (axis < 1 || axis >= s.length) {
            throw ctx.fail("axis " + a.integer("axis", -1) + " normalizes across the"
                    + " batch; only axes after the batch dimension are supported");
        }
        if (n.getOpType().equals("RMSNormalization")) {
            rmsNorm(b, name, x, n.getOutput(0), s, axis, eps, scale);
        } else {
            layerNorm(b, name, x, n.getOutput(0), s, axis, eps, scale, bias);
        }
    }

    /** RMSNormalization (opset 23; nn.RMSNorm) over dimensions axis..: x (mean(x^2) + eps)^-1/2 scale. */
    static void rmsNorm(Graph.Builder b, String name, String x, String out, int[] s, int axis, double eps,
                        Tensor scale) {
        int[] axes = java.util.stream.IntStream.range(axis, s.length).toArray();
        b.constant(name + "/eps", Tensor.scalar(eps))
                .node(name + "/square", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(x, x), name + "/sq")
                .node(name + "/mean", "ReduceMean", new Reduce(axes, true, true, Tensor.product(s, axis, s.length)),
                        List.of(name + "/sq"), name + "/ms")
                .node(name + "/add_eps", "Add", new Elementwise(Elementwise.Kind.ADD),
                        List.of(name + "/ms", name + "/eps"), name + "/var")
                .node(name + "/rsqrt", "Pow", new Activation(Activation.Kind.POW, -0.5), List.of(name + "/var"),
                        name + "/inv")
                .node(name + "/normalize", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(x, name + "/inv"),
                        name + "/normed");
        affine(b, name, name + "/normed", out, scale, null);
    }

    /** LayerNormalization over dimensions axis.. of x (batch-1 shape s, axis >= 1). */
    static void layerNorm(Graph.Builder b, String name, String x, String out, int[] s, int axis, double eps,
                          Tensor scale, Tensor bias) {
        int outer = Tensor.product(s, 1, axis);
        String normed = standardize(b, name, x, s, new int[] {0, outer, -1}, outer, eps);
        affine(b, name, normed, out, scale, bias);
    }

    /**
     * GroupNormalization of x [N, C, ...] in num_groups groups. Scale and bias have C entries
     * (opset 21) or one per group (opset 18), which are spread over each group's channels.
     */
    static void groupNorm(Graph.Builder b, String name, String x, String out, int[] s, int groups, double eps,
                          Tensor scale, Tensor bias) {
        int c = s[1];
        if (groups <= 0 || c % groups != 0) {
            throw new OnnxImportException(name + ": num_groups " + groups + " does not divide the " + c + " channels");
        }
        String normed = standardize(b, name, x, s, new int[] {0, groups, -1}, groups, eps);
        int[] perChannel = new int[s.length - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = c;
        affine(b, name, normed, out, channels(scale, c, perChannel), channels(bias, c, perChannel));
    }

    /** (x - mean) / sqrt(var + eps) over the last dimension of x reshaped by rows, then x's shape again. */
    private static String standardize(Graph.Builder b, String name, String x, int[] s, int[] rows, int planes,
                                      double eps) {
        double[] ones = new double[planes];
        Arrays.fill(ones, 1);
        int[] back = s.clone();
        back[0] = 0;
        b.node(name + "/rows", "Reshape", new Reshape(rows), List.of(x), name + "/rows_out")
                .node(name + "/standardize", "InstanceNormalization", new InstanceNorm(ones, new double[planes], eps),
                        List.of(name + "/rows_out"), name + "/standardized")
                .node(name + "/back", "Reshape", new Reshape(back), List.of(name + "/standardized"), name + "/normed");
        return name + "/normed";
    }

    private static void affine(Graph.Builder b, String name, String normed, String out, Tensor scale, Tensor bias) {
        if (scale == null && bias == null) {   // LayerNorm(elementwise_affine=False) from torch 1.13
            b.alias(out, normed);
            return;
        }
        String scaled = normed;
        if (scale != null) {
            b.constant(name + "/scale", scale);
            scaled = bias == null ? out : name + "/scaled";
            b.node(name + "/mul", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(normed, name + "/scale"), scaled);
        }
        if (bias != null) {
            b.constant(name + "/bias", bias);
            b.node(name + "/add", "Add", new Elementwise(Elementwise.Kind.ADD), List.of(scaled, name + "/bias"), out);
        }
    }

    /** A per-channel [C, 1, ...] constant from C values, or from one value per group of channels. */
    private static Tensor channels(Tensor t, int c, int[] shape) {
        if (t == null) {
            return null;
        }
        double[] v = t.data();
        if (c % v.length != 0) {
            throw new OnnxImportException("scale/bias has " + v.length + " values for " + c + " channels");
        }
        double[] out = new double[c];
        for (int i = 0; i < c; i++) {
            out[i] = v[i / (c / v.length)];
        }
        return new Tensor(shape, out);
    }
}
