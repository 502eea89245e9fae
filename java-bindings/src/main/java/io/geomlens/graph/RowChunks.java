package io.geomlens.graph;

import java.util.Arrays;

/** A call over many rows (latents, tangents, cotangents) made as several calls of at most `chunk` rows. */
public final class RowChunks {
    private RowChunks() {}

    /** One call over m rows of a row-major array. */
    @FunctionalInterface
    public interface Call {
        double[] run(double[] rows, int m);
    }

    /** One call over rows first .. first + m - 1 of a row-major array (given as their own array). */
    @FunctionalInterface
    public interface Part {
        void run(double[] rows, int first, int m);
    }

    /** count rows of `width` values through f, chunk at a time, into one array of outWidth-wide rows. */
    public static double[] map(double[] rows, int count, int width, int outWidth, int chunk, Call f) {
        if (count <= chunk) {
            return f.run(rows, count);
        }
        double[] out = new double[Math.multiplyExact(count, outWidth)];
        forEach(rows, count, width, chunk, (part, first, m) ->
                System.arraycopy(f.run(part, m), 0, out, first * outWidth, m * outWidth));
        return out;
    }

    /** count rows of `width` values handed to f, chunk at a time, with the index of each part's first row. */
    public static void forEach(double[] rows, int count, int width, int chunk, Part f) {
        for (int start = 0; start < count; start += chunk) {
            int m = Math.min(chunk, count - start);
            f.run(Arrays.copyOfRange(rows, start * width, (start + m) * width), start, m);
        }
    }
}
