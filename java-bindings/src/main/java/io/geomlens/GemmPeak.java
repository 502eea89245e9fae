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

    /**
     * Doubles n from first while one call takes under enoughNanos and 2n <= last; returns the
     * last measurement. So a fast device is timed at sizes that fill it, and a slow one (a
     * simulator standing in for a GPU) is not kept for minutes per call.
     */
    public static GemmPeak grow(int first, int last, long enoughNanos, java.util.function.IntFunction<GemmPeak> timeAt) {
        if (first < 1 || last < first) throw new IllegalArgumentException("need 1 <= first <= last, got " + first + ", " + last);
        for (int n = first; ; n *= 2) {
            GemmPeak p = timeAt.apply(n);
            if (p.nanosPerCall() >= enoughNanos || 2L * n > last) return p;
        }
    }

    /** Time of one n x n x n product at this rate. */
    public double nanosPerCall() {
        return 2.0 * n * n * n / flopsPerSecond * 1e9;
    }
}
