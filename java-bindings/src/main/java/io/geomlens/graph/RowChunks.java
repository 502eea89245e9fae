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

    /** count rows of `width` values through f, chunk at a time, into one array of outWidth-wide rows. */
    public static double[] map(double[] rows, int count, int width, int outWidth, int chunk, Call f) {
        if (count <= chunk) {
            return f.run(rows, count);
        }
        double[] out = new double[Math.multiplyExact(count, outWidth)];
        for (int start = 0; start < count; start += chunk) {
            int m = Math.min(chunk, count - start);
            double[] part = Arrays.copyOfRange(rows, start * width, (start + m) * width);
            System.arraycopy(f.run(part, m), 0, out, start * outWidth, m * outWidth);
        }
        return out;
    }
}
