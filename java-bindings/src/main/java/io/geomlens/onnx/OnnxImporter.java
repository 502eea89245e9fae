package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.geomlens.graph.Activation;
import io.geomlens.graph.BatchBroadcast;
import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.ChannelAffine;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Dense;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.ExpandTo;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphException;
import io.geomlens.graph.InstanceNorm;
import io.geomlens.graph.Op;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import io.geomlens.linalg.Gemm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model (as torch.onnx.export writes it, opset 13-23) into a {@link Graph}.
 * Either the whole model imports or an {@link OnnxImportException} names what is unsupported.
 */
public final class OnnxImporter {
    public static final List<String> SUPPORTED_OPS = List.of("Abs", "Add", "Attention (opset 23, constant masks)",
            "AveragePool", "BatchNormalization", "Celu",
            "Clip", "Concat", "Constant", "Conv", "ConvTranspose", "Cos", "DepthToSpace", "Div", "Dropout", "Einsum",
            "Elu", "Erf", "Exp", "Expand", "Flatten", "Gather",
            "GatherND (constant indices of one coordinate)", "Gelu", "Gemm", "GlobalAveragePool",
            "GridSample (a fixed grid)",
            "GroupNormalization", "RMSNormalization", "HardSigmoid", "HardSwish", "Identity",
            "InstanceNormalization",
            "LayerNormalization", "LeakyRelu", "Log", "LogSoftmax", "MatMul", "Max", "MaxPool", "Min",
            "Mish", "Mul", "Neg", "Pad", "Pow", "PRelu", "Reciprocal", "ReduceL2", "ReduceMax", "ReduceMean",
            "ReduceMin", "ReduceSum", "ReduceSumSquare", "Relu", "Reshape", "Resize", "Selu", "Sigmoid", "Sin",
            "Softmax", "Softplus", "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Tile", "Transpose", "Unsqueeze",
            "Upsample", "Slice", "Cast (to float types)", "CastLike", "Where (a constant condition)", "CumSum",
            "SplitToSequence, SequenceConstruct, SequenceAt, ConcatFromSequence (constant sizes and positions)",
            "Shape, ConstantOfShape, Equal, Greater, Less, GreaterOrEqual, LessOrEqual, Not, And, Or, Xor, Floor,"
                    + " Ceil, Round, Sign, Mod, ReduceProd, OneHot, Range, Trilu, Size (on constant and shape tensors)");

    private final String source;
    /** Values for inputs other than the latent (a class label, a timestep), keyed by input name. */
    private final Map<String, double[]> fixed;
    private int opset;
    private final IntegerValues integers = new IntegerValues();
    /** The model's op types in order of first use, for naming every unsupported one at once. */
    private final java.util.Set<String> nodeTypes = new java.util.LinkedHashSet<>();
    private final Map<String, Tensor> constants = new HashMap<>();
    /**
     * The latent input declares batch size 1 (torch.onnx.export without dynamic_axes, from one
     * latent): torch then writes the batch as a literal 1 in leading Reshape targets.
     */
    private boolean batchOfOne;

    private final String output;

    private OnnxImporter(String source, ImportOptions options) {
        this.source = source;
        this.fixed = options.fixed();
        this.output = options.output();
    }

    public static Graph read(Path path) throws IOException {
        return read(path, ImportOptions.DEFAULTS);
    }

    /**
     * Reads a model with several inputs: every input but the latent gets a fixed value (one sample's
     * worth, the same for the whole batch), e.g. the class of a conditional GAN.
     */
    public static Graph read(Path path, Map<String, double[]> fixed) throws IOException {
        return read(path, ImportOptions.DEFAULTS.withFixed(fixed));
    }

    public static Graph read(Path path, ImportOptions options) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        return read(bytes, path.toString(), options, path.toAbsolutePath().getParent());
    }

    public static Graph read(byte[] bytes, String source) {
        return read(bytes, source, ImportOptions.DEFAULTS);
    }

    public static Graph read(byte[] bytes, String source, Map<String, double[]> fixed) {
        return read(bytes, source, ImportOptions.DEFAULTS.withFixed(fixed));
    }

    /** A model read from bytes: its tensors must be inside it (no external data: no folder to look in). */
    public static Graph read(byte[] bytes, String source, ImportOptions options) {
        try {
            return read(bytes, source, options, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // unreachable: no external data file is opened
        }
    }

    /** dir: the model file's folder, where its external data lies (null: none may be named). */
    private static Graph read(byte[] bytes, String source, ImportOptions options, Path dir) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxImportException(source + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        OnnxImporter importer = new OnnxImporter(source, options);
        try {
            return importer.convert(dir == null ? model : ExternalData.inline(model, dir));
        } catch (OnnxImportException e) {
            throw e.getMessage().startsWith(source) ? e : new OnnxImportException(source + ": " + e.getMessage(), e);
        } catch (GraphException e) {
            throw new OnnxImportException(source + ": " + e.getMessage(), e);
        }
    }

    private Graph convert(ModelProto functions) {
        ModelProto model = FunctionInliner.inline(functions);
        opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        if (opset < 0) {
            throw new OnnxImportException("the model imports no default-domain opset");
        }
        GraphProto g = model.getGraph();
        for (var init : g.getInitializerList()) {
            constants.put(init.getName(), OnnxTensors.decode(init));
            if (IntegerValues.integerType(init.getDataType())) {
                integers.add(init.getName());
            }
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) {
            if (!constants.containsKey(in.getName())) {
                names.add(in.getName());
                if (fixed.containsKey(in.getName())) {
                    constants.put(in.getName(), fixedValue(in));
                    if (IntegerValues.integerType(in.getType().getTensorType().getElemType())) {
                        integers.add(in.getName());
                    }
                } else {
                    inputs.add(in);
                }
            }
        }
        for (String f : fixed.keySet()) {
            if (!names.contains(f)) {
                throw new OnnxImportException("a value was given for input '" + f + "', but the model's inputs are "
                        + String.join(", ", names));
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxImportException("the model has " + inputs.size() + " inputs without a value ("
                    + String.join(", ", inputs.stream().map(ValueInfoProto::getName).toList())
                    + "); geomlens needs exactly one, the latent: fix the others (CLI: --fix NAME=VALUES)");
        }
        List<String> outputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        String chosen = output != null ? output : outputs.size() == 1 ? outputs.get(0) : null;
        if (chosen == null || !outputs.contains(chosen)) {
            throw new OnnxImportException((output == null ? "the model has " + outputs.size() + " outputs"
                    : "the model has no output '" + output + "'") + " (" + String.join(", ", outputs)
                    + "); choose the one to study (CLI: --output NAME)");
        }
        int latentType = inputs.get(0).getType().getTensorType().getElemType();
        if (latentType != 0 && !IntegerValues.floatType(latentType)) {
            throw new OnnxImportException("input '" + inputs.get(0).getName() + "' is of type "
                    + TensorProto.DataType.forNumber(latentType) + "; the latent must be real-valued (a float"
                    + " type): give integer inputs such as labels or token ids a value (CLI: --fix NAME=VALUES)");
        }
        Graph.Builder b = new Graph.Builder(opset);
        b.input(inputs.get(0).getName(), sampleShape(inputs.get(0)));
        var batchDim = inputs.get(0).getType().getTensorType().getShape().getDim(0);
        batchOfOne = batchDim.hasDimValue() && batchDim.getDimValue() == 1;
        constants.forEach(b::constant);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                constants.put(n.getOutput(0), constantNode(n));
            }
        }
        List<NodeProto> fused = GeluFusion.apply(g.getNodeList(), constants::get);
        fused = WhereActivationFusion.apply(SoftplusFusion.apply(fused, constants::get), constants::get);
        List<NodeProto> nodes = NodeIndex.needed(fused, chosen);
        nodes.forEach(n -> nodeTypes.add(n.getOpType()));
        DisplacedBatch displaced = new DisplacedBatch(b, opset, batchOfOne, (node, name) -> add(b, node, name));
        java.util.function.BiConsumer<NodeProto, String> standard = (node, name) -> {
            if (displaced.handles(node)) {
                displaced.add(node, name);
            } else {
                add(b, node, name);
            }
        };
        SequenceImport sequences = new SequenceImport(b, standard);
        AttentionImport attention = new AttentionImport(b, standard, integers::contains);
        java.util.Set<String> consumed = new java.util.HashSet<>(java.util.Set.of(chosen));
        nodes.forEach(n -> consumed.addAll(n.getInputList()));
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = NodeRewrites.unusedOutputsDropped(NodeRewrites.castLikeAsCast(nodes.get(i), integers),
                    consumed);
            n = NodeRewrites.gatherNDAsGather(n, b);
            NodeProto permutation = EinsumImport.asTranspose(n);
            n = permutation != null ? permutation : n;
            String name = n.getName().isEmpty() ? "#" + i : n.getName();
            try {
                if (displaced.handles(n)) {   // first: it refuses by name what it cannot do with a moved batch
                    displaced.add(n, name);
                } else if (SequenceImport.handles(n)) {
                    sequences.add(n, name, opset);
                } else if (AttentionImport.handles(n)) {
                    attention.add(n, name, opset);
                } else {
                    add(b, n, name);
                }
                Tensor folded = n.getOutputCount() > 0 ? b.constantOf(n.getOutput(0)) : null;
                if (integers.record(n) && folded != null) {
                    Tensor whole = IntegerValues.truncated(folded);
                    if (whole != folded) {
                        b.constant(n.getOutput(0), whole);
                    }
                }
            } catch (ShapeException | IllegalArgumentException e) {
                throw new OnnxImportException(where(n, name) + ": " + e.getMessage(), e);
            }
        }
        displaced.checkOutput(chosen);
        b.output(chosen);
        return b.build();
    }

    /** The given value of a fixed input as a batch-1 constant of its declared sample shape. */
    private Tensor fixedValue(ValueInfoProto in) {
        int[] sample = sampleShape(in, 0);
        double[] v = fixed.get(in.getName());
        if (v.length != Tensor.count(sample)) {
            throw new OnnxImportException("input '" + in.getName() + "' takes " + Tensor.count(sample) + " values per"
                    + " sample (shape " + java.util.Arrays.toString(sample) + "), " + v.length + " were given");
        }
        int[] shape = new int[sample.length + 1];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        return new Tensor(shape, v.clone());
    }

    private int[] sampleShape(ValueInfoProto in) {
        return sampleShape(in, 2);
    }

    /** An input's shape without the batch dimension; minRank counts the batch. */
    private int[] sampleShape(ValueInfoProto in, int minRank) {
        if (!in.getType().hasTensorType()) {
            throw new OnnxImportException("input '" + in.getName() + "' is not a tensor");
        }
        TensorShapeProto s = in.getType().getTensorType().getShape();
        if (s.getDimCount() < Math.max(1, minRank)) {
            throw new OnnxImportException("input '" + in.getName() + "' has rank " + s.getDimCount()
                    + "; expected [batch, E] or [batch, E, 1, 1]");
        }
        int[] shape = new int[s.getDimCount() - 1];
        for (int i = 1; i < s.getDimCount(); i++) {
            var d = s.getDim(i);
            if (!d.hasDimValue() || d.getDimValue() <= 0) {
                throw new OnnxImportException("input '" + in.getName() + "' dimension " + i
                        + " is not a fixed size; only the batch dimension may be dynamic");
            }
            shape[i - 1] = Math.toIntExact(d.getDimValue());
        }
        return shape;
    }

    /**
     * Selu = gamma * elu_alpha(x); Celu = alpha * elu_1(x / alpha). The ELU's input has the sign of
     * x, so it is the layer delta counts.
     */
    private static void scaledElu(NodeContext ctx) {
        boolean selu = ctx.n().getOpType().equals("Selu");
        double alpha = ctx.a().real("alpha", selu ? 1.67326319217681884765625 : 1.0);
        double outer = selu ? ctx.a().real("gamma", 1.05070102214813232421875) : alpha;
        if (!selu && !(alpha > 0)) {
            throw ctx.fail("alpha " + alpha + " must be positive");
        }
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        String x = ctx.input(0);
        if (!selu) {
            b.constant(name + "/inv_alpha", Tensor.scalar(1 / alpha)).node(name + "/scale_in", "Mul",
                    new Elementwise(Elementwise.Kind.MUL), List.of(x, name + "/inv_alpha"), name + "/x");
            x = name + "/x";
        }
        b.constant(name + "/outer", Tensor.scalar(outer))
                .node(name + "/Elu", "Elu", new Activation(Activation.Kind.ELU, selu ? alpha : 1.0), List.of(x),
                        name + "/elu")
                .node(name, ctx.n().getOpType(), new Elementwise(Elementwise.Kind.MUL),
                        List.of(name + "/elu", name + "/outer"), ctx.output(0));
    }

    private String where(NodeProto n, String name) {
        return "node '" + name + "' (" + n.getOpType() + ", opset " + opset + ")";
    }

    private void add(Graph.Builder b, NodeProto n, String name) {
        Attributes a = new Attributes(n);
        NodeContext ctx = new NodeContext(b, n, name, a, opset);
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw ctx.fail("ops of domain '" + n.getDomain() + "' are not supported");
        }
        String op = n.getOpType();
        List<String> in = n.getInputList();
        String out = n.getOutput(0);
        switch (op) {
            case "Constant" -> b.constant(out, constants.get(out));
            case "Concat" -> {
                if (in.stream().anyMatch(b::isVariable)) {
                    // A constant part (a fixed condition) is repeated over the latent's batch first.
                    String ref = in.stream().filter(b::isVariable).findFirst().orElseThrow();
                    List<String> parts = new ArrayList<>();
                    for (int j = 0; j < in.size(); j++) {
                        if (b.isVariable(in.get(j))) {
                            parts.add(in.get(j));
                        } else {
                            b.node(name + "/batch" + j, "Expand", new BatchBroadcast(), List.of(in.get(j), ref),
                                    name + "/batch" + j);
                            parts.add(name + "/batch" + j);
                        }
                    }
                    b.node(name, op, new Concat((int) a.integer("axis", 0)), parts, out);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Unsqueeze", "Squeeze" -> {
                if (b.isVariable(in.get(0))) {
                    b.node(name, op, new Reshape(new ShapeFolding(b, opset).reshapeTarget(n, ctx.where())),
                            in.subList(0, 1), out);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Slice" -> {
                if (b.isVariable(in.get(0))) {
                    Slicing.slices(ctx);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Split" -> Slicing.split(ctx);
            case "Tile" -> Slicing.tile(ctx);
            case "ReduceMean", "ReduceSum", "ReduceSumSquare", "ReduceL2" -> ReduceImport.importNode(ctx);
            case "ReduceProd" -> b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
            case "AveragePool" -> PoolImport.average(ctx);
            case "GlobalAveragePool" -> PoolImport.global(ctx);
            case "MaxPool" -> PoolImport.max(ctx);
            case "Abs" -> {
                if (b.isVariable(in.get(0))) {
                    PiecewiseLinear.abs(ctx);
                } else {
                    b.constant(out, ShapeFolding.abs(b.constantOf(in.get(0))));
                }
            }
            case "Max", "Min" -> Extrema.elementwise(ctx);
            case "CumSum" -> AxisMap.cumSum(ctx);
            case "ReduceMax", "ReduceMin" -> Extrema.reduce(ctx);
            case "Pad" -> PadImport.importNode(ctx);
            case "DepthToSpace" -> DepthToSpaceImport.importNode(ctx);
            case "Expand" -> {
                double[] shape = ctx.weight(1, "shape").data().clone();
                if (shape.length > 0 && (shape[0] == ShapeFolding.BATCH || shape[0] == -1)) {
                    shape[0] = 1;   // x.expand(x.size(0), ...) or expand(-1, ...): the batch stays
                }
                if (!b.isVariable(in.get(0))) {   // a constant: ONNX broadcasting, folded (a batch of 1 for N)
                    b.constant(out, ShapeFolding.expand(b.constantOf(in.get(0)), shape));
                    return;
                }
                ctx.unary(new ExpandTo(java.util.Arrays.stream(shape).mapToInt(v -> (int) v).toArray()));
            }
            case "Pow" -> {
                Tensor p = ctx.weight(1, "exponent (a constant)");
                if (p.size() != 1) {
                    throw ctx.fail("the exponent must be a scalar, got " + p);
                }
                ctx.unary(new Activation(Activation.Kind.POW, p.data()[0]));
            }
            case "Reciprocal" -> ctx.unary(new Activation(Activation.Kind.RECIPROCAL, 0));
            case "Exp" -> ctx.unary(new Activation(Activation.Kind.EXP, 0));
            case "Log" -> ctx.unary(new Activation(Activation.Kind.LOG, 0));
            case "Sin" -> ctx.unary(new Activation(Activation.Kind.SIN, 0));
            case "Cos" -> ctx.unary(new Activation(Activation.Kind.COS, 0));
            case "Neg" -> {
                b.constant(name + "/minus_one", Tensor.scalar(-1));
                b.node(name, "Neg", new Elementwise(Elementwise.Kind.MUL), List.of(in.get(0), name + "/minus_one"), out);
            }
            case "Dropout" -> {   // inference: the identity; the training mask has no value here
                ctx.checkInferenceDropout();
                b.alias(out, in.get(0));
            }
            case "Sqrt" -> {
                if (b.isVariable(in.get(0))) {
                    ctx.unary(new Activation(Activation.Kind.SQRT, 0));
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Cast" -> {
                if (b.isVariable(in.get(0))) {
                    long to = a.integer("to", 1);
                    if (to == ai.onnx.proto.OnnxMl.TensorProto.DataType.BOOL_VALUE && !integers.contains(in.get(0))) {
                        LatentLogic.nonZero(ctx);
                    } else if (IntegerValues.floatType(to) || integers.contains(in.get(0))) {
                        // a float in the backend's own precision; a comparison's 0/1 mask in any type
                        b.alias(out, in.get(0));
                    } else {
                        throw ctx.fail("a cast of a latent-dependent value to ONNX type " + to + " (not a float)"
                                + " is not supported");
                    }
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Gather" -> {
                if (b.isVariable(in.get(0))) {
                    Slicing.gather(ctx);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Where" -> {
                if (b.isVariable(in.get(0))) {
                    LatentLogic.where(ctx);
                } else if (in.stream().anyMatch(b::isVariable)) {
                    WhereImport.importNode(ctx);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Equal", "Not", "And", "Or", "Xor" -> {
                if (in.stream().anyMatch(b::isVariable)) {
                    LatentLogic.importNode(ctx);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                }
            }
            case "Shape", "ConstantOfShape", "OneHot", "Range", "Trilu", "Size", "Floor", "Ceil", "Round", "Sign",
                 "Mod" ->
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
            case "Identity" -> b.alias(out, in.get(0));
            case "Add", "Sub", "Mul", "Div" -> b.node(name, op,
                    new Elementwise(Elementwise.Kind.valueOf(op.toUpperCase())), in.subList(0, 2), out);
            case "Relu" -> ctx.unary(new Activation(Activation.Kind.RELU, 0));
            case "LeakyRelu" -> ctx.unary(new Activation(Activation.Kind.LEAKY_RELU, a.real("alpha", 0.01)));
            case "Sigmoid" -> ctx.unary(new Activation(Activation.Kind.SIGMOID, 0));
            case "Tanh" -> ctx.unary(new Activation(Activation.Kind.TANH, 0));
            case "Erf" -> ctx.unary(new Activation(Activation.Kind.ERF, 0));
            case "Elu" -> ctx.unary(new Activation(Activation.Kind.ELU, a.real("alpha", 1.0)));
            case "Selu", "Celu" -> scaledElu(ctx);
            case "Softplus" -> ctx.unary(new Activation(Activation.Kind.SOFTPLUS, 0));
            case "Clip" -> PiecewiseLinear.clip(ctx);
            case "PRelu" -> PiecewiseLinear.prelu(ctx);
            case "HardSigmoid" -> PiecewiseLinear.hard(ctx, false);
            case "HardSwish" -> PiecewiseLinear.hard(ctx, true);
            case "Mish" -> {   // x tanh(softplus(x)) (opset 18): the two activations, one layer each
                b.node(name + "/Softplus", "Softplus", new Activation(Activation.Kind.SOFTPLUS, 0), in.subList(0, 1),
                                name + "/sp")
                        .node(name + "/Tanh", "Tanh", new Activation(Activation.Kind.TANH, 0), List.of(name + "/sp"),
                                name + "/t")
                        .node(name, "Mish", new Elementwise(Elementwise.Kind.MUL), List.of(in.get(0), name + "/t"), out);
            }
            case "Gelu" -> {
                String approx = a.string("approximate", "none");
                if (!approx.equals("none") && !approx.equals("tanh")) {
                    throw ctx.fail("approximate='" + approx + "' is not 'none' or 'tanh'");
                }
                ctx.unary(new Activation(approx.equals("tanh") ? Activation.Kind.GELU_TANH
                        : Activation.Kind.GELU, 0));
            }
            case "Gemm" -> ctx.unary(gemm(ctx));
            case "MatMul" -> {
                if (!b.isVariable(in.get(0)) && !b.isVariable(in.get(1))) {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, ctx.where()));
                    return;
                }
                Tensor w = b.constantOf(in.get(1));
                Tensor left = b.constantOf(in.get(0));
                if (w != null && w.rank() == 2 && b.isVariable(in.get(0))) {
                    ctx.unary(matmul(ctx));
                } else if (left != null && left.rank() == 2 && b.isVariable(in.get(1))
                        && b.shapeOf(in.get(1)).length >= 3) {
                    leftMatMul(ctx, left);
                } else {
                    if (b.shapeOf(in.get(0)).length < 3 || b.shapeOf(in.get(1)).length < 3) {
                        throw ctx.fail("both operands depend on the latent (or the"
                                + " constant one is not a matrix); a batched MatMul needs [batch, m, k] x [batch, k, n]");
                    }
                    b.node(name, op, new BatchedMatMul(), in.subList(0, 2), out);
                }
            }
            case "Einsum" -> EinsumImport.einsum(ctx);
            case "Transpose" -> {
                int[] perm = a.ints("perm", reversed(b.shapeOf(in.get(0)).length));
                if (b.isVariable(in.get(0))) {   // perm[0] != 0 went to DisplacedBatch
                    ctx.unary(new Transpose(perm));
                } else {
                    b.constant(out, Transpose.permute(b.constantOf(in.get(0)), perm));
                }
            }
            case "Softmax", "LogSoftmax" -> SoftmaxImport.importNode(ctx);
            case "Conv", "ConvTranspose" -> ConvImport.convolution(ctx, op.equals("ConvTranspose"));
            case "BatchNormalization" -> ctx.unary(batchNorm(ctx));
            case "InstanceNormalization" -> ctx.unary(new InstanceNorm(ctx.weight(1, "scale").data(),
                    ctx.weight(2, "B").data(), a.real("epsilon", 1e-5)));
            case "LayerNormalization", "GroupNormalization", "RMSNormalization" -> Normalizations.importNode(ctx);
            case "Reshape" -> {
                Tensor s = ctx.weight(1, "shape");
                // allowzero=1 (torchlib's GroupNorm reshapes back to Shape(x)) differs only at 0 entries
                if (a.integer("allowzero", 0) != 0 && java.util.Arrays.stream(s.data()).anyMatch(v -> v == 0)) {
                    throw ctx.fail("allowzero=1 with a 0 in the target shape " + s + " is not supported");
                }
                if (!b.isVariable(in.get(0))) {
                    b.constant(out, ShapeFolding.reshape(b.constantOf(in.get(0)), s, ctx.where()));
                    return;
                }
                int[] spec = new int[s.size()];
                for (int i = 0; i < spec.length; i++) {
                    double v = s.data()[i];
                    if (i == 0 && (v == ShapeFolding.BATCH || batchOfOne && v == 1)) {
                        spec[i] = 0;   // x.view(x.size(0), ...): keep the batch dimension
                    } else if (v < -1) {
                        throw ctx.fail("target shape entry " + i + " is computed from"
                                + " the batch size; only x.view(x.size(0), ...) or -1 is supported there");
                    } else {
                        spec[i] = (int) v;
                    }
                }
                ctx.unary(new Reshape(spec));
            }
            case "Flatten" -> {
                if (a.integer("axis", 1) != 1) {
                    throw ctx.fail("only axis=1 is supported (the batch stays apart)");
                }
                ctx.unary(new Reshape(new int[] {0, -1}));
            }
            case "Resize", "Upsample" -> ResizeImport.importNode(ctx);
            case "GridSample" -> GridSampleImport.importNode(ctx);
            default -> throw new OnnxImportException("unsupported ONNX op '" + op + "' at node '" + name
                    + "' (opset " + opset + ")" + alsoUnsupported(op) + "; supported ops: "
                    + String.join(", ", SUPPORTED_OPS));
        }
    }

    /** The op types in SUPPORTED_OPS' entries ("Slice (step 1)" -> Slice; "Shape, ..." lists several). */
    private static final java.util.Set<String> SUPPORTED_TYPES = SUPPORTED_OPS.stream()
            .flatMap(e -> java.util.Arrays.stream(e.split(", ")))
            .map(e -> e.contains(" (") ? e.substring(0, e.indexOf(" (")) : e)
            .collect(java.util.stream.Collectors.toSet());

    /** ", and the model also uses X, Y, not supported either" so one attempt names every missing op. */
    private String alsoUnsupported(String op) {
        List<String> others = nodeTypes.stream().filter(t -> !t.equals(op) && !SUPPORTED_TYPES.contains(t)).toList();
        return others.isEmpty() ? "" : "; the model also uses " + String.join(", ", others) + ", not supported either";
    }

    private static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static Op gemm(NodeContext ctx) {
        Attributes a = ctx.a();
        if (a.integer("transA", 0) != 0) {
            throw ctx.fail("transA=1 is not supported on the latent-dependent input");
        }
        Tensor w = ctx.weight(1, "B");
        if (w.rank() != 2) {
            throw new ShapeException("B must be a matrix, got " + w);
        }
        double alpha = a.real("alpha", 1.0);
        boolean transB = a.integer("transB", 0) != 0;
        int in = transB ? w.dim(1) : w.dim(0);
        int outF = transB ? w.dim(0) : w.dim(1);
        double[] m = transB ? Gemm.transpose(w.data(), w.dim(0), w.dim(1)) : w.data().clone();
        for (int i = 0; i < m.length; i++) {
            m[i] *= alpha;
        }
        Tensor c = ctx.optionalWeight(2, "C");
        if (c != null) {
            double beta = a.real("beta", 1.0);
            double[] bias = c.data().clone();
            for (int i = 0; i < bias.length; i++) {
                bias[i] *= beta;
            }
            c = new Tensor(c.shape(), bias);
        }
        return new Dense(in, outF, m, c);
    }

    private static Op matmul(NodeContext ctx) {
        Tensor w = ctx.weight(1, "B");
        if (w.rank() != 2) {
            throw new ShapeException("the constant operand must be a matrix, got " + w);
        }
        return new Dense(w.dim(0), w.dim(1), w.data(), null);
    }

    /**
     * W @ x for a constant matrix W [m, k] and x [N, ..., k, n] (token mixing): (x^T W^T)^T, a
     * Dense between two transposes of the last two axes.
     */
    private static void leftMatMul(NodeContext ctx, Tensor w) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        int[] s = b.shapeOf(ctx.input(1));
        int r = s.length;
        if (s[r - 2] != w.dim(1)) {
            throw ctx.fail("cannot multiply " + w + " by " + java.util.Arrays.toString(s));
        }
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        b.node(name + "/Transpose", "Transpose", new Transpose(perm), List.of(ctx.input(1)), name + "/xt")
                .node(name + "/MatMul", "MatMul", new Dense(w.dim(1), w.dim(0), Gemm.transpose(w.data(), w.dim(0),
                        w.dim(1)), null), List.of(name + "/xt"), name + "/yt")
                .node(name, "Transpose", new Transpose(perm), List.of(name + "/yt"), ctx.output(0));
    }

    private static Op batchNorm(NodeContext ctx) {
        Attributes a = ctx.a();
        if (a.integer("training_mode", 0) != 0) {
            throw ctx.fail("training_mode=1; export the model in eval() mode");
        }
        double[] gamma = ctx.weight(1, "scale").data();
        double[] beta = ctx.weight(2, "B").data();
        double[] mean = ctx.weight(3, "input_mean").data();
        double[] var = ctx.weight(4, "input_var").data();
        double eps = a.real("epsilon", 1e-5);
        int c = gamma.length;
        if (beta.length != c || mean.length != c || var.length != c) {
            throw new ShapeException("scale, B, mean and var must have the same length");
        }
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int i = 0; i < c; i++) {
            scale[i] = gamma[i] / Math.sqrt(var[i] + eps);
            shift[i] = beta[i] - mean[i] * scale[i];
        }
        return new ChannelAffine(scale, shift);
    }

    private Tensor constantNode(NodeProto n) {
        Attributes a = new Attributes(n);
        if (a.has("value")) {
            return OnnxTensors.decode(a.raw("value").getT());
        }
        if (a.has("value_float")) {
            return Tensor.scalar(a.real("value_float", 0));
        }
        if (a.has("value_int")) {
            return Tensor.scalar(a.integer("value_int", 0));
        }
        if (a.has("value_floats")) {
            float[] f = a.floats("value_floats");
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return new Tensor(new int[] {d.length}, d);
        }
        if (a.has("value_ints")) {
            int[] v = a.ints("value_ints", new int[0]);
            return new Tensor(new int[] {v.length}, java.util.Arrays.stream(v).asDoubleStream().toArray());
        }
        throw new OnnxImportException(where(n, n.getName()) + ": Constant without a supported value attribute");
    }
}
