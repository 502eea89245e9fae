package io.geomlens.graph;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hands a device backend's intermediate buffers back as soon as no live value of the walk refers
 * to them, so a call's peak memory is a few layers, not the sum of all. Values are compared by
 * the buffer they live in (Executor.bufferOf), since reshapes and slices are views that share
 * one. Buffers of the caller's inputs are pinned; values outside the executor's own allocations
 * (cached weights) have no buffer and are never released.
 */
final class BufferReleaser<T> {
    private final Executor<T> ex;
    private final Map<T, Object> buffers = new IdentityHashMap<>();
    private final Set<Object> pinned = Collections.newSetFromMap(new IdentityHashMap<>());

    @SafeVarargs
    BufferReleaser(Executor<T> ex, T... callerOwned) {
        this.ex = ex;
        for (T t : callerOwned) {
            Object b = buffer(t);
            if (b != null) {
                pinned.add(b);
            }
        }
    }

    private Object buffer(T t) {
        return t == null ? null : buffers.computeIfAbsent(t, ex::bufferOf);
    }

    /** Releases the buffers of `dead` that no entry of the `live` slot arrays still refers to. */
    void release(List<T> dead, Object[]... live) {
        Set<Object> candidates = Collections.newSetFromMap(new IdentityHashMap<>());
        for (T t : dead) {
            Object b = buffer(t);
            if (b != null && !pinned.contains(b)) {
                candidates.add(b);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        for (Object[] slots : live) {
            for (Object o : slots) {
                if (o != null) {
                    @SuppressWarnings("unchecked")
                    T t = (T) o;
                    candidates.remove(buffer(t));
                }
            }
        }
        for (Object b : candidates) {
            ex.releaseBuffer(b);
        }
    }

    /** For each value id, the index of the last node that reads it (-1: none; the output: never). */
    static int[] lastUses(Graph graph) {
        int[] last = new int[graph.valueCount()];
        java.util.Arrays.fill(last, -1);
        List<Graph.Node> nodes = graph.nodes();
        for (int j = 0; j < nodes.size(); j++) {
            for (int id : nodes.get(j).inputs()) {
                last[id] = j;
            }
        }
        last[graph.outputValue()] = Integer.MAX_VALUE;
        return last;
    }
}
