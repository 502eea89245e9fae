package io.geomlens.cli;

import io.geomlens.graph.OpProfile;
import java.io.PrintWriter;
import java.util.List;

/** bench --profile: one more run of an operation with every step timed (OpProfile), as a table. */
final class ProfileReport {
    private static final int ROWS = 8;

    private ProfileReport() {}

    static void print(PrintWriter out, String op, Runnable body) {
        OpProfile p = OpProfile.start();
        long t0 = System.nanoTime();
        try {
            body.run();
        } finally {
            p.stop();
        }
        long wall = System.nanoTime() - t0;
        List<OpProfile.Entry> entries = p.entries();
        long steps = p.totalNanos();
        out.printf("    profile of one %s run: %.3f ms, every step synchronized%s%n", op, wall / 1e6,
                steps > wall ? " (step times of parallel threads add up)" : "");
        for (OpProfile.Entry e : entries.subList(0, Math.min(ROWS, entries.size()))) {
            out.printf("      %-26s %5.1f%%  %6d steps  %9.3f ms%n", e.opType() + " " + e.phase(),
                    100.0 * e.nanos() / Math.max(steps, wall), e.steps(), e.nanos() / 1e6);
        }
        if (entries.size() > ROWS) {
            long rest = entries.subList(ROWS, entries.size()).stream().mapToLong(OpProfile.Entry::nanos).sum();
            out.printf("      %-26s %5.1f%%  %9.3f ms%n", (entries.size() - ROWS) + " more", 100.0 * rest
                    / Math.max(steps, wall), rest / 1e6);
        }
        if (wall > steps) {
            out.printf("      %-26s %5.1f%%  %9.3f ms%n", "outside profiled steps", 100.0 * (wall - steps) / wall,
                    (wall - steps) / 1e6);
        }
        out.flush();
    }
}
