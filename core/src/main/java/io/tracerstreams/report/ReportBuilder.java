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
import io.tracerstreams.schema.ReportCost;
import io.tracerstreams.schema.ReportCurvePoint;
import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportGateFlip;
import io.tracerstreams.schema.ReportPlateau;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * Builds a task's {@link BoundaryReport}s incrementally from what the task engine (or the topology, or the
 * replay harness) sees: routing decisions, labelled outcomes and gate events. Memory is bounded by
 * {@link ReportConfig} whatever the stream length (see {@link #retained()} and {@link #caps()}).
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

    private static final long serialVersionUID = 1L;
    private static final double SMALL = 1e-12;

    private final ReportConfig config;
    private final double decay;
    private final Random random;

    private long tick;
    private long outcomes;
    private long handled;
    private long deferred;
    private long audited;
    private long openRequests;
    private long openHandled;
    private final Map<String, Long> decisionsByReason = new TreeMap<>();
    private final Map<String, Long> deferralsByReason = new TreeMap<>();
    private final Map<String, Long> deferralsSincePrevious = new TreeMap<>();
    private final Map<String, Long> ignored = new TreeMap<>();
    private final Decayed recentRequests = new Decayed();
    private final Decayed recentHandled = new Decayed();
    private final Decayed recentAudited = new Decayed();
    private final Decayed attributedLabels = new Decayed();
    private final Decayed attributedLengths = new Decayed();

    private final LinkedHashMap<String, Slice> labels = new LinkedHashMap<>();
    private final List<Slice> lengths = new ArrayList<>();
    private final LinkedHashMap<String, Example> pending = new LinkedHashMap<>();
    private long pendingDropped;
    private final Map<String, Reservoir> deferredSamples = new TreeMap<>();

    private final ArrayDeque<ReportGateFlipState> flips = new ArrayDeque<>();
    private boolean gateEventsSeen;
    private GateState gateState = GateState.CLOSED;
    private Double threshold;
    private String modelVersion = "";
    private long lastTimestampMs;

    private final ArrayList<CurveState> curve = new ArrayList<>();
    private long curveStride;
    private CurveState openPoint = new CurveState();

    private final ArrayDeque<long[]> taskHistory = new ArrayDeque<>();
    private long openRequestsAtReport;
    private long openHandledAtReport;
    private long sequence;
    private Long previousTimestampMs;

    /** A builder with the given settings. */
    public ReportBuilder(final ReportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.decay = Math.pow(0.5, 1.0 / config.halfLifeRequests());
        this.random = new Random(config.seed());
        this.curveStride = config.curveEvery();
        final List<Integer> edges = config.lengthEdges();
        int low = 1;
        for (final int edge : edges) {
            lengths.add(new Slice(low + "-" + edge, false, config));
            low = edge + 1;
        }
        lengths.add(new Slice(low + "+", false, config));
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
        increment(decisionsByReason, reason);
        recentRequests.add(1.0, tick, decay);
        final int words = words(input);
        final Slice length = lengths.get(bucket(words));
        length.requests++;
        length.recentRequests.add(1.0, tick, decay);
        attributedLengths.add(1.0, tick, decay);
        final boolean gateOpen = gateState == GateState.OPEN;
        if (gateOpen) {
            openRequests++;
            if (isHandled) {
                openHandled++;
            }
        }
        final Example example = new Example(decision.getRequestId(), storedText(input), isHandled, reason,
                decision.getLabel(), decision.getScore(), decision.getThreshold(), words, timestampMs, gateOpen);
        example.tick = tick;
        if (isHandled) {
            handled++;
            recentHandled.add(1.0, tick, decay);
            length.handled++;
            length.recentHandled.add(1.0, tick, decay);
            if (decision.getAudit()) {
                audited++;
                recentAudited.add(1.0, tick, decay);
                await(decision.getRequestId(), example);
            }
            final Slice label = label(decision.getLabel());
            attributeRequest(label, true, gateOpen);
            label.serveThreshold(decision.getThreshold(), tick);
            label.pushHandled(example, config.boundaryCandidates());
            label.samples.offer(example, random);
        } else {
            deferred++;
            increment(deferralsByReason, reason);
            increment(deferralsSincePrevious, reason);
            final boolean sampled = deferredSamples.computeIfAbsent(reason, r -> new Reservoir(config.examplesPerReason()))
                    .offer(example, random);
            if (decision.getLabel() != null && belowThreshold(example)) {
                label(decision.getLabel()).pushDeferred(example, config.boundaryCandidates());
            } else if (!sampled) {
                // nothing shows this text unless its outcome makes it a boundary candidate: keep it light
                example.text = null;
            }
            await(decision.getRequestId(), example);
        }
        openPoint.window++;
        if (isHandled) {
            openPoint.handled++;
        }
        openPoint.close(tick, outcomes, handled, gateState, threshold, timestampMs);
        if (openPoint.window >= curveStride) {
            commitCurvePoint();
        }
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
        outcomes++;
        final Example waiting = requestId == null ? null : pending.remove(requestId);
        final int words = waiting != null && input == null ? waiting.words : words(input);
        if (waiting != null && waiting.handled) {
            waiting.llmLabel = llmLabel;
        } else if (waiting != null) {
            waiting.llmLabel = llmLabel;
            attributeRequest(label(llmLabel), false, waiting.gateOpen);
            if (waiting.surrogateLabel == null && surrogateLabel != null) {
                waiting.surrogateLabel = surrogateLabel;
                final Slice predicted = label(surrogateLabel);
                predicted.serveThreshold(waiting.threshold, waiting.tick);
                if (belowThreshold(waiting)) {
                    if (waiting.text == null) {
                        waiting.text = storedText(input);
                    }
                    predicted.pushDeferred(waiting, config.boundaryCandidates());
                }
            }
        }
        final double agree = agreed ? weight : 0.0;
        final Slice length = lengths.get(bucket(words));
        final Slice label = surrogateLabel == null ? null : label(surrogateLabel);
        final Double labelThreshold = label != null && label.threshold != null ? label.threshold : threshold;
        final boolean accepted = labelThreshold != null && score >= labelThreshold;
        length.outcomes++;
        length.addOutcome(agree, weight, threshold != null && score >= threshold, tick, decay);
        if (label != null) {
            label.outcomes++;
            label.addOutcome(agree, weight, accepted, tick, decay);
        }
        openPoint.accSum += agree;
        openPoint.accWeight += weight;
        if (accepted) {
            openPoint.agreeSum += agree;
            openPoint.agreeWeight += weight;
        }
        openPoint.traces = outcomes;
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
        if (config.maxGateFlips() == 0) {
            return;
        }
        flips.addLast(new ReportGateFlipState(event, tick));
        while (flips.size() > config.maxGateFlips()) {
            flips.removeFirst();
        }
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

        final List<ReportSlice> labelSlices = slices(labels.values(), attributedLabels, true);
        final List<ReportSlice> lengthSlices = slices(lengths, attributedLengths, false);
        final List<ReportPlateau> plateaus = closeIntervalAndDetectPlateaus();
        final List<ReportBoundaryPair> pairs = boundaryPairs(labelSlices, served);
        final List<ReportExample> handledExamples = handledExamples(labelSlices);
        final List<ReportExample> deferredExamples = deferredExamples();

        final double recent = recentRequests.get(tick, decay);
        final double handledRate = recent > SMALL ? recentHandled.get(tick, decay) / recent : 0.0;
        final double auditRate = recent > SMALL ? recentAudited.get(tick, decay) / recent : 0.0;
        final long callsSaved = stats.getTeacherCallsSaved() > 0 || handled == 0
                ? stats.getTeacherCallsSaved() : handled - audited;
        final double price = config.pricePerCall();
        final double savedPer1000 = 1000.0 * Math.max(0.0, handledRate - auditRate);
        final ReportCost cost = ReportCost.newBuilder()
                .setPricePerCall(price)
                .setCurrency(config.currency())
                .setLlmCallsSaved(callsSaved)
                .setMoneySaved(callsSaved * price)
                .setRecentHandledRate(handledRate)
                .setRecentAuditRate(auditRate)
                .setCallsSavedPer1000(savedPer1000)
                .setMoneySavedPer1000(savedPer1000 * price)
                .setCostPer1000Without(1000.0 * price)
                .setCostPer1000With((1000.0 - savedPer1000) * price)
                .build();

        final Map<String, Long> reasons = deferralsByReason.isEmpty() && stats.getDeferralsByReason() != null
                ? new TreeMap<>(stats.getDeferralsByReason()) : new TreeMap<>(deferralsByReason);

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
                .setDeferralsByReason(reasons)
                .setDeferralsByReasonSincePrevious(new TreeMap<>(deferralsSincePrevious))
                .setDecisionsByReason(new TreeMap<>(decisionsByReason))
                .setPlateauReports(config.plateauReports())
                .setPlateaus(plateaus)
                .setBoundaryPairs(pairs)
                .setHandledExamples(handledExamples)
                .setDeferredExamples(deferredExamples)
                .setFrontier(stats.getFrontier() == null ? List.of() : new ArrayList<>(stats.getFrontier()))
                .setCurve(curvePoints())
                .setGateFlips(gateFlips())
                .setCost(cost)
                .setTextsHashed(config.hashTexts())
                .build();

        for (final Slice slice : labels.values()) {
            slice.remember(attributedLabels, tick, decay);
        }
        for (final Slice slice : lengths) {
            slice.remember(attributedLengths, tick, decay);
        }
        deferralsSincePrevious.clear();
        previousTimestampMs = timestampMs;
        return report;
    }

    /** Counts of what the builder holds now; each stays within {@link #caps()} whatever the stream length. */
    public Retained retained() {
        int candidates = 0;
        int samples = 0;
        int history = taskHistory.size();
        for (final Slice slice : labels.values()) {
            candidates += slice.recentHandledExamples.size() + slice.recentDeferredExamples.size();
            samples += slice.samples.retained();
            history += slice.history.size();
        }
        for (final Reservoir reservoir : deferredSamples.values()) {
            samples += reservoir.retained();
        }
        return new Retained(labels.size(), candidates, samples, pending.size(), curve.size(), flips.size(), history);
    }

    /** The most {@link #retained()} can count under this builder's config. */
    public Retained caps() {
        final int labelCap = config.maxLabels() + 1;
        final int reasons = Reason.values().length + 1;
        return new Retained(labelCap,
                labelCap * 2 * config.boundaryCandidates(),
                2 * (labelCap * config.examplesPerLabel() + reasons * config.examplesPerReason()),
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
        return pendingDropped;
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

    /** Keeps a request that the LLM will answer (deferred or audited), dropping the oldest beyond the cap. */
    private void await(final String requestId, final Example example) {
        if (config.maxPending() == 0) {
            return;
        }
        pending.put(requestId, example);
        if (pending.size() > config.maxPending()) {
            final Iterator<String> eldest = pending.keySet().iterator();
            eldest.next();
            eldest.remove();
            pendingDropped++;
        }
    }

    private Slice label(final String name) {
        final String key = name == null ? OTHER_LABEL : name;
        final Slice existing = labels.get(key);
        if (existing != null) {
            return existing;
        }
        final String slot = labels.size() >= config.maxLabels() ? OTHER_LABEL : key;
        return labels.computeIfAbsent(slot, k -> new Slice(k, true, config));
    }

    private void attributeRequest(final Slice label, final boolean wasHandled, final boolean gateOpen) {
        label.requests++;
        if (gateOpen) {
            label.openRequests++;
            if (wasHandled) {
                label.openHandled++;
            }
        }
        label.recentRequests.add(1.0, tick, decay);
        attributedLabels.add(1.0, tick, decay);
        if (wasHandled) {
            label.handled++;
            label.recentHandled.add(1.0, tick, decay);
        }
    }

    private static boolean belowThreshold(final Example example) {
        return Reason.LOW_SCORE.name().equals(example.reason)
                || example.threshold != null && example.score < example.threshold;
    }

    private List<ReportSlice> slices(final Iterable<Slice> source, final Decayed total, final boolean sortByShare) {
        final double all = total.get(tick, decay);
        final List<ReportSlice> out = new ArrayList<>();
        for (final Slice slice : source) {
            if (slice.requests == 0 && slice.outcomes == 0 && sortByShare) {
                continue;
            }
            final double share = all > SMALL ? slice.recentRequests.get(tick, decay) / all : 0.0;
            final double rate = slice.handledRate(tick, decay);
            final Double rateDelta = slice.previousHandledRate == null ? null : rate - slice.previousHandledRate;
            final ReportTrend trend;
            if (rateDelta == null) {
                trend = ReportTrend.NEW;
            } else if (rateDelta > config.trendTolerance()) {
                trend = ReportTrend.UP;
            } else if (rateDelta < -config.trendTolerance()) {
                trend = ReportTrend.DOWN;
            } else {
                trend = ReportTrend.FLAT;
            }
            final double agreeWeight = slice.agreeWeight.get(tick, decay);
            final double accWeight = slice.accWeight.get(tick, decay);
            out.add(ReportSlice.newBuilder()
                    .setKey(slice.key)
                    .setRequests(slice.requests)
                    .setHandled(slice.handled)
                    .setOutcomes(slice.outcomes)
                    .setTrafficShare(share)
                    .setHandledRate(rate)
                    .setAgreement(agreeWeight > SMALL ? slice.agreeSum.get(tick, decay) / agreeWeight : null)
                    .setAgreementWeight(agreeWeight)
                    .setAccuracy(accWeight > SMALL ? slice.accSum.get(tick, decay) / accWeight : null)
                    .setThreshold(slice.threshold)
                    .setHandledRateDelta(rateDelta)
                    .setTrafficShareDelta(slice.previousShare == null ? null : share - slice.previousShare)
                    .setTrend(trend)
                    .build());
        }
        if (sortByShare) {
            out.sort(Comparator.comparingDouble(ReportSlice::getTrafficShare).reversed()
                    .thenComparing(ReportSlice::getKey));
        }
        return out;
    }

    private List<ReportPlateau> closeIntervalAndDetectPlateaus() {
        final int k = config.plateauReports();
        taskHistory.addLast(new long[] {openRequests - openRequestsAtReport, openHandled - openHandledAtReport});
        openRequestsAtReport = openRequests;
        openHandledAtReport = openHandled;
        while (taskHistory.size() > k) {
            taskHistory.removeFirst();
        }
        long taskHandled = 0;
        for (final long[] interval : taskHistory) {
            taskHandled += interval[1];
        }
        long windowRequests = 0;
        for (final Slice slice : labels.values()) {
            slice.closeInterval(k);
            for (final long[] interval : slice.history) {
                windowRequests += interval[0];
            }
        }
        final List<ReportPlateau> out = new ArrayList<>();
        if (taskHistory.size() < k || taskHandled == 0) {
            return out;
        }
        final int half = k / 2;
        for (final Slice slice : labels.values()) {
            if (slice.history.size() < k) {
                continue;
            }
            final long[][] intervals = slice.history.toArray(new long[0][]);
            long oldRequests = 0;
            long oldHandled = 0;
            long newRequests = 0;
            long newHandled = 0;
            long total = 0;
            long totalHandled = 0;
            final List<Double> rates = new ArrayList<>(k);
            final List<Long> requests = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                final long[] interval = intervals[i];
                total += interval[0];
                totalHandled += interval[1];
                if (i < half) {
                    oldRequests += interval[0];
                    oldHandled += interval[1];
                } else if (i >= k - half) {
                    newRequests += interval[0];
                    newHandled += interval[1];
                }
                rates.add(interval[0] == 0 ? 0.0 : (double) interval[1] / interval[0]);
                requests.add(interval[0]);
            }
            if (total < config.plateauMinRequests() || oldRequests == 0 || newRequests == 0) {
                continue;
            }
            final double oldRate = (double) oldHandled / oldRequests;
            final double newRate = (double) newHandled / newRequests;
            final double growth = newRate - oldRate;
            if (growth < config.plateauMinGrowth() && newRate < config.plateauSaturation()) {
                out.add(ReportPlateau.newBuilder()
                        .setLabel(slice.key)
                        .setHandledRates(rates)
                        .setRequests(requests)
                        .setGrowth(growth)
                        .setHandledRate((double) totalHandled / total)
                        .setTrafficShare(windowRequests == 0 ? 0.0 : (double) total / windowRequests)
                        .setReports(k)
                        .build());
            }
        }
        out.sort(Comparator.comparingDouble(ReportPlateau::getTrafficShare).reversed()
                .thenComparing(ReportPlateau::getLabel));
        return out;
    }

    private List<ReportBoundaryPair> boundaryPairs(final List<ReportSlice> order, final Double served) {
        final List<ReportBoundaryPair> out = new ArrayList<>();
        for (final ReportSlice sliceReport : order) {
            if (out.size() >= config.maxBoundaryPairs()) {
                break;
            }
            final Slice slice = labels.get(sliceReport.getKey());
            final Double t = slice.threshold != null ? slice.threshold : served;
            if (t == null) {
                continue;
            }
            Example lowestHandled = null;
            for (final Example e : slice.recentHandledExamples) {
                if (e.score >= t && (lowestHandled == null || e.score < lowestHandled.score)) {
                    lowestHandled = e;
                }
            }
            Example highestDeferred = null;
            for (final Example e : slice.recentDeferredExamples) {
                if (e.score < t && (highestDeferred == null || e.score > highestDeferred.score)) {
                    highestDeferred = e;
                }
            }
            if (lowestHandled != null && highestDeferred != null) {
                out.add(ReportBoundaryPair.newBuilder()
                        .setLabel(slice.key)
                        .setThreshold(t)
                        .setHandled(lowestHandled.toAvro())
                        .setDeferred(highestDeferred.toAvro())
                        .build());
            }
        }
        return out;
    }

    private List<ReportExample> handledExamples(final List<ReportSlice> order) {
        final List<List<Example>> perLabel = new ArrayList<>();
        for (final ReportSlice sliceReport : order) {
            final Slice slice = labels.get(sliceReport.getKey());
            slice.samples.rotate();
            perLabel.add(slice.samples.published());
        }
        return roundRobin(perLabel, config.maxReportExamples());
    }

    private List<ReportExample> deferredExamples() {
        final List<List<Example>> perReason = new ArrayList<>();
        for (final Reservoir reservoir : deferredSamples.values()) {
            reservoir.rotate();
            perReason.add(reservoir.published());
        }
        return roundRobin(perReason, config.maxReportExamples());
    }

    private static List<ReportExample> roundRobin(final List<List<Example>> groups, final int max) {
        final List<ReportExample> out = new ArrayList<>();
        for (int round = 0; out.size() < max; round++) {
            boolean any = false;
            for (final List<Example> group : groups) {
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

    private void commitCurvePoint() {
        curve.add(openPoint);
        openPoint = new CurveState();
        if (curve.size() > config.curveMaxPoints()) {
            final List<CurveState> merged = new ArrayList<>(curve.size() / 2 + 1);
            for (int i = 0; i < curve.size(); i += 2) {
                merged.add(i + 1 < curve.size() ? curve.get(i).mergedWith(curve.get(i + 1)) : curve.get(i));
            }
            curve.clear();
            curve.addAll(merged);
            curveStride *= 2;
        }
    }

    private List<ReportCurvePoint> curvePoints() {
        final List<ReportCurvePoint> out = new ArrayList<>(curve.size() + 1);
        for (final CurveState point : curve) {
            out.add(point.toAvro());
        }
        if (openPoint.window > 0) {
            out.add(openPoint.toAvro());
        }
        return out;
    }

    private List<ReportGateFlip> gateFlips() {
        final List<ReportGateFlip> out = new ArrayList<>(flips.size());
        for (final ReportGateFlipState flip : flips) {
            out.add(flip.toAvro());
        }
        return out;
    }

    private String storedText(final String input) {
        final String text = input == null ? "" : input;
        if (config.hashTexts()) {
            return TextHasher.hash(text, config.hashSalt());
        }
        if (text.length() <= config.maxTextChars()) {
            return text;
        }
        int cut = config.maxTextChars() - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "\u2026";
    }

    private int bucket(final int words) {
        final List<Integer> edges = config.lengthEdges();
        for (int i = 0; i < edges.size(); i++) {
            if (words <= edges.get(i)) {
                return i;
            }
        }
        return edges.size();
    }

    /** Whitespace-separated words in a text (0 for null or blank). */
    static int words(final String text) {
        if (text == null) {
            return 0;
        }
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            final boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }

    private void ignore(final String why) {
        increment(ignored, why);
    }

    private static void increment(final Map<String, Long> counts, final String key) {
        counts.merge(key, 1L, Long::sum);
    }

    /** An exponentially decayed sum over the request clock, updated lazily. */
    static final class Decayed implements Serializable {
        private static final long serialVersionUID = 1L;
        private double value;
        private long at;

        void add(final double amount, final long now, final double factor) {
            value = get(now, factor) + amount;
            at = now;
        }

        double get(final long now, final double factor) {
            return now == at ? value : value * Math.pow(factor, now - at);
        }
    }

    /** One slice (label or length bucket): cumulative counts, decayed rates, examples and interval history. */
    static final class Slice implements Serializable {
        private static final long serialVersionUID = 1L;
        final String key;
        long requests;
        long handled;
        long outcomes;
        long openRequests;
        long openHandled;
        final Decayed recentRequests = new Decayed();
        final Decayed recentHandled = new Decayed();
        final Decayed agreeSum = new Decayed();
        final Decayed agreeWeight = new Decayed();
        final Decayed accSum = new Decayed();
        final Decayed accWeight = new Decayed();
        Double threshold;
        long thresholdTick = -1;
        Double previousHandledRate;
        Double previousShare;
        long requestsAtReport;
        long handledAtReport;
        final ArrayDeque<long[]> history = new ArrayDeque<>();
        final ArrayDeque<Example> recentHandledExamples = new ArrayDeque<>();
        final ArrayDeque<Example> recentDeferredExamples = new ArrayDeque<>();
        final Reservoir samples;

        Slice(final String key, final boolean isLabel, final ReportConfig config) {
            this.key = key;
            this.samples = new Reservoir(isLabel ? config.examplesPerLabel() : 0);
        }

        /** Records the bar a request of this slice was routed against, unless a later one is known. */
        void serveThreshold(final Double served, final long at) {
            if (served != null && at >= thresholdTick) {
                threshold = served;
                thresholdTick = at;
            }
        }

        double handledRate(final long now, final double factor) {
            final double all = recentRequests.get(now, factor);
            return all > SMALL ? recentHandled.get(now, factor) / all : 0.0;
        }

        void addOutcome(final double agree, final double weight, final boolean accepted, final long now,
                        final double factor) {
            accSum.add(agree, now, factor);
            accWeight.add(weight, now, factor);
            if (accepted) {
                agreeSum.add(agree, now, factor);
                agreeWeight.add(weight, now, factor);
            }
        }

        void pushHandled(final Example example, final int cap) {
            push(recentHandledExamples, example, cap);
        }

        void pushDeferred(final Example example, final int cap) {
            push(recentDeferredExamples, example, cap);
        }

        private static void push(final ArrayDeque<Example> ring, final Example example, final int cap) {
            ring.addLast(example);
            while (ring.size() > cap) {
                ring.removeFirst();
            }
        }

        void closeInterval(final int k) {
            history.addLast(new long[] {openRequests - requestsAtReport, openHandled - handledAtReport});
            requestsAtReport = openRequests;
            handledAtReport = openHandled;
            while (history.size() > k) {
                history.removeFirst();
            }
        }

        void remember(final Decayed total, final long now, final double factor) {
            final double all = total.get(now, factor);
            previousHandledRate = handledRate(now, factor);
            previousShare = all > SMALL ? recentRequests.get(now, factor) / all : 0.0;
        }
    }

    /** A request kept as an example; the LLM's (and for deferrals the surrogate's) label may come later. */
    static final class Example implements Serializable {
        private static final long serialVersionUID = 1L;
        final String requestId;
        String text;
        final boolean handled;
        final String reason;
        String surrogateLabel;
        String llmLabel;
        final double score;
        final Double threshold;
        final int words;
        final long timestampMs;
        final boolean gateOpen;
        long tick;

        Example(final String requestId, final String text, final boolean handled, final String reason,
                final String surrogateLabel, final double score, final Double threshold, final int words,
                final long timestampMs, final boolean gateOpen) {
            this.gateOpen = gateOpen;
            this.requestId = requestId;
            this.text = text;
            this.handled = handled;
            this.reason = reason;
            this.surrogateLabel = surrogateLabel;
            this.score = score;
            this.threshold = threshold;
            this.words = words;
            this.timestampMs = timestampMs;
        }

        ReportExample toAvro() {
            Reason parsed;
            try {
                parsed = Reason.valueOf(reason);
            } catch (final IllegalArgumentException e) {
                parsed = handled ? Reason.CONFIDENT : Reason.GATE_CLOSED;
            }
            return ReportExample.newBuilder()
                    .setRequestId(requestId)
                    .setText(text == null ? "" : text)
                    .setDecision(handled ? Decision.HANDLED : Decision.DEFERRED)
                    .setReason(parsed)
                    .setSurrogateLabel(surrogateLabel)
                    .setLlmLabel(llmLabel)
                    .setScore(score)
                    .setThreshold(threshold)
                    .setWords(words)
                    .setTimestamp(Instant.ofEpochMilli(timestampMs))
                    .build();
        }
    }

    /**
     * A seeded reservoir (algorithm R) over one report interval; at each report the interval's sample is
     * published and a new interval starts (an interval without traffic keeps the last sample).
     */
    static final class Reservoir implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int capacity;
        private final ArrayList<Example> items = new ArrayList<>();
        private ArrayList<Example> published = new ArrayList<>();
        private long seen;

        Reservoir(final int capacity) {
            this.capacity = capacity;
        }

        /** Offers an example; true when the reservoir kept it. */
        boolean offer(final Example example, final Random random) {
            if (capacity == 0) {
                return false;
            }
            seen++;
            if (items.size() < capacity) {
                items.add(example);
                return true;
            }
            final long slot = (long) (random.nextDouble() * seen);
            if (slot < capacity) {
                items.set((int) slot, example);
                return true;
            }
            return false;
        }

        void rotate() {
            if (seen > 0) {
                published = new ArrayList<>(items);
                items.clear();
                seen = 0;
            }
        }

        List<Example> published() {
            return published;
        }

        int retained() {
            return items.size() + published.size();
        }
    }

    /** The sums behind one coverage-curve point; two neighbours merge exactly. */
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
        GateState gate = GateState.CLOSED;
        Double threshold;
        long timestampMs;

        void close(final long requests, final long tracesSeen, final long handledSoFar, final GateState state,
                   final Double served, final long ts) {
            requestsSeen = requests;
            traces = tracesSeen;
            cumulativeHandled = handledSoFar;
            gate = state;
            threshold = served;
            timestampMs = ts;
        }

        CurveState mergedWith(final CurveState later) {
            final CurveState m = new CurveState();
            m.close(later.requestsSeen, later.traces, later.cumulativeHandled, later.gate, later.threshold,
                    later.timestampMs);
            m.window = window + later.window;
            m.handled = handled + later.handled;
            m.agreeSum = agreeSum + later.agreeSum;
            m.agreeWeight = agreeWeight + later.agreeWeight;
            m.accSum = accSum + later.accSum;
            m.accWeight = accWeight + later.accWeight;
            return m;
        }

        ReportCurvePoint toAvro() {
            return ReportCurvePoint.newBuilder()
                    .setRequestsSeen(requestsSeen)
                    .setTracesSeen(traces)
                    .setWindowRequests(window)
                    .setCoverage(window == 0 ? 0.0 : (double) handled / window)
                    .setCumulativeCoverage(requestsSeen == 0 ? 0.0 : (double) cumulativeHandled / requestsSeen)
                    .setAgreement(agreeWeight > SMALL ? agreeSum / agreeWeight : null)
                    .setAgreementWeight(agreeWeight)
                    .setAccuracy(accWeight > SMALL ? accSum / accWeight : null)
                    .setGateState(gate)
                    .setThreshold(threshold)
                    .setTimestamp(Instant.ofEpochMilli(timestampMs))
                    .build();
        }
    }

    /** A gate event as kept (plain fields, so the builder serialises without Avro). */
    static final class ReportGateFlipState implements Serializable {
        private static final long serialVersionUID = 1L;
        final long timestampMs;
        final long requestsSeen;
        final long tracesSeen;
        final GateState state;
        final GateState previous;
        final String reason;
        final String detail;
        final Double threshold;
        final double lower;
        final double upper;
        final double coverage;

        ReportGateFlipState(final GateEvent event, final long requestsSeen) {
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
