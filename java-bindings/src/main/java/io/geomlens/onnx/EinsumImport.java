package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.Dense;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import java.util.Arrays;
import java.util.List;

/**
 * Two-operand Einsum as attention and linear layers write it ("bid,bjd->bij", "bij,bjd->bid",
 * "bhid,bhjd->bhij", "bij,jk->bik"): labels in both operands and the output are batch labels
 * (the latent's batch first), labels in both operands only are contracted, the others are
 * free. Both operands latent-dependent: Transpose, Reshape and a batched MatMul; a constant
 * right operand: a Dense layer (several contracted or free labels flattened around it).
 * Explicit "->", single letters, no repeated labels; "..." stands for the same leading
 * dimensions in every term ("...ij,...jk->...ik"). Three or more operands: a chain of pairs.
 */
final class EinsumImport {
    private EinsumImport() {}

    /**
     * A one-operand Einsum that only permutes its labels ("bhid->ibhd") as the Transpose it is, so
     * it imports like one (a moved batch included); null for anything else.
     */
    static NodeProto asTranspose(NodeProto n) {
        if (!n.getOpType().equals("Einsum") || n.getInputCount() != 1) {
            return null;
        }
        String eq = new Attributes(n).string("equation", "").replace(" ", "");
        int arrow = eq.indexOf("->");
        if (arrow < 0 || eq.contains(".")) {
            return null;
        }
        String in = eq.substring(0, arrow);
        String out = eq.substring(arrow + 2);
        if (in.length() != out.length() || in.chars().distinct().count() != in.length()) {
            return null;
        }
        ai.onnx.proto.OnnxMl.AttributeProto.Builder perm = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                .setName("perm").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS);
        for (char c : out.toCharArray()) {
            if (in.indexOf(c) < 0) {
                return null;
            }
            perm.addInts(in.indexOf(c));
        }
        return n.toBuilder().setOpType("Transpose").clearAttribute().addAttribute(perm).build();
    }

    static void einsum(NodeContext ctx) {
        if (ctx.n().getInputCount() > 2) {
            pairwise(ctx);
            return;
        }
        if (ctx.n().getInputCount() == 1) {
            single(ctx);
            return;
        }
        Graph.Builder b = ctx.b();
        String eq = expandEllipsis(ctx, ctx.a().string("equation", "").replace(" ", ""));
        if (ctx.n().getInputCount() != 2 || !eq.matches("[a-zA-Z]+,[a-zA-Z]+->[a-zA-Z]*")) {
            throw ctx.fail("equation '" + eq + "' is not supported; two operands with explicit output"
                    + " ('bid,bjd->bij'), single-letter labels");
        }
        String[] io = eq.split("->");
        String p = io[0].split(",")[0];
        String q = io[0].split(",")[1];
        String out = io[1];
        for (String term : new String[] {p, q, out}) {
            if (term.chars().distinct().count() != term.length()) {
                throw ctx.fail("label repeated in '" + term + "' (a trace or diagonal) is not supported");
            }
        }
        String x = ctx.input(0);
        String y = ctx.input(1);
        if (!b.isVariable(x)) {
            throw ctx.fail("the first operand must depend on the latent");
        }
        // A label in one term only, not in the output, is summed over first, within its operand.
        x = summedAlone(ctx, x, p, q + out, "/sum_lhs");
        p = kept(p, q + out);
        y = summedAlone(ctx, y, q, p + out, "/sum_rhs");
        q = kept(q, p + out);
        String batch = "";
        String contracted = "";
        String left = "";
        String right = "";
        for (char c : p.toCharArray()) {
            boolean inQ = q.indexOf(c) >= 0;
            boolean inOut = out.indexOf(c) >= 0;
            if (!inQ && !inOut) {
                throw ctx.fail("label '" + c + "' is summed within one operand; not supported");
            }
            batch += inQ && inOut ? c : "";
            contracted += inQ && !inOut ? c : "";
            left += !inQ ? c : "";
        }
        for (char c : q.toCharArray()) {
            if (p.indexOf(c) < 0) {
                if (out.indexOf(c) < 0) {
                    throw ctx.fail("label '" + c + "' is summed within one operand; not supported");
                }
                right += c;
            }
        }
        int[] xs = b.shapeOf(x);
        if (p.length() != xs.length) {
            throw ctx.fail("'" + p + "' has " + p.length() + " labels for an input of rank " + xs.length);
        }
        char n = p.charAt(0);
        if (out.isEmpty() || out.charAt(0) != n) {
            throw ctx.fail("the latent's batch label '" + n + "' must lead the output");
        }
        if (!b.isVariable(y)) {
            constantRight(ctx, x, xs, p, q, out, b.constantOf(y), contracted);
            return;
        }
        if (batch.indexOf(n) != 0 || q.charAt(0) != n) {
            throw ctx.fail("the batch label '" + n + "' must lead both operands");
        }
        int[] ys = b.shapeOf(y);
        String name = ctx.name();
        // x -> [batch..., left, contracted], y -> [batch..., contracted, right], each group flattened.
        String xm = grouped(b, name + "/lhs", x, p, xs, batch, left, contracted);
        String ym = grouped(b, name + "/rhs", y, q, ys, batch, contracted, right);
        b.node(name + "/MatMul", "MatMul", new BatchedMatMul(), List.of(xm, ym), name + "/prod");
        // [batch..., L, R] -> [batch..., left labels..., right labels...] -> the output's order.
        String have = batch + left + right;
        int[] dims = new int[have.length()];
        for (int i = 0; i < have.length(); i++) {
            char c = have.charAt(i);
            dims[i] = p.indexOf(c) >= 0 ? xs[p.indexOf(c)] : ys[q.indexOf(c)];
        }
        dims[0] = 0;
        b.node(name + "/unflatten", "Reshape", new Reshape(dims), List.of(name + "/prod"), name + "/labels");
        permute(b, name, name + "/labels", have, out, ctx.output(0));
    }

    /**
     * Three or more operands as a chain of two-operand Einsums: the first latent-dependent operand,
     * then the others in their order, each step keeping the labels a later operand or the output
     * still reads (the batch label, first in the output, stays first).
     */
    private static void pairwise(NodeContext ctx) {
        String eq = expandEllipsis(ctx, ctx.a().string("equation", "").replace(" ", ""));
        int count = ctx.n().getInputCount();
        if (!eq.matches("[a-zA-Z]+(,[a-zA-Z]+)+->[a-zA-Z]*")) {
            throw ctx.fail("equation '" + eq + "' is not supported; operands with explicit output"
                    + " ('bid,bjd,dk->bik'), single-letter labels");
        }
        String[] io = eq.split("->", -1);
        String[] terms = io[0].split(",");
        if (terms.length != count) {
            throw ctx.fail("equation '" + eq + "' has " + terms.length + " operands, the node " + count + " inputs");
        }
        int first = java.util.stream.IntStream.range(0, count).filter(i -> ctx.b().isVariable(ctx.input(i)))
                .findFirst().orElseThrow(() -> ctx.fail("no operand depends on the latent"));
        List<Integer> order = new java.util.ArrayList<>(List.of(first));
        java.util.stream.IntStream.range(0, count).filter(i -> i != first).forEach(order::add);
        String acc = ctx.input(order.get(0));
        String accLabels = terms[order.get(0)];
        for (int step = 1; step < count; step++) {
            String next = terms[order.get(step)];
            boolean last = step == count - 1;
            StringBuilder later = new StringBuilder(io[1]);
            for (int j = step + 1; j < count; j++) {
                later.append(terms[order.get(j)]);
            }
            StringBuilder keep = new StringBuilder();
            for (char c : (accLabels + next).toCharArray()) {
                if (later.indexOf(String.valueOf(c)) >= 0 && keep.indexOf(String.valueOf(c)) < 0) {
                    keep.append(c);
                }
            }
            String labels = last ? io[1] : keep.toString();
            String out = last ? ctx.output(0) : ctx.name() + "/step" + step;
            NodeProto pair = OnnxModelBuilder.nodeProto("Einsum", ctx.name() + "/step" + step,
                    List.of(acc, ctx.input(order.get(step))), List.of(out),
                    OnnxModelBuilder.Attr.s("equation", accLabels + "," + next + "->" + labels));
            einsum(new NodeContext(ctx.b(), pair, pair.getName(), new Attributes(pair), ctx.opset()));
            acc = out;
            accLabels = labels;
        }
    }

    /** One operand summed over the labels the output drops, then permuted: "bij->bi", "bijk->bki". */
    private static void single(NodeContext ctx) {
        String eq = expandEllipsis(ctx, ctx.a().string("equation", "").replace(" ", ""));
        if (!eq.matches("[a-zA-Z]+->[a-zA-Z]+")) {
            throw ctx.fail("equation '" + eq + "' is not supported; one operand with explicit output ('bij->bi'),"
                    + " single-letter labels");
        }
        String term = eq.split("->")[0];
        String out = eq.split("->")[1];
        String x = ctx.input(0);
        if (term.chars().distinct().count() != term.length() || !ctx.b().isVariable(x)
                || out.chars().anyMatch(c -> term.indexOf(c) < 0) || out.charAt(0) != term.charAt(0)) {
            throw ctx.fail("equation '" + eq + "': a latent-dependent operand without repeated labels, the output"
                    + " a subset of them with the batch label first");
        }
        String summed = summedAlone(ctx, x, term, out, "/sum");
        permute(ctx.b(), ctx.name(), summed, kept(term, out), out, ctx.output(0));
    }

    /** The labels of `term` that `others` (the other terms and the output) also use, in order. */
    private static String kept(String term, String others) {
        return term.chars().filter(c -> others.indexOf(c) >= 0)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * The operand v (labels `term`) summed over the labels no other term or the output uses: a
     * ReduceSum node, or for a constant the summed constant (Reduce refuses axis 0, which in a
     * constant is no batch), or v itself when there are none.
     */
    private static String summedAlone(NodeContext ctx, String v, String term, String others, String suffix) {
        int[] axes = java.util.stream.IntStream.range(0, term.length())
                .filter(i -> others.indexOf(term.charAt(i)) < 0).toArray();
        if (axes.length == 0) {
            return v;
        }
        Graph.Builder b = ctx.b();
        String out = ctx.name() + suffix;
        Tensor c = b.constantOf(v);
        if (c == null) {
            if (axes[0] == 0) {
                throw ctx.fail("label '" + term.charAt(0) + "' (the batch) is summed within one operand");
            }
            b.node(out, "ReduceSum", new io.geomlens.graph.Reduce(axes, false, false, 1), List.of(v), out);
            return out;
        }
        for (int i = axes.length - 1; i >= 0; i--) {
            c = sumAxis(c, axes[i]);
        }
        b.constant(out, c);
        return out;
    }

    /** t summed over one axis (dropped). */
    private static Tensor sumAxis(Tensor t, int axis) {
        int[] s = t.shape();
        int inner = Tensor.product(s, axis + 1, s.length);
        int outer = Tensor.product(s, 0, axis);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int a = 0; a < s[axis]; a++) {
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] += t.data()[(o * s[axis] + a) * inner + i];
                }
            }
        }
        int[] shape = new int[s.length - 1];
        for (int d = 0, j = 0; d < s.length; d++) {
            if (d != axis) {
                shape[j++] = s[d];
            }
        }
        return new Tensor(shape, out);
    }

    /**
     * "..." replaced by the same fresh letters in every term: as many as the first operand's rank
     * leaves to it; every other operand's "..." must cover as many dimensions (no broadcasting).
     */
    private static String expandEllipsis(NodeContext ctx, String eq) {
        if (!eq.contains("...")) {
            return eq;
        }
        String[] io = eq.split("->", -1);
        String[] ops = io[0].split(",", -1);
        if (io.length != 2 || ops.length != ctx.n().getInputCount()) {
            throw ctx.fail("equation '" + eq + "' needs one term per operand and an explicit '->'");
        }
        int dots = -1;
        for (int i = 0; i < ops.length; i++) {
            if (ops[i].contains("...")) {
                int d = ctx.b().shapeOf(ctx.input(i)).length - (ops[i].length() - 3);
                if (dots >= 0 && d != dots) {
                    throw ctx.fail("'...' covers " + dots + " and " + d + " dimensions in '" + eq + "'; broadcasting"
                            + " inside '...' is not supported");
                }
                dots = d;
            }
        }
        StringBuilder fresh = new StringBuilder();
        for (char c = 'A'; c <= 'Z' && fresh.length() < Math.max(0, dots); c++) {
            if (eq.indexOf(c) < 0) {
                fresh.append(c);
            }
        }
        return eq.replace("...", fresh);
    }

    /** src (labels `have`, shape s) transposed to groups g1 g2 g3 and reshaped to [g1..., |g2|, |g3|]. */
    private static String grouped(Graph.Builder b, String name, String src, String have, int[] s, String g1, String g2,
                                  String g3) {
        String want = g1 + g2 + g3;
        String t = name + "/ordered";
        permute(b, name, src, have, want, t);
        int[] dims = new int[g1.length() + 2];
        for (int i = 0; i < g1.length(); i++) {
            dims[i] = i == 0 ? 0 : s[have.indexOf(g1.charAt(i))];
        }
        dims[g1.length()] = product(s, have, g2);
        dims[g1.length() + 1] = product(s, have, g3);
        b.node(name + "/Reshape", "Reshape", new Reshape(dims), List.of(t), name + "/matrix");
        return name + "/matrix";
    }

    private static int product(int[] s, String have, String labels) {
        int p = 1;
        for (char c : labels.toCharArray()) {
            p *= s[have.indexOf(c)];
        }
        return p;
    }

    /** A Transpose from label order `have` to `want` (an alias when they agree). */
    private static void permute(Graph.Builder b, String name, String src, String have, String want, String dst) {
        if (have.equals(want)) {
            b.alias(dst, src);
            return;
        }
        int[] perm = new int[want.length()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = have.indexOf(want.charAt(i));
        }
        b.node(name + "/Transpose", "Transpose", new Transpose(perm), List.of(src), dst);
    }

    /**
     * x with a constant W: a Dense layer over x's contracted labels ("bij,jk->bik", "bij,ijk->bk",
     * "bij,ik->bjk"), x permuted to [N, kept..., contracted...] and W at import to [contracted...,
     * free...], the result permuted to the output's order. A label W shares with x and the output
     * (per-head weights, "bhid,hde->bhie") is contracted against a fresh free copy of itself through
     * W's block diagonal: W'[.., h, .., h'] = W[.., h, ..] where h = h' (h times W's size, h times the
     * products: each head's block).
     */
    private static void constantRight(NodeContext ctx, String x, int[] xs, String p, String q, String out, Tensor w,
                                      String contracted) {
        String name = ctx.name();
        if (w.rank() != q.length()) {
            throw ctx.fail("'" + q + "' has " + q.length() + " labels for a constant of shape "
                    + Arrays.toString(w.shape()));
        }
        String eqLabels = p + q + out;
        for (char c : q.toCharArray()) {
            if (p.indexOf(c) >= 0 && out.indexOf(c) >= 0) {   // shared: contract it, its copy is free
                char copy = fresh(eqLabels);
                eqLabels += copy;
                w = blockDiagonal(w, q.indexOf(c));
                q += copy;
                out = out.replace(c, copy);
                contracted += c;
            }
        }
        String keep = "";
        String cLabels = "";
        for (char c : p.toCharArray()) {
            if (contracted.indexOf(c) >= 0) {
                cLabels += c;
            } else {
                keep += c;
            }
        }
        String free = "";
        for (char c : q.toCharArray()) {
            if (contracted.indexOf(c) < 0) {
                free += c;
            }
        }
        String target = out;
        if (contracted.isEmpty() || out.length() != keep.length() + free.length()
                || !(keep + free).chars().allMatch(c -> target.indexOf(c) >= 0)) {
            throw ctx.fail("with a constant operand the latent-dependent operand's labels must each be contracted"
                    + " or kept, and the constant's each contracted or kept (none summed within one operand)");
        }
        Tensor wp = Transpose.permute(w, (cLabels + free).chars().map(q::indexOf).toArray());
        int[] ws = wp.shape();
        int in = 1;
        for (int i = 0; i < cLabels.length(); i++) {
            if (ws[i] != xs[p.indexOf(cLabels.charAt(i))]) {
                throw ctx.fail("cannot contract " + Arrays.toString(xs) + " with " + w);
            }
            in *= ws[i];
        }
        int outF = Tensor.product(ws, cLabels.length(), ws.length);
        Dense dense = new Dense(in, outF, wp.data(), null);
        Graph.Builder b = ctx.b();
        String ordered = name + "/ordered";
        permute(b, name + "/in", x, p, keep + cLabels, ordered);
        int[] flat = new int[keep.length() + 1];   // [0, keep..., in]
        int[] back = new int[keep.length() + free.length()];   // [0, keep..., free...]
        for (int i = 1; i < keep.length(); i++) {
            flat[i] = xs[p.indexOf(keep.charAt(i))];
            back[i] = flat[i];
        }
        flat[keep.length()] = in;
        System.arraycopy(ws, cLabels.length(), back, keep.length(), free.length());
        b.node(name + "/flatten", "Reshape", new Reshape(flat), List.of(ordered), name + "/flat")
                .node(name, "Einsum", dense, List.of(name + "/flat"), name + "/product")
                .node(name + "/unflatten", "Reshape", new Reshape(back), List.of(name + "/product"), name + "/labels");
        permute(b, name + "/out", name + "/labels", keep + free, out, ctx.output(0));
    }

    /** W with one more axis, last, a copy of axis `axis`: W'[.., i, .., j] = W[.., i, ..] if i = j, else 0. */
    private static Tensor blockDiagonal(Tensor w, int axis) {
        int[] s = w.shape();
        int size = s[axis];
        int[] t = Arrays.copyOf(s, s.length + 1);
        t[s.length] = size;
        double[] d = new double[w.data().length * size];
        int inner = Tensor.product(s, axis + 1, s.length);
        for (int i = 0; i < w.data().length; i++) {
            int at = i / inner % size;
            d[i * size + at] = w.data()[i];
        }
        return new Tensor(t, d);
    }

    /** A letter no label uses. */
    private static char fresh(String used) {
        for (char c = 'A'; c <= 'z'; c++) {
            if (Character.isLetter(c) && used.indexOf(c) < 0) {
                return c;
            }
        }
        throw new IllegalArgumentException("no letter left for a label");
    }
}
