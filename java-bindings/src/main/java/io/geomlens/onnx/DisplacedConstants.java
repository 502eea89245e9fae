package io.geomlens.onnx;

import io.geomlens.graph.BatchBroadcast;
import io.geomlens.graph.Tensor;
import java.util.List;

/**
 * Constants that become latent-dependent values with a moved batch: a constant repeated over the
 * batch in axis k (query.repeat(1, N, 1), cls.expand(1, N, E)) and ConstantOfShape of a shape that
 * holds the batch (add_zero_attn's zeros [N * heads, 1, d]), as the constant broadcast over the
 * latent's batch in the canonical layout.
 */
final class DisplacedConstants {
    private DisplacedConstants() {}

    /**
     * query.repeat(1, N, 1) or cls.expand(1, N, E) in a sequence-first model: the constant repeated
     * over the latent's batch, which sits in axis k of the result.
     */
    static void batchBroadcast(DisplacedBatch d, NodeContext ctx) {
        Tensor c = d.b().constantOf(ctx.input(0));
        double[] spec = ctx.weight(1, ctx.n().getOpType().equals("Tile") ? "repeats" : "shape").data().clone();
        int k = DisplacedBatch.batchEntry(new Tensor(new int[] {spec.length}, spec));
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
        String constant = d.fresh(ctx.name());
        String out = d.fresh(ctx.name());
        d.b().constant(constant, d.constantFor(ctx, e, e.rank(), k, null))
                .node(out, ctx.n().getOpType(), new BatchBroadcast(), List.of(constant, d.b().latentName()), out);
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(k, d.b().shapeOf(out)));
    }

    /**
     * ConstantOfShape of a shape holding the batch (times c) in axis k (or Expand of a scalar to it):
     * the fill value over the latent's batch, canonical [1, ..., 1, c, ...].
     */
    static void constantOfShape(DisplacedBatch d, NodeContext ctx, String shapeName, double fill) {
        double[] shape = d.b().constantOf(shapeName).data();
        int k = DisplacedBatch.batchEntry(d.b().constantOf(shapeName));
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
        double[] values = new double[(int) Tensor.count(computed)];
        java.util.Arrays.fill(values, fill);
        String constant = d.fresh(ctx.name());
        String out = d.fresh(ctx.name());
        d.b().constant(constant, new Tensor(computed, values))
                .node(out, "ConstantOfShape", new BatchBroadcast(), List.of(constant, d.b().latentName()), out);
        d.define(ctx.name(), ctx.output(0), out, BatchLayout.canonical(k, d.b().shapeOf(out)));
    }
}
