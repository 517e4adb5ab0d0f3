/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.state.ReportReservoirState;
import io.tracerstreams.schema.state.ReportState;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
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
 * and the reasons. Deterministic for a given seed and call sequence: the draws are {@link ReservoirDraws}
 * ({@link Random}'s sequence for the seed), whose state a snapshot stores.
 */
final class ExampleSamples implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int perLabel;
    private final int perReason;
    private final int maxShown;
    private final ReservoirDraws draws;
    private final Map<String, ExampleReservoir> handled = new HashMap<>();
    private final Map<String, ExampleReservoir> deferred = new TreeMap<>();

    ExampleSamples(final ReportConfig config) {
        this(config, ReservoirDraws.seeded(config.seed()), Map.of(), Map.of());
    }

    /** Samples restored: the draws, the reservoirs per label and per deferral reason. */
    ExampleSamples(final ReportConfig config, final ReservoirDraws draws, final Map<String, ExampleReservoir> handled,
                   final Map<String, ExampleReservoir> deferred) {
        this(config.examplesPerLabel(), config.examplesPerReason(), config.maxReportExamples(), draws, handled,
                deferred);
    }

    private ExampleSamples(final int perLabel, final int perReason, final int maxShown, final ReservoirDraws draws,
                           final Map<String, ExampleReservoir> handled, final Map<String, ExampleReservoir> deferred) {
        this.perLabel = perLabel;
        this.perReason = perReason;
        this.maxShown = maxShown;
        this.draws = draws;
        this.handled.putAll(handled);
        this.deferred.putAll(deferred);
    }

    /** Stores the draws' state and the reservoirs, their examples by index in {@code table}. */
    void toState(final ReportState.Builder out, final ExampleTable table) {
        out.setDrawsState(draws.state());
        out.setHandledSamples(reservoirStates(handled, table));
        out.setDeferredSamples(reservoirStates(deferred, table));
    }

    /**
     * The samples a state holds ({@link #toState}).
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static ExampleSamples fromState(final ReportState in, final ReportConfig config, final ExampleTable table) {
        return new ExampleSamples(config, ReservoirDraws.ofState(in.getDrawsState()),
                reservoirs(in.getHandledSamples(), table, "handled_samples"),
                reservoirs(in.getDeferredSamples(), table, "deferred_samples"));
    }

    private static Map<String, ReportReservoirState> reservoirStates(final Map<String, ExampleReservoir> reservoirs,
                                                                     final ExampleTable table) {
        final Map<String, ReportReservoirState> out = new TreeMap<>();
        // in key order, so that the examples' indexes do not depend on a hash map's iteration order
        for (final Map.Entry<String, ExampleReservoir> e : new TreeMap<>(reservoirs).entrySet()) {
            out.put(e.getKey(), e.getValue().toState(table));
        }
        return out;
    }

    private static Map<String, ExampleReservoir> reservoirs(final Map<String, ReportReservoirState> states,
                                                            final ExampleTable table, final String field) {
        final Map<String, ExampleReservoir> out = new TreeMap<>();
        for (final Map.Entry<String, ReportReservoirState> e : states.entrySet()) {
            out.put(e.getKey(), ExampleReservoir.fromState(e.getValue(), table, field + "[" + e.getKey() + "]"));
        }
        return out;
    }

    /** Offers a handled request of a label. */
    void offerHandled(final String label, final KeptExample example) {
        handled.computeIfAbsent(label, l -> new ExampleReservoir(perLabel)).offer(example, draws);
    }

    /** Offers a deferred request; true when it was sampled (so its text is shown). */
    boolean offerDeferred(final String reason, final KeptExample example) {
        return deferred.computeIfAbsent(reason, r -> new ExampleReservoir(perReason)).offer(example, draws);
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

    /** Set while deserialising: the samples {@link #readResolve()} returns. */
    private transient ExampleSamples resolved;

    /**
     * Reads this version's serial form, or the earlier one whose draws were a {@link Random} (field {@code random}),
     * which continues as {@link ReservoirDraws} with the same sequence.
     */
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException {
        final ObjectInputStream.GetField fields = in.readFields();
        ReservoirDraws read = (ReservoirDraws) fields.get("draws", null);
        if (read == null && fields.getObjectStreamClass().getField("random") != null) {
            final Random random = (Random) fields.get("random", null);
            read = random == null ? null : ReservoirDraws.continuing(random);
        }
        @SuppressWarnings("unchecked")
        final Map<String, ExampleReservoir> handledRead = (Map<String, ExampleReservoir>) fields.get("handled", null);
        @SuppressWarnings("unchecked")
        final Map<String, ExampleReservoir> deferredRead = (Map<String, ExampleReservoir>) fields.get("deferred", null);
        if (read == null || handledRead == null || deferredRead == null) {
            throw new InvalidObjectException("example samples without draws or reservoirs");
        }
        resolved = new ExampleSamples(fields.get("perLabel", 0), fields.get("perReason", 0), fields.get("maxShown", 0),
                read, handledRead, deferredRead);
    }

    private Object readResolve() {
        return resolved != null ? resolved : this;
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
