package io.geomlens.onnx;

import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import java.util.List;

/**
 * Where(cond, a, b) with a constant condition and a latent-dependent branch: masked_fill with a
 * fixed mask (nanoGPT's causal attention writes att.masked_fill(mask == 0, -inf)). A variable
 * branch is multiplied by the mask (or its complement); a constant one is kept where it is chosen
 * and 0 elsewhere, computed here, so a -inf fill never meets a 0 factor: y = a m + b (1 - m).
 */
final class WhereImport {
    private WhereImport() {}

    static void importNode(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        Tensor cond = b.constantOf(ctx.input(0));   // a latent-dependent condition goes to LatentLogic instead
        String[] terms = new String[2];
        for (int branch = 0; branch < 2; branch++) {
            boolean chosen = branch == 0;   // the branch where cond holds
            String in = ctx.input(branch + 1);
            String term = name + "/term" + branch;
            Tensor c = b.constantOf(in);
            if (c != null) {
                b.constant(term, Broadcast.apply(cond, c, (m, v) -> (m != 0) == chosen ? v : 0));
            } else {
                Tensor mask = Broadcast.apply(cond, Tensor.scalar(0), (m, v) -> (m != 0) == chosen ? 1 : 0);
                b.constant(term + "/mask", mask)
                        .node(term, "Mul", new Elementwise(Elementwise.Kind.MUL), List.of(in, term + "/mask"), term);
            }
            terms[branch] = term;
        }
        b.node(name, "Where", new Elementwise(Elementwise.Kind.ADD), List.of(terms[0], terms[1]), ctx.output(0));
    }
}
