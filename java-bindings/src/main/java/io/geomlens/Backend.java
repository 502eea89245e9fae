package io.geomlens;

import io.geomlens.graph.Graph;

/** Runs graphs: the CPU backend (pure Java, the oracle) or the CUDA backend (libgeomlens). */
public interface Backend extends AutoCloseable {
    String name();

    Generator load(Graph graph);

    /** Measures the GEMM this backend runs its layers with (seconds of work; for benchmarks). */
    GemmPeak measureGemmPeak();

    /** The GEMM the layers run on, in words (geomlens bench prints it). */
    String gemmKernel();

    @Override
    default void close() {}
}
