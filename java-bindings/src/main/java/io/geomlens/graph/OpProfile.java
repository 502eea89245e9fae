package io.geomlens.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time per op type and phase (forward, jvp, vjp) of every graph step run while a profile is
 * active, on any backend: where a psi/nu, delta or Lanczos run spends its time. Each step is
 * bracketed by the executor's synchronize, so a GPU's queued work is charged to the op that
 * queued it; that serializes the device, so profile a run apart from the timed runs. Times from
 * threads that run steps at once (the CPU backend's per-latent parallelism) add up.
 */
public final class OpProfile {
    private static volatile OpProfile active;

    private final Map<String, LongAdder[]> steps = new ConcurrentHashMap<>();

    private OpProfile() {}

    /** Profiles every graph step, on every thread, until {@link #stop()}. */
    public static synchronized OpProfile start() {
        active = new OpProfile();
        return active;
    }

    public synchronized void stop() {
        if (active == this) {
            active = null;
        }
    }

    /**
     * Runs step; while a profile is active, charges its time to (what, phase), with sync (waiting
     * for the device's queued work) before and after. Graph steps come here, and so do the
     * backends' steps outside the graph (the Gram matrix and eigen-solver of psi/nu).
     */
    public static <R> R measure(String what, String phase, Runnable sync, java.util.function.Supplier<R> step) {
        OpProfile p = active;
        if (p == null) {
            return step.get();
        }
        sync.run();
        long t0 = System.nanoTime();
        R r = step.get();
        sync.run();
        p.add(what, phase, System.nanoTime() - t0);
        return r;
    }

    void add(String opType, String phase, long nanos) {
        LongAdder[] a = steps.computeIfAbsent(opType + "\t" + phase, key -> new LongAdder[] {new LongAdder(),
                new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** One op type in one phase: how many steps and their total time. */
    public record Entry(String opType, String phase, long steps, long nanos) {}

    /** Entries, most time first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        steps.forEach((key, a) -> {
            String[] k = key.split("\t");
            out.add(new Entry(k[0], k[1], a[0].sum(), a[1].sum()));
        });
        out.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return out;
    }

    public long totalNanos() {
        return entries().stream().mapToLong(Entry::nanos).sum();
    }
}
