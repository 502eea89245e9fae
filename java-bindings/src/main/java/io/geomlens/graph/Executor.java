package io.geomlens.graph;

/**
 * What a backend supplies to run a graph on its own tensor type T (host {@link Tensor}s, device
 * buffers): each node's forward, JVP and VJP, plus the few tensor operations the walker needs.
 */
public interface Executor<T> {
    /** The backend's copy of a graph constant (an implementation may cache it by value id). */
    T constant(int value, Tensor c);

    int[] shape(T t);

    T forward(Graph.Node node, T[] x);

    /** See {@link Op#jvp}; t[i] is null where input i is constant. */
    T jvp(Graph.Node node, T[] x, T y, T[] t);

    /** See {@link Op#vjp}. */
    T[] vjp(Graph.Node node, T[] x, T y, T gy, boolean[] needs);

    T add(T a, T b);

    /** t broadcast to a larger shape (a tangent narrower than its primal output). */
    T expand(T t, int[] shape);

    T zeros(int[] shape);

    T reshape(T t, int[] shape);

    /** Each row (dimension 0) repeated k times in place: [N, ...] -> [N*k, ...], rows i*k..i*k+k-1 = row i. */
    T repeatRows(T t, int k);

    /** A T[] of length n (Java cannot create generic arrays). */
    T[] newArray(int n);

    /** Waits for the work queued so far (a GPU's stream); for {@link OpProfile}'s step times. */
    default void synchronize() {}

    /**
     * The allocation t lives in (views share their base's), or null where t is not this call's
     * to free (host tensors, cached weights). With {@link #releaseBuffer} it lets the walker hand
     * back intermediate device memory once no live value refers to it.
     */
    default Object bufferOf(T t) {
        return null;
    }

    /** Frees an allocation that {@link #bufferOf} returned (stream-ordered on a GPU). */
    default void releaseBuffer(Object buffer) {}
}
