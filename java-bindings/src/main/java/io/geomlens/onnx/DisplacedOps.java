package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.DisplacedBatch.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The ops that compute on a value whose batch was moved ({@link DisplacedBatch}): each makes its
 * operands canonical (the batch moved to the front, ONNX order), lines constants up with them,
 * renumbers the ONNX axes and runs the importer's own handler on the computed tensors.
 */
final class DisplacedOps {
    private DisplacedOps() {}

    /**
     * Add/Sub/Mul/Div: a scalar constant applies as is; otherwise both sides are made canonical
     * (a constant reshaped to match, which needs size 1 along the batch's axis).
     */
    static void binary(DisplacedBatch d, NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        Value first = null;
        for (int i = 0; i < 2; i++) {
            if (d.variable(n.getInput(i))) {
                first = first == null ? d.value(n.getInput(i)) : first;
            }
        }
        boolean scalar = false;   // one value, and no more axes than the variable: it applies as it is
        for (int i = 0; i < 2; i++) {
            Tensor c = d.variable(n.getInput(i)) ? null : d.b().constantOf(n.getInput(i));
            scalar |= c != null && c.size() == 1 && c.rank() <= first.layout().rank();
        }
        if (scalar) {
            rewritten.setInput(d.variable(n.getInput(0)) ? 0 : 1, first.computed());
            String out = d.fresh(ctx.name());
            d.run(rewritten.setOutput(0, out), ctx.name());
            d.define(ctx.name(), ctx.output(0), out, first.layout());
            return;
        }
        int batchAxis = lineUp(d, ctx, rewritten, first, "operands").batchAxis();
        String out = d.fresh(ctx.name());
        d.run(rewritten.setOutput(0, out), ctx.name());
        checkBatchParts(d, ctx, out, batchAxis);
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, d.b().shapeOf(out)));
    }

    /** Where with a constant condition: the canonical branches, the condition and constants reshaped to match. */
    static void where(DisplacedBatch d, NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        BatchLayout ref = lineUp(d, ctx, rewritten, d.value(d.displacedInput(n)), "branches");
        String out = d.fresh(ctx.name());
        d.run(rewritten.setOutput(0, out), ctx.name());
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(ref.batchAxis(), d.b().shapeOf(out)));
    }

    /**
     * Every input of the node lined up with first (one of its latent-dependent inputs): variables as
     * their canonical tensors, which must have first's rank and batch axis, constants reshaped to
     * match (constantFor). Returns first's canonical layout.
     */
    private static BatchLayout lineUp(DisplacedBatch d, NodeContext ctx, NodeProto.Builder rewritten, Value first,
                                      String inputs) {
        BatchLayout ref = first.layout().canonical();
        for (int i = 0; i < ctx.n().getInputCount(); i++) {
            String in = ctx.n().getInput(i);
            if (d.variable(in)) {
                Value c = d.canonical(ctx.name(), d.value(in));
                if (c.layout().rank() != ref.rank() || c.layout().batchAxis() != ref.batchAxis()) {
                    throw ctx.fail("the " + inputs + " " + first.layout().describe() + " and " + c.layout().describe()
                            + " (N: the batch) do not line up; geomlens needs the same rank and the batch in the"
                            + " same axis");
                }
                rewritten.setInput(i, c.computed());
            } else {
                String c = d.fresh(ctx.name());
                d.b().constant(c, d.constantFor(ctx, d.b().constantOf(in), ref.rank(), ref.batchAxis(), ref));
                rewritten.setInput(i, c);
            }
        }
        return ref;
    }

    /** Broadcasting would stretch the parts of the batch's axis beside the batch: ONNX would not. */
    private static void checkBatchParts(DisplacedBatch d, NodeContext ctx, String out, int batchAxis) {
        int at = BatchLayout.computedAxis(batchAxis, batchAxis) - 1;
        for (String in : ctx.n().getInputList()) {
            if (d.variable(in)) {
                int[] s = canonicalShape(d.value(in).layout());
                int[] o = d.b().shapeOf(out);
                if (s[at] != o[at] || s[at + 1] != o[at + 1]) {
                    throw ctx.fail("the operands differ along the axis that holds the batch");
                }
            }
        }
    }

    private static int[] canonicalShape(BatchLayout l) {
        return l.canonical().computedShape();
    }

    /** MatMul / Gemm: the contracted axes must not hold the batch; the importer's handler does the rest. */
    static void matmul(DisplacedBatch d, NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        int batchAxis = -1;
        int rank = -1;
        BatchLayout ref = null;
        boolean bothVariable = d.variable(n.getInput(0)) && d.variable(n.getInput(1));
        for (int i = 0; i < 2; i++) {
            if (d.variable(n.getInput(i))) {
                Value c = d.canonical(ctx.name(), d.value(n.getInput(i)));
                BatchLayout l = c.layout();
                // x W contracts x's last axis; W x and a product of two variables the last two
                int contracted = i == 0 && !bothVariable ? l.rank() - 1 : l.rank() - 2;
                if (l.batchAxis() >= contracted || (batchAxis >= 0 && (l.batchAxis() != batchAxis
                        || l.rank() != rank))) {
                    throw ctx.fail("the batch is in axis " + l.batchAxis() + " of " + l.describe()
                            + " (N: the batch); the MatMul contracts or multiplies along it (it must be in"
                            + " a leading axis, the same one on both sides)");
                }
                batchAxis = l.batchAxis();
                rank = l.rank();
                ref = l;
                rewritten.setInput(i, c.computed());
            }
        }
        for (int i = 0; i < 2; i++) {   // a constant batch of matrices (not weights) lines up like the variable
            boolean weights = d.variable(n.getInput(i)) || n.getOpType().equals("Gemm");
            Tensor c = weights ? null : d.b().constantOf(n.getInput(i));
            if (c != null && c.rank() >= 3) {
                if (c.rank() > rank || batchAxis >= c.rank() - 2) {
                    throw ctx.fail("a constant " + c + " multiplied with " + ref.describe() + " (N: the batch) is not"
                            + " supported");
                }
                String name = d.fresh(ctx.name());
                d.b().constant(name, d.constantFor(ctx, c, rank, batchAxis, ref));
                rewritten.setInput(i, name);
            }
        }
        String out = d.fresh(ctx.name());
        d.run(rewritten.setOutput(0, out), ctx.name());
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, d.b().shapeOf(out)));
    }

    /** Concat along an axis other than the batch's: the canonical tensors joined, constants reshaped to match. */
    static void concat(DisplacedBatch d, NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        Value first = d.value(d.displacedInput(n));
        int rank = first.layout().rank();
        int batchAxis = first.layout().batchAxis();
        int axis = NodeContext.axis(ctx.a().integer("axis", 0), rank);
        if (axis == batchAxis) {
            throw ctx.fail("joining along axis " + axis + " of " + first.layout().describe() + ", which holds the"
                    + " batch (N), is not supported");
        }
        lineUp(d, ctx, rewritten, first, "parts");
        DisplacedBatch.setAttribute(rewritten, "axis", BatchLayout.computedAxis(axis, batchAxis));
        String out = d.fresh(ctx.name());
        d.run(rewritten.setOutput(0, out), ctx.name());
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, d.b().shapeOf(out)));
    }

    /**
     * A convolution whose weights carry the batch in their output-channel axis ([N * cout, cin, k, k],
     * or [cin, N * cout, k, k] for ConvTranspose) and whose input is plain: {@link LatentWeightConv}.
     */
    static void latentWeights(DisplacedBatch d, NodeContext ctx, boolean transposed) {
        if (d.displaced(ctx.input(0)) || !d.displaced(ctx.input(1))) {
            throw ctx.fail("its " + (d.displaced(ctx.input(0)) ? "input" : "weights") + " "
                    + d.value(d.displacedInput(ctx.n())).layout().describe() + " (N: the batch) carry the batch outside"
                    + " axis 0; geomlens takes latent-dependent conv weights [N * cout, cin, k, k] (StyleGAN2's"
                    + " fused modulated convolution exported from one latent) on an input with the batch first");
        }
        Value w = d.canonical(ctx.name(), d.displacedValue(ctx.input(1)));
        int[] ws = w.layout().computedShape();
        int axis = transposed ? 1 : 0;
        if (w.layout().rank() != 4 || w.layout().batchAxis() != axis || ws[axis + 1] != 1) {
            throw ctx.fail("weights of shape " + w.layout().describe() + " (N: the batch): a " + ctx.n().getOpType()
                    + " with latent-dependent weights needs them as " + (transposed ? "[cin, N * cout, kh, kw]"
                    : "[N * cout, cin, kh, kw]"));
        }
        LatentWeightConv.importNode(ctx, transposed, w.computed(), ws);
    }

    /**
     * Softmax, reductions, LayerNormalization, Slice, Split, Gather: on the canonical tensor with
     * each ONNX axis renumbered; the batch's axis may not be one of them.
     */
    static void axisOp(DisplacedBatch d, NodeContext ctx) {
        NodeProto n = ctx.n();
        String op = n.getOpType();
        Value x = d.canonical(ctx.name(), d.value(n.getInput(0)));
        BatchLayout l = x.layout();
        int r = l.rank();
        int batchAxis = l.batchAxis();
        NodeProto.Builder rewritten = n.toBuilder().setInput(0, x.computed());
        List<Integer> removed = new ArrayList<>();
        switch (op) {
            case "Softmax", "LogSoftmax", "LayerNormalization", "Split", "Gather" -> {
                long dflt = op.endsWith("Softmax") ? (d.opset() >= 13 ? -1 : 1)
                        : op.equals("LayerNormalization") ? -1 : 0;
                int axis = axis(ctx, ctx.a().integer("axis", dflt), l);
                if (op.equals("LayerNormalization") && axis < batchAxis) {
                    throw ctx.fail("normalizing axes " + axis + ".. includes the axis that holds the batch");
                }
                if (op.equals("Gather") && ctx.weight(1, "indices").rank() == 0) {
                    removed.add(axis);
                }
                DisplacedBatch.setAttribute(rewritten, "axis", BatchLayout.computedAxis(axis, batchAxis));
            }
            default -> {   // axes: an attribute, or an input from ReduceSum 13 / Slice 10 / the other reduces 18
                int input = op.equals("Slice") ? 3 : 1;
                boolean asInput = op.equals("Slice") ? d.opset() >= 10
                        : d.opset() >= (op.equals("ReduceSum") ? 13 : 18);
                int[] axes = asInput ? NodeContext.ints(ctx.optionalWeight(input, "axes"))
                        : ctx.a().ints("axes", null);
                if (axes == null && op.equals("Slice")) {
                    axes = java.util.stream.IntStream.range(0, ctx.weight(1, "starts").size()).toArray();
                }
                if (axes == null || axes.length == 0) {
                    throw ctx.fail("reducing every axis includes the batch; give the other axes");
                }
                double[] mapped = new double[axes.length];
                for (int i = 0; i < axes.length; i++) {
                    int g = axis(ctx, axes[i], l);
                    mapped[i] = BatchLayout.computedAxis(g, batchAxis);
                    if (!op.equals("Slice") && ctx.a().integer("keepdims", 1) == 0) {
                        removed.add(g);
                    }
                }
                if (asInput) {
                    String c = d.fresh(ctx.name());
                    d.b().constant(c, new Tensor(new int[] {mapped.length}, mapped));
                    while (rewritten.getInputCount() <= input) {
                        rewritten.addInput("");
                    }
                    rewritten.setInput(input, c);
                } else {
                    DisplacedBatch.setAttribute(rewritten, "axes", mapped);
                }
            }
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < n.getOutputCount(); i++) {
            outs.add(n.getOutput(i).isEmpty() ? "" : d.fresh(ctx.name()));
            rewritten.setOutput(i, outs.get(i));
        }
        d.run(rewritten, ctx.name());
        int newBatchAxis = batchAxis - (int) removed.stream().filter(g -> g < batchAxis).count();
        for (int i = 0; i < outs.size(); i++) {
            if (!outs.get(i).isEmpty()) {
                d.define(ctx.name(), n.getOutput(i), outs.get(i), BatchLayout.canonical(newBatchAxis,
                        d.b().shapeOf(outs.get(i))));
            }
        }
    }

    /** ONNX axis a of layout l as a group index; an error if it is the batch's axis. */
    private static int axis(NodeContext ctx, long a, BatchLayout l) {
        int g = NodeContext.axis(a, l.rank());
        if (g < 0 || g >= l.rank()) {
            throw ctx.fail("axis " + a + " does not exist in " + l.describe());
        }
        if (g == l.batchAxis()) {
            throw ctx.fail("axis " + a + " of " + l.describe() + " holds the batch (N); " + ctx.n().getOpType()
                    + " along it is not supported");
        }
        return g;
    }
}
