/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A seeded synthetic decision stream for the report tests: labels with traffic weights and a handled
 * probability that follows a schedule over the stream's progress (0..1); handled requests score at or above
 * the threshold, deferred ones below it; deferred and audited requests get an LLM outcome.
 */
final class SyntheticStream {

    /** One label: its name, traffic weight and handled probability as a function of progress in [0, 1]. */
    record LabelSpec(String name, double weight, DoubleUnaryOperator handledAt) {
    }

    static final String TASK = "intents";
    static final double ALPHA = 0.9;
    static final double EPSILON = 0.05;

    private final List<LabelSpec> labels;
    private final Random random;
    private final double totalWeight;
    private final int total;
    private DoubleUnaryOperator thresholdAt = p -> 0.7;
    private double unansweredShare;
    private double surrogateErrors = 0.08;
    private double closedFrom = 2.0;
    private double closedTo = 2.0;
    private String textPrefix = "";
    private int index;
    private long handled;
    private long deferred;
    private long audited;
    private long traces;
    private GateState gate = GateState.CLOSED;
    private final List<GateEvent> gateEvents = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private boolean keepTexts;

    SyntheticStream(final List<LabelSpec> labels, final int total, final long seed) {
        this.labels = labels;
        this.total = total;
        this.random = new Random(seed);
        double w = 0;
        for (final LabelSpec l : labels) {
            w += l.weight();
        }
        this.totalWeight = w;
    }

    /** The threshold as a function of progress. */
    SyntheticStream threshold(final DoubleUnaryOperator schedule) {
        this.thresholdAt = schedule;
        return this;
    }

    /** Closes the gate (drift detected) over a span of the stream's progress, then reopens it. */
    SyntheticStream closedBetween(final double from, final double to) {
        this.closedFrom = from;
        this.closedTo = to;
        return this;
    }

    /** The share of requests the surrogate labels at random (0.08 by default). */
    SyntheticStream surrogateErrors(final double share) {
        this.surrogateErrors = share;
        return this;
    }

    /** A share of deferred requests whose LLM answer never arrives. */
    SyntheticStream unanswered(final double share) {
        this.unansweredShare = share;
        return this;
    }

    /** Words put in front of every text (to look for them in the output). */
    SyntheticStream textPrefix(final String prefix) {
        this.textPrefix = prefix;
        return this;
    }

    /** Keep every text generated (for the privacy test). */
    SyntheticStream keepTexts() {
        this.keepTexts = true;
        return this;
    }

    List<String> texts() {
        return texts;
    }

    List<GateEvent> gateEvents() {
        return gateEvents;
    }

    boolean hasNext() {
        return index < total;
    }

    int index() {
        return index;
    }

    /** Feeds the next request (decision, then outcome if the LLM answers; a gate event when the gate opens). */
    void next(final ReportBuilder builder) {
        final double progress = (double) index / total;
        final long ts = 1_700_000_000_000L + index * 100L;
        final String requestId = "r" + index;
        index++;
        final LabelSpec spec = pick();
        final double t = thresholdAt.applyAsDouble(progress);
        final boolean forcedClosed = progress >= closedFrom && progress < closedTo;
        if (gate == GateState.CLOSED && index > total / 20 && !forcedClosed) {
            final GateEvent open = gateEvent(GateState.OPEN, GateState.CLOSED, t, ts, GateReason.LOWER_BOUND_CROSSED);
            gateEvents.add(open);
            builder.onGateEvent(open);
            gate = GateState.OPEN;
        } else if (gate == GateState.OPEN && forcedClosed) {
            final GateEvent close = gateEvent(GateState.CLOSED, GateState.OPEN, t, ts, GateReason.DRIFT_DETECTED);
            gateEvents.add(close);
            builder.onGateEvent(close);
            gate = GateState.CLOSED;
        }
        final String text = text(spec.name());
        if (keepTexts) {
            texts.add(text);
        }
        final boolean isHandled = gate == GateState.OPEN && random.nextDouble() < spec.handledAt().applyAsDouble(progress);
        final String surrogate = random.nextDouble() >= surrogateErrors ? spec.name() : labels.get(random.nextInt(labels.size())).name();
        final RoutingDecision.Builder decision = RoutingDecision.newBuilder()
                .setRequestId(requestId)
                .setTask(TASK)
                .setModelVersion("ncm@" + traces)
                .setTimestamp(Instant.ofEpochMilli(ts))
                .setThreshold(gate == GateState.OPEN ? t : null);
        if (isHandled) {
            final boolean audit = random.nextDouble() < EPSILON;
            final double score = t + (1.0 - t) * random.nextDouble();
            decision.setDecision(Decision.HANDLED).setLabel(surrogate).setScore(score)
                    .setReason(audit ? Reason.AUDIT : Reason.CONFIDENT).setAudit(audit);
            handled++;
            builder.onDecision(decision.build(), text);
            if (audit) {
                audited++;
                outcome(builder, requestId, text, spec.name(), surrogate, score, 1.0 / EPSILON);
            }
        } else {
            final Reason reason = gate == GateState.CLOSED ? Reason.GATE_CLOSED
                    : random.nextDouble() < 0.1 ? Reason.OUT_OF_DISTRIBUTION : Reason.LOW_SCORE;
            final double score = (gate == GateState.OPEN ? t : 1.0) * random.nextDouble();
            decision.setDecision(Decision.DEFERRED).setLabel(null).setScore(score).setReason(reason).setAudit(false);
            deferred++;
            builder.onDecision(decision.build(), text);
            if (random.nextDouble() >= unansweredShare) {
                outcome(builder, requestId, text, spec.name(), surrogate, score, 1.0);
            }
        }
    }

    private void outcome(final ReportBuilder builder, final String requestId, final String text, final String llm,
                         final String surrogate, final double score, final double weight) {
        traces++;
        builder.onOutcome(requestId, text, llm, surrogate, score, llm.equals(surrogate), weight);
    }

    /** The engine's stats now, as the report builder receives them. */
    TaskStats stats(final long timestampMs) {
        final double progress = (double) index / total;
        final Double t = gate == GateState.OPEN ? thresholdAt.applyAsDouble(progress) : null;
        final double coverage = index == 0 ? 0.0 : (double) handled / index;
        return TaskStats.newBuilder()
                .setTask(TASK)
                .setTracesSeen(traces)
                .setRequestsSeen(index)
                .setHandled(handled)
                .setDeferred(deferred)
                .setAudited(audited)
                .setTeacherCallsSaved(handled - audited)
                .setEstimatedCostSaved((handled - audited) * 0.002)
                .setGateState(gate)
                .setAlpha(ALPHA)
                .setThreshold(t)
                .setAgreement(0.93)
                .setAgreementLower(0.91)
                .setAgreementUpper(0.95)
                .setCoverageEstimate(coverage)
                .setFrontier(List.of(
                        new FrontierPoint(0.80, Math.min(1.0, coverage + 0.15), 0.5),
                        new FrontierPoint(0.85, Math.min(1.0, coverage + 0.08), 0.6),
                        new FrontierPoint(0.90, coverage, t),
                        new FrontierPoint(0.95, coverage * 0.6, 0.85),
                        new FrontierPoint(0.99, 0.0, null)))
                .setDeferralsByReason(Map.of())
                .setServedLearner("ncm")
                .setLabels(labels.size())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    long timestamp() {
        return 1_700_000_000_000L + index * 100L;
    }

    private GateEvent gateEvent(final GateState state, final GateState previous, final double t, final long ts,
                                final GateReason reason) {
        return GateEvent.newBuilder()
                .setTask(TASK)
                .setState(state)
                .setPrevious(previous)
                .setAlpha(ALPHA)
                .setAgreement(0.93)
                .setAgreementLower(0.905)
                .setAgreementUpper(0.95)
                .setCoverage(0.4)
                .setThreshold(state == GateState.OPEN ? t : null)
                .setWindowSize(2000)
                .setReason(reason)
                .setDetail(state == GateState.OPEN ? "lower bound 0.905 >= alpha 0.900 with 412 accepted"
                        : "ADWIN cut the accepted agreement stream")
                .setModelVersion("ncm@" + traces)
                .setTracesSeen(traces)
                .setTimestamp(Instant.ofEpochMilli(ts))
                .build();
    }

    private LabelSpec pick() {
        double u = random.nextDouble() * totalWeight;
        for (final LabelSpec l : labels) {
            u -= l.weight();
            if (u <= 0) {
                return l;
            }
        }
        return labels.get(labels.size() - 1);
    }

    private static final String[] WORDS = {"card", "transfer", "balance", "refund", "pin", "account", "fee",
        "exchange", "rate", "top", "up", "cash", "atm", "declined", "pending", "why", "how", "my", "is", "the"};

    private String text(final String label) {
        final int n = random.nextDouble() < 0.1 ? 25 + random.nextInt(30) : 1 + random.nextInt(18);
        final StringBuilder s = new StringBuilder(textPrefix);
        s.append(label.replace('_', ' ')).append(" q").append(index);
        for (int i = 2; i < n; i++) {
            s.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        return s.toString();
    }
}
