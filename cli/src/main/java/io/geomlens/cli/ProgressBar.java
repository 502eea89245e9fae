package io.geomlens.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn at most five times a second; silent for runs
 * that finish in under a second so short commands print nothing extra.
 */
final class ProgressBar {
    private final PrintWriter out;
    private final int total;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter out, int total, String unit) {
        this.out = out;
        this.total = total;
        this.unit = unit;
    }

    synchronized void update(int done) {
        long now = System.nanoTime();
        if (now - start < 1_000_000_000L || now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        double secs = (now - start) / 1e9;
        double rate = done / secs;
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        out.printf("\r[%s%s] %d/%d %s  %.1f/s  ETA %.0fs ", "#".repeat(filled), ".".repeat(width - filled),
                done, total, unit, rate, rate > 0 ? (total - done) / rate : 0.0);
        out.flush();
    }

    /** Ends the bar's line and returns the elapsed seconds. */
    synchronized double finish() {
        if (drawn) {
            out.println();
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
