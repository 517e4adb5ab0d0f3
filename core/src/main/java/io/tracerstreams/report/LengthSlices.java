/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.state.ReportSliceState;
import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's slices per input length in words, one per bucket of {@link ReportConfig#lengthEdges()}
 * ({@code 1-5}, {@code 6-10}, ..., {@code 41+}); every request counts under its bucket at once.
 */
final class LengthSlices implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<Integer> edges;
    private final double trendTolerance;
    private final ArrayList<SliceState> buckets = new ArrayList<>();
    private final DecayedSum attributed;

    LengthSlices(final ReportConfig config) {
        this.edges = List.copyOf(config.lengthEdges());
        this.trendTolerance = config.trendTolerance();
        this.attributed = new DecayedSum();
        int low = 1;
        for (final int edge : edges) {
            buckets.add(new SliceState(low + "-" + edge));
            low = edge + 1;
        }
        buckets.add(new SliceState(low + "+"));
    }

    /** Buckets restored, shortest first (one per bucket of the config), with the decayed traffic of all of them. */
    LengthSlices(final ReportConfig config, final List<SliceState> restored, final DecayedSum attributed) {
        this.edges = List.copyOf(config.lengthEdges());
        this.trendTolerance = config.trendTolerance();
        if (restored.size() != edges.size() + 1) {
            throw new IllegalArgumentException("length buckets: " + restored.size() + " restored, the config has "
                    + (edges.size() + 1));
        }
        this.buckets.addAll(restored);
        this.attributed = attributed;
    }

    /** The bucket of a text of {@code words} words. */
    SliceState bucket(final int words) {
        for (int i = 0; i < edges.size(); i++) {
            if (words <= edges.get(i)) {
                return buckets.get(i);
            }
        }
        return buckets.get(edges.size());
    }

    /** Counts one request of {@code words} words. */
    void addRequest(final int words, final boolean wasHandled, final long now, final double factor) {
        bucket(words).addRequest(wasHandled, now, factor);
        attributed.add(1.0, now, factor);
    }

    /** Every bucket, shortest first. */
    List<ReportSlice> report(final long now, final double factor) {
        final List<ReportSlice> out = new ArrayList<>(buckets.size());
        for (final SliceState bucket : buckets) {
            out.add(bucket.toAvro(attributed, now, factor, trendTolerance));
        }
        return out;
    }

    /** Closes a report interval: the next report's deltas are relative to now. */
    void remember(final long now, final double factor) {
        for (final SliceState bucket : buckets) {
            bucket.remember(attributed, now, factor);
        }
    }

    /** Stores the buckets, shortest first, and the traffic of all of them. */
    void toState(final ReportState.Builder out) {
        final List<ReportSliceState> states = new ArrayList<>(buckets.size());
        for (final SliceState bucket : buckets) {
            states.add(bucket.toState());
        }
        out.setLengthBuckets(states);
        out.setLengthsAttributed(attributed.toState());
    }

    /**
     * The length buckets a state holds ({@link #toState}).
     *
     * @throws IllegalArgumentException naming the field that does not validate (another number of buckets than
     *                                  the config's)
     */
    static LengthSlices fromState(final ReportState in, final ReportConfig config) {
        final List<SliceState> restored = new ArrayList<>();
        for (int i = 0; i < in.getLengthBuckets().size(); i++) {
            restored.add(SliceState.fromState(in.getLengthBuckets().get(i), "length_buckets[" + i + "]"));
        }
        try {
            return new LengthSlices(config, restored, DecayedSum.fromState(in.getLengthsAttributed()));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("report state 'length_buckets': " + e.getMessage(), e);
        }
    }
}
