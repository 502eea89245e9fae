package io.geomlens;

/**
 * A backend's measured float32 GEMM throughput on square n x n products (best of a few runs):
 * the practical peak that achieved FLOP/s of the descriptors are compared with.
 */
public record GemmPeak(int n, double flopsPerSecond) {
    /** Best time of runs calls of one n x n x n product (after one warm-up call) as a GemmPeak. */
    public static GemmPeak time(int n, int runs, Runnable product) {
        product.run();
        long best = Long.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            product.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return new GemmPeak(n, 2.0 * n * n * n / (best / 1e9));
    }
}
