/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.ReportGateFlip;
import io.tracerstreams.schema.state.ReportFlipState;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last {@link ReportConfig#maxGateFlips()} gate events, to mark the curves (none kept when it is 0). */
final class GateFlips implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int max;
    private final ArrayDeque<Flip> flips = new ArrayDeque<>();

    GateFlips(final ReportConfig config) {
        this.max = config.maxGateFlips();
    }

    /** Keeps a gate event seen after {@code requestsSeen} requests, dropping the oldest beyond the cap. */
    void add(final GateEvent event, final long requestsSeen) {
        if (max == 0) {
            return;
        }
        flips.addLast(new Flip(event, requestsSeen));
        while (flips.size() > max) {
            flips.removeFirst();
        }
    }

    /** Restores a kept event, after those restored before it. */
    void restore(final Flip flip) {
        flips.addLast(flip);
    }

    /** The events kept, oldest first. */
    List<ReportGateFlip> toAvro() {
        final List<ReportGateFlip> out = new ArrayList<>(flips.size());
        for (final Flip flip : flips) {
            out.add(flip.toAvro());
        }
        return out;
    }

    /** The events kept as stored, oldest first. */
    List<ReportFlipState> toState() {
        final List<ReportFlipState> out = new ArrayList<>(flips.size());
        for (final Flip flip : flips) {
            out.add(flip.toState());
        }
        return out;
    }

    /**
     * The events a state holds ({@link #toState()}); beyond the cap, the most recent.
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static GateFlips fromState(final List<ReportFlipState> states, final ReportConfig config) {
        final GateFlips restored = new GateFlips(config);
        for (int i = Math.max(0, states.size() - config.maxGateFlips()); i < states.size(); i++) {
            restored.restore(Flip.fromState(states.get(i), "gate_flips[" + i + "]"));
        }
        return restored;
    }

    int retained() {
        return flips.size();
    }

    /** A gate event as kept (plain fields, so the builder serialises without Avro). */
    static final class Flip implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long timestampMs;
        private final long requestsSeen;
        private final long tracesSeen;
        private final GateState state;
        private final GateState previous;
        private final String reason;
        private final String detail;
        private final Double threshold;
        private final double lower;
        private final double upper;
        private final double coverage;

        /** A kept event restored field by field: {@code bounds} is {lower, upper, coverage}. */
        Flip(final long timestampMs, final long requestsSeen, final long tracesSeen, final GateState state,
             final GateState previous, final String reason, final String detail, final Double threshold,
             final double[] bounds) {
            this.timestampMs = timestampMs;
            this.requestsSeen = requestsSeen;
            this.tracesSeen = tracesSeen;
            this.state = state;
            this.previous = previous;
            this.reason = reason;
            this.detail = detail;
            this.threshold = threshold;
            this.lower = bounds[0];
            this.upper = bounds[1];
            this.coverage = bounds[2];
        }

        Flip(final GateEvent event, final long requestsSeen) {
            this.timestampMs = event.getTimestamp() == null ? 0L : event.getTimestamp().toEpochMilli();
            this.requestsSeen = requestsSeen;
            this.tracesSeen = event.getTracesSeen();
            this.state = event.getState();
            this.previous = event.getPrevious() == null ? event.getState() : event.getPrevious();
            this.reason = event.getReason() == null ? "" : event.getReason().name();
            this.detail = event.getDetail() == null ? "" : event.getDetail();
            this.threshold = event.getThreshold();
            this.lower = event.getAgreementLower();
            this.upper = event.getAgreementUpper();
            this.coverage = event.getCoverage();
        }

        ReportFlipState toState() {
            return ReportFlipState.newBuilder().setTimestampMs(timestampMs).setRequestsSeen(requestsSeen)
                    .setTracesSeen(tracesSeen).setState(state.name()).setPrevious(previous.name()).setReason(reason)
                    .setDetail(detail).setThreshold(threshold).setLower(lower).setUpper(upper).setCoverage(coverage)
                    .build();
        }

        static Flip fromState(final ReportFlipState s, final String field) {
            return new Flip(s.getTimestampMs(), s.getRequestsSeen(), s.getTracesSeen(),
                    ReportBuilder.gateState(s.getState(), field + ".state"),
                    ReportBuilder.gateState(s.getPrevious(), field + ".previous"), s.getReason(), s.getDetail(),
                    s.getThreshold(), new double[] {s.getLower(), s.getUpper(), s.getCoverage()});
        }

        ReportGateFlip toAvro() {
            return ReportGateFlip.newBuilder()
                    .setTimestamp(Instant.ofEpochMilli(timestampMs))
                    .setRequestsSeen(requestsSeen)
                    .setTracesSeen(tracesSeen)
                    .setState(state)
                    .setPrevious(previous)
                    .setReason(reason)
                    .setDetail(detail)
                    .setThreshold(threshold)
                    .setAgreementLower(lower)
                    .setAgreementUpper(upper)
                    .setCoverage(coverage)
                    .build();
        }
    }
}
