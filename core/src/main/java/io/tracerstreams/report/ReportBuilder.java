/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportPlateau;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds a task's {@link BoundaryReport}s incrementally from what the task engine (or the topology, or the
 * replay harness) sees: routing decisions, labelled outcomes and gate events. Memory is bounded by
 * {@link ReportConfig} whatever the stream length (see {@link #retained()} and {@link #caps()}).
 *
 * <p>The report's parts each keep their own bounded state: {@link LabelSlices} and {@link LengthSlices},
 * {@link Plateaus}, {@link BoundaryPairs}, {@link ExampleSamples}, {@link CoverageCurve}, {@link GateFlips},
 * {@link CostEstimate} and {@link ReasonCounts}; {@link PendingOutcomes} holds the requests awaiting the LLM.
 * This class routes each input to them and composes the report.
 *
 * <p>How requests are attributed to labels: a handled request counts under the surrogate's label at once;
 * a deferred request counts under the LLM's label when its outcome arrives ({@link #onOutcome}; the requests
 * awaiting the LLM, deferred or audited, are bounded, the oldest dropped first). Agreement per label is keyed by the surrogate's label:
 * how often an answer "label" agrees with the LLM. Rates are exponentially decayed over requests, so they
 * describe recent traffic.
 *
 * <p>Deterministic for a given config and call sequence (the example reservoirs are seeded).
 * {@link Serializable}, so it can live in a state store or a snapshot with the engine. Not thread-safe:
 * one owner at a time. Bad input never throws: it is ignored and counted in {@link #ignored()}.
 */
public final class ReportBuilder implements Serializable {

    /** The slice that pools the labels beyond {@link ReportConfig#maxLabels()}. */
    public static final String OTHER_LABEL = "(other)";

    private static final long serialVersionUID = 2L;

    private final ReportConfig config;
    private final double decay;
    private final ExampleTexts texts;

    private final LabelSlices labels;
    private final LengthSlices lengths;
    private final Plateaus plateaus;
    private final BoundaryPairs boundaryPairs;
    private final ExampleSamples samples;
    private final CoverageCurve curve;
    private final GateFlips flips;
    private final CostEstimate cost;
    private final ReasonCounts reasons = new ReasonCounts();
    private final PendingOutcomes pending;
    private final Map<String, Long> ignored = new TreeMap<>();

    private long tick;
    private boolean gateEventsSeen;
    private GateState gateState = GateState.CLOSED;
    private Double threshold;
    private String modelVersion = "";
    private long lastTimestampMs;
    private long sequence;
    private Long previousTimestampMs;

    /** A builder with the given settings. */
    public ReportBuilder(final ReportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.decay = Math.pow(0.5, 1.0 / config.halfLifeRequests());
        this.texts = new ExampleTexts(config);
        this.labels = new LabelSlices(config);
        this.lengths = new LengthSlices(config);
        this.plateaus = new Plateaus(config);
        this.boundaryPairs = new BoundaryPairs(config);
        this.samples = new ExampleSamples(config);
        this.curve = new CoverageCurve(config);
        this.flips = new GateFlips(config);
        this.cost = new CostEstimate(config);
        this.pending = new PendingOutcomes(config);
    }

    /** The settings. */
    public ReportConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------- inputs

    /**
     * One routing decision and the request's input text. A handled request is attributed to the
     * surrogate's label now; a deferred one waits (bounded) for its outcome to learn the LLM's label.
     */
    public void onDecision(final RoutingDecision decision, final String input) {
        if (decision == null || decision.getDecision() == null || decision.getRequestId() == null) {
            ignore("decision without request id or decision");
            return;
        }
        tick++;
        final boolean isHandled = decision.getDecision() == Decision.HANDLED;
        final boolean isAudited = isHandled && decision.getAudit();
        final String reason = decision.getReason() == null ? "UNKNOWN" : decision.getReason().name();
        final long timestampMs = decision.getTimestamp() == null ? lastTimestampMs : decision.getTimestamp().toEpochMilli();
        lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
        if (decision.getModelVersion() != null) {
            modelVersion = decision.getModelVersion();
        }
        if (decision.getThreshold() != null) {
            threshold = decision.getThreshold();
        }
        if (!gateEventsSeen) {
            if (isHandled) {
                gateState = GateState.OPEN;
            } else if (decision.getReason() == Reason.GATE_CLOSED) {
                gateState = GateState.CLOSED;
            }
        }
        final boolean gateOpen = gateState == GateState.OPEN;
        final int words = ExampleTexts.words(input);
        reasons.onDecision(reason, isHandled);
        cost.onRequest(isHandled, isAudited, tick, decay);
        lengths.addRequest(words, isHandled, tick, decay);
        plateaus.onRequest(gateOpen, isHandled);

        final KeptExample example = new KeptExample(decision.getRequestId(), texts.stored(input), isHandled, reason,
                decision.getLabel(), decision.getScore(), decision.getThreshold(), words, timestampMs, gateOpen);
        example.tick = tick;
        if (isHandled) {
            if (isAudited) {
                pending.await(decision.getRequestId(), example);
            }
            final SliceState label = labels.slice(decision.getLabel());
            attribute(label, true, gateOpen);
            label.serveThreshold(decision.getThreshold(), tick);
            boundaryPairs.onHandled(label.key, example);
            samples.offerHandled(label.key, example);
        } else {
            final boolean sampled = samples.offerDeferred(reason, example);
            if (decision.getLabel() != null && example.belowThreshold()) {
                boundaryPairs.onDeferred(labels.slice(decision.getLabel()).key, example);
            } else if (!sampled) {
                // nothing shows this text unless its outcome makes it a boundary candidate: keep it light
                example.text = null;
            }
            pending.await(decision.getRequestId(), example);
        }
        curve.onRequest(isHandled, tick, gateState, threshold, timestampMs);
    }

    /**
     * One labelled trace (the engine learned it test-then-train). {@code surrogateLabel} and {@code score}
     * are the surrogate's prediction and the acceptor's score before learning; {@code weight} is the
     * outcome's weight in the agreement window (1/p for an audit drawn with probability p). An outcome of a deferred request
     * attributes that request to the LLM's label.
     */
    public void onOutcome(final String requestId, final String input, final String llmLabel,
                          final String surrogateLabel, final double score, final boolean agreed, final double weight) {
        if (llmLabel == null || !(weight >= 0.0) || Double.isInfinite(weight)) {
            ignore("outcome without LLM label or with a bad weight");
            return;
        }
        final KeptExample waiting = pending.take(requestId);
        final int words = waiting != null && input == null ? waiting.words : ExampleTexts.words(input);
        if (waiting != null) {
            waiting.llmLabel = llmLabel;
        }
        if (waiting != null && !waiting.handled) {
            attribute(labels.slice(llmLabel), false, waiting.gateOpen);
            if (waiting.surrogateLabel == null && surrogateLabel != null) {
                waiting.surrogateLabel = surrogateLabel;
                final SliceState predicted = labels.slice(surrogateLabel);
                predicted.serveThreshold(waiting.threshold, waiting.tick);
                if (waiting.belowThreshold()) {
                    if (waiting.text == null) {
                        waiting.text = texts.stored(input);
                    }
                    boundaryPairs.onDeferred(predicted.key, waiting);
                }
            }
        }
        final double agree = agreed ? weight : 0.0;
        final SliceState label = surrogateLabel == null ? null : labels.slice(surrogateLabel);
        final Double labelThreshold = label != null && label.threshold != null ? label.threshold : threshold;
        final boolean accepted = labelThreshold != null && score >= labelThreshold;
        lengths.bucket(words).addOutcome(agree, weight, threshold != null && score >= threshold, tick, decay);
        if (label != null) {
            label.addOutcome(agree, weight, accepted, tick, decay);
        }
        curve.onOutcome(agree, weight, accepted);
    }

    /** One gate event: kept (bounded) to mark the curves, and the gate state it sets. */
    public void onGateEvent(final GateEvent event) {
        if (event == null || event.getState() == null) {
            ignore("gate event without state");
            return;
        }
        gateEventsSeen = true;
        gateState = event.getState();
        if (event.getThreshold() != null) {
            threshold = event.getThreshold();
        }
        flips.add(event, tick);
    }

    // ---------------------------------------------------------------------------------------------- output

    /**
     * The report now. {@code stats} gives the engine's counters, estimates and frontier (they take
     * precedence over the builder's own counts). Closes a report interval: the deltas, trends and plateau
     * history of the next report are relative to this one.
     */
    public BoundaryReport build(final TaskStats stats, final long timestampMs) {
        Objects.requireNonNull(stats, "stats");
        sequence++;
        final Double served = stats.getThreshold() != null ? stats.getThreshold() : threshold;

        final List<ReportSlice> labelSlices = labels.report(tick, decay);
        final List<ReportSlice> lengthSlices = lengths.report(tick, decay);
        final List<ReportPlateau> plateauList = plateaus.closeInterval(labels.keys());
        final List<ReportBoundaryPair> pairs = boundaryPairs.build(labelSlices, served);
        final List<ReportExample> handledExamples = samples.handledExamples(labelSlices);
        final List<ReportExample> deferredExamples = samples.deferredExamples();

        final BoundaryReport report = BoundaryReport.newBuilder()
                .setTask(stats.getTask())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .setSequence(sequence)
                .setPreviousTimestamp(previousTimestampMs == null ? null : Instant.ofEpochMilli(previousTimestampMs))
                .setTracesSeen(stats.getTracesSeen())
                .setRequestsSeen(stats.getRequestsSeen())
                .setHandled(stats.getHandled())
                .setDeferred(stats.getDeferred())
                .setAudited(stats.getAudited())
                .setGateState(stats.getGateState())
                .setAlpha(stats.getAlpha())
                .setThreshold(stats.getThreshold())
                .setAgreement(stats.getAgreement())
                .setAgreementLower(stats.getAgreementLower())
                .setAgreementUpper(stats.getAgreementUpper())
                .setCoverageEstimate(stats.getCoverageEstimate())
                .setServedLearner(stats.getServedLearner() == null ? "" : stats.getServedLearner())
                .setModelVersion(modelVersion)
                .setHalfLifeRequests(config.halfLifeRequests())
                .setLabels(labelSlices)
                .setLengthUnit("words")
                .setLengthBuckets(lengthSlices)
                .setDeferralsByReason(reasons.deferrals(stats))
                .setDeferralsByReasonSincePrevious(reasons.deferralsSincePrevious())
                .setDecisionsByReason(reasons.decisions())
                .setPlateauReports(config.plateauReports())
                .setPlateaus(plateauList)
                .setBoundaryPairs(pairs)
                .setHandledExamples(handledExamples)
                .setDeferredExamples(deferredExamples)
                .setFrontier(stats.getFrontier() == null ? List.of() : new ArrayList<>(stats.getFrontier()))
                .setCurve(curve.points())
                .setGateFlips(flips.toAvro())
                .setCost(cost.build(stats, tick, decay))
                .setTextsHashed(config.hashTexts())
                .build();

        labels.remember(tick, decay);
        lengths.remember(tick, decay);
        reasons.closeInterval();
        previousTimestampMs = timestampMs;
        return report;
    }

    /** Counts of what the builder holds now; each stays within {@link #caps()} whatever the stream length. */
    public Retained retained() {
        return new Retained(labels.size(), boundaryPairs.retained(), samples.retained(), pending.retained(),
                curve.retained(), flips.retained(), plateaus.retained());
    }

    /** The most {@link #retained()} can count under this builder's config. */
    public Retained caps() {
        final int labelCap = config.maxLabels() + 1;
        final int reasonCap = Reason.values().length + 1;
        return new Retained(labelCap,
                labelCap * 2 * config.boundaryCandidates(),
                2 * (labelCap * config.examplesPerLabel() + reasonCap * config.examplesPerReason()),
                config.maxPending(),
                config.curveMaxPoints(),
                config.maxGateFlips(),
                (labelCap + 1) * config.plateauReports());
    }

    /** Inputs ignored as unusable, per reason. */
    public Map<String, Long> ignored() {
        return Collections.unmodifiableMap(ignored);
    }

    /** Deferred or audited requests whose outcome never came before {@link ReportConfig#maxPending()} newer ones. */
    public long pendingDropped() {
        return pending.dropped();
    }

    /** Reports built so far. */
    public long reportsBuilt() {
        return sequence;
    }

    /**
     * What a builder holds (see {@link #retained()}).
     *
     * @param labels             label slices
     * @param boundaryCandidates recent handled and deferred examples kept for boundary pairs
     * @param sampledExamples    examples in the reservoirs (current interval and last published)
     * @param pendingOutcomes   deferred and audited requests awaiting their LLM answer
     * @param curvePoints        committed coverage-curve points
     * @param gateFlips          gate events kept
     * @param historyEntries     per-interval entries kept for plateau detection
     */
    public record Retained(int labels, int boundaryCandidates, int sampledExamples, int pendingOutcomes,
                           int curvePoints, int gateFlips, int historyEntries) {
    }

    // ---------------------------------------------------------------------------------------------- internals

    /** Attributes one request to a label: its slice and its plateau history. */
    private void attribute(final SliceState label, final boolean wasHandled, final boolean gateOpen) {
        plateaus.onAttributed(label.key, gateOpen, wasHandled);
        labels.attribute(label, wasHandled, tick, decay);
    }

    private void ignore(final String why) {
        ReasonCounts.increment(ignored, why);
    }
}
