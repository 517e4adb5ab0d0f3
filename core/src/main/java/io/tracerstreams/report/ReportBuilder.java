/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.ReportLabelThreshold;
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
import io.tracerstreams.schema.state.ReportState;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayDeque;
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
 * State for snapshots: {@link #toState()} and {@link #fromState} (an explicit Avro record; a restored builder goes on
 * exactly as the original would, its reservoirs drawing the same sequence). {@link Serializable} only so that
 * snapshots of earlier formats, which held the builder's Java serialization, still read ({@link #readObject}).
 * Not thread-safe: one owner at a time. Bad input never throws: it is ignored and counted in {@link #ignored()}.
 */
public final class ReportBuilder implements Serializable {

    /** The slice that pools the labels beyond {@link ReportConfig#maxLabels()}. */
    public static final String OTHER_LABEL = "(other)";

    /**
     * The serial form is versioned by its fields, not by this number, which stays the previous release's: a
     * builder that release serialised (in a format-3 engine snapshot) reads back through {@link ReportBuilderV1}.
     * Fields are named apart from that release's fields of another type (Java serialization matches by name).
     */
    private static final long serialVersionUID = 1L;

    private final ReportConfig config;
    private final double decay;
    private final ExampleTexts texts;

    private final LabelSlices labelSlices;
    private final LengthSlices lengthSlices;
    private final Plateaus plateaus;
    private final BoundaryPairs boundaryPairs;
    private final ExampleSamples samples;
    private final CoverageCurve coverageCurve;
    private final GateFlips gateFlips;
    private final CostEstimate cost;
    private final ReasonCounts reasons;
    private final PendingOutcomes pendingOutcomes;
    private final Map<String, Long> ignored;

    private long tick;
    private boolean gateEventsSeen;
    private GateState gateState = GateState.CLOSED;
    private Double threshold;
    private String modelVersion = "";
    private long lastTimestampMs;
    private long sequence;
    private Long previousTimestampMs;
    /** Set while deserialising: the builder {@link #readResolve()} returns. */
    private transient ReportBuilder resolved;

    /** A builder with the given settings. */
    public ReportBuilder(final ReportConfig config) {
        this(Objects.requireNonNull(config, "config"), new Parts(new LabelSlices(config), new LengthSlices(config),
                new Plateaus(config), new BoundaryPairs(config), new ExampleSamples(config), new CoverageCurve(config),
                new GateFlips(config), new CostEstimate(config), new ReasonCounts(), new PendingOutcomes(config),
                new TreeMap<>()), new Clock(0, false, GateState.CLOSED, null, "", 0, 0, null));
    }

    /** A builder of the given parts and clock (a new or a restored one). */
    ReportBuilder(final ReportConfig config, final Parts parts, final Clock clock) {
        this.config = config;
        this.decay = Math.pow(0.5, 1.0 / config.halfLifeRequests());
        this.texts = new ExampleTexts(config);
        this.labelSlices = parts.labels();
        this.lengthSlices = parts.lengths();
        this.plateaus = parts.plateaus();
        this.boundaryPairs = parts.boundaryPairs();
        this.samples = parts.samples();
        this.coverageCurve = parts.curve();
        this.gateFlips = parts.flips();
        this.cost = parts.cost();
        this.reasons = parts.reasons();
        this.pendingOutcomes = parts.pending();
        this.ignored = parts.ignored();
        this.tick = clock.tick();
        this.gateEventsSeen = clock.gateEventsSeen();
        this.gateState = clock.gateState();
        this.threshold = clock.threshold();
        this.modelVersion = clock.modelVersion();
        this.lastTimestampMs = clock.lastTimestampMs();
        this.sequence = clock.sequence();
        this.previousTimestampMs = clock.previousTimestampMs();
    }

    /** The report's parts, each with its own bounded state. */
    record Parts(LabelSlices labels, LengthSlices lengths, Plateaus plateaus, BoundaryPairs boundaryPairs,
                 ExampleSamples samples, CoverageCurve curve, GateFlips flips, CostEstimate cost, ReasonCounts reasons,
                 PendingOutcomes pending, Map<String, Long> ignored) {
    }

    /** What the builder itself tracks: the request clock, the gate as last seen, the report sequence. */
    record Clock(long tick, boolean gateEventsSeen, GateState gateState, Double threshold, String modelVersion,
                 long lastTimestampMs, long sequence, Long previousTimestampMs) {
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
        lengthSlices.addRequest(words, isHandled, tick, decay);
        plateaus.onRequest(gateOpen, isHandled);

        final KeptExample example = new KeptExample(decision.getRequestId(), texts.stored(input), isHandled, reason,
                decision.getLabel(), decision.getScore(), decision.getThreshold(), words, timestampMs, gateOpen);
        example.tick = tick;
        if (isHandled) {
            if (isAudited) {
                pendingOutcomes.await(decision.getRequestId(), example);
            }
            final SliceState label = labelSlices.slice(decision.getLabel());
            attribute(label, true, gateOpen);
            label.serveThreshold(decision.getThreshold(), tick);
            boundaryPairs.onHandled(label.key, example);
            samples.offerHandled(label.key, example);
        } else {
            final boolean sampled = samples.offerDeferred(reason, example);
            if (decision.getLabel() != null && example.belowThreshold()) {
                boundaryPairs.onDeferred(labelSlices.slice(decision.getLabel()).key, example);
            } else if (!sampled) {
                // nothing shows this text unless its outcome makes it a boundary candidate: keep it light
                example.text = null;
            }
            pendingOutcomes.await(decision.getRequestId(), example);
        }
        coverageCurve.onRequest(isHandled, tick, gateState, threshold, timestampMs);
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
        final KeptExample waiting = pendingOutcomes.take(requestId);
        final int words = waiting != null && input == null ? waiting.words : ExampleTexts.words(input);
        if (waiting != null) {
            waiting.llmLabel = llmLabel;
        }
        if (waiting != null && !waiting.handled) {
            attribute(labelSlices.slice(llmLabel), false, waiting.gateOpen);
            if (waiting.surrogateLabel == null && surrogateLabel != null) {
                waiting.surrogateLabel = surrogateLabel;
                final SliceState predicted = labelSlices.slice(surrogateLabel);
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
        final SliceState label = surrogateLabel == null ? null : labelSlices.slice(surrogateLabel);
        final Double labelThreshold = label != null && label.threshold != null ? label.threshold : threshold;
        final boolean accepted = labelThreshold != null && score >= labelThreshold;
        lengthSlices.bucket(words).addOutcome(agree, weight, threshold != null && score >= threshold, tick, decay);
        if (label != null) {
            label.addOutcome(agree, weight, accepted, tick, decay);
        }
        coverageCurve.onOutcome(agree, weight, accepted);
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
        gateFlips.add(event, tick);
    }

    // ---------------------------------------------------------------------------------------------- output

    /**
     * The report now. {@code stats} gives the engine's counters, estimates and frontier (they take
     * precedence over the builder's own counts). Closes a report interval: the deltas, trends and plateau
     * history of the next report are relative to this one.
     */
    public BoundaryReport build(final TaskStats stats, final long timestampMs) {
        return build(stats, timestampMs, List.of());
    }

    /**
     * The report now, with the served learner's per-label thresholds ({@code labelThresholds}, empty when the gate
     * keeps one threshold for all labels). Otherwise as {@link #build(TaskStats, long)}.
     */
    public BoundaryReport build(final TaskStats stats, final long timestampMs,
                                final List<ReportLabelThreshold> labelThresholds) {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(labelThresholds, "labelThresholds");
        sequence++;
        final Double served = stats.getThreshold() != null ? stats.getThreshold() : threshold;

        final List<ReportSlice> labelReport = labelSlices.report(tick, decay);
        final List<ReportSlice> lengthReport = lengthSlices.report(tick, decay);
        final List<ReportPlateau> plateauList = plateaus.closeInterval(labelSlices.keys());
        final List<ReportBoundaryPair> pairs = boundaryPairs.build(labelReport, served);
        final List<ReportExample> handledExamples = samples.handledExamples(labelReport);
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
                .setLabels(labelReport)
                .setLengthUnit("words")
                .setLengthBuckets(lengthReport)
                .setDeferralsByReason(reasons.deferrals(stats))
                .setDeferralsByReasonSincePrevious(reasons.deferralsSincePrevious())
                .setDecisionsByReason(reasons.decisions())
                .setPlateauReports(config.plateauReports())
                .setPlateaus(plateauList)
                .setBoundaryPairs(pairs)
                .setHandledExamples(handledExamples)
                .setDeferredExamples(deferredExamples)
                .setFrontier(stats.getFrontier() == null ? List.of() : new ArrayList<>(stats.getFrontier()))
                .setCurve(coverageCurve.points())
                .setGateFlips(gateFlips.toAvro())
                .setCost(cost.build(stats, tick, decay))
                .setTextsHashed(config.hashTexts())
                .setLabelThresholds(new ArrayList<>(labelThresholds))
                .build();

        labelSlices.remember(tick, decay);
        lengthSlices.remember(tick, decay);
        reasons.closeInterval();
        previousTimestampMs = timestampMs;
        return report;
    }

    /** Counts of what the builder holds now; each stays within {@link #caps()} whatever the stream length. */
    public Retained retained() {
        return new Retained(labelSlices.size(), boundaryPairs.retained(), samples.retained(), pendingOutcomes.retained(),
                coverageCurve.retained(), gateFlips.retained(), plateaus.retained());
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
        return pendingOutcomes.dropped();
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

    // ---------------------------------------------------------------------------------------------- state

    /**
     * The builder's state, for a snapshot: its settings (without the hash salt, a secret: see
     * {@link ReportConfig#toState()}), its clock and every part; an example kept by several parts is stored once.
     * Under {@link ReportConfig#hashTexts()} it holds no clear text.
     */
    public ReportState toState() {
        final ExampleTable table = ExampleTable.forWriting(config);
        final ReportState.Builder out = ReportState.newBuilder()
                .setSettings(config.toState())
                .setTick(tick)
                .setGateEventsSeen(gateEventsSeen)
                .setGateState(gateState.name())
                .setThreshold(threshold)
                .setModelVersion(modelVersion)
                .setLastTimestampMs(lastTimestampMs)
                .setSequence(sequence)
                .setPreviousTimestampMs(previousTimestampMs)
                .setCurve(coverageCurve.toState())
                .setGateFlips(gateFlips.toState())
                .setCost(cost.toState())
                .setIgnored(new TreeMap<>(ignored));
        labelSlices.toState(out);
        lengthSlices.toState(out);
        plateaus.toState(out);
        reasons.toState(out);
        pendingOutcomes.toState(out, table);
        samples.toState(out, table);
        boundaryPairs.toState(out, table);
        return out.setExamples(table.states()).build();
    }

    /**
     * The builder a state holds ({@link #toState()}), going on exactly as the one that wrote it.
     *
     * @param state  the stored state
     * @param config the settings the state was written under, with the hash salt (which the state does not hold):
     *               see {@link ReportConfig#fromState}
     * @throws IllegalArgumentException when {@code config} is not the one the state was written under, or a part of
     *                                  the state does not validate (the message names the field)
     */
    public static ReportBuilder fromState(final ReportState state, final ReportConfig config) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(config, "config");
        final ReportConfig written = ReportConfig.fromState(state.getSettings(), config.hashSalt());
        if (!written.equals(config)) {
            throw new IllegalArgumentException("report state was written under other settings (" + written + ") than "
                    + config);
        }
        final ExampleTable table = ExampleTable.restore(state.getExamples(), config);
        final Map<String, Long> ignoredRead = new TreeMap<>(state.getIgnored());
        final Parts parts = new Parts(LabelSlices.fromState(state, config), LengthSlices.fromState(state, config),
                Plateaus.fromState(state, config), BoundaryPairs.fromState(state, config, table),
                ExampleSamples.fromState(state, config, table), CoverageCurve.fromState(state.getCurve(), config),
                GateFlips.fromState(state.getGateFlips(), config), CostEstimate.fromState(state.getCost(), config),
                ReasonCounts.fromState(state), PendingOutcomes.fromState(state, config, table), ignoredRead);
        if (state.getTick() < 0 || state.getSequence() < 0) {
            throw new IllegalArgumentException("report state 'tick' or 'sequence' is negative (" + state.getTick()
                    + ", " + state.getSequence() + ")");
        }
        final Clock clock = new Clock(state.getTick(), state.getGateEventsSeen(),
                gateState(state.getGateState(), "gate_state"), state.getThreshold(),
                state.getModelVersion(), state.getLastTimestampMs(), state.getSequence(),
                state.getPreviousTimestampMs());
        return new ReportBuilder(config, parts, clock);
    }

    /** A gate state by name; an unknown name is an error naming the field of the report's state. */
    static GateState gateState(final String name, final String field) {
        try {
            return GateState.valueOf(name);
        } catch (final IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("report state '" + field + "' is not a gate state (" + name + ")", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- internals

    /** Attributes one request to a label: its slice and its plateau history. */
    private void attribute(final SliceState label, final boolean wasHandled, final boolean gateOpen) {
        plateaus.onAttributed(label.key, gateOpen, wasHandled);
        labelSlices.attribute(label, wasHandled, tick, decay);
    }

    private void ignore(final String why) {
        ReasonCounts.increment(ignored, why);
    }

    // ---------------------------------------------------------------------------------------------- serial form

    /**
     * Reads this version's serial form, or the previous release's (its fields: {@code labels} a map of
     * {@link Slice}s and so on), which {@link ReportBuilderV1} converts into the parts.
     */
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException {
        final ObjectInputStream.GetField fields = in.readFields();
        final ReportConfig read = (ReportConfig) fields.get("config", null);
        if (read == null) {
            throw new InvalidObjectException("report builder without config");
        }
        if (fields.getObjectStreamClass().getField("labelSlices") == null) {
            resolved = ReportBuilderV1.read(fields, read);
            return;
        }
        @SuppressWarnings("unchecked")
        final Map<String, Long> ignoredRead = (Map<String, Long>) fields.get("ignored", null);
        resolved = new ReportBuilder(read, new Parts((LabelSlices) fields.get("labelSlices", null),
                (LengthSlices) fields.get("lengthSlices", null), (Plateaus) fields.get("plateaus", null),
                (BoundaryPairs) fields.get("boundaryPairs", null), (ExampleSamples) fields.get("samples", null),
                (CoverageCurve) fields.get("coverageCurve", null), (GateFlips) fields.get("gateFlips", null),
                (CostEstimate) fields.get("cost", null), (ReasonCounts) fields.get("reasons", null),
                (PendingOutcomes) fields.get("pendingOutcomes", null), ignoredRead),
                new Clock(fields.get("tick", 0L), fields.get("gateEventsSeen", false),
                        (GateState) fields.get("gateState", GateState.CLOSED), (Double) fields.get("threshold", null),
                        (String) fields.get("modelVersion", ""), fields.get("lastTimestampMs", 0L),
                        fields.get("sequence", 0L), (Long) fields.get("previousTimestampMs", null)));
        if (resolved.labelSlices == null || resolved.lengthSlices == null || resolved.plateaus == null
                || resolved.boundaryPairs == null || resolved.samples == null || resolved.coverageCurve == null
                || resolved.gateFlips == null || resolved.cost == null || resolved.reasons == null
                || resolved.pendingOutcomes == null || resolved.ignored == null) {
            throw new InvalidObjectException("report builder with a part missing");
        }
    }

    private Object readResolve() {
        return resolved != null ? resolved : this;
    }

    // The previous release's serial form: its nested classes by name, fields only (read by ReportBuilderV1).

    /** Serial form of the previous release: a decayed sum. */
    static final class Decayed implements Serializable {
        private static final long serialVersionUID = 1L;
        double value;
        long at;
    }

    /** Serial form of the previous release: a label or length slice with its examples and history. */
    static final class Slice implements Serializable {
        private static final long serialVersionUID = 1L;
        String key;
        long requests;
        long handled;
        long outcomes;
        long openRequests;
        long openHandled;
        Decayed recentRequests;
        Decayed recentHandled;
        Decayed agreeSum;
        Decayed agreeWeight;
        Decayed accSum;
        Decayed accWeight;
        Double threshold;
        long thresholdTick;
        Double previousHandledRate;
        Double previousShare;
        long requestsAtReport;
        long handledAtReport;
        ArrayDeque<long[]> history;
        ArrayDeque<Example> recentHandledExamples;
        ArrayDeque<Example> recentDeferredExamples;
        Reservoir samples;
    }

    /** Serial form of the previous release: an example request. */
    static final class Example implements Serializable {
        private static final long serialVersionUID = 1L;
        String requestId;
        String text;
        boolean handled;
        String reason;
        String surrogateLabel;
        String llmLabel;
        double score;
        Double threshold;
        int words;
        long timestampMs;
        boolean gateOpen;
        long tick;
    }

    /** Serial form of the previous release: an example reservoir. */
    static final class Reservoir implements Serializable {
        private static final long serialVersionUID = 1L;
        int capacity;
        ArrayList<Example> items;
        ArrayList<Example> published;
        long seen;
    }

    /** Serial form of the previous release: a coverage-curve point. */
    static final class CurveState implements Serializable {
        private static final long serialVersionUID = 1L;
        long requestsSeen;
        long traces;
        long window;
        long handled;
        long cumulativeHandled;
        double agreeSum;
        double agreeWeight;
        double accSum;
        double accWeight;
        GateState gate;
        Double threshold;
        long timestampMs;
    }

    /** Serial form of the previous release: a kept gate event. */
    static final class ReportGateFlipState implements Serializable {
        private static final long serialVersionUID = 1L;
        long timestampMs;
        long requestsSeen;
        long tracesSeen;
        GateState state;
        GateState previous;
        String reason;
        String detail;
        Double threshold;
        double lower;
        double upper;
        double coverage;
    }
}
