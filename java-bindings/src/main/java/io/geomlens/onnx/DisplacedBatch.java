package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.BatchBroadcast;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Imports the nodes that see a latent-dependent value whose batch is not alone in axis 0:
 * nn.MultiheadAttention's export (sequence first, then batch x heads in one axis, x.view(L * N, E)
 * before out_proj) and diffusers' head_to_batch_dim. Such a value is tracked as a
 * {@link BatchLayout} over a tensor computed with the batch first: Transpose, Reshape, Squeeze and
 * Shape only relabel it; elementwise ops, MatMul, Gemm, Softmax, reductions, LayerNormalization,
 * Slice, Split, Gather and Concat run on the computed tensor made canonical, as the importer's own
 * handlers with the axes renumbered. Constants repeated over a batch outside axis 0 (learned
 * queries) and convolutions with latent-dependent weights ({@link LatentWeightConv}) start here too.
 * Once the batch is back alone in axis 0 the value is plain again.
 */
final class DisplacedBatch {
    /** A displaced ONNX value: the computed tensor's name in the graph, and the layout. */
    private record Value(String computed, BatchLayout layout) {}

    private static final Set<String> ELEMENTWISE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Elu",
            "Selu", "Celu", "Softplus", "Gelu", "Mish", "HardSigmoid", "HardSwish", "Clip", "Sqrt", "Pow", "Exp",
            "Log", "Sin", "Cos", "Neg", "Reciprocal", "Abs");
    private static final Set<String> AXIS_OPS = Set.of("Softmax", "ReduceMean", "ReduceSum", "ReduceSumSquare",
            "ReduceL2", "LayerNormalization", "Slice", "Split", "Gather");

    private final Graph.Builder b;
    private final int opset;
    /** The importer's handler for one node (OnnxImporter.add), reused on the computed tensors. */
    private final BiConsumer<NodeProto, String> importer;
    private final Map<String, Value> values = new HashMap<>();
    private int helpers;

    /** The latent input declares batch size 1: Reshape targets may not name the batch (BatchLayout.reshape). */
    private final boolean batchOfOne;

    DisplacedBatch(Graph.Builder b, int opset, boolean batchOfOne, BiConsumer<NodeProto, String> importer) {
        this.b = b;
        this.opset = opset;
        this.batchOfOne = batchOfOne;
        this.importer = importer;
    }

    /** True for a node this class imports: one that reads a displaced value or displaces the batch. */
    boolean handles(NodeProto n) {
        if (n.getInputList().stream().anyMatch(values::containsKey)) {
            return true;
        }
        if (n.getInputCount() == 0 || !b.has(n.getInput(0))) {
            return false;
        }
        if (!b.isVariable(n.getInput(0))) {   // a constant expanded or tiled over a batch outside axis 0
            if (n.getOpType().equals("ConstantOfShape")) {   // zeros [N * heads, 1, d] (add_zero_attn)
                return batchEntry(b.constantOf(n.getInput(0))) >= 0;
            }
            return (n.getOpType().equals("Expand") || n.getOpType().equals("Tile")) && n.getInputCount() > 1
                    && batchEntry(b.constantOf(n.getInput(1))) > 0;
        }
        if (n.getOpType().equals("Transpose")) {
            int[] perm = new Attributes(n).ints("perm", null);
            return perm == null || perm[0] != 0;
        }
        if (n.getOpType().equals("Reshape") && n.getInputCount() > 1) {
            Tensor target = b.constantOf(n.getInput(1));
            if (target == null) {
                return false;
            }
            try {   // the importer's own Reshape handles what keeps the batch alone in axis 0
                return !BatchLayout.plain(b.shapeOf(n.getInput(0))).reshape(target.data(), batchOfOne).layout()
                        .plainable();
            } catch (IllegalArgumentException e) {
                return false;   // let the importer's Reshape report it
            }
        }
        return false;
    }

    /** The error for a graph output that still has its batch displaced. */
    void checkOutput(String output) {
        Value v = values.get(output);
        if (v != null) {
            throw new OnnxImportException("output '" + output + "' has shape " + v.layout().describe()
                    + " (N: the batch); geomlens needs the batch alone in axis 0: transpose it back in the model");
        }
    }

    void add(NodeProto n, String name) {
        NodeContext ctx = new NodeContext(b, n, name, new Attributes(n), opset);
        String op = n.getOpType();
        try {
            switch (op) {
                case "Transpose" -> {
                    Value x = value(n.getInput(0));
                    int[] perm = ctx.a().ints("perm", reversed(x.layout().rank()));
                    define(name, n.getOutput(0), x.computed(), x.layout().permuted(perm));
                }
                case "Reshape" -> reshape(ctx, value(n.getInput(0)), ctx.weight(1, "shape").data());
                case "Flatten" -> {
                    Value x = value(n.getInput(0));
                    int axis = NodeContext.axis(ctx.a().integer("axis", 1), x.layout().rank());
                    double[] s = x.layout().onnxShape();
                    reshape(ctx, x, new double[] {product(s, 0, axis), product(s, axis, s.length)});
                }
                case "Squeeze", "Unsqueeze" -> reshape(ctx, value(n.getInput(0)), squeezed(ctx));
                case "Shape" -> b.constant(n.getOutput(0), shape(ctx, value(n.getInput(0))));
                case "Identity", "Dropout", "Cast" -> {
                    if (op.equals("Dropout") && n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
                        throw ctx.fail("the Dropout mask output is not supported; export in eval() mode");
                    }
                    long to = ctx.a().integer("to", 1);
                    if (to != 1 && to != 10 && to != 11 && to != 16) {
                        throw ctx.fail("a cast to ONNX type " + to + " (not a float) is not supported");
                    }
                    values.put(n.getOutput(0), value(n.getInput(0)));
                }
                case "Add", "Sub", "Mul", "Div" -> binary(ctx);
                case "Where" -> where(ctx);
                case "MatMul", "Gemm" -> matmul(ctx);
                case "Conv", "ConvTranspose" -> latentWeights(ctx, op.equals("ConvTranspose"));
                case "Expand", "Tile", "ConstantOfShape" -> {
                    if (values.containsKey(n.getInput(0))) {
                        throw unsupported(ctx);   // expanding or tiling the displaced value itself
                    }
                    if (op.equals("ConstantOfShape")) {
                        constantOfShape(ctx);
                    } else {
                        batchBroadcast(ctx);
                    }
                }
                case "Concat" -> concat(ctx);
                default -> {
                    if (ELEMENTWISE.contains(op)) {
                        Value x = value(n.getInput(0));
                        String out = fresh(name);
                        run(n.toBuilder().setInput(0, x.computed()).setOutput(0, out), name);
                        define(name, n.getOutput(0), out, x.layout());
                    } else if (AXIS_OPS.contains(op)) {
                        axisOp(ctx);
                    } else {
                        throw unsupported(ctx);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw ctx.fail(e.getMessage() + " (input shape " + value(displacedInput(n)).layout().describe()
                    + ", N: the batch)");
        }
    }

    private OnnxImportException unsupported(NodeContext ctx) {
        String in = displacedInput(ctx.n());
        return ctx.fail(ctx.n().getOpType() + " on input '" + in + "' of shape " + values.get(in).layout().describe()
                + " (N: the batch, moved or merged by an earlier Transpose or Reshape) is not supported; there geomlens"
                + " imports Transpose, Reshape, Flatten, (Un)Squeeze, Shape, Concat, elementwise ops, MatMul, Gemm, "
                + String.join(", ", AXIS_OPS.stream().sorted().toList()));
    }

    private String displacedInput(NodeProto n) {
        return n.getInputList().stream().filter(values::containsKey).findFirst().orElse(n.getInput(0));
    }

    /** True for a latent-dependent value, displaced or plain. */
    private boolean variable(String name) {
        return values.containsKey(name) || b.isVariable(name);
    }

    /** A variable's computed tensor and layout: a displaced value's, or a plain value's own. */
    private Value value(String name) {
        Value v = values.get(name);
        return v != null ? v : new Value(name, BatchLayout.plain(b.shapeOf(name)));
    }

    private void reshape(NodeContext ctx, Value x, double[] target) {
        BatchLayout.Reshaped r = x.layout().reshape(target, batchOfOne);
        String computed = x.computed();
        if (r.reshapes()) {
            computed = computedReshape(ctx.name(), computed, r.layout().computedShape());
        }
        define(ctx.name(), ctx.output(0), computed, r.layout());
    }

    /** Squeeze / Unsqueeze as the Reshape to the ONNX shape they produce. */
    private double[] squeezed(NodeContext ctx) {
        double[] s = value(ctx.input(0)).layout().onnxShape();
        boolean unsqueeze = ctx.n().getOpType().equals("Unsqueeze");
        int[] axes = opset >= 13 ? ints(ctx.optionalWeight(1, "axes")) : ctx.a().ints("axes", null);
        int rank = unsqueeze ? s.length + axes.length : s.length;
        List<Double> out = new ArrayList<>();
        boolean[] listed = new boolean[rank];
        if (axes == null) {
            for (int i = 0; i < s.length; i++) {
                listed[i] = s[i] == 1;
            }
        } else {
            for (int a : axes) {
                listed[NodeContext.axis(a, rank)] = true;
            }
        }
        for (int i = 0, j = 0; i < rank; i++) {
            if (unsqueeze) {
                out.add(listed[i] ? 1.0 : s[j++]);
            } else if (!listed[i]) {
                out.add(s[i]);
            } else if (s[i] != 1) {
                throw ctx.fail("cannot squeeze axis " + i + " of size " + (s[i] < 0 ? "N" : s[i]));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private Tensor shape(NodeContext ctx, Value x) {
        double[] d = x.layout().onnxShape();
        int r = d.length;
        int start = Math.clamp(NodeContext.axis(ctx.a().integer("start", 0), r), 0, r);
        int end = Math.clamp(NodeContext.axis(ctx.a().integer("end", r), r), 0, r);
        double[] out = Arrays.copyOfRange(d, start, Math.max(start, end));
        return new Tensor(new int[] {out.length}, out);
    }

    /**
     * Add/Sub/Mul/Div: a scalar constant applies as is; otherwise both sides are made canonical
     * (a constant reshaped to match, which needs size 1 along the batch's axis).
     */
    private void binary(NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        Value first = null;
        for (int i = 0; i < 2; i++) {
            if (variable(n.getInput(i))) {
                first = first == null ? value(n.getInput(i)) : first;
            }
        }
        int batchAxis = -1;
        boolean scalar = !variable(n.getInput(0)) && b.constantOf(n.getInput(0)).size() == 1
                || !variable(n.getInput(1)) && b.constantOf(n.getInput(1)).size() == 1;
        if (scalar) {
            rewritten.setInput(variable(n.getInput(0)) ? 0 : 1, first.computed());
            String out = fresh(ctx.name());
            run(rewritten.setOutput(0, out), ctx.name());
            define(ctx.name(), ctx.output(0), out, first.layout());
            return;
        }
        int rank = first.layout().rank();
        BatchLayout ref = null;
        for (int i = 0; i < 2; i++) {
            String in = n.getInput(i);
            if (variable(in)) {
                Value c = canonical(ctx.name(), value(in));
                ref = c.layout();
                if (c.layout().rank() != rank || (batchAxis >= 0 && c.layout().batchAxis() != batchAxis)) {
                    throw ctx.fail("the operands' shapes " + first.layout().describe() + " and "
                            + c.layout().describe() + " (N: the batch) do not line up; geomlens needs the same rank"
                            + " and the batch in the same axis");
                }
                batchAxis = c.layout().batchAxis();
                rewritten.setInput(i, c.computed());
            }
        }
        for (int i = 0; i < 2; i++) {
            if (!variable(n.getInput(i))) {
                String c = fresh(ctx.name());
                b.constant(c, constantFor(ctx, b.constantOf(n.getInput(i)), rank, batchAxis, ref));
                rewritten.setInput(i, c);
            }
        }
        String out = fresh(ctx.name());
        run(rewritten.setOutput(0, out), ctx.name());
        checkBatchParts(ctx, out, batchAxis);
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, b.shapeOf(out)));
    }

    /** Where with a constant condition: the canonical branches, the condition and constants reshaped to match. */
    private void where(NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        Value first = value(displacedInput(n));
        BatchLayout ref = first.layout().canonical();
        for (int i = 0; i < 3; i++) {
            String in = n.getInput(i);
            if (variable(in)) {
                Value c = canonical(ctx.name(), value(in));
                if (c.layout().rank() != ref.rank() || c.layout().batchAxis() != ref.batchAxis()) {
                    throw ctx.fail("the branches " + first.layout().describe() + " and " + c.layout().describe()
                            + " (N: the batch) do not have the batch in the same axis");
                }
                rewritten.setInput(i, c.computed());
            } else {
                String c = fresh(ctx.name());
                b.constant(c, constantFor(ctx, b.constantOf(in), ref.rank(), ref.batchAxis(), ref));
                rewritten.setInput(i, c);
            }
        }
        String out = fresh(ctx.name());
        run(rewritten.setOutput(0, out), ctx.name());
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(ref.batchAxis(), b.shapeOf(out)));
    }

    /** Broadcasting would stretch the parts of the batch's axis beside the batch: ONNX would not. */
    private void checkBatchParts(NodeContext ctx, String out, int batchAxis) {
        int at = BatchLayout.computedAxis(batchAxis, batchAxis) - 1;
        for (String in : ctx.n().getInputList()) {
            if (variable(in)) {
                int[] s = canonicalShape(value(in).layout());
                int[] o = b.shapeOf(out);
                if (s[at] != o[at] || s[at + 1] != o[at + 1]) {
                    throw ctx.fail("the operands differ along the axis that holds the batch");
                }
            }
        }
    }

    private static int[] canonicalShape(BatchLayout l) {
        return l.canonical().computedShape();
    }

    /**
     * A constant operand in the canonical layout: rank padded, the batch's axis as two size-1 axes.
     * In a model exported from one latent a constant may span that axis' other parts (zeros
     * [1 * heads, 1, d] beside [N * heads, L, d]): then they are split as the variable's (ref, canonical).
     */
    private Tensor constantFor(NodeContext ctx, Tensor c, int rank, int batchAxis, BatchLayout ref) {
        if (c.rank() > rank) {
            throw ctx.fail("a constant of rank " + c.rank() + " broadcast against rank " + rank + " is not supported");
        }
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        System.arraycopy(c.shape(), 0, dims, rank - c.rank(), c.rank());
        int at = BatchLayout.computedAxis(batchAxis, batchAxis);
        int[] parts = ref == null ? new int[] {1, 1} : Arrays.copyOfRange(ref.computedShape(), at - 1, at + 1);
        boolean spans = batchOfOne && dims[batchAxis] > 1 && dims[batchAxis] == parts[0] * parts[1];
        if (dims[batchAxis] != 1 && !spans) {
            throw ctx.fail("the constant " + c + " varies along the axis that holds the batch");
        }
        int[] shape = new int[rank + 2];
        shape[0] = 1;
        for (int g = 0; g < rank; g++) {
            shape[BatchLayout.computedAxis(g, batchAxis)] = dims[g];
        }
        shape[at - 1] = spans ? parts[0] : 1;
        shape[at] = spans ? parts[1] : 1;
        return c.reshape(shape);
    }

    /** MatMul / Gemm: the contracted axes must not hold the batch; the importer's handler does the rest. */
    private void matmul(NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        int batchAxis = -1;
        int rank = -1;
        BatchLayout ref = null;
        boolean bothVariable = variable(n.getInput(0)) && variable(n.getInput(1));
        for (int i = 0; i < 2; i++) {
            if (variable(n.getInput(i))) {
                Value c = canonical(ctx.name(), value(n.getInput(i)));
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
            Tensor c = variable(n.getInput(i)) || n.getOpType().equals("Gemm") ? null : b.constantOf(n.getInput(i));
            if (c != null && c.rank() >= 3) {
                if (c.rank() > rank || batchAxis >= c.rank() - 2) {
                    throw ctx.fail("a constant " + c + " multiplied with " + ref.describe() + " (N: the batch) is not"
                            + " supported");
                }
                String name = fresh(ctx.name());
                b.constant(name, constantFor(ctx, c, rank, batchAxis, ref));
                rewritten.setInput(i, name);
            }
        }
        String out = fresh(ctx.name());
        run(rewritten.setOutput(0, out), ctx.name());
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, b.shapeOf(out)));
    }

    /**
     * The position of the one entry that is the batch size (or a multiple of it) in a shape or
     * repeats constant, or -1.
     */
    private static int batchEntry(Tensor t) {
        if (t == null || t.rank() != 1) {
            return -1;
        }
        int at = -1;
        for (int i = 0; i < t.size(); i++) {
            double v = t.data()[i];
            if (v < -1 && v % ShapeFolding.BATCH == 0) {
                at = at < 0 ? i : Integer.MAX_VALUE;
            }
        }
        return at == Integer.MAX_VALUE ? -1 : at;
    }

    /**
     * ConstantOfShape of a shape holding the batch (times c) in axis k: the fill value over the
     * latent's batch, canonical [1, ..., 1, c, ...].
     */
    private void constantOfShape(NodeContext ctx) {
        double[] shape = b.constantOf(ctx.input(0)).data();
        int k = batchEntry(b.constantOf(ctx.input(0)));
        int[] computed = new int[shape.length + 2];
        computed[0] = 1;
        for (int g = 0; g < shape.length; g++) {
            if (g == k) {
                computed[g + 1] = 1;
                computed[g + 2] = (int) (shape[g] / ShapeFolding.BATCH);
            } else {
                computed[BatchLayout.computedAxis(g, k)] = (int) shape[g];
            }
        }
        double fill = ctx.a().has("value") ? OnnxTensors.decode(ctx.a().raw("value").getT()).data()[0] : 0;
        double[] values = new double[(int) Tensor.count(computed)];
        java.util.Arrays.fill(values, fill);
        String constant = fresh(ctx.name());
        String out = fresh(ctx.name());
        b.constant(constant, new Tensor(computed, values))
                .node(out, "ConstantOfShape", new BatchBroadcast(), List.of(constant, b.latentName()), out);
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(k, b.shapeOf(out)));
    }

    /**
     * query.repeat(1, N, 1) or cls.expand(1, N, E) in a sequence-first model: the constant repeated
     * over the latent's batch, which sits in axis k of the result.
     */
    private void batchBroadcast(NodeContext ctx) {
        Tensor c = b.constantOf(ctx.input(0));
        double[] spec = ctx.weight(1, ctx.n().getOpType().equals("Tile") ? "repeats" : "shape").data().clone();
        int k = batchEntry(new Tensor(new int[] {spec.length}, spec));
        if (spec[k] != ShapeFolding.BATCH) {
            throw ctx.fail("repeating a constant a multiple of the batch size times is not supported");
        }
        spec[k] = 1;
        Tensor e;
        if (ctx.n().getOpType().equals("Tile")) {
            e = Slicing.tiled(ctx, c, spec);
        } else {
            int[] target = java.util.Arrays.stream(spec).mapToInt(v -> (int) v).toArray();
            int[] shape = io.geomlens.graph.Broadcast.shape(c.shape(), target);
            e = io.geomlens.graph.Broadcast.expand(c, shape);
        }
        if (e.rank() != spec.length || e.dim(k) != 1) {
            throw ctx.fail("repeating " + c + " over the batch in axis " + k + " needs size 1 there");
        }
        String constant = fresh(ctx.name());
        String out = fresh(ctx.name());
        b.constant(constant, constantFor(ctx, e, e.rank(), k, null))
                .node(out, ctx.n().getOpType(), new BatchBroadcast(), List.of(constant, b.latentName()), out);
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(k, b.shapeOf(out)));
    }

    /** Concat along an axis other than the batch's: the canonical tensors joined, constants reshaped to match. */
    private void concat(NodeContext ctx) {
        NodeProto n = ctx.n();
        NodeProto.Builder rewritten = n.toBuilder();
        Value first = value(displacedInput(n));
        int rank = first.layout().rank();
        int batchAxis = first.layout().batchAxis();
        int axis = NodeContext.axis(ctx.a().integer("axis", 0), rank);
        if (axis == batchAxis) {
            throw ctx.fail("joining along axis " + axis + " of " + first.layout().describe() + ", which holds the"
                    + " batch (N), is not supported");
        }
        BatchLayout ref = first.layout().canonical();
        for (int i = 0; i < n.getInputCount(); i++) {
            String in = n.getInput(i);
            if (variable(in)) {
                Value c = canonical(ctx.name(), value(in));
                if (c.layout().rank() != rank || c.layout().batchAxis() != batchAxis) {
                    throw ctx.fail("the parts " + first.layout().describe() + " and " + c.layout().describe()
                            + " (N: the batch) do not have the batch in the same axis");
                }
                rewritten.setInput(i, c.computed());
            } else {
                String c = fresh(ctx.name());
                b.constant(c, constantFor(ctx, b.constantOf(in), rank, batchAxis, ref));
                rewritten.setInput(i, c);
            }
        }
        setAttribute(rewritten, "axis", BatchLayout.computedAxis(axis, batchAxis));
        String out = fresh(ctx.name());
        run(rewritten.setOutput(0, out), ctx.name());
        define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(batchAxis, b.shapeOf(out)));
    }

    /**
     * A convolution whose weights carry the batch in their output-channel axis ([N * cout, cin, k, k],
     * or [cin, N * cout, k, k] for ConvTranspose) and whose input is plain: {@link LatentWeightConv}.
     */
    private void latentWeights(NodeContext ctx, boolean transposed) {
        if (values.containsKey(ctx.input(0)) || !values.containsKey(ctx.input(1))) {
            throw ctx.fail("its " + (values.containsKey(ctx.input(0)) ? "input" : "weights") + " "
                    + value(displacedInput(ctx.n())).layout().describe() + " (N: the batch) carry the batch outside"
                    + " axis 0; geomlens takes latent-dependent conv weights [N * cout, cin, k, k] (StyleGAN2's"
                    + " fused modulated convolution exported from one latent) on an input with the batch first");
        }
        Value w = canonical(ctx.name(), values.get(ctx.input(1)));
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
    private void axisOp(NodeContext ctx) {
        NodeProto n = ctx.n();
        String op = n.getOpType();
        Value x = canonical(ctx.name(), value(n.getInput(0)));
        BatchLayout l = x.layout();
        int r = l.rank();
        int batchAxis = l.batchAxis();
        NodeProto.Builder rewritten = n.toBuilder().setInput(0, x.computed());
        List<Integer> removed = new ArrayList<>();
        switch (op) {
            case "Softmax", "LayerNormalization", "Split", "Gather" -> {
                long dflt = op.equals("Softmax") ? (opset >= 13 ? -1 : 1) : op.equals("LayerNormalization") ? -1 : 0;
                int axis = axis(ctx, ctx.a().integer("axis", dflt), l);
                if (op.equals("LayerNormalization") && axis < batchAxis) {
                    throw ctx.fail("normalizing axes " + axis + ".. includes the axis that holds the batch");
                }
                if (op.equals("Gather") && ctx.weight(1, "indices").rank() == 0) {
                    removed.add(axis);
                }
                setAttribute(rewritten, "axis", BatchLayout.computedAxis(axis, batchAxis));
            }
            default -> {   // axes: an attribute, or an input from ReduceSum 13 / Slice 10 / the other reduces 18
                int input = op.equals("Slice") ? 3 : 1;
                boolean asInput = op.equals("Slice") ? opset >= 10 : opset >= (op.equals("ReduceSum") ? 13 : 18);
                int[] axes = asInput ? ints(ctx.optionalWeight(input, "axes")) : ctx.a().ints("axes", null);
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
                    String c = fresh(ctx.name());
                    b.constant(c, new Tensor(new int[] {mapped.length}, mapped));
                    while (rewritten.getInputCount() <= input) {
                        rewritten.addInput("");
                    }
                    rewritten.setInput(input, c);
                } else {
                    setAttribute(rewritten, "axes", mapped);
                }
            }
        }
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < n.getOutputCount(); i++) {
            outs.add(n.getOutput(i).isEmpty() ? "" : fresh(ctx.name()));
            rewritten.setOutput(i, outs.get(i));
        }
        run(rewritten, ctx.name());
        int newBatchAxis = batchAxis - (int) removed.stream().filter(g -> g < batchAxis).count();
        for (int i = 0; i < outs.size(); i++) {
            if (!outs.get(i).isEmpty()) {
                define(ctx.name(), n.getOutput(i), outs.get(i), BatchLayout.canonical(newBatchAxis,
                        b.shapeOf(outs.get(i))));
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

    /** The computed tensor transposed to ONNX order and reshaped to the canonical layout. */
    private Value canonical(String name, Value x) {
        BatchLayout l = x.layout();
        BatchLayout c = l.canonical();
        String computed = computedTranspose(name, x.computed(), l.order(), l.onnxOrder());
        if (!Arrays.equals(b.shapeOf(computed), c.computedShape())) {
            computed = computedReshape(name, computed, c.computedShape());
        }
        return new Value(computed, c);
    }

    /** Records out with this layout, or as a plain value once the batch is alone in axis 0 again. */
    private void define(String name, String out, String computed, BatchLayout layout) {
        if (!layout.plainable()) {
            values.put(out, new Value(computed, layout));
            return;
        }
        String x = computedTranspose(name, computed, layout.order(), layout.onnxOrder());
        int[] plain = layout.plainShape();
        if (Arrays.equals(b.shapeOf(x), plain)) {
            b.alias(out, x);
        } else {
            plain[0] = 0;
            b.node(name + "/plain", "Reshape", new Reshape(plain), List.of(x), out);
        }
    }

    private String computedTranspose(String name, String x, int[] from, int[] to) {
        if (Arrays.equals(from, to)) {
            return x;
        }
        int[] perm = new int[to.length + 1];
        for (int i = 0; i < to.length; i++) {
            for (int j = 0; j < from.length; j++) {
                perm[i + 1] = from[j] == to[i] ? j + 1 : perm[i + 1];
            }
        }
        String out = fresh(name);
        b.node(out, "Transpose", new Transpose(perm), List.of(x), out);
        return out;
    }

    private String computedReshape(String name, String x, int[] shape) {
        int[] spec = shape.clone();
        spec[0] = 0;
        String out = fresh(name);
        b.node(out, "Reshape", new Reshape(spec), List.of(x), out);
        return out;
    }

    private void run(NodeProto.Builder n, String name) {
        importer.accept(n.build(), name);
    }

    private String fresh(String name) {
        return name + "/batch_layout" + helpers++;
    }

    private static void setAttribute(NodeProto.Builder n, String attr, double... values) {
        for (int i = n.getAttributeCount() - 1; i >= 0; i--) {
            if (n.getAttribute(i).getName().equals(attr)) {
                n.removeAttribute(i);
            }
        }
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(attr);
        if (values.length == 1 && !attr.equals("axes")) {
            a.setType(AttributeProto.AttributeType.INT).setI((long) values[0]);
        } else {
            a.setType(AttributeProto.AttributeType.INTS);
            for (double v : values) {
                a.addInts((long) v);
            }
        }
        n.addAttribute(a);
    }

    /** Product of shape entries [from, to); a batch multiple stays one. */
    private static double product(double[] s, int from, int to) {
        double p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i] < 0 ? -s[i] : s[i];
        }
        boolean batch = Arrays.stream(s, from, to).anyMatch(v -> v < 0);
        return batch ? p / -ShapeFolding.BATCH * ShapeFolding.BATCH : p;
    }

    private static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static int[] ints(Tensor t) {
        return t == null ? null : Arrays.stream(t.data()).mapToInt(v -> (int) v).toArray();
    }
}
