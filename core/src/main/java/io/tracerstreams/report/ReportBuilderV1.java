/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.report.ReportBuilder.CurveState;
import io.tracerstreams.report.ReportBuilder.Decayed;
import io.tracerstreams.report.ReportBuilder.Example;
import io.tracerstreams.report.ReportBuilder.ReportGateFlipState;
import io.tracerstreams.report.ReportBuilder.Reservoir;
import io.tracerstreams.report.ReportBuilder.Slice;
import io.tracerstreams.schema.GateState;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Reads a report builder in the previous release's serial form (one class holding every part, as format-3 engine
 * snapshots carry it) into this version's parts, state for state: the same reports follow from the same inputs.
 * An example shared by several parts (pending, a reservoir, the boundary candidates) stays one object.
 */
final class ReportBuilderV1 {

    private final ReportConfig config;
    private final Map<Example, KeptExample> examples = new IdentityHashMap<>();

    private ReportBuilderV1(final ReportConfig config) {
        this.config = config;
    }

    /** The builder the previous release's fields describe. */
    static ReportBuilder read(final ObjectInputStream.GetField f, final ReportConfig config) throws IOException {
        try {
            return new ReportBuilderV1(config).convert(f);
        } catch (final ClassCastException | NullPointerException | IllegalArgumentException e) {
            final InvalidObjectException invalid = new InvalidObjectException(
                    "report builder of the previous release cannot be read: " + e);
            invalid.initCause(e);
            throw invalid;
        }
    }

    @SuppressWarnings("unchecked")
    private ReportBuilder convert(final ObjectInputStream.GetField f) throws IOException {
        final LinkedHashMap<String, Slice> labels = (LinkedHashMap<String, Slice>) f.get("labels", null);
        final List<Slice> lengths = (List<Slice>) f.get("lengths", null);

        final List<SliceState> labelStates = new ArrayList<>();
        final Map<String, Plateaus.Intervals> labelIntervals = new HashMap<>();
        final BoundaryPairs pairs = new BoundaryPairs(config);
        final Map<String, ExampleReservoir> handledSamples = new HashMap<>();
        for (final Slice slice : labels.values()) {
            labelStates.add(slice(slice));
            labelIntervals.put(slice.key, new Plateaus.Intervals(slice.openRequests, slice.openHandled,
                    slice.requestsAtReport, slice.handledAtReport, slice.history));
            pairs.restore(slice.key, examples(slice.recentHandledExamples), examples(slice.recentDeferredExamples));
            handledSamples.put(slice.key, reservoir(slice.samples));
        }
        final List<SliceState> lengthStates = new ArrayList<>();
        for (final Slice slice : lengths) {
            lengthStates.add(slice(slice));
        }
        final Map<String, ExampleReservoir> deferredSamples = new TreeMap<>();
        for (final Map.Entry<String, Reservoir> e : ((Map<String, Reservoir>) f.get("deferredSamples", null)).entrySet()) {
            deferredSamples.put(e.getKey(), reservoir(e.getValue()));
        }
        final Map<String, KeptExample> pending = new LinkedHashMap<>();
        for (final Map.Entry<String, Example> e : ((Map<String, Example>) f.get("pending", null)).entrySet()) {
            pending.put(e.getKey(), example(e.getValue()));
        }
        final List<CoverageCurve.Point> points = new ArrayList<>();
        for (final CurveState point : (List<CurveState>) f.get("curve", null)) {
            points.add(point(point));
        }
        final GateFlips flips = new GateFlips(config);
        for (final ReportGateFlipState flip : (Collection<ReportGateFlipState>) f.get("flips", null)) {
            flips.restore(new GateFlips.Flip(flip.timestampMs, flip.requestsSeen, flip.tracesSeen, flip.state,
                    flip.previous, flip.reason, flip.detail, flip.threshold,
                    new double[] {flip.lower, flip.upper, flip.coverage}));
        }
        final long handled = f.get("handled", 0L);
        final ReportBuilder.Parts parts = new ReportBuilder.Parts(
                new LabelSlices(config, labelStates, decayed(f.get("attributedLabels", null))),
                new LengthSlices(config, lengthStates, decayed(f.get("attributedLengths", null))),
                new Plateaus(config, new Plateaus.Intervals(f.get("openRequests", 0L), f.get("openHandled", 0L),
                        f.get("openRequestsAtReport", 0L), f.get("openHandledAtReport", 0L),
                        (Collection<long[]>) f.get("taskHistory", null)), labelIntervals),
                pairs,
                new ExampleSamples(config, ReservoirDraws.continuing((Random) f.get("random", null)), handledSamples,
                        deferredSamples),
                new CoverageCurve(config, points, f.get("curveStride", 0L), point((CurveState) f.get("openPoint", null)),
                        handled, f.get("outcomes", 0L)),
                flips,
                new CostEstimate(config, handled, f.get("audited", 0L), decayed(f.get("recentRequests", null)),
                        decayed(f.get("recentHandled", null)), decayed(f.get("recentAudited", null))),
                new ReasonCounts((Map<String, Long>) f.get("decisionsByReason", null),
                        (Map<String, Long>) f.get("deferralsByReason", null),
                        (Map<String, Long>) f.get("deferralsSincePrevious", null)),
                new PendingOutcomes(config, pending, f.get("pendingDropped", 0L)),
                new TreeMap<>((Map<String, Long>) f.get("ignored", null)));
        final ReportBuilder.Clock clock = new ReportBuilder.Clock(f.get("tick", 0L), f.get("gateEventsSeen", false),
                (GateState) f.get("gateState", GateState.CLOSED), (Double) f.get("threshold", null),
                (String) f.get("modelVersion", ""), f.get("lastTimestampMs", 0L), f.get("sequence", 0L),
                (Long) f.get("previousTimestampMs", null));
        return new ReportBuilder(config, parts, clock);
    }

    private static DecayedSum decayed(final Object sum) {
        final Decayed d = (Decayed) sum;
        return new DecayedSum(d.value, d.at);
    }

    private static SliceState slice(final Slice s) {
        return new SliceState(s.key, s.requests, s.handled, s.outcomes, new DecayedSum[] {decayed(s.recentRequests),
            decayed(s.recentHandled), decayed(s.agreeSum), decayed(s.agreeWeight), decayed(s.accSum),
            decayed(s.accWeight)}, s.threshold, s.thresholdTick, s.previousHandledRate, s.previousShare);
    }

    private KeptExample example(final Example e) {
        return examples.computeIfAbsent(e, x -> {
            final KeptExample kept = new KeptExample(x.requestId, x.text, x.handled, x.reason, x.surrogateLabel,
                    x.score, x.threshold, x.words, x.timestampMs, x.gateOpen);
            kept.llmLabel = x.llmLabel;
            kept.tick = x.tick;
            return kept;
        });
    }

    private List<KeptExample> examples(final Collection<Example> legacy) {
        final List<KeptExample> out = new ArrayList<>(legacy.size());
        for (final Example e : legacy) {
            out.add(example(e));
        }
        return out;
    }

    private ExampleReservoir reservoir(final Reservoir r) {
        return new ExampleReservoir(r.capacity, examples(r.items), examples(r.published), r.seen);
    }

    private static CoverageCurve.Point point(final CurveState c) {
        return new CoverageCurve.Point(c.requestsSeen, c.traces, c.window, c.handled, c.cumulativeHandled,
                new double[] {c.agreeSum, c.agreeWeight, c.accSum, c.accWeight}, c.gate, c.threshold, c.timestampMs);
    }
}
