/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The checkpoints of a soak and the verdict on each measured series: <em>flat after warm-up</em> when the last
 * checkpoint is at most {@code tolerance} above the first checkpoint after the warm-up, plus the series' slack (an
 * absolute allowance for noise: a full GC does not give the same heap twice). A verdict needs two checkpoints after the
 * warm-up; with fewer it is "unknown".
 */
final class SoakSeries {

    /** MiB, the unit of the byte series' slack. */
    static final long MIB = 1024L * 1024L;

    /** One checkpoint: traces decided so far and what was measured then. */
    record Checkpoint(long traces, double seconds, long heapAfterGcBytes, long stateBytes, long changelogBytes, long lag) {
    }

    /** The verdict on one series. */
    record Verdict(String series, Boolean flat, long firstAfterWarmup, long last, long allowed) {

        String word() {
            return flat == null ? "unknown (fewer than 2 checkpoints after warm-up)" : flat ? "flat" : "growing";
        }
    }

    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final int warmup;
    private final double tolerance;

    SoakSeries(final int warmup, final double tolerance) {
        this.warmup = warmup;
        this.tolerance = tolerance;
    }

    void add(final Checkpoint c) {
        checkpoints.add(c);
    }

    List<Checkpoint> checkpoints() {
        return List.copyOf(checkpoints);
    }

    /** Verdicts on heap (slack 32 MiB), state directory and changelog bytes (4 MiB each) and lag (slack {@code lagSlack}). */
    List<Verdict> verdicts(final long lagSlack) {
        return List.of(verdict("heap_after_gc", Checkpoint::heapAfterGcBytes, 32 * MIB),
                verdict("state_bytes", Checkpoint::stateBytes, 4 * MIB),
                verdict("changelog_bytes", Checkpoint::changelogBytes, 4 * MIB),
                verdict("lag", Checkpoint::lag, lagSlack));
    }

    Verdict verdict(final String name, final ToLongFunction<Checkpoint> series, final long slack) {
        if (checkpoints.size() < warmup + 2) {
            return new Verdict(name, null, -1, -1, -1);
        }
        final long first = series.applyAsLong(checkpoints.get(warmup));
        final long last = series.applyAsLong(checkpoints.get(checkpoints.size() - 1));
        final long allowed = (long) Math.floor(first * (1.0 + tolerance)) + slack;
        return new Verdict(name, last <= allowed, first, last, allowed);
    }

    /** Whether every series with a verdict is flat; null when none has one. */
    Boolean allFlat(final long lagSlack) {
        Boolean all = null;
        for (final Verdict v : verdicts(lagSlack)) {
            if (v.flat() != null) {
                all = (all == null || all) && v.flat();
            }
        }
        return all;
    }

    /** The table printed by {@code tracer bench soak}. */
    String table() {
        final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%10s %9s %14s %12s %15s %8s%n", "traces", "seconds",
                "heap after GC", "state dir", "changelog", "lag"));
        for (final Checkpoint c : checkpoints) {
            b.append(String.format(Locale.ROOT, "%,10d %9.1f %11.1f MiB %8.1f MiB %11.1f MiB %,8d%n", c.traces(), c.seconds(),
                    mib(c.heapAfterGcBytes()), mib(c.stateBytes()), mib(c.changelogBytes()), c.lag()));
        }
        return b.toString();
    }

    String checkpointsJson() {
        final List<String> items = new ArrayList<>();
        for (final Checkpoint c : checkpoints) {
            items.add(String.format(Locale.ROOT, "{\"traces\":%d,\"seconds\":%.1f,\"heap_after_gc_bytes\":%d,\"state_bytes\":%d,"
                    + "\"changelog_bytes\":%d,\"lag\":%d}", c.traces(), c.seconds(), c.heapAfterGcBytes(), c.stateBytes(),
                    c.changelogBytes(), c.lag()));
        }
        return "[" + String.join(",", items) + "]";
    }

    static double mib(final long bytes) {
        return bytes / (double) MIB;
    }
}
