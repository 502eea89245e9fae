package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.geomlens.graph.Activation;
import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.ChannelAffine;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Conv2d;
import io.geomlens.graph.Dense;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphException;
import io.geomlens.graph.InstanceNorm;
import io.geomlens.graph.Op;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Softmax;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;
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
 * Reads an ONNX model (as torch.onnx.export writes it, opset 13-20) into a {@link Graph}.
 * Either the whole model imports or an {@link OnnxImportException} names what is unsupported.
 */
public final class OnnxImporter {
    public static final List<String> SUPPORTED_OPS = List.of("Add", "BatchNormalization", "Clip", "Concat",
            "Constant", "Conv", "ConvTranspose", "Div", "Elu", "Erf", "Flatten", "Gelu", "Gemm", "GroupNormalization",
            "Identity", "InstanceNormalization", "LayerNormalization", "LeakyRelu", "MatMul", "Mul", "PRelu",
            "Relu", "Reshape", "Resize", "Sigmoid", "Softmax", "Softplus", "Split", "Squeeze", "Sub", "Tanh", "Transpose",
            "Unsqueeze", "Upsample", "Slice (step 1)", "Shape, Gather, Cast, Sqrt (on constant and shape tensors)");

    private final String source;
    private int opset;
    private final Map<String, Tensor> constants = new HashMap<>();

    private OnnxImporter(String source) {
        this.source = source;
    }

    public static Graph read(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        return read(bytes, path.toString());
    }

    public static Graph read(byte[] bytes, String source) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxImportException(source + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        OnnxImporter importer = new OnnxImporter(source);
        try {
            return importer.convert(model);
        } catch (OnnxImportException e) {
            throw e.getMessage().startsWith(source) ? e : new OnnxImportException(source + ": " + e.getMessage(), e);
        } catch (GraphException e) {
            throw new OnnxImportException(source + ": " + e.getMessage(), e);
        }
    }

    private Graph convert(ModelProto model) {
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
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) {
            if (!constants.containsKey(in.getName())) {
                inputs.add(in);
            }
        }
        if (inputs.size() != 1) {
            throw new OnnxImportException("the model has " + inputs.size() + " inputs besides its initializers;"
                    + " geomlens needs exactly one (the latent)");
        }
        if (g.getOutputCount() != 1) {
            throw new OnnxImportException("the model has " + g.getOutputCount() + " outputs; geomlens needs exactly one");
        }
        Graph.Builder b = new Graph.Builder(opset);
        b.input(inputs.get(0).getName(), sampleShape(inputs.get(0)));
        constants.forEach(b::constant);
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                constants.put(n.getOutput(0), constantNode(n));
            }
        }
        List<NodeProto> nodes = GeluFusion.apply(g.getNodeList(), constants::get);
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            String name = n.getName().isEmpty() ? "#" + i : n.getName();
            try {
                add(b, n, name);
            } catch (ShapeException | IllegalArgumentException e) {
                throw new OnnxImportException(where(n, name) + ": " + e.getMessage(), e);
            }
        }
        b.output(g.getOutput(0).getName());
        return b.build();
    }

    private int[] sampleShape(ValueInfoProto in) {
        if (!in.getType().hasTensorType()) {
            throw new OnnxImportException("input '" + in.getName() + "' is not a tensor");
        }
        TensorShapeProto s = in.getType().getTensorType().getShape();
        if (s.getDimCount() < 2) {
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

    private String where(NodeProto n, String name) {
        return "node '" + name + "' (" + n.getOpType() + ", opset " + opset + ")";
    }

    private void add(Graph.Builder b, NodeProto n, String name) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw new OnnxImportException(where(n, name) + ": ops of domain '" + n.getDomain() + "' are not supported");
        }
        Attributes a = new Attributes(n);
        String op = n.getOpType();
        List<String> in = n.getInputList();
        String out = n.getOutput(0);
        switch (op) {
            case "Constant" -> b.constant(out, constants.get(out));
            case "Concat" -> {
                if (in.stream().anyMatch(b::isVariable)) {
                    if (!in.stream().allMatch(b::isVariable)) {
                        throw new OnnxImportException(where(n, name) + ": concatenating a constant with a"
                                + " latent-dependent tensor is not supported (its batch would not match)");
                    }
                    b.node(name, op, new Concat((int) a.integer("axis", 0)), in, out);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, where(n, name)));
                }
            }
            case "Unsqueeze", "Squeeze" -> {
                if (b.isVariable(in.get(0))) {
                    b.node(name, op, new Reshape(new ShapeFolding(b, opset).reshapeTarget(n, where(n, name))),
                            in.subList(0, 1), out);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, where(n, name)));
                }
            }
            case "Slice" -> {
                if (b.isVariable(in.get(0))) {
                    slices(b, n, name, a);
                } else {
                    b.constant(out, new ShapeFolding(b, opset).fold(n, where(n, name)));
                }
            }
            case "Split" -> split(b, n, name, a);
            case "Shape", "Gather", "Cast", "Sqrt" ->
                    b.constant(out, new ShapeFolding(b, opset).fold(n, where(n, name)));
            case "Identity" -> b.alias(out, in.get(0));
            case "Add", "Sub", "Mul", "Div" -> b.node(name, op,
                    new Elementwise(Elementwise.Kind.valueOf(op.toUpperCase())), in.subList(0, 2), out);
            case "Relu" -> unary(b, n, name, new Activation(Activation.Kind.RELU, 0));
            case "LeakyRelu" -> unary(b, n, name, new Activation(Activation.Kind.LEAKY_RELU, a.real("alpha", 0.01)));
            case "Sigmoid" -> unary(b, n, name, new Activation(Activation.Kind.SIGMOID, 0));
            case "Tanh" -> unary(b, n, name, new Activation(Activation.Kind.TANH, 0));
            case "Erf" -> unary(b, n, name, new Activation(Activation.Kind.ERF, 0));
            case "Elu" -> unary(b, n, name, new Activation(Activation.Kind.ELU, a.real("alpha", 1.0)));
            case "Softplus" -> unary(b, n, name, new Activation(Activation.Kind.SOFTPLUS, 0));
            case "Clip" -> clip(b, n, name, a);
            case "PRelu" -> prelu(b, n, name);
            case "Gelu" -> {
                String approx = a.string("approximate", "none");
                if (!approx.equals("none") && !approx.equals("tanh")) {
                    throw new OnnxImportException(where(n, name) + ": approximate='" + approx + "' is not 'none' or 'tanh'");
                }
                unary(b, n, name, new Activation(approx.equals("tanh") ? Activation.Kind.GELU_TANH
                        : Activation.Kind.GELU, 0));
            }
            case "Gemm" -> unary(b, n, name, gemm(b, n, name, a));
            case "MatMul" -> {
                Tensor w = b.constantOf(in.get(1));
                if (w != null && w.rank() == 2 && b.isVariable(in.get(0))) {
                    unary(b, n, name, matmul(b, n, name));
                } else {
                    if (b.shapeOf(in.get(0)).length < 3 || b.shapeOf(in.get(1)).length < 3) {
                        throw new OnnxImportException(where(n, name) + ": both operands depend on the latent (or the"
                                + " constant one is not a matrix); a batched MatMul needs [batch, m, k] x [batch, k, n]");
                    }
                    b.node(name, op, new BatchedMatMul(), in.subList(0, 2), out);
                }
            }
            case "Transpose" -> unary(b, n, name, new Transpose(a.ints("perm", reversed(b.shapeOf(in.get(0)).length))));
            case "Softmax" -> {
                int rank = b.shapeOf(in.get(0)).length;
                int axis = (int) a.integer("axis", opset >= 13 ? -1 : 1);
                if ((axis < 0 ? axis + rank : axis) != rank - 1) {
                    throw new OnnxImportException(where(n, name) + ": Softmax over axis " + axis + " of a rank-" + rank
                            + " input; only the last axis is supported");
                }
                unary(b, n, name, new Softmax());
            }
            case "Conv", "ConvTranspose" -> convolution(b, n, name, a, op.equals("ConvTranspose"));
            case "BatchNormalization" -> unary(b, n, name, batchNorm(b, n, name, a));
            case "InstanceNormalization" -> unary(b, n, name, new InstanceNorm(weight(b, n, name, 1, "scale").data(),
                    weight(b, n, name, 2, "B").data(), a.real("epsilon", 1e-5)));
            case "LayerNormalization", "GroupNormalization" -> normalization(b, n, name, a);
            case "Reshape" -> {
                if (a.integer("allowzero", 0) != 0) {
                    throw new OnnxImportException(where(n, name) + ": allowzero=1 is not supported");
                }
                Tensor s = weight(b, n, name, 1, "shape");
                int[] spec = new int[s.size()];
                for (int i = 0; i < spec.length; i++) {
                    double v = s.data()[i];
                    if (v == ShapeFolding.BATCH && i == 0) {
                        spec[i] = 0;   // x.view(x.size(0), ...): keep the batch dimension
                    } else if (v < -1) {
                        throw new OnnxImportException(where(n, name) + ": target shape entry " + i + " is computed from"
                                + " the batch size; only x.view(x.size(0), ...) or -1 is supported there");
                    } else {
                        spec[i] = (int) v;
                    }
                }
                unary(b, n, name, new Reshape(spec));
            }
            case "Flatten" -> {
                if (a.integer("axis", 1) != 1) {
                    throw new OnnxImportException(where(n, name) + ": only axis=1 is supported (the batch stays apart)");
                }
                unary(b, n, name, new Reshape(new int[] {0, -1}));
            }
            case "Resize", "Upsample" -> unary(b, n, name, upsample(b, n, name, a));
            default -> throw new OnnxImportException("unsupported ONNX op '" + op + "' at node '" + name
                    + "' (opset " + opset + "); supported ops: " + String.join(", ", SUPPORTED_OPS));
        }
    }

    private static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static void unary(Graph.Builder b, NodeProto n, String name, Op op) {
        b.node(name, n.getOpType(), op, List.of(n.getInput(0)), n.getOutput(0));
    }

    /** A constant input (weight, shape, scales), or an error naming the missing initializer. */
    /**
     * Clip(x, min, max) (ReLU6, Hardtanh) as max(x, min) = min + relu(x - min), then
     * min(., max) = . - relu(. - max): one ReLU layer per kink, so delta counts both boundaries.
     */
    private void clip(Graph.Builder b, NodeProto n, String name, Attributes a) {
        Double lo = clipBound(b, n, name, a, 1, "min");
        Double hi = clipBound(b, n, name, a, 2, "max");
        String x = n.getInput(0);
        String out = n.getOutput(0);
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
     * PRelu(x) = x + (1 - slope) relu(-x) (for x < 0: x - (1 - slope) x = slope x): one ReLU layer whose inputs change sign exactly where
     * x's do, so delta counts PRelu's neurons once. slope broadcasts as ONNX says (often [C, 1, 1]).
     */
    private void prelu(Graph.Builder b, NodeProto n, String name) {
        Tensor slope = weight(b, n, name, 1, "slope");
        double[] oneMinus = slope.data().clone();
        for (int i = 0; i < oneMinus.length; i++) {
            oneMinus[i] = 1 - oneMinus[i];
        }
        String x = n.getInput(0);
        b.constant(name + "/minus_one", Tensor.scalar(-1)).constant(name + "/one_minus_slope",
                new Tensor(slope.shape(), oneMinus));
        b.node(name + "/Neg", "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(x, name + "/minus_one"),
                        name + "/neg")
                .node(name + "/Relu", "Relu", new Activation(Activation.Kind.RELU, 0), List.of(name + "/neg"),
                        name + "/relu")
                .node(name + "/Mul", "Mul", new Elementwise(Elementwise.Kind.MUL),
                        List.of(name + "/relu", name + "/one_minus_slope"), name + "/leak")
                .node(name + "/Add", "Add", new Elementwise(Elementwise.Kind.ADD), List.of(x, name + "/leak"),
                        n.getOutput(0));
    }

    /** Slice of a latent-dependent value: one Narrow per sliced axis (step 1; the batch axis whole). */
    private void slices(Graph.Builder b, NodeProto n, String name, Attributes a) {
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        double[] starts = opset < 10 ? a.longsAsDoubles("starts", new double[0]) : weight(b, n, name, 1, "starts").data();
        double[] ends = opset < 10 ? a.longsAsDoubles("ends", new double[0]) : weight(b, n, name, 2, "ends").data();
        Tensor axesT = opset < 10 ? null : optionalWeight(b, n, name, 3, "axes");
        double[] axes = opset < 10 ? a.longsAsDoubles("axes", null) : axesT != null ? axesT.data() : null;
        Tensor steps = opset < 10 ? null : optionalWeight(b, n, name, 4, "steps");
        List<Narrow> cuts = new java.util.ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            int ax = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + s.length : axes[i]);
            if (steps != null && steps.data()[i] != 1) {
                throw new OnnxImportException(where(n, name) + ": step " + (long) steps.data()[i] + " is not supported;"
                        + " only contiguous slices (step 1)");
            }
            if (ax == 0) {
                if (starts[i] == 0 && ends[i] >= Integer.MAX_VALUE) {
                    continue;   // x[:, ...]: the whole batch
                }
                throw new OnnxImportException(where(n, name) + ": slicing the batch axis is not supported");
            }
            int dim = s[ax];
            long st = (long) Math.max(0, Math.min(dim, starts[i] < 0 ? starts[i] + dim : starts[i]));
            long en = (long) Math.max(0, Math.min(dim, ends[i] < 0 ? ends[i] + dim : ends[i]));
            if (en <= st) {
                throw new OnnxImportException(where(n, name) + ": the slice of axis " + ax + " is empty");
            }
            if (en - st < dim) {
                cuts.add(new Narrow(ax, (int) st, (int) (en - st)));
            }
        }
        chain(b, name, x, n.getOutput(0), cuts);
    }

    /** Split of a latent-dependent value along a non-batch axis: output j is a Narrow. */
    private void split(Graph.Builder b, NodeProto n, String name, Attributes a) {
        String x = n.getInput(0);
        if (!b.isVariable(x)) {
            throw new OnnxImportException(where(n, name) + ": Split of a constant is not supported");
        }
        int[] s = b.shapeOf(x);
        int ax = (int) a.integer("axis", 0);
        ax = ax < 0 ? ax + s.length : ax;
        if (ax <= 0 || ax >= s.length) {
            throw new OnnxImportException(where(n, name) + ": splitting axis " + a.integer("axis", 0) + " (the batch or"
                    + " out of range) is not supported");
        }
        int dim = s[ax];
        int outs = n.getOutputCount();
        Tensor given = opset >= 13 ? optionalWeight(b, n, name, 1, "split") : null;
        int[] sizes = new int[outs];
        if (given != null) {
            sizes = java.util.Arrays.stream(given.data()).mapToInt(v -> (int) v).toArray();
        } else if (opset < 13 && a.has("split")) {
            sizes = a.ints("split", null);
        } else {   // equal parts; with num_outputs (opset 18) the last may be smaller
            int part = (dim + outs - 1) / outs;
            for (int j = 0; j < outs; j++) {
                sizes[j] = Math.min(part, dim - j * part);
            }
        }
        if (sizes.length != outs || java.util.Arrays.stream(sizes).sum() != dim
                || java.util.Arrays.stream(sizes).anyMatch(v -> v <= 0)) {
            throw new OnnxImportException(where(n, name) + ": split sizes " + java.util.Arrays.toString(sizes)
                    + " do not cover the " + dim + " elements of axis " + ax + " in " + outs + " outputs");
        }
        for (int j = 0, off = 0; j < outs; off += sizes[j], j++) {
            if (!n.getOutput(j).isEmpty()) {
                b.node(name + "/" + j, "Split", new Narrow(ax, off, sizes[j]), List.of(x), n.getOutput(j));
            }
        }
    }

    /** x through the given Narrows in turn, the last one writing out (an alias when there are none). */
    private static void chain(Graph.Builder b, String name, String x, String out, List<Narrow> cuts) {
        if (cuts.isEmpty()) {
            b.alias(out, x);
            return;
        }
        String cur = x;
        for (int i = 0; i < cuts.size(); i++) {
            String next = i + 1 == cuts.size() ? out : name + "/axis" + cuts.get(i).axis();
            b.node(cuts.size() == 1 ? name : name + "/axis" + cuts.get(i).axis(), "Slice", cuts.get(i), List.of(cur),
                    next);
            cur = next;
        }
    }

    /** A Clip bound: an attribute before opset 11, an optional scalar input from opset 11 on. */
    private Double clipBound(Graph.Builder b, NodeProto n, String name, Attributes a, int index, String role) {
        if (opset < 11) {
            return a.has(role) ? a.real(role, 0) : null;
        }
        Tensor t = optionalWeight(b, n, name, index, role);
        if (t != null && t.size() != 1) {
            throw new OnnxImportException(where(n, name) + ": " + role + " must be a scalar, got " + t);
        }
        return t == null ? null : t.data()[0];
    }

    private void normalization(Graph.Builder b, NodeProto n, String name, Attributes a) {
        String x = n.getInput(0);
        if (!b.isVariable(x)) {
            throw new OnnxImportException(where(n, name) + ": normalizing a constant is not supported");
        }
        if (n.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw new OnnxImportException(where(n, name) + ": the Mean/InvStdDev outputs (training) are not supported");
        }
        int[] s = b.shapeOf(x);
        double eps = a.real("epsilon", 1e-5);
        Tensor scale = weight(b, n, name, 1, "scale");
        Tensor bias = optionalWeight(b, n, name, 2, "bias");
        if (n.getOpType().equals("GroupNormalization")) {
            if (s.length < 3) {
                throw new OnnxImportException(where(n, name) + ": expects [N, C, spatial...], got rank " + s.length);
            }
            Normalizations.groupNorm(b, name, x, n.getOutput(0), s, (int) a.integer("num_groups", -1), eps, scale, bias);
            return;
        }
        int axis = (int) a.integer("axis", -1);
        axis = axis < 0 ? axis + s.length : axis;
        if (axis < 1 || axis >= s.length) {
            throw new OnnxImportException(where(n, name) + ": axis " + a.integer("axis", -1) + " normalizes across the"
                    + " batch; only axes after the batch dimension are supported");
        }
        Normalizations.layerNorm(b, name, x, n.getOutput(0), s, axis, eps, scale, bias);
    }

    private Tensor weight(Graph.Builder b, NodeProto n, String name, int index, String role) {
        if (n.getInputCount() <= index || n.getInput(index).isEmpty()) {
            throw new OnnxImportException(where(n, name) + ": input " + index + " (" + role + ") is missing");
        }
        String in = n.getInput(index);
        Tensor t = b.constantOf(in);
        if (t == null) {
            throw new OnnxImportException(where(n, name) + ": input '" + in + "' (" + role + ") must be an"
                    + (b.has(in) ? " initializer or Constant, but it depends on the latent"
                    : " initializer, but no initializer or earlier node defines it"));
        }
        return t;
    }

    private Tensor optionalWeight(Graph.Builder b, NodeProto n, String name, int index, String role) {
        return n.getInputCount() > index && !n.getInput(index).isEmpty() ? weight(b, n, name, index, role) : null;
    }

    private Op gemm(Graph.Builder b, NodeProto n, String name, Attributes a) {
        if (a.integer("transA", 0) != 0) {
            throw new OnnxImportException(where(n, name) + ": transA=1 is not supported on the latent-dependent input");
        }
        Tensor w = weight(b, n, name, 1, "B");
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
        Tensor c = optionalWeight(b, n, name, 2, "C");
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

    private Op matmul(Graph.Builder b, NodeProto n, String name) {
        if (b.constantOf(n.getInput(0)) != null) {
            throw new OnnxImportException(where(n, name) + ": the latent-dependent operand must be the first;"
                    + " constant @ x is not supported");
        }
        Tensor w = weight(b, n, name, 1, "B");
        if (w.rank() != 2) {
            throw new ShapeException("the constant operand must be a matrix, got " + w);
        }
        return new Dense(w.dim(0), w.dim(1), w.data(), null);
    }

    /**
     * Conv / ConvTranspose, 2-D or 1-D (run as 1 x k over a height-1 image between two reshapes),
     * grouped ones with block-diagonal weights.
     */
    private void convolution(Graph.Builder b, NodeProto n, String name, Attributes a, boolean transposed) {
        Tensor w = weight(b, n, name, 1, "W");
        if (w.rank() != 4 && w.rank() != 3) {
            throw new OnnxImportException(where(n, name) + ": only 1-D and 2-D convolutions are supported, W is " + w);
        }
        int groups = (int) a.integer("group", 1);
        if (w.rank() == 4) {
            unary(b, n, name, conv(n, name, a, transposed, ConvWeights.ungroup(w, groups, transposed),
                    optionalWeight(b, n, name, 2, "B"), 2));
            return;
        }
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        if (s.length != 3) {
            throw new OnnxImportException(where(n, name) + ": a 1-D convolution expects [N, C, L], got rank " + s.length);
        }
        Conv2d c = conv(n, name, a, transposed, ConvWeights.ungroup(ConvWeights.as2d(w), groups, transposed),
                optionalWeight(b, n, name, 2, "B"), 1);
        b.node(name + "/as2d", "Reshape", new Reshape(new int[] {0, s[1], 1, s[2]}), List.of(x), name + "/image")
                .node(name, n.getOpType(), c, List.of(name + "/image"), name + "/conv2d")
                .node(name + "/as1d", "Reshape", new Reshape(new int[] {0, c.outChannels(), -1}),
                        List.of(name + "/conv2d"), n.getOutput(0));
    }

    /** A dense 2-D conv from 2-D weights; spatial attributes have 2 entries (or 1 for a 1-D conv: height 1 added). */
    private Conv2d conv(NodeProto n, String name, Attributes a, boolean transposed, Tensor w, Tensor bias,
                        int spatial) {
        String autoPad = a.string("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw new OnnxImportException(where(n, name) + ": auto_pad=" + autoPad + " is not supported; export"
                    + " with explicit pads");
        }
        if (transposed && a.has("output_shape")) {
            throw new OnnxImportException(where(n, name) + ": output_shape is not supported; use output_padding");
        }
        int[] k = a.ints("kernel_shape", spatial == 2 ? new int[] {w.dim(2), w.dim(3)} : new int[] {w.dim(3)});
        if (spatial == 1) {
            k = new int[] {1, k[0]};
        }
        if (k.length != 2 || k[0] != w.dim(2) || k[1] != w.dim(3)) {
            throw new ShapeException("kernel_shape " + java.util.Arrays.toString(k) + " disagrees with W " + w);
        }
        int[] strides = a.ints("strides", spatial == 2 ? new int[] {1, 1} : new int[] {1});
        int[] pads = a.ints("pads", spatial == 2 ? new int[] {0, 0, 0, 0} : new int[] {0, 0});
        int[] dilations = a.ints("dilations", spatial == 2 ? new int[] {1, 1} : new int[] {1});
        int[] outputPadding = a.ints("output_padding", spatial == 2 ? new int[] {0, 0} : new int[] {0});
        if (spatial == 1) {   // height 1: stride, dilation 1, no padding
            strides = new int[] {1, strides[0]};
            pads = new int[] {0, pads[0], 0, pads[1]};
            dilations = new int[] {1, dilations[0]};
            outputPadding = new int[] {0, outputPadding[0]};
        }
        return new Conv2d(transposed, w.shape(), w.data(), bias == null ? null : bias.data(), strides, pads, dilations,
                outputPadding);
    }

    private Op batchNorm(Graph.Builder b, NodeProto n, String name, Attributes a) {
        if (a.integer("training_mode", 0) != 0) {
            throw new OnnxImportException(where(n, name) + ": training_mode=1; export the model in eval() mode");
        }
        double[] gamma = weight(b, n, name, 1, "scale").data();
        double[] beta = weight(b, n, name, 2, "B").data();
        double[] mean = weight(b, n, name, 3, "input_mean").data();
        double[] var = weight(b, n, name, 4, "input_var").data();
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

    private Op upsample(Graph.Builder b, NodeProto n, String name, Attributes a) {
        String mode = a.string("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw new OnnxImportException(where(n, name) + ": mode='" + mode + "' is not supported; only nearest and"
                    + " linear (bilinear)");
        }
        double[] scales;
        if (n.getOpType().equals("Upsample") && a.has("scales")) {
            float[] f = a.floats("scales");
            scales = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                scales[i] = f[i];
            }
        } else {
            int idx = n.getOpType().equals("Upsample") || opset < 11 ? 1 : 2;
            if (n.getOpType().equals("Resize") && optionalWeight(b, n, name, idx, "scales") == null) {
                scales = scalesFromSizes(b, n, name);
            } else {
                scales = weight(b, n, name, idx, "scales").data();
            }
        }
        if (scales.length != 4 || scales[0] != 1 || scales[1] != 1 || scales[2] != Math.rint(scales[2])
                || scales[3] != Math.rint(scales[3])) {
            throw new OnnxImportException(where(n, name) + ": scales " + java.util.Arrays.toString(scales)
                    + " are not [1, 1, integer, integer]; only integer spatial upsampling is supported");
        }
        if (mode.equals("nearest")) {
            return new UpsampleNearest((int) scales[2], (int) scales[3]);
        }
        // Upsample (opset 7-9) maps x_out / scale, which Resize calls asymmetric.
        String coords = n.getOpType().equals("Upsample") ? "asymmetric"
                : a.string("coordinate_transformation_mode", "half_pixel");
        UpsampleLinear.Coordinates c = switch (coords) {
            case "half_pixel", "pytorch_half_pixel" -> UpsampleLinear.Coordinates.HALF_PIXEL;
            case "align_corners" -> UpsampleLinear.Coordinates.ALIGN_CORNERS;
            case "asymmetric" -> UpsampleLinear.Coordinates.ASYMMETRIC;
            default -> throw new OnnxImportException(where(n, name) + ": coordinate_transformation_mode='" + coords
                    + "' is not supported with mode linear; half_pixel, pytorch_half_pixel, align_corners or asymmetric");
        };
        return new UpsampleLinear((int) scales[2], (int) scales[3], c);
    }

    /** Resize given output 'sizes' (interpolate(size=...) and the dynamo exporter): scales = sizes / input. */
    private double[] scalesFromSizes(Graph.Builder b, NodeProto n, String name) {
        if (n.getInputCount() < 4 || n.getInput(3).isEmpty()) {
            throw new OnnxImportException(where(n, name) + ": Resize has neither 'scales' nor 'sizes'");
        }
        double[] sizes = weight(b, n, name, 3, "sizes").data();
        int[] in = b.shapeOf(n.getInput(0));
        if (sizes.length != in.length) {
            throw new OnnxImportException(where(n, name) + ": 'sizes' has " + sizes.length + " entries for a rank-"
                    + in.length + " input");
        }
        double[] scales = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            scales[i] = i == 0 ? 1 : sizes[i] / in[i];   // entry 0 is the batch (folded as BATCH or a number)
        }
        return scales;
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
