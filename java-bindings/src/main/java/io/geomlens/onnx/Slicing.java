package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.SparseMap;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Slice and Split of latent-dependent values, as {@link Narrow} ops along non-batch axes. */
final class Slicing {
    private Slicing() {}

    /**
     * Slice of a latent-dependent value: one Narrow per contiguous sliced axis, a strided cut per
     * axis with step > 1 (the batch axis whole).
     */
    static void slices(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        NodeProto n = ctx.n();
        String name = ctx.name();
        Attributes a = ctx.a();
        int opset = ctx.opset();
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        double[] starts = opset < 10 ? a.longsAsDoubles("starts", new double[0]) : ctx.weight(1, "starts").data();
        double[] ends = opset < 10 ? a.longsAsDoubles("ends", new double[0]) : ctx.weight(2, "ends").data();
        Tensor axesT = opset < 10 ? null : ctx.optionalWeight(3, "axes");
        double[] axes = opset < 10 ? a.longsAsDoubles("axes", null) : axesT != null ? axesT.data() : null;
        Tensor steps = opset < 10 ? null : ctx.optionalWeight(4, "steps");
        List<Narrow> cuts = new java.util.ArrayList<>();
        List<int[]> strided = new java.util.ArrayList<>();   // {axis, start, count, step}
        List<int[][]> reversed = new java.util.ArrayList<>();   // {{axis}, picked indices}
        for (int i = 0; i < starts.length; i++) {
            int ax = axes == null ? i : NodeContext.axis((long) axes[i], s.length);
            long step = steps == null ? 1 : (long) steps.data()[i];
            if (step == 0) {
                throw ctx.fail("step 0 is not a slice");
            }
            if (ax == 0) {
                if (starts[i] == 0 && ends[i] >= Integer.MAX_VALUE) {
                    continue;   // x[:, ...]: the whole batch
                }
                throw ctx.fail("slicing the batch axis is not supported");
            }
            int dim = s[ax];
            if (step < 0) {   // x.flip(ax) and x[..., ::-k]: a selection matrix along the axis
                reversed.add(new int[][] {{ax}, reversedPicks(dim, starts[i], ends[i], step)});
                continue;
            }
            long st = (long) Math.max(0, Math.min(dim, starts[i] < 0 ? starts[i] + dim : starts[i]));
            long en = (long) Math.max(0, Math.min(dim, ends[i] < 0 ? ends[i] + dim : ends[i]));
            if (en <= st) {
                throw ctx.fail("the slice of axis " + ax + " is empty");
            }
            if (step > 1) {
                strided.add(new int[] {ax, (int) st, (int) ((en - st + step - 1) / step), (int) step});
            } else if (en - st < dim) {
                cuts.add(new Narrow(ax, (int) st, (int) (en - st)));
            }
        }
        String cur = strided.isEmpty() && reversed.isEmpty() ? n.getOutput(0) : name + "/contiguous";
        chain(b, name, x, cur, cuts);
        for (int j = 0; j < strided.size(); j++) {
            boolean last = j + 1 == strided.size() && reversed.isEmpty();
            cur = strided(b, name + "/step" + j, cur, strided.get(j), last ? n.getOutput(0) : null);
        }
        for (int j = 0; j < reversed.size(); j++) {
            int ax = reversed.get(j)[0][0];
            int[] picks = reversed.get(j)[1];
            if (picks.length == 0) {
                throw ctx.fail("the slice of axis " + ax + " is empty");
            }
            String out = j + 1 == reversed.size() ? n.getOutput(0) : name + "/reversed" + j + "/out";
            AxisMap.apply(b, name + "/reversed" + j, "Slice", cur, ax, s.length,
                    AxisMap.selection(b.shapeOf(cur)[ax], picks), out);
            cur = out;
        }
    }

    /** The indices a negative-step slice takes, as ONNX clamps them: start in [0, dim-1], end in [-1, dim-1]. */
    private static int[] reversedPicks(int dim, double start, double end, long step) {
        long st = (long) (start < 0 ? start + dim : start);
        st = Math.max(0, Math.min(dim - 1, st));
        long en = (long) (end < 0 ? end + dim : end);
        en = Math.max(-1, Math.min(dim - 1, en));
        List<Integer> picks = new java.util.ArrayList<>();
        for (long i = st; i > en; i += step) {
            picks.add((int) i);
        }
        return picks.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * x[..., start::step] along one axis as ops with derivatives: the elements start .. start + step *
     * count (zero-padded past the end), that axis split into [count, step], the first of each step.
     */
    private static String strided(Graph.Builder b, String name, String x, int[] cut, String out) {
        int ax = cut[0];
        int start = cut[1];
        int count = cut[2];
        int step = cut[3];
        int dim = b.shapeOf(x)[ax];
        int taken = Math.min(dim - start, step * count);
        String cur = x;
        if (start > 0 || taken < dim) {
            b.node(name + "/window", "Slice", new Narrow(ax, start, taken), List.of(cur), name + "/window");
            cur = name + "/window";
        }
        int[] s = b.shapeOf(cur);
        if (taken < step * count) {
            int[] before = new int[s.length];
            int[] after = new int[s.length];
            after[ax] = step * count - taken;
            b.node(name + "/pad", "Pad", new io.geomlens.graph.ZeroPad(before, after), List.of(cur), name + "/pad");
            cur = name + "/pad";
        }
        int[] split = new int[s.length + 1];
        for (int d = 0, o = 0; d < s.length; d++) {
            if (d == ax) {
                split[o++] = count;
                split[o++] = step;
            } else {
                split[o++] = d == 0 ? 0 : s[d];
            }
        }
        int[] merged = s.clone();
        merged[0] = 0;
        merged[ax] = count;
        String result = out != null ? out : name + "/out";
        b.node(name + "/blocks", "Reshape", new Reshape(split), List.of(cur), name + "/blocks")
                .node(name + "/first", "Slice", new Narrow(ax + 1, 0, 1), List.of(name + "/blocks"), name + "/first")
                .node(name + "/merge", "Reshape", new Reshape(merged), List.of(name + "/first"), result);
        return result;
    }

    /** Split of a latent-dependent value along a non-batch axis: output j is a Narrow. */
    static void split(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        NodeProto n = ctx.n();
        String name = ctx.name();
        Attributes a = ctx.a();
        int opset = ctx.opset();
        String x = ctx.dataInput();
        int[] s = b.shapeOf(x);
        int ax = NodeContext.axis(a.integer("axis", 0), s.length);
        boolean constant = !b.isVariable(x);   // a weight split into parts (the dynamo exporter's in_proj)
        if (ax < 0 || ax >= s.length || ax == 0 && !constant) {
            throw ctx.fail("splitting axis " + a.integer("axis", 0) + " (the batch or"
                    + " out of range) is not supported");
        }
        int dim = s[ax];
        int outs = n.getOutputCount();
        Tensor given = opset >= 13 ? ctx.optionalWeight(1, "split") : null;
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
            throw ctx.fail("split sizes " + java.util.Arrays.toString(sizes)
                    + " do not cover the " + dim + " elements of axis " + ax + " in " + outs + " outputs");
        }
        for (int j = 0, off = 0; j < outs; off += sizes[j], j++) {
            if (n.getOutput(j).isEmpty()) {
                continue;
            }
            if (constant) {
                b.constant(n.getOutput(j), narrowed(b.constantOf(x), ax, off, sizes[j]));
            } else {
                b.node(name + "/" + j, "Split", new Narrow(ax, off, sizes[j]), List.of(x), n.getOutput(j));
            }
        }
    }

    /** Elements [off, off + length) of axis ax of a constant, any axis. */
    private static Tensor narrowed(Tensor c, int ax, int off, int length) {
        int[] s = c.shape();
        int outer = Tensor.product(s, 0, ax);
        int inner = Tensor.product(s, ax + 1, s.length);
        int[] o = s.clone();
        o[ax] = length;
        double[] d = new double[outer * length * inner];
        for (int p = 0; p < outer; p++) {
            System.arraycopy(c.data(), (p * s[ax] + off) * inner, d, p * length * inner, length * inner);
        }
        return new Tensor(o, d);
    }

    /**
     * Gather of a latent-dependent value with constant indices along a non-batch axis: x[:, i]
     * (a scalar index: the element, axis dropped) or x[:, [i, j, ...]] (a list: those elements in
     * that order, as Narrows joined by a Concat).
     */
    static void gather(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String name = ctx.name();
        String x = ctx.input(0);
        int[] s = b.shapeOf(x);
        int ax = NodeContext.axis(ctx.a().integer("axis", 0), s.length);
        if (ax <= 0 || ax >= s.length) {
            throw ctx.fail("gathering along axis " + ctx.a().integer("axis", 0) + " (the batch or out of range) is"
                    + " not supported");
        }
        Tensor idx = ctx.weight(1, "indices");
        if (idx.rank() > 1) {
            throw ctx.fail("indices of rank " + idx.rank() + " are not supported; a scalar or a list");
        }
        int dim = s[ax];
        int[] picked = new int[idx.size()];
        for (int j = 0; j < idx.size(); j++) {
            int i = (int) idx.data()[j];
            picked[j] = i < 0 ? i + dim : i;
            if (picked[j] < 0 || picked[j] >= dim) {
                throw ctx.fail("index " + (long) idx.data()[j] + " is out of range for axis " + ax + " of size " + dim);
            }
        }
        if (idx.rank() == 0) {   // one slice, and the axis goes away
            String slice = name + "/0";
            b.node(slice, "Gather", new Narrow(ax, picked[0], 1), List.of(x), slice);
            int[] spec = new int[s.length - 1];
            for (int d = 0, o = 0; d < s.length; d++) {
                if (d != ax) {
                    spec[o++] = d == 0 ? 0 : s[d];
                }
            }
            b.node(name, "Gather", new Reshape(spec), List.of(slice), ctx.output(0));
        } else {
            ctx.unary(picks(Arrays.copyOfRange(s, ax, s.length), picked));
        }
    }

    /** An index list along the first of the tail axes: one entry per output element, weight 1. */
    private static SparseMap picks(int[] tail, int[] picked) {
        int after = Tensor.product(tail, 1, tail.length);
        SparseMap.Builder m = new SparseMap.Builder();
        for (int i : picked) {
            for (int q = 0; q < after; q++) {
                m.row().add(i * after + q, 1.0);
            }
        }
        int[] out = tail.clone();
        out[0] = picked.length;
        return m.build(tail, out);
    }

    /**
     * Tile: per repeated non-batch axis, a Concat of r copies. A constant repeated batch-size
     * times (StyleGAN's learned input, const.repeat(N, 1, 1, 1)) is first broadcast over the
     * latent's batch; a constant repeated a fixed number of times (a filter per channel, or a
     * model exported from one latent) is tiled here.
     */
    static void tile(NodeContext ctx) {
        Graph.Builder b = ctx.b();
        String x = ctx.input(0);
        double[] repeats = ctx.weight(1, "repeats").data();
        int rank = b.shapeOf(x).length;
        String cur = x;
        if (repeats.length != rank) {
            throw ctx.fail("repeats " + Arrays.toString(repeats) + " must have " + rank + " entries");
        }
        if (!b.isVariable(x)) {
            if (repeats[0] != ShapeFolding.BATCH) {
                b.constant(ctx.output(0), tiled(ctx, b.constantOf(x), repeats));
                return;
            }
            cur = ctx.name() + "/batch";
            b.node(cur, "Tile", new io.geomlens.graph.BatchBroadcast(), List.of(x, b.latentName()), cur);
        } else if (repeats[0] != 1) {
            throw ctx.fail("repeats " + Arrays.toString(repeats) + " must leave the batch (entry 0) at 1");
        }
        for (int ax = 1; ax < rank; ax++) {
            int r = (int) repeats[ax];
            if (r < 1) {
                throw ctx.fail("repeat " + r + " on axis " + ax + " is not positive");
            }
            if (r > 1) {
                String next = ctx.name() + "/axis" + ax;
                b.node(next, "Tile", new Concat(ax), java.util.Collections.nCopies(r, cur), next);
                cur = next;
            }
        }
        b.alias(ctx.output(0), cur);
    }

    /** np.tile of a constant. */
    static Tensor tiled(NodeContext ctx, Tensor c, double[] repeats) {
        for (int ax = 0; ax < repeats.length; ax++) {
            int r = (int) repeats[ax];
            if (r < 1 || r != repeats[ax]) {
                throw ctx.fail("repeat " + repeats[ax] + " on axis " + ax + " is not a positive count");
            }
            c = r == 1 ? c : Concat.concatenate(java.util.Collections.nCopies(r, c), ax);
        }
        return c;
    }

    /** x through the given Narrows in turn, the last one writing out (an alias when there are none). */
    static void chain(Graph.Builder b, String name, String x, String out, List<Narrow> cuts) {
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
}
