/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.state.ReportSliceState;
import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The report's slices per label: at most {@link ReportConfig#maxLabels()} labels one by one, later labels
 * pooled under {@link ReportBuilder#OTHER_LABEL}. A request counts under the label it is attributed to;
 * an outcome under the surrogate's label. Reported largest recent traffic share first.
 */
final class LabelSlices implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxLabels;
    private final double trendTolerance;
    private final LinkedHashMap<String, SliceState> slices;
    private final DecayedSum attributed;

    LabelSlices(final ReportConfig config) {
        this(config, List.of(), new DecayedSum());
    }

    /** Slices restored, in creation order, with the decayed traffic attributed to all of them. */
    LabelSlices(final ReportConfig config, final List<SliceState> restored, final DecayedSum attributed) {
        this.maxLabels = config.maxLabels();
        this.trendTolerance = config.trendTolerance();
        this.slices = new LinkedHashMap<>();
        for (final SliceState slice : restored) {
            slices.put(slice.key, slice);
        }
        this.attributed = attributed;
    }

    /** The slice a label counts under (its own, or the pooled one once the cap is reached), created if new. */
    SliceState slice(final String label) {
        final String key = label == null ? ReportBuilder.OTHER_LABEL : label;
        final SliceState existing = slices.get(key);
        if (existing != null) {
            return existing;
        }
        final String slot = slices.size() >= maxLabels ? ReportBuilder.OTHER_LABEL : key;
        return slices.computeIfAbsent(slot, SliceState::new);
    }

    /** Attributes one request to a label's slice. */
    void attribute(final SliceState slice, final boolean wasHandled, final long now, final double factor) {
        slice.addRequest(wasHandled, now, factor);
        attributed.add(1.0, now, factor);
    }

    /** The keys of the slices, in the order they were created. */
    Set<String> keys() {
        return slices.keySet();
    }

    int size() {
        return slices.size();
    }

    /** The slices with traffic or outcomes, largest recent traffic share first (ties by key). */
    List<ReportSlice> report(final long now, final double factor) {
        final List<ReportSlice> out = new ArrayList<>();
        for (final SliceState slice : slices.values()) {
            if (slice.requests == 0 && slice.outcomes == 0) {
                continue;
            }
            out.add(slice.toAvro(attributed, now, factor, trendTolerance));
        }
        out.sort(Comparator.comparingDouble(ReportSlice::getTrafficShare).reversed()
                .thenComparing(ReportSlice::getKey));
        return out;
    }

    /** Closes a report interval: the next report's deltas are relative to now. */
    void remember(final long now, final double factor) {
        for (final SliceState slice : slices.values()) {
            slice.remember(attributed, now, factor);
        }
    }

    /** Stores the slices, in creation order, and the traffic attributed to them. */
    void toState(final ReportState.Builder out) {
        final List<ReportSliceState> states = new ArrayList<>(slices.size());
        for (final SliceState slice : slices.values()) {
            states.add(slice.toState());
        }
        out.setLabelSlices(states);
        out.setLabelsAttributed(attributed.toState());
    }

    /**
     * The label slices a state holds ({@link #toState}).
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static LabelSlices fromState(final ReportState in, final ReportConfig config) {
        final List<SliceState> restored = new ArrayList<>();
        final Set<String> keys = new HashSet<>();
        for (int i = 0; i < in.getLabelSlices().size(); i++) {
            final SliceState slice = SliceState.fromState(in.getLabelSlices().get(i), "label_slices[" + i + "]");
            if (!keys.add(slice.key)) {
                throw new IllegalArgumentException("report state 'label_slices[" + i + "]' repeats label " + slice.key);
            }
            restored.add(slice);
        }
        if (restored.size() > config.maxLabels() + 1) {
            throw new IllegalArgumentException("report state 'label_slices' holds " + restored.size()
                    + " slices, more than max_labels " + config.maxLabels() + " and the pooled one");
        }
        return new LabelSlices(config, restored, DecayedSum.fromState(in.getLabelsAttributed()));
    }
}
