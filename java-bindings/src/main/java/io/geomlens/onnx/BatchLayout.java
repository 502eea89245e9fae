package io.geomlens.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Where the axes of a latent-dependent ONNX value lie in the tensor geomlens computes, once the
 * model has moved the batch out of axis 0 or merged it with other axes (nn.MultiheadAttention's
 * [L, N, E] and [N * heads, L, d], x.view(L * N, E)). Each ONNX axis is a group of atoms in
 * row-major order; atom 0 is the batch. The computed tensor is [batch, sizes of `order`], so a
 * Transpose of the ONNX value only regroups atoms and a Reshape at most splits one.
 *
 * @param groups atoms of each ONNX axis, outer first
 * @param sizes  size of each atom (entry 0, the batch, unused)
 * @param order  the atoms other than the batch in the order of the computed tensor's axes 1..
 */
record BatchLayout(int[][] groups, int[] sizes, int[] order) {
    static final int BATCH = 0;

    /** A value whose batch is in axis 0 alone: shape is its batch-1 shape. */
    static BatchLayout plain(int[] shape) {
        int r = shape.length;
        int[][] groups = new int[r][];
        int[] order = new int[r - 1];
        groups[0] = new int[] {BATCH};
        for (int i = 1; i < r; i++) {
            groups[i] = new int[] {i};
            order[i - 1] = i;
        }
        int[] sizes = shape.clone();
        sizes[0] = 1;
        return new BatchLayout(groups, sizes, order);
    }

    /**
     * The canonical layout: ONNX order, one atom per axis, the batch's axis as [before, batch,
     * after], so the computed tensor [1, ...] is the ONNX value with its batch moved to the front.
     */
    static BatchLayout canonical(int batchAxis, int[] computed) {
        int[][] groups = new int[computed.length - 2][];
        for (int g = 0; g < groups.length; g++) {
            groups[g] = g < batchAxis ? new int[] {g + 1} : g == batchAxis ? new int[] {g + 1, BATCH, g + 2}
                    : new int[] {g + 2};
        }
        int[] order = new int[computed.length - 1];
        for (int i = 0; i < order.length; i++) {
            order[i] = i + 1;
        }
        int[] sizes = computed.clone();
        sizes[0] = 1;
        return new BatchLayout(groups, sizes, order);
    }

    int rank() {
        return groups.length;
    }

    int batchAxis() {
        for (int g = 0; g < groups.length; g++) {
            if (contains(groups[g], BATCH)) {
                return g;
            }
        }
        throw new IllegalStateException("layout without a batch");
    }

    /** Product of the non-batch atoms of ONNX axis g. */
    long size(int g) {
        long p = 1;
        for (int a : groups[g]) {
            p *= a == BATCH ? 1 : sizes[a];
        }
        return p;
    }

    /** The computed tensor's shape with batch 1. */
    int[] computedShape() {
        int[] s = new int[order.length + 1];
        s[0] = 1;
        for (int i = 0; i < order.length; i++) {
            s[i + 1] = sizes[order[i]];
        }
        return s;
    }

    /** The ONNX shape as Shape would fold it: the batch's axis is {@link ShapeFolding#BATCH} times the rest. */
    double[] onnxShape() {
        double[] d = new double[rank()];
        for (int g = 0; g < d.length; g++) {
            d[g] = contains(groups[g], BATCH) ? ShapeFolding.BATCH * size(g) : size(g);
        }
        return d;
    }

    /** "[6, N*4, 4]" for messages. */
    String describe() {
        StringBuilder s = new StringBuilder("[");
        for (int g = 0; g < rank(); g++) {
            s.append(g == 0 ? "" : ", ");
            boolean batch = contains(groups[g], BATCH);
            s.append(batch ? (size(g) == 1 ? "N" : "N*" + size(g)) : String.valueOf(size(g)));
        }
        return s.append("]").toString();
    }

    BatchLayout permuted(int[] perm) {
        if (perm.length != rank()) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " does not match rank " + rank());
        }
        int[][] g = new int[perm.length][];
        for (int i = 0; i < perm.length; i++) {
            g[i] = groups[NodeContext.axis(perm[i], rank())];
        }
        return new BatchLayout(g, sizes, order);
    }

    /** The non-batch atoms in ONNX (row-major) order. */
    int[] onnxOrder() {
        return Arrays.stream(groups).flatMapToInt(Arrays::stream).filter(a -> a != BATCH).toArray();
    }

    /** True when the batch is in axis 0 with nothing but size-1 atoms beside it. */
    boolean plainable() {
        return Arrays.stream(groups[0]).allMatch(a -> a == BATCH || sizes[a] == 1) && contains(groups[0], BATCH);
    }

    /** The ONNX value's batch-1 shape, for a plainable layout. */
    int[] plainShape() {
        int[] s = new int[rank()];
        s[0] = 1;
        for (int g = 1; g < s.length; g++) {
            s[g] = Math.toIntExact(size(g));
        }
        return s;
    }

    /** This layout made canonical (the computed tensor first transposed to {@link #onnxOrder}). */
    BatchLayout canonical() {
        int b = batchAxis();
        List<Integer> shape = new ArrayList<>(List.of(1));
        for (int g = 0; g < rank(); g++) {
            if (g != b) {
                shape.add(Math.toIntExact(size(g)));
                continue;
            }
            int at = indexOf(groups[g], BATCH);
            long before = 1;
            long after = 1;
            for (int i = 0; i < groups[g].length; i++) {
                before *= i < at ? sizes[groups[g][i]] : 1;
                after *= i > at ? sizes[groups[g][i]] : 1;
            }
            shape.add(Math.toIntExact(before));
            shape.add(Math.toIntExact(after));
        }
        return canonical(b, shape.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Axis of the computed canonical tensor that holds ONNX axis g (not the batch's axis). */
    static int computedAxis(int g, int batchAxis) {
        return g < batchAxis ? g + 1 : g + 2;
    }

    /** A Reshape's result: the new layout, and whether the computed tensor needs its own Reshape. */
    record Reshaped(BatchLayout layout, boolean reshapes) {}

    /**
     * The layout after an ONNX Reshape to target (entries: sizes, 0 = copy, -1 = infer, and
     * multiples of {@link ShapeFolding#BATCH} for the dimension holding the batch). Atoms are
     * matched to target dimensions in row-major order, splitting an atom where a dimension takes
     * part of it; the batch must land whole in one dimension.
     */
    Reshaped reshape(double[] target) {
        return plan(target, false);
    }

    /**
     * As {@link #reshape(double[])}, for a model exported from one latent when batchOfOne: torch then
     * writes the batch as a literal 1 (a leading 1 is the batch when the batch leads the input) or
     * folds it into a number (N * heads is heads); without an entry naming it, the batch (of size 1
     * in the export) stays with the atoms beside it: it opens the next dimension ([N * heads, L, d],
     * Swin's [N * windows, ...]) or, before the last one, closes the current one (view(L * N, E)).
     */
    Reshaped reshape(double[] target, boolean batchOfOne) {
        boolean named = false;
        for (int j = 0; j < target.length; j++) {
            named |= target[j] < -1 || target[j] == 0 && j < rank() && contains(groups[j], BATCH);
        }
        if (!batchOfOne || named) {
            return plan(target, false);
        }
        if (target.length > 0 && target[0] == 1 && contains(groups[0], BATCH)) {
            double[] t = target.clone();
            t[0] = ShapeFolding.BATCH;
            return plan(t, false);
        }
        return plan(target, true);
    }

    /** free: no entry names the batch, which goes with its neighbours (see above). */
    private Reshaped plan(double[] target, boolean free) {
        long[] need = new long[target.length];
        boolean[] batch = new boolean[target.length];
        int infer = -1;
        for (int j = 0; j < target.length; j++) {
            double v = target[j];
            if (v == 0) {
                if (j >= rank()) {
                    throw new IllegalArgumentException("target entry " + j + " copies an axis " + describe()
                            + " lacks");
                }
                need[j] = size(j);
                batch[j] = contains(groups[j], BATCH);
            } else if (v == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("the target shape has two -1 entries");
                }
                infer = j;
            } else if (v > 0) {
                need[j] = (long) v;
            } else if (v % ShapeFolding.BATCH == 0) {
                need[j] = (long) (v / ShapeFolding.BATCH);
                batch[j] = true;
            } else {
                throw new IllegalArgumentException("target entry " + j + " (" + v + ") is not a size");
            }
        }
        long total = 1;
        for (int a : onnxOrder()) {
            total *= sizes[a];
        }
        long known = 1;
        for (int j = 0; j < need.length; j++) {
            known *= j == infer ? 1 : need[j];
        }
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot infer the -1 entry");
            }
            need[infer] = total / known;
            boolean any = free;
            for (boolean x : batch) {
                any |= x;
            }
            batch[infer] = !any;
        }
        int batches = 0;
        long product = 1;
        for (int j = 0; j < need.length; j++) {
            batches += batch[j] ? 1 : 0;
            product *= need[j];
        }
        if (batches != (free ? 0 : 1) || product != total) {
            throw new IllegalArgumentException(batches != 1 ? "the target shape " + shapeText(target) + " does not"
                    + " keep the batch in exactly one dimension (a model exported with a fixed batch size has it as a"
                    + " number: export with dynamic_axes={'z': {0: 'N'}}, z the latent input's name)"
                    : "the target holds " + product + " values per sample, the input " + total);
        }
        return match(need, batch, free);
    }

    private static String shapeText(double[] target) {
        StringBuilder s = new StringBuilder("[");
        for (int j = 0; j < target.length; j++) {
            double v = target[j];
            s.append(j == 0 ? "" : ", ").append(v >= -1 ? String.valueOf((long) v)
                    : v / ShapeFolding.BATCH == 1 ? "N" : "N*" + (long) (v / ShapeFolding.BATCH));
        }
        return s.append("]").toString();
    }

    /** Assigns atoms (split where needed) to target dimensions, row-major; see {@link #reshape}. */
    private Reshaped match(long[] need, boolean[] batch, boolean free) {
        Deque<long[]> queue = new ArrayDeque<>();   // {atom, size left}
        for (int g = 0; g < rank(); g++) {
            for (int a : groups[g]) {
                queue.add(new long[] {a, a == BATCH ? 1 : sizes[a]});
            }
        }
        List<Integer> newSizes = new ArrayList<>(List.of(1));
        List<List<Integer>> pieces = new ArrayList<>();   // old atom -> new atoms, outer first
        for (int i = 0; i < sizes.length; i++) {
            pieces.add(new ArrayList<>());
        }
        List<Integer> fresh = new ArrayList<>();
        int[][] g = new int[need.length][];
        boolean reshapes = false;
        for (int j = 0; j < need.length; j++) {
            List<Integer> atoms = new ArrayList<>();
            long rem = need[j];
            boolean wantBatch = batch[j];
            while (rem > 1 || wantBatch) {
                long[] head = queue.peek();
                if (head == null) {
                    throw new IllegalArgumentException("ran out of axes");
                }
                if (head[0] == BATCH || head[1] == 1) {
                    if (head[0] == BATCH && !wantBatch && !free) {
                        throw new IllegalArgumentException("dimension " + j + " would take part of the batch (a"
                                + " size computed in Python from the batch, like int(x.shape[0] / k), is traced as a"
                                + " number: keep it a tensor expression, or export from one latent)");
                    }
                    wantBatch &= head[0] != BATCH;
                    queue.poll();
                    atoms.add(head[0] == BATCH ? BATCH : piece(head, head[1], newSizes, pieces));
                } else if (rem == 1) {
                    throw new IllegalArgumentException("dimension " + j + " would hold the batch and axes apart from"
                            + " it");
                } else if (rem % head[1] == 0) {
                    rem /= head[1];
                    queue.poll();
                    atoms.add(piece(head, head[1], newSizes, pieces));
                } else if (head[1] % rem == 0) {
                    head[1] /= rem;
                    atoms.add(piece(head, rem, newSizes, pieces));
                    rem = 1;
                    reshapes = true;
                } else {
                    throw new IllegalArgumentException("dimension " + j + " (" + need[j] + ") cuts across an axis");
                }
            }
            // Where the batch (1 in the export) goes without a name: it opens the next dimension
            // ([N * heads, L, d]), except before the last one, which is mostly contracted: there it
            // closes this one (view(L * N, E) before out_proj).
            boolean closes = !atoms.isEmpty() && j + 2 == need.length;
            if (free && (atoms.isEmpty() || closes) && batchBehindOnes(queue)) {
                while (true) {
                    long[] head = queue.poll();
                    atoms.add(head[0] == BATCH ? BATCH : piece(head, 1, newSizes, pieces));
                    if (head[0] == BATCH) {
                        break;
                    }
                }
            }
            if (atoms.isEmpty()) {
                newSizes.add(1);
                fresh.add(newSizes.size() - 1);
                atoms.add(newSizes.size() - 1);
                reshapes = true;
            }
            g[j] = atoms.stream().mapToInt(Integer::intValue).toArray();
        }
        List<Integer> last = new ArrayList<>(Arrays.stream(g[g.length - 1]).boxed().toList());
        for (long[] head : queue) {   // only size-1 atoms are left; row-major order does not see them
            last.add(head[0] == BATCH ? BATCH : piece(head, 1, newSizes, pieces));
        }
        g[g.length - 1] = last.stream().mapToInt(Integer::intValue).toArray();
        List<Integer> newOrder = new ArrayList<>();
        for (int a : order) {
            newOrder.addAll(pieces.get(a));
            reshapes |= pieces.get(a).size() != 1;
        }
        newOrder.addAll(fresh);
        return new Reshaped(new BatchLayout(g, newSizes.stream().mapToInt(Integer::intValue).toArray(),
                newOrder.stream().mapToInt(Integer::intValue).toArray()), reshapes);
    }

    /** True when the queue holds the batch after nothing but size-1 atoms. */
    private static boolean batchBehindOnes(Deque<long[]> queue) {
        for (long[] a : queue) {
            if (a[0] == BATCH) {
                return true;
            }
            if (a[1] != 1) {
                return false;
            }
        }
        return false;
    }

    private static int piece(long[] head, long size, List<Integer> newSizes, List<List<Integer>> pieces) {
        newSizes.add(Math.toIntExact(size));
        pieces.get((int) head[0]).add(newSizes.size() - 1);
        return newSizes.size() - 1;
    }

    static boolean contains(int[] a, int v) {
        return indexOf(a, v) >= 0;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchLayout l && Arrays.deepEquals(groups, l.groups) && Arrays.equals(sizes, l.sizes)
                && Arrays.equals(order, l.order);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(groups) * 31 + Arrays.hashCode(order);
    }

    @Override
    public String toString() {
        return describe();
    }
}
