package io.geomlens.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Walks a {@link Graph} for any backend: forward, forward mode (k tangents at one latent) and
 * reverse mode (k cotangents at one latent). Shape errors come back naming the node.
 */
public final class GraphRunner<T> {
    private final Graph graph;
    private final Executor<T> ex;

    public GraphRunner(Graph graph, Executor<T> ex) {
        this.graph = graph;
        this.ex = ex;
    }

    public Graph graph() {
        return graph;
    }

    /** Shape [batch, input...] of a batch of latents. */
    public int[] inputShape(int batch) {
        return withBatch(graph.inputShape(), batch);
    }

    public int[] outputShape(int batch) {
        return withBatch(graph.outputShape(), batch);
    }

    private static int[] withBatch(int[] sample, int batch) {
        int[] s = new int[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /** Forward pass; preActivation (if not null) sees each nonlinearity's input, with its layer index. */
    public T forward(T z, BiConsumer<Integer, T> preActivation) {
        Object[] values = new Object[graph.valueCount()];
        values[graph.inputValue()] = z;
        int[] last = BufferReleaser.lastUses(graph);
        BufferReleaser<T> free = new BufferReleaser<>(ex, z);
        int layer = 0;
        List<Graph.Node> nodes = graph.nodes();
        for (int j = 0; j < nodes.size(); j++) {
            Graph.Node node = nodes.get(j);
            T[] x = inputs(node, values);
            if (preActivation != null && node.op().isNonlinearity()) {
                preActivation.accept(layer++, x[0]);
            }
            values[node.output()] = run(node, "forward", () -> ex.forward(node, x));
            free.release(expire(node, j, last, values), values);
        }
        return get(values, graph.outputValue());
    }

    /**
     * Output tangents for N latents z [N, input...] and tangents v [N*k, input...], where tangent
     * rows i*k .. i*k+k-1 belong to latent i. With N = 1 the primal broadcasts against the k
     * tangents; otherwise primal values are repeated k times row-wise so every op's JVP applies.
     */
    public T jvp(T z, T v) {
        int n = ex.shape(z)[0];
        int rows = ex.shape(v)[0];
        int k = group(n, rows);
        Object[] values = new Object[graph.valueCount()];
        Object[] tangents = new Object[graph.valueCount()];
        values[graph.inputValue()] = z;
        tangents[graph.inputValue()] = v;
        int[] last = BufferReleaser.lastUses(graph);
        BufferReleaser<T> free = new BufferReleaser<>(ex, z, v);
        List<Graph.Node> nodes = graph.nodes();
        for (int j = 0; j < nodes.size(); j++) {
            Graph.Node node = nodes.get(j);
            T[] x = inputs(node, values);
            T[] t = newArray(x.length);
            for (int i = 0; i < t.length; i++) {
                t[i] = get(tangents, node.inputs()[i]);
            }
            T y = run(node, "forward", () -> ex.forward(node, x));
            values[node.output()] = y;
            T[] xr = repeated(node, x, n, k);
            T yr = n == 1 || !node.op().derivativeUsesPrimal() ? y : ex.repeatRows(y, k);
            int[] want = withBatch(Arrays.copyOfRange(ex.shape(y), 1, ex.shape(y).length), rows);
            List<T> dead = repeats(x, xr, y, yr);
            tangents[node.output()] = run(node, "jvp", () -> {
                T ty = ex.jvp(node, xr, yr, t);
                if (Arrays.equals(ex.shape(ty), want)) {
                    return ty;
                }
                dead.add(ty);   // a tangent narrower than its primal, broadcast into a new one
                return ex.expand(ty, want);
            });
            dead.addAll(expire(node, j, last, values, tangents));
            free.release(dead, values, tangents);
        }
        return get(tangents, graph.outputValue());
    }

    /**
     * Input cotangents for N latents z [N, input...] and cotangents u [N*k, output...], rows
     * i*k .. i*k+k-1 belonging to latent i (see {@link #jvp}).
     */
    public T vjp(T z, T u) {
        int n = ex.shape(z)[0];
        int rows = ex.shape(u)[0];
        int k = group(n, rows);
        Object[] values = new Object[graph.valueCount()];
        values[graph.inputValue()] = z;
        for (Graph.Node node : graph.nodes()) {
            T[] x = inputs(node, values);
            values[node.output()] = run(node, "forward", () -> ex.forward(node, x));
        }
        Object[] grads = new Object[graph.valueCount()];
        grads[graph.outputValue()] = u;
        BufferReleaser<T> free = new BufferReleaser<>(ex, z, u);
        var nodes = graph.nodes();
        for (int j = nodes.size() - 1; j >= 0; j--) {
            Graph.Node node = nodes.get(j);
            T gy = get(grads, node.output());
            if (gy == null) {
                continue;
            }
            T[] x0 = inputs(node, values);
            T[] x = repeated(node, x0, n, k);
            boolean[] needs = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                needs[i] = graph.constant(node.inputs()[i]) == null;
            }
            T y = get(values, node.output());
            T yr = n == 1 || !node.op().derivativeUsesPrimal() ? y : ex.repeatRows(y, k);
            T[] g = run(node, "vjp", () -> ex.vjp(node, x, yr, gy, needs));
            List<T> dead = repeats(x0, x, y, yr);
            grads[node.output()] = null;   // every consumer of this value came later: its cotangent is complete
            dead.add(gy);
            for (int i = 0; i < x.length; i++) {
                if (needs[i]) {
                    int id = node.inputs()[i];
                    T prev = get(grads, id);
                    if (prev == null) {
                        grads[id] = g[i];
                    } else {
                        grads[id] = ex.add(prev, g[i]);
                        dead.add(prev);
                        dead.add(g[i]);
                    }
                }
            }
            free.release(dead, grads, values);
        }
        T gz = get(grads, graph.inputValue());
        return gz != null ? gz : ex.zeros(withBatch(graph.inputShape(), rows));
    }

    /** The row-repeated copies made for one step (those that are not the originals). */
    private List<T> repeats(T[] x, T[] xr, T y, T yr) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (xr[i] != x[i]) {
                out.add(xr[i]);
            }
        }
        if (yr != y) {
            out.add(yr);
        }
        return out;
    }

    /**
     * After node j: the values it read for the last time, and its own output if nothing reads it,
     * taken out of every slot array (the graph's input and output stay).
     */
    private List<T> expire(Graph.Node node, int j, int[] last, Object[]... slots) {
        List<T> out = new ArrayList<>();
        for (int id : node.inputs()) {
            if (last[id] == j && id != graph.inputValue()) {
                take(id, out, slots);
            }
        }
        if (last[node.output()] < 0) {
            take(node.output(), out, slots);
        }
        return out;
    }

    private void take(int id, List<T> out, Object[][] slots) {
        for (Object[] a : slots) {
            if (a[id] != null) {
                out.add(get(a, id));
                a[id] = null;
            }
        }
    }

    private static int group(int n, int rows) {
        if (n < 1 || rows % n != 0) {
            throw new GraphException(rows + " tangent rows do not split evenly over " + n + " latents");
        }
        return rows / n;
    }

    /**
     * Latent-dependent inputs repeated k times row-wise; unchanged for constants, for N = 1 and for
     * ops whose derivative reads only shapes.
     */
    private T[] repeated(Graph.Node node, T[] x, int n, int k) {
        if (n == 1 || !node.op().derivativeUsesPrimal()) {
            return x;
        }
        T[] r = newArray(x.length);
        for (int i = 0; i < x.length; i++) {
            r[i] = graph.constant(node.inputs()[i]) == null ? ex.repeatRows(x[i], k) : x[i];
        }
        return r;
    }

    private T[] inputs(Graph.Node node, Object[] values) {
        T[] x = newArray(node.inputs().length);
        for (int i = 0; i < x.length; i++) {
            int id = node.inputs()[i];
            Tensor c = graph.constant(id);
            x[i] = c != null ? ex.constant(id, c) : get(values, id);
        }
        return x;
    }

    private <R> R run(Graph.Node node, String phase, Supplier<R> step) {
        try {
            return OpProfile.measure(node.opType(), phase, ex::synchronize, step);
        } catch (ShapeException e) {
            throw new GraphException(node.describe(graph.opset()) + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private T get(Object[] a, int i) {
        return (T) a[i];
    }

    private T[] newArray(int n) {
        return ex.newArray(n);
    }
}
