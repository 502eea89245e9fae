package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape arithmetic folded at import: torch writes x.view(x.size(0), ...) as Shape -> Gather ->
 * Unsqueeze -> Concat -> Reshape. Shape of a latent-dependent value becomes a constant whose
 * batch entry is {@link #BATCH}; Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Reshape,
 * Transpose and Sqrt fold on constants (torch's F.pad builds its pads with Reshape, a flipping
 * Slice and Transpose) (Sqrt for the 1/sqrt(head size) of exported scaled_dot_product_attention),
 * as do ReduceProd (x.var()'s element count) and MatMul of two constants (spectral_norm's sigma);
 * Reshape then reads BATCH in position 0 as "keep the batch dimension".
 */
final class ShapeFolding {
    /** Stands for the (dynamic) batch size inside folded shape tensors. */
    static final double BATCH = -987654321.0;

    /** Whether a folded shape entry stands for the batch size or a multiple of it (N * heads). */
    static boolean isBatch(double v) {
        return v < -1 && v % BATCH == 0;
    }
    static final List<String> OPS = List.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice",
            "Sqrt", "ConstantOfShape", "Equal", "Where");

    private final Graph.Builder b;
    private final int opset;

    ShapeFolding(Graph.Builder b, int opset) {
        this.b = b;
        this.opset = opset;
    }

    /** The folded value of a shape op, or an error when an input depends on the latent. */
    Tensor fold(NodeProto n, String where) {
        Attributes a = new Attributes(n);
        if (n.getOpType().equals("Shape")) {
            return shape(n, a);
        }
        List<Tensor> in = new ArrayList<>();
        for (String name : n.getInputList()) {
            if (name.isEmpty()) {
                in.add(null);
                continue;
            }
            if (b.isVariable(name)) {
                throw new OnnxImportException(where + ": input '" + name + "' depends on the latent; " + n.getOpType()
                        + " is supported only on constant (shape) tensors");
            }
            in.add(b.constantOf(name));
        }
        return switch (n.getOpType()) {
            case "Gather" -> gather(in.get(0), in.get(1), (int) a.integer("axis", 0));
            case "Unsqueeze" -> unsqueeze(in.get(0), axes(a, in, 1));
            case "Squeeze" -> squeeze(in.get(0), axes(a, in, 1));
            case "Concat" -> {
                int axis = (int) a.integer("axis", 0);
                yield Concat.concatenate(in, axis < 0 ? axis + in.get(0).rank() : axis);
            }
            case "Cast" -> in.get(0);
            case "Sqrt" -> sqrt(in.get(0), where);
            case "ConstantOfShape" -> constantOfShape(in.get(0), a, where);
            case "Equal" -> Broadcast.apply(in.get(0), in.get(1), (p, q) -> p == q ? 1 : 0);
            case "Where" -> where(in.get(0), in.get(1), in.get(2));
            case "ReduceProd" -> product(in.get(0), reduceAxes(a, in), a.integer("keepdims", 1) != 0, where);
            case "MatMul" -> matmul(in.get(0), in.get(1), where);
            case "OneHot" -> oneHot(in.get(0), in.get(1), in.get(2), (int) a.integer("axis", -1), where);
            case "Size" -> Tensor.scalar(in.get(0).size());   // torchlib's Rank(x) = Size(Shape(x))
            case "Range" -> range(in.get(0).data()[0], in.get(1).data()[0], in.get(2).data()[0]);
            case "Trilu" -> trilu(in.get(0), in.size() > 1 && in.get(1) != null ? (long) in.get(1).data()[0] : 0,
                    a.integer("upper", 1) != 0);
            default -> ConstantLogic.OPS.contains(n.getOpType())
                    ? ConstantLogic.fold(n.getOpType(), in, a.integer("fmod", 0) != 0, where) : slice(in);
        };
    }

    /** ReduceProd's axes: an attribute before opset 18, an optional input from 18 on; none = all. */
    private int[] reduceAxes(Attributes a, List<Tensor> in) {
        if (opset < 18) {
            return a.ints("axes", null);
        }
        return in.size() > 1 && in.get(1) != null ? Arrays.stream(in.get(1).data()).mapToInt(v -> (int) v).toArray()
                : null;
    }

    /** torch's x.var() and x.numel() multiply sizes taken from Shape (numel of the reduced axes). */
    static Tensor product(Tensor t, int[] axes, boolean keepDims, String where) {
        int rank = t.rank();
        boolean[] reduced = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, true);
        } else {
            for (int ax : axes) {
                reduced[ax < 0 ? ax + rank : ax] = true;
            }
        }
        if (Arrays.stream(t.data()).anyMatch(v -> v == BATCH)) {
            throw new OnnxImportException(where + ": a product involving the batch size is not supported");
        }
        int[] s = t.shape();
        int[] kept = new int[rank];
        for (int d = 0; d < rank; d++) {
            kept[d] = reduced[d] ? 1 : s[d];
        }
        double[] out = new double[(int) Tensor.count(kept)];
        Arrays.fill(out, 1.0);
        int[] idx = new int[rank];
        for (int i = 0; i < t.size(); i++) {
            int o = 0;
            for (int d = 0; d < rank; d++) {
                o = o * kept[d] + (reduced[d] ? 0 : idx[d]);
            }
            out[o] *= t.data()[i];
            for (int d = rank - 1; d >= 0 && ++idx[d] == s[d]; d--) {
                idx[d] = 0;
            }
        }
        int[] dropped = java.util.stream.IntStream.range(0, rank).filter(d -> !reduced[d]).map(d -> s[d]).toArray();
        return new Tensor(keepDims ? kept : dropped, out);
    }

    /**
     * MatMul of two constants: spectral_norm's sigma = u . (W v) from the stored u and v, computed at
     * import. numpy rules for 1-D operands; both at most 2-D.
     */
    static Tensor matmul(Tensor x, Tensor y, String where) {
        if (x.rank() < 1 || y.rank() < 1) {
            throw new OnnxImportException(where + ": a MatMul of scalars is not defined");
        }
        if (x.rank() > 2 || y.rank() > 2) {
            return batchedMatmul(x, y, where);
        }
        int m = x.rank() == 2 ? x.dim(0) : 1;
        int k = x.dim(x.rank() - 1);
        int n = y.rank() == 2 ? y.dim(1) : 1;
        if (y.dim(0) != k) {
            throw new OnnxImportException(where + ": cannot multiply " + x + " by " + y);
        }
        double[] c = new double[m * n];
        io.geomlens.linalg.Gemm.multiply(x.data(), 0, y.data(), 0, c, 0, m, n, k, false);
        List<Integer> shape = new ArrayList<>();
        if (x.rank() == 2) {
            shape.add(m);
        }
        if (y.rank() == 2) {
            shape.add(n);
        }
        return new Tensor(shape.stream().mapToInt(Integer::intValue).toArray(), c);
    }

    /** F.one_hot of a fixed label (a conditional GAN's class): values[1] at each index, values[0] elsewhere. */
    static Tensor oneHot(Tensor indices, Tensor depthT, Tensor values, int axis, String where) {
        int depth = (int) depthT.data()[0];
        int[] is = indices.shape();
        int ax = axis < 0 ? axis + is.length + 1 : axis;
        if (depth < 1 || ax < 0 || ax > is.length || values.size() != 2) {
            throw new OnnxImportException(where + ": OneHot with depth " + depth + ", axis " + axis + " and "
                    + values.size() + " values is not valid");
        }
        int outer = Tensor.product(is, 0, ax);
        int inner = Tensor.product(is, ax, is.length);
        int[] shape = new int[is.length + 1];
        for (int d = 0, o = 0; d < shape.length; d++) {
            shape[d] = d == ax ? depth : is[o++];
        }
        double[] out = new double[outer * depth * inner];
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                long k = (long) indices.data()[i * inner + j];
                k = k < 0 ? k + depth : k;
                for (int c = 0; c < depth; c++) {
                    out[(i * depth + c) * inner + j] = values.data()[c == k ? 1 : 0];
                }
            }
        }
        return new Tensor(shape, out);
    }

    /**
     * numpy's matmul of constants of rank > 2 (attention over learned queries in a model exported
     * from one latent): the leading axes broadcast, 1-D operands as a row / a column.
     */
    private static Tensor batchedMatmul(Tensor x, Tensor y, String where) {
        Tensor a = x.rank() == 1 ? x.reshape(1, x.dim(0)) : x;
        Tensor c = y.rank() == 1 ? y.reshape(y.dim(0), 1) : y;
        int m = a.dim(a.rank() - 2);
        int k = a.dim(a.rank() - 1);
        int n = c.dim(c.rank() - 1);
        if (c.dim(c.rank() - 2) != k) {
            throw new OnnxImportException(where + ": cannot multiply " + x + " by " + y);
        }
        int[] la = Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] lc = Arrays.copyOf(c.shape(), c.rank() - 2);
        int[] lead = Broadcast.shape(la, lc);
        int[] mk = {m * k};
        int[] kn = {k * n};
        Tensor ab = Broadcast.expand(new Tensor(concat(la, mk), a.data()), concat(lead, mk));
        Tensor cb = Broadcast.expand(new Tensor(concat(lc, kn), c.data()), concat(lead, kn));
        int batches = Math.toIntExact(Tensor.count(lead));
        double[] out = new double[batches * m * n];
        for (int i = 0; i < batches; i++) {
            io.geomlens.linalg.Gemm.multiply(ab.data(), i * m * k, cb.data(), i * k * n, out, i * m * n, m, n, k,
                    false);
        }
        List<Integer> shape = new ArrayList<>();
        Arrays.stream(lead).forEach(shape::add);
        if (x.rank() > 1) {
            shape.add(m);
        }
        if (y.rank() > 1) {
            shape.add(n);
        }
        return new Tensor(shape.stream().mapToInt(Integer::intValue).toArray(), out);
    }

    private static int[] concat(int[] p, int[] q) {
        int[] r = Arrays.copyOf(p, p.length + q.length);
        System.arraycopy(q, 0, r, p.length, q.length);
        return r;
    }

    /** torch.arange(start, limit, delta): ceil((limit - start) / delta) values, none when that is negative. */
    static Tensor range(double start, double limit, double delta) {
        int n = (int) Math.max(Math.ceil((limit - start) / delta), 0);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i * delta;
        }
        return new Tensor(new int[] {n}, d);
    }

    /** torch.triu / tril of a constant (a causal mask built in forward): zeros past diagonal k of the last two axes. */
    static Tensor trilu(Tensor x, long k, boolean upper) {
        int r = x.rank();
        int rows = x.dim(r - 2);
        int cols = x.dim(r - 1);
        double[] d = x.data().clone();
        for (int i = 0; i < d.length; i++) {
            long row = (i / cols) % rows;
            long col = i % cols;
            boolean keep = upper ? col - row >= k : col - row <= k;
            d[i] = keep ? d[i] : 0;
        }
        return new Tensor(x.shape(), d);
    }

    /** torch's expand(-1, ...) writes Where(Equal(size, -1), 1, size) over ConstantOfShape: fold them. */
    private static Tensor constantOfShape(Tensor shape, Attributes a, String where) {
        double[] d = shape.data();
        if (Arrays.stream(d).anyMatch(v -> v == BATCH)) {
            throw new OnnxImportException(where + ": a constant the size of the batch is not supported");
        }
        double fill = fillValue(a);
        int[] s = Arrays.stream(d).mapToInt(v -> (int) v).toArray();
        double[] out = new double[(int) Tensor.count(s)];
        Arrays.fill(out, fill);
        return new Tensor(s, out);
    }

    /** Abs of a constant; torchlib's expand takes Abs of its sizes (-1 -> 1), where the batch stays the batch. */
    static Tensor abs(Tensor t) {
        double[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = isBatch(d[i]) ? d[i] : Math.abs(d[i]);
        }
        return new Tensor(t.shape(), d);
    }

    /** Expand of a constant to a constant shape, with ONNX's two-way broadcasting. */
    static Tensor expand(Tensor c, double[] shape) {
        int[] target = Arrays.stream(shape).mapToInt(v -> (int) v).toArray();
        return Broadcast.expand(c, Broadcast.shape(c.shape(), target));
    }

    /** ConstantOfShape's value attribute (0 when absent). */
    static double fillValue(Attributes a) {
        return a.has("value") ? OnnxTensors.decode(a.raw("value").getT()).data()[0] : 0;
    }

    private static Tensor where(Tensor cond, Tensor x, Tensor y) {
        int[] xy = Broadcast.shape(x.shape(), y.shape());
        Tensor c = Broadcast.expand(cond, xy);
        Tensor a = Broadcast.apply(x, c, (v, w) -> v);
        Tensor b = Broadcast.apply(y, c, (v, w) -> v);
        double[] out = new double[c.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.data()[i] != 0 ? a.data()[i] : b.data()[i];
        }
        return new Tensor(c.shape(), out);
    }

    private static Tensor sqrt(Tensor t, String where) {
        double[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == BATCH) {
                throw new OnnxImportException(where + ": square root of the batch size is not supported");
            }
            d[i] = Math.sqrt(d[i]);
        }
        return new Tensor(t.shape(), d);
    }

    /**
     * Unsqueeze / Squeeze of a latent-dependent value (z[:, :, None, None]) as the Reshape to the
     * target shape; the batch dimension must stay first and must not be squeezed.
     */
    int[] reshapeTarget(NodeProto n, String where) {
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        List<Tensor> in = new ArrayList<>();
        for (String name : n.getInputList()) {
            in.add(name.isEmpty() || b.isVariable(name) ? null : b.constantOf(name));
        }
        int[] axes = axes(new Attributes(n), in, 1);
        boolean unsqueeze = n.getOpType().equals("Unsqueeze");
        int rank = unsqueeze ? s.length + (axes == null ? 0 : axes.length) : s.length;
        if (axes == null) {   // Squeeze without axes: every size-1 dimension but the batch
            axes = java.util.stream.IntStream.range(1, s.length).filter(i -> s[i] == 1).toArray();
        }
        for (int axis : axes) {
            if ((axis < 0 ? axis + rank : axis) == 0) {
                throw new OnnxImportException(where + ": " + n.getOpType() + " on axis 0 would move the batch"
                        + " dimension; only later axes are supported");
            }
        }
        Tensor probe = new Tensor(s, new double[(int) Tensor.count(s)]);
        int[] target = (unsqueeze ? unsqueeze(probe, axes) : squeeze(probe, axes)).shape();
        target[0] = 0;   // keep the batch
        return target;
    }

    private Tensor shape(NodeProto n, Attributes a) {
        String x = n.getInput(0);
        int[] s = b.shapeOf(x);
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = s[i];
        }
        if (b.isVariable(x)) {
            d[0] = BATCH;
        }
        int start = norm((int) a.integer("start", 0), s.length);
        int end = a.has("end") ? norm((int) a.integer("end", s.length), s.length) : s.length;
        double[] out = Arrays.copyOfRange(d, start, Math.max(start, end));
        return new Tensor(new int[] {out.length}, out);
    }

    private int[] axes(Attributes a, List<Tensor> in, int index) {
        if (opset < 13 || in.size() <= index || in.get(index) == null) {
            return a.ints("axes", null);
        }
        return Arrays.stream(in.get(index).data()).mapToInt(v -> (int) v).toArray();
    }

    private static int norm(int axis, int rank) {
        int r = axis < 0 ? axis + rank : axis;
        return Math.max(0, Math.min(rank, r));
    }

    static Tensor gather(Tensor data, Tensor indices, int axis) {
        int[] ds = data.shape();
        int ax = axis < 0 ? axis + ds.length : axis;
        int[] is = indices.shape();
        int outer = Tensor.product(ds, 0, ax);
        int inner = Tensor.product(ds, ax + 1, ds.length);
        double[] idx = indices.data();
        double[] src = data.data();
        double[] out = new double[outer * idx.length * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                int k = (int) idx[j];
                k = k < 0 ? k + ds[ax] : k;
                System.arraycopy(src, (o * ds[ax] + k) * inner, out, (o * idx.length + j) * inner, inner);
            }
        }
        int[] os = new int[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, os, 0, ax);
        System.arraycopy(is, 0, os, ax, is.length);
        System.arraycopy(ds, ax + 1, os, ax + is.length, ds.length - ax - 1);
        return new Tensor(os, out);
    }

    static Tensor unsqueeze(Tensor t, int[] axes) {
        int rank = t.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (int a : axes) {
            inserted[a < 0 ? a + rank : a] = true;
        }
        int[] s = new int[rank];
        int[] src = t.shape();
        for (int i = 0, j = 0; i < rank; i++) {
            s[i] = inserted[i] ? 1 : src[j++];
        }
        return t.reshape(s);
    }

    static Tensor squeeze(Tensor t, int[] axes) {
        int[] src = t.shape();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < src.length; i++) {
            boolean drop = false;
            if (axes == null) {
                drop = src[i] == 1;
            } else {
                for (int a : axes) {
                    drop |= (a < 0 ? a + src.length : a) == i;
                }
            }
            if (!drop) {
                keep.add(src[i]);
            }
        }
        return t.reshape(keep.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Slice of a 1-D tensor (shape arithmetic only needs that): starts, ends, axes = 0, steps. */
    /** ONNX Slice of a constant (starts, ends, axes, steps; negative steps reverse, as torch's flip does). */
    static Tensor slice(List<Tensor> in) {
        Tensor data = in.get(0);
        int r = data.rank();
        int[] s = data.shape();
        int k = in.get(1).size();
        int[][] picks = new int[r][];
        for (int d = 0; d < r; d++) {
            picks[d] = java.util.stream.IntStream.range(0, s[d]).toArray();
        }
        for (int j = 0; j < k; j++) {
            int axis = in.size() > 3 && in.get(3) != null ? (int) in.get(3).data()[j] : j;
            axis = axis < 0 ? axis + r : axis;
            long step = in.size() > 4 && in.get(4) != null ? (long) in.get(4).data()[j] : 1;
            picks[axis] = range(s[axis], (long) in.get(1).data()[j], (long) in.get(2).data()[j], step);
        }
        int[] os = Arrays.stream(picks).mapToInt(p -> p.length).toArray();
        double[] out = new double[(int) Tensor.count(os)];
        int[] idx = new int[r];
        for (int i = 0; i < out.length; i++) {
            int from = 0;
            for (int d = 0; d < r; d++) {
                from = from * s[d] + picks[d][idx[d]];
            }
            out[i] = data.data()[from];
            for (int d = r - 1; d >= 0 && ++idx[d] == os[d]; d--) {
                idx[d] = 0;
            }
        }
        return new Tensor(os, out);
    }

    /** The indices ONNX Slice takes along an axis of n (start and end clamped as the spec says). */
    private static int[] range(int n, long start, long end, long step) {
        if (step == 0) {
            throw new OnnxImportException("Slice with step 0");
        }
        start = start < 0 ? start + n : start;
        end = end < 0 ? end + n : end;
        if (step > 0) {
            start = Math.max(0, Math.min(n, start));
            end = Math.max(0, Math.min(n, end));
        } else {
            start = Math.max(-1, Math.min(n - 1, start));
            end = Math.max(-1, Math.min(n - 1, end));
        }
        List<Integer> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) {
            out.add((int) i);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** ONNX Reshape of a constant: 0 copies the input's dimension, -1 takes what is left. */
    static Tensor reshape(Tensor t, Tensor spec, String where) {
        double[] d = spec.data();
        int[] s = new int[d.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            int v = (int) d[i];
            if (v == -1 && infer < 0) {
                infer = i;
                continue;
            }
            if (v < 0 || (v == 0 && i >= t.rank())) {
                throw new OnnxImportException(where + ": cannot reshape a constant " + Arrays.toString(t.shape())
                        + " to " + Arrays.toString(d));
            }
            s[i] = v == 0 ? t.dim(i) : v;
            known *= s[i];
        }
        if (infer >= 0) {
            s[infer] = (int) (t.size() / Math.max(1, known));
        }
        if (Tensor.count(s) != t.size()) {
            throw new OnnxImportException(where + ": cannot reshape a constant " + Arrays.toString(t.shape())
                    + " to " + Arrays.toString(d));
        }
        return t.reshape(s);
    }
}
