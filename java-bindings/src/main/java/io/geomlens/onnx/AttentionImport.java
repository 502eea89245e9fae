package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The Attention op of opset 23 (torchlib writes scaled_dot_product_attention with it from opset 23
 * on) as the standard nodes it stands for: 3-D inputs [N, L, heads * E] split into heads, K and V
 * heads repeated for grouped queries, Softmax(softcap(Q K^T scale) + mask) V, heads merged back.
 * Masks must be constants (a generator's are); the KV-cache inputs and outputs are refused.
 */
final class AttentionImport {
    private final Graph.Builder b;
    private final BiConsumer<NodeProto, String> importer;
    private final Predicate<String> integer;
    private NodeContext ctx;
    private int step;

    /**
     * @param importer imports a standard node (named by its second argument)
     * @param integer  whether a value holds integers or booleans (a boolean mask selects; a float one adds)
     */
    AttentionImport(Graph.Builder b, BiConsumer<NodeProto, String> importer, Predicate<String> integer) {
        this.b = b;
        this.importer = importer;
        this.integer = integer;
    }

    static boolean handles(NodeProto n) {
        return n.getDomain().isEmpty() && n.getOpType().equals("Attention");
    }

    void add(NodeProto n, String name, int opset) {
        this.ctx = new NodeContext(b, n, name, new Attributes(n), opset);
        this.step = 0;
        for (int i = 4; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty()) {
                throw ctx.fail("past_key / past_value / nonpad_kv_seqlen (a KV cache) are not supported");
            }
        }
        if (n.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw ctx.fail("present_key / present_value / qk_matmul_output are used; geomlens gives Y only");
        }
        Attributes a = ctx.a();
        String q = n.getInput(0);
        String k = n.getInput(1);
        String v = n.getInput(2);
        int rank = b.shapeOf(q).length;
        if (rank == 3) {
            if (!a.has("q_num_heads") || !a.has("kv_num_heads")) {
                throw ctx.fail("3-D inputs need q_num_heads and kv_num_heads");
            }
            q = heads(q, a.integer("q_num_heads", 1));
            k = heads(k, a.integer("kv_num_heads", 1));
            v = heads(v, a.integer("kv_num_heads", 1));
        } else if (rank != 4) {
            throw ctx.fail("Q of rank " + rank + "; Attention takes [N, heads, L, E] or [N, L, heads * E]");
        }
        int[] qs = b.shapeOf(q);
        int[] ks = b.shapeOf(k);
        if (qs[1] % ks[1] != 0) {
            throw ctx.fail(qs[1] + " query heads are not a multiple of " + ks[1] + " key/value heads");
        }
        k = repeatHeads(k, qs[1] / ks[1]);
        v = repeatHeads(v, qs[1] / ks[1]);
        String scores = run("Mul", List.of(run("MatMul", List.of(q, run("Transpose", List.of(k),
                Attr.ints("perm", 0, 1, 3, 2)))), constant(Tensor.scalar(a.real("scale", 1 / Math.sqrt(qs[3]))))));
        double softcap = a.real("softcap", 0);
        if (softcap > 0) {   // before the mask, as the spec says: a masked -inf stays -inf, not -softcap
            scores = run("Mul", List.of(run("Tanh", List.of(run("Mul", List.of(scores,
                    constant(Tensor.scalar(1 / softcap)))))), constant(Tensor.scalar(softcap))));
        }
        Tensor mask = mask(n, qs[2], ks[2]);
        if (mask != null) {
            scores = run("Add", List.of(scores, constant(mask)));
        }
        String y = run("MatMul", List.of(run("Softmax", List.of(scores), Attr.i("axis", -1)), v));
        if (rank == 3) {   // [N, H, L, Ev] -> [N, L, H * Ev]
            y = run("Reshape", List.of(run("Transpose", List.of(y), Attr.ints("perm", 0, 2, 1, 3)),
                    constant(new Tensor(new int[] {3}, new double[] {0, 0, -1}))));
        }
        importer.accept(OnnxModelBuilder.nodeProto("Identity", name, List.of(y), List.of(n.getOutput(0))), name);
    }

    /** [N, L, h * E] -> [N, h, L, E]. */
    private String heads(String x, long h) {
        return run("Transpose", List.of(run("Reshape", List.of(x,
                constant(new Tensor(new int[] {4}, new double[] {0, 0, h, -1}))))), Attr.ints("perm", 0, 2, 1, 3));
    }

    /** Each key/value head used by `group` consecutive query heads. */
    private String repeatHeads(String x, int group) {
        if (group == 1) {
            return x;
        }
        int heads = b.shapeOf(x)[1];
        double[] index = new double[heads * group];
        for (int i = 0; i < index.length; i++) {
            index[i] = i / group;
        }
        return run("Gather", List.of(x, constant(new Tensor(new int[] {index.length}, index))), Attr.i("axis", 1));
    }

    /** attn_mask (a boolean one as 0 / -inf) plus the causal mask (upper-left aligned), or null. */
    private Tensor mask(NodeProto n, int l, int s) {
        Tensor mask = null;
        if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
            Tensor given = ctx.weight(3, "attn_mask (a constant)");
            mask = given;
            if (integer.test(n.getInput(3))) {
                double[] d = given.data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] = d[i] != 0 ? 0 : Double.NEGATIVE_INFINITY;
                }
                mask = new Tensor(given.shape(), d);
            }
        }
        if (ctx.a().integer("is_causal", 0) != 0) {
            double[] c = new double[l * s];
            for (int i = 0; i < l; i++) {
                for (int j = i + 1; j < s; j++) {
                    c[i * s + j] = Double.NEGATIVE_INFINITY;
                }
            }
            Tensor causal = new Tensor(new int[] {l, s}, c);
            mask = mask == null ? causal : Broadcast.apply(mask, causal, Double::sum);
        }
        return mask;
    }

    private String constant(Tensor t) {
        String c = ctx.name() + "/c" + step++;
        b.constant(c, t);
        return c;
    }

    private String run(String op, List<String> inputs, Attr... attrs) {
        String out = ctx.name() + "/" + op + step++;
        importer.accept(OnnxModelBuilder.nodeProto(op, out, inputs, List.of(out), attrs), out);
        return out;
    }
}
