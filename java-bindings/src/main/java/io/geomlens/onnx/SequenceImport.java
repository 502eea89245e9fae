package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * ONNX sequences as lists of tensors, the way torchlib (the dynamo exporter) writes torch.split /
 * chunk (SplitToSequence, then SequenceAt per part) and torch.stack (ConcatFromSequence of a
 * SequenceConstruct), should its optimizer leave them: each becomes the standard nodes it stands for
 * (Split, Squeeze, Unsqueeze, Concat, Identity), which then import as any others.
 */
final class SequenceImport {
    static final Set<String> OPS = Set.of("SplitToSequence", "SequenceConstruct", "SequenceAt",
            "ConcatFromSequence");

    private final Graph.Builder b;
    private final BiConsumer<NodeProto, String> importer;
    private final Map<String, List<String>> sequences = new HashMap<>();
    private int opset;

    /** @param importer imports a standard node (named by its second argument) */
    SequenceImport(Graph.Builder b, BiConsumer<NodeProto, String> importer) {
        this.b = b;
        this.importer = importer;
    }

    static boolean handles(NodeProto n) {
        return n.getDomain().isEmpty() && OPS.contains(n.getOpType());
    }

    void add(NodeProto n, String name, int opset) {
        NodeContext ctx = new NodeContext(b, n, name, new Attributes(n), opset);
        this.opset = opset;
        switch (n.getOpType()) {
            case "SplitToSequence" -> split(ctx);
            case "SequenceConstruct" -> sequences.put(n.getOutput(0), List.copyOf(n.getInputList()));
            case "SequenceAt" -> {
                List<String> seq = sequence(ctx, n.getInput(0));
                int at = (int) ctx.weight(1, "position").data()[0];
                int i = at < 0 ? at + seq.size() : at;
                if (i < 0 || i >= seq.size()) {
                    throw ctx.fail("position " + at + " of a sequence of " + seq.size() + " tensors");
                }
                run(node("Identity", name, List.of(seq.get(i)), n.getOutput(0)));
            }
            default -> concat(ctx);   // ConcatFromSequence
        }
    }

    /** Split along axis into the given sizes (a scalar: parts of that size, the last smaller), or ones. */
    private void split(NodeContext ctx) {
        NodeProto n = ctx.n();
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        int axis = NodeContext.axis(ctx.a().integer("axis", 0), s.length);
        Tensor given = ctx.optionalWeight(1, "split");
        List<Double> sizes = new ArrayList<>();
        if (given == null || given.rank() == 0) {
            int part = given == null ? 1 : (int) given.data()[0];
            if (part < 1) {
                throw ctx.fail("split size " + part + " must be positive");
            }
            for (int off = 0; off < s[axis]; off += part) {
                sizes.add((double) Math.min(part, s[axis] - off));
            }
        } else {
            for (double v : given.data()) {
                sizes.add(v);
            }
        }
        boolean squeeze = given == null && ctx.a().integer("keepdims", 1) == 0;
        String name = ctx.name();
        List<String> parts = new ArrayList<>();
        NodeProto.Builder node = withInts(node("Split", name, List.of(x), null), "split", name + "/split",
                sizes.stream().mapToLong(Double::longValue).toArray()).addAttribute(Attr.i("axis", axis).proto());
        for (int j = 0; j < sizes.size(); j++) {
            node.addOutput(name + "#" + j);
            parts.add(name + "#" + j);
        }
        run(node.build());
        if (squeeze) {
            for (int j = 0; j < parts.size(); j++) {
                String sq = parts.get(j) + "/squeezed";
                run(withInts(node("Squeeze", name + "/squeeze" + j, List.of(parts.get(j)), sq), "axes",
                        name + "/axes", axis).build());
                parts.set(j, sq);
            }
        }
        sequences.put(n.getOutput(0), parts);
    }

    /** Concat of the elements along axis; with new_axis=1 each gets that axis first (torch.stack). */
    private void concat(NodeContext ctx) {
        NodeProto n = ctx.n();
        List<String> seq = new ArrayList<>(sequence(ctx, n.getInput(0)));
        long axis = ctx.a().integer("axis", 0);
        if (ctx.a().integer("new_axis", 0) != 0) {
            int rank = b.shapeOf(seq.get(0)).length + 1;
            axis = NodeContext.axis(axis, rank);
            for (int j = 0; j < seq.size(); j++) {
                String u = ctx.name() + "/unsqueezed" + j;
                run(withInts(node("Unsqueeze", ctx.name() + "/unsqueeze" + j, List.of(seq.get(j)), u), "axes",
                        ctx.name() + "/axes", axis).build());
                seq.set(j, u);
            }
        }
        run(node("Concat", ctx.name(), seq, n.getOutput(0)).toBuilder().addAttribute(Attr.i("axis", axis).proto())
                .build());
    }

    private List<String> sequence(NodeContext ctx, String name) {
        List<String> seq = sequences.get(name);
        if (seq == null) {
            throw ctx.fail("input '" + name + "' is not a sequence geomlens knows (it reads those made by"
                    + " SplitToSequence with constant sizes and by SequenceConstruct)");
        }
        return seq;
    }

    /** n with integers as its input 1 (a constant named `constant`; opset 13 on) or as attribute `attr`. */
    private NodeProto.Builder withInts(NodeProto n, String attr, String constant, long... values) {
        if (opset < 13) {
            return n.toBuilder().addAttribute(Attr.ints(attr, values).proto());
        }
        if (b.constantOf(constant) == null) {
            b.constant(constant, new Tensor(new int[] {values.length},
                    java.util.Arrays.stream(values).asDoubleStream().toArray()));
        }
        return n.toBuilder().addInput(constant);
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output) {
        return OnnxModelBuilder.nodeProto(op, name, inputs, output == null ? List.of() : List.of(output));
    }

    private void run(NodeProto n) {
        importer.accept(n, n.getName());
    }
}
