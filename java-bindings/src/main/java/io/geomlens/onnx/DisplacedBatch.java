package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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
 * Shape only relabel it (here); elementwise ops, MatMul, Gemm, Softmax, reductions,
 * LayerNormalization, Slice, Split, Gather, Concat and Where run on the computed tensor made
 * canonical, as the importer's own handlers with the axes renumbered ({@link DisplacedOps}).
 * Constants repeated over a batch outside axis 0 ({@link DisplacedConstants}) and convolutions with
 * latent-dependent weights ({@link LatentWeightConv}) start here too. Once the batch is back alone
 * in axis 0 the value is plain again.
 */
final class DisplacedBatch {
    /** A displaced ONNX value: the computed tensor's name in the graph, and the layout. */
    record Value(String computed, BatchLayout layout) {}

    private static final Set<String> ELEMENTWISE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Elu",
            "Selu", "Celu", "Softplus", "Gelu", "Mish", "HardSigmoid", "HardSwish", "Clip", "Sqrt", "Pow", "Exp",
            "Log", "Sin", "Cos", "Neg", "Reciprocal", "Abs");
    private static final Set<String> AXIS_OPS = Set.of("Softmax", "LogSoftmax", "ReduceMean", "ReduceSum",
            "ReduceSumSquare", "ReduceL2", "ReduceMax", "ReduceMin", "LayerNormalization", "Slice", "Split", "Gather");

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

    Graph.Builder b() {
        return b;
    }

    int opset() {
        return opset;
    }

    boolean batchOfOne() {
        return batchOfOne;
    }

    /** True when the named ONNX value has its batch moved (it is not a name in the graph). */
    boolean displaced(String name) {
        return values.containsKey(name);
    }

    Value displacedValue(String name) {
        return values.get(name);
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
            if (scalarExpand(n)) {   // the same zeros as the dynamo exporter writes them
                Tensor shape = b.constantOf(n.getInput(1));
                int k = batchEntry(shape);
                return k > 0 || k == 0 && shape.data()[0] != ShapeFolding.BATCH;
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
                    if (op.equals("Dropout")) {
                        ctx.checkInferenceDropout();
                    }
                    long to = ctx.a().integer("to", 1);
                    if (!IntegerValues.floatType(to)) {
                        throw ctx.fail("a cast to ONNX type " + to + " (not a float) is not supported");
                    }
                    values.put(n.getOutput(0), value(n.getInput(0)));
                }
                case "Add", "Sub", "Mul", "Div" -> DisplacedOps.binary(this, ctx);
                case "Where" -> DisplacedOps.where(this, ctx);
                case "MatMul", "Gemm" -> DisplacedOps.matmul(this, ctx);
                case "Conv", "ConvTranspose" -> DisplacedOps.latentWeights(this, ctx, op.equals("ConvTranspose"));
                case "Expand", "Tile", "ConstantOfShape" -> {
                    if (values.containsKey(n.getInput(0))) {
                        throw unsupported(ctx);   // expanding or tiling the displaced value itself
                    }
                    if (op.equals("ConstantOfShape")) {
                        DisplacedConstants.constantOfShape(this, ctx, ctx.input(0), ShapeFolding.fillValue(ctx.a()));
                    } else if (scalarExpand(n)) {
                        DisplacedConstants.constantOfShape(this, ctx, ctx.input(1),
                                b.constantOf(ctx.input(0)).data()[0]);
                    } else {
                        DisplacedConstants.batchBroadcast(this, ctx);
                    }
                }
                case "Concat" -> DisplacedOps.concat(this, ctx);
                default -> {
                    if (ELEMENTWISE.contains(op)) {
                        Value x = value(n.getInput(0));
                        String out = fresh(name);
                        run(n.toBuilder().setInput(0, x.computed()).setOutput(0, out), name);
                        define(name, n.getOutput(0), out, x.layout());
                    } else if (AXIS_OPS.contains(op)) {
                        DisplacedOps.axisOp(this, ctx);
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

    OnnxImportException unsupported(NodeContext ctx) {
        String in = displacedInput(ctx.n());
        return ctx.fail(ctx.n().getOpType() + " on input '" + in + "' of shape " + values.get(in).layout().describe()
                + " (N: the batch, moved or merged by an earlier Transpose or Reshape) is not supported; there geomlens"
                + " imports Transpose, Reshape, Flatten, (Un)Squeeze, Shape, Concat, elementwise ops, MatMul, Gemm, "
                + String.join(", ", AXIS_OPS.stream().sorted().toList()));
    }

    String displacedInput(NodeProto n) {
        return n.getInputList().stream().filter(values::containsKey).findFirst().orElse(n.getInput(0));
    }

    /** True for a latent-dependent value, displaced or plain. */
    boolean variable(String name) {
        return values.containsKey(name) || b.isVariable(name);
    }

    /** A variable's computed tensor and layout: a displaced value's, or a plain value's own. */
    Value value(String name) {
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
        int[] axes = opset >= 13 ? NodeContext.ints(ctx.optionalWeight(1, "axes")) : ctx.a().ints("axes", null);
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
     * A constant operand in the canonical layout: rank padded, the batch's axis as two size-1 axes.
     * In a model exported from one latent a constant may span that axis' other parts (zeros
     * [1 * heads, 1, d] beside [N * heads, L, d]): then they are split as the variable's (ref, canonical).
     */
    Tensor constantFor(NodeContext ctx, Tensor c, int rank, int batchAxis, BatchLayout ref) {
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

    /** Expand of a one-element constant: a ConstantOfShape of Expand's shape. */
    private boolean scalarExpand(NodeProto n) {
        if (!n.getOpType().equals("Expand") || n.getInputCount() < 2 || b.isVariable(n.getInput(0))) {
            return false;
        }
        Tensor c = b.constantOf(n.getInput(0));
        return c != null && c.size() == 1 && c.rank() <= 1;
    }

    /**
     * The position of the one entry that is the batch size (or a multiple of it) in a shape or
     * repeats constant, or -1.
     */
    static int batchEntry(Tensor t) {
        if (t == null || t.rank() != 1) {
            return -1;
        }
        int at = -1;
        for (int i = 0; i < t.size(); i++) {
            double v = t.data()[i];
            if (ShapeFolding.isBatch(v)) {
                at = at < 0 ? i : Integer.MAX_VALUE;
            }
        }
        return at == Integer.MAX_VALUE ? -1 : at;
    }

    /** The computed tensor transposed to ONNX order and reshaped to the canonical layout. */
    Value canonical(String name, Value x) {
        BatchLayout l = x.layout();
        BatchLayout c = l.canonical();
        String computed = computedTranspose(name, x.computed(), l.order(), l.onnxOrder());
        if (!Arrays.equals(b.shapeOf(computed), c.computedShape())) {
            computed = computedReshape(name, computed, c.computedShape());
        }
        return new Value(computed, c);
    }

    /** Records out with this layout, or as a plain value once the batch is alone in axis 0 again. */
    void define(String name, String out, String computed, BatchLayout layout) {
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

    void run(NodeProto.Builder n, String name) {
        importer.accept(n.build(), name);
    }

    String fresh(String name) {
        return name + "/batch_layout" + helpers++;
    }

    static void setAttribute(NodeProto.Builder n, String attr, double... values) {
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
}
