/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportSlice;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The report's example requests: a seeded reservoir of handled requests per label
 * ({@link ReportConfig#examplesPerLabel()}) and of deferred requests per deferral reason
 * ({@link ReportConfig#examplesPerReason()}), sampled over each report interval. A report shows at most
 * {@link ReportConfig#maxReportExamples()} of each kind, taken round-robin across the labels (largest first)
 * and the reasons. Deterministic for a given seed and call sequence.
 */
final class ExampleSamples implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int perLabel;
    private final int perReason;
    private final int maxShown;
    private final Random random;
    private final Map<String, ExampleReservoir> handled = new HashMap<>();
    private final Map<String, ExampleReservoir> deferred = new TreeMap<>();

    ExampleSamples(final ReportConfig config) {
        this(config, new Random(config.seed()), Map.of(), Map.of());
    }

    /** Samples restored: the random draws' state, the reservoirs per label and per deferral reason. */
    ExampleSamples(final ReportConfig config, final Random random, final Map<String, ExampleReservoir> handled,
                   final Map<String, ExampleReservoir> deferred) {
        this.perLabel = config.examplesPerLabel();
        this.perReason = config.examplesPerReason();
        this.maxShown = config.maxReportExamples();
        this.random = random;
        this.handled.putAll(handled);
        this.deferred.putAll(deferred);
    }

    /** Offers a handled request of a label. */
    void offerHandled(final String label, final KeptExample example) {
        handled.computeIfAbsent(label, l -> new ExampleReservoir(perLabel)).offer(example, random);
    }

    /** Offers a deferred request; true when it was sampled (so its text is shown). */
    boolean offerDeferred(final String reason, final KeptExample example) {
        return deferred.computeIfAbsent(reason, r -> new ExampleReservoir(perReason)).offer(example, random);
    }

    /** Closes the interval of the labels in {@code order} and returns their handled examples, round-robin. */
    List<ReportExample> handledExamples(final List<ReportSlice> order) {
        final List<List<KeptExample>> perLabelSamples = new ArrayList<>();
        for (final ReportSlice slice : order) {
            final ExampleReservoir reservoir = handled.get(slice.getKey());
            if (reservoir == null) {
                perLabelSamples.add(List.of());
            } else {
                reservoir.rotate();
                perLabelSamples.add(reservoir.published());
            }
        }
        return roundRobin(perLabelSamples, maxShown);
    }

    /** Closes the interval of every deferral reason and returns their examples, round-robin by reason. */
    List<ReportExample> deferredExamples() {
        final List<List<KeptExample>> perReasonSamples = new ArrayList<>();
        for (final ExampleReservoir reservoir : deferred.values()) {
            reservoir.rotate();
            perReasonSamples.add(reservoir.published());
        }
        return roundRobin(perReasonSamples, maxShown);
    }

    /** Examples held, in the open intervals and the last published samples. */
    int retained() {
        int kept = 0;
        for (final ExampleReservoir reservoir : handled.values()) {
            kept += reservoir.retained();
        }
        for (final ExampleReservoir reservoir : deferred.values()) {
            kept += reservoir.retained();
        }
        return kept;
    }

    /** The first of every group, then the second of every group, ... up to {@code max}. */
    static List<ReportExample> roundRobin(final List<List<KeptExample>> groups, final int max) {
        final List<ReportExample> out = new ArrayList<>();
        for (int round = 0; out.size() < max; round++) {
            boolean any = false;
            for (final List<KeptExample> group : groups) {
                if (round < group.size() && out.size() < max) {
                    out.add(group.get(round).toAvro());
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }
}
