package io.geomlens.graph;

import java.util.List;

/**
 * What one row (a latent, tangent or cotangent) of a walk over the graph holds at its peak: the
 * values alive together, each from the node that makes it to its last reader (a VJP keeps the
 * cotangents over the same spans, walked backwards), and the largest single value, for the
 * double-precision copies an op makes of its input and output while it runs.
 */
public record RowFootprint(long liveElements, long largestValue) {
    /** An op's transient doubles: a widened input, its output, one more (a broadcast or expand). */
    private static final int TRANSIENT_BYTES = 3 * Double.BYTES;

    public static RowFootprint of(Graph g) {
        List<Graph.Node> nodes = g.nodes();
        int[] last = BufferReleaser.lastUses(g);
        long[] delta = new long[nodes.size() + 2];   // live elements change at node j: delta[j + 1]
        long largest = count(g.valueShape(g.inputValue()));
        add(delta, -1, last[g.inputValue()], largest, nodes.size());
        for (int j = 0; j < nodes.size(); j++) {
            int out = nodes.get(j).output();
            long size = count(g.valueShape(out));
            largest = Math.max(largest, size);
            add(delta, j, last[out], size, nodes.size());
        }
        long live = 0;
        long peak = 0;
        for (long d : delta) {
            live += d;
            peak = Math.max(peak, live);
        }
        return new RowFootprint(peak, largest);
    }

    /** Bytes per row with values stored at bytesPerElement between ops. */
    public long bytes(int bytesPerElement) {
        return bytesPerElement * liveElements + TRANSIENT_BYTES * largestValue;
    }

    /** Alive from node `from` through node `to` (-1: unread; past the end: the output). */
    private static void add(long[] delta, int from, int to, long size, int n) {
        int end = to < 0 ? from : Math.min(to, n - 1);
        delta[from + 1] += size;
        delta[end + 2] -= size;
    }

    private static long count(int[] shape) {
        return shape == null ? 0 : Tensor.count(shape);
    }
}
