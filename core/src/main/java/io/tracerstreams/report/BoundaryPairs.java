/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.state.ReportCandidatesState;
import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Boundary pairs: per label, the handled request that scored lowest at or above the label's bar next to the
 * deferred one that scored highest below it, among the last {@link ReportConfig#boundaryCandidates()} handled
 * and deferred requests of that label. At most {@link ReportConfig#maxBoundaryPairs()} pairs per report.
 */
final class BoundaryPairs implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int candidates;
    private final int maxPairs;
    private final Map<String, Candidates> labels = new HashMap<>();

    BoundaryPairs(final ReportConfig config) {
        this.candidates = config.boundaryCandidates();
        this.maxPairs = config.maxBoundaryPairs();
    }

    /** A handled request of a label (its surrogate's). */
    void onHandled(final String label, final KeptExample example) {
        push(candidates(label).handled, example);
    }

    /** A request of a label routed below its bar. */
    void onDeferred(final String label, final KeptExample example) {
        push(candidates(label).deferred, example);
    }

    /**
     * The pairs of the labels in {@code order} (a report's label slices; a slice's bar is its threshold, else
     * {@code served}), in that order, labels without a pair skipped.
     */
    List<ReportBoundaryPair> build(final List<ReportSlice> order, final Double served) {
        final List<ReportBoundaryPair> out = new ArrayList<>();
        for (final ReportSlice slice : order) {
            if (out.size() >= maxPairs) {
                break;
            }
            final Double t = slice.getThreshold() != null ? slice.getThreshold() : served;
            final Candidates kept = labels.get(slice.getKey());
            if (t == null || kept == null) {
                continue;
            }
            KeptExample lowestHandled = null;
            for (final KeptExample e : kept.handled) {
                if (e.score >= t && (lowestHandled == null || e.score < lowestHandled.score)) {
                    lowestHandled = e;
                }
            }
            KeptExample highestDeferred = null;
            for (final KeptExample e : kept.deferred) {
                if (e.score < t && (highestDeferred == null || e.score > highestDeferred.score)) {
                    highestDeferred = e;
                }
            }
            if (lowestHandled != null && highestDeferred != null) {
                out.add(ReportBoundaryPair.newBuilder()
                        .setLabel(slice.getKey())
                        .setThreshold(t)
                        .setHandled(lowestHandled.toAvro())
                        .setDeferred(highestDeferred.toAvro())
                        .build());
            }
        }
        return out;
    }

    /** Restores a label's candidates, oldest first. */
    void restore(final String label, final Collection<KeptExample> handled, final Collection<KeptExample> deferred) {
        for (final KeptExample e : handled) {
            onHandled(label, e);
        }
        for (final KeptExample e : deferred) {
            onDeferred(label, e);
        }
    }

    /** Stores each label's candidates, oldest first, by index in {@code table}. */
    void toState(final ReportState.Builder out, final ExampleTable table) {
        final Map<String, ReportCandidatesState> states = new TreeMap<>();
        for (final Map.Entry<String, Candidates> e : new TreeMap<>(labels).entrySet()) { // indexes in key order
            states.put(e.getKey(), ReportCandidatesState.newBuilder().setHandled(table.indexesOf(e.getValue().handled))
                    .setDeferred(table.indexesOf(e.getValue().deferred)).build());
        }
        out.setBoundaryCandidates(states);
    }

    /**
     * The candidates a state holds ({@link #toState}).
     *
     * @throws IllegalArgumentException naming the field that refers to no example
     */
    static BoundaryPairs fromState(final ReportState in, final ReportConfig config, final ExampleTable table) {
        final BoundaryPairs pairs = new BoundaryPairs(config);
        for (final Map.Entry<String, ReportCandidatesState> e : in.getBoundaryCandidates().entrySet()) {
            final String field = "boundary_candidates[" + e.getKey() + "]";
            pairs.restore(e.getKey(), table.at(e.getValue().getHandled(), field + ".handled"),
                    table.at(e.getValue().getDeferred(), field + ".deferred"));
        }
        return pairs;
    }

    /** Candidates kept, handled and deferred, over all labels. */
    int retained() {
        int kept = 0;
        for (final Candidates c : labels.values()) {
            kept += c.handled.size() + c.deferred.size();
        }
        return kept;
    }

    private Candidates candidates(final String label) {
        return labels.computeIfAbsent(label, l -> new Candidates());
    }

    private void push(final ArrayDeque<KeptExample> ring, final KeptExample example) {
        ring.addLast(example);
        while (ring.size() > candidates) {
            ring.removeFirst();
        }
    }

    /** The last handled and deferred requests of one label. */
    private static final class Candidates implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayDeque<KeptExample> handled = new ArrayDeque<>();
        private final ArrayDeque<KeptExample> deferred = new ArrayDeque<>();
    }
}
