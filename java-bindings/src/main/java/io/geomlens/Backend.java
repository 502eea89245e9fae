package io.geomlens;

import io.geomlens.graph.Graph;

/** Runs graphs: the CPU backend (pure Java, the oracle) or the CUDA backend (libgeomlens). */
public interface Backend extends AutoCloseable {
    String name();

    Generator load(Graph graph);

    @Override
    default void close() {}
}
