/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.task.TaskEngine;

import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of one replay run, as DESIGN section 7 defines them.
 *
 * @param alpha                the target agreement
 * @param seed                 the run's seed
 * @param overall              every routed request
 * @param test                 the test phase (the whole stream when there was no test split)
 * @param last20               the last 20% of the routed requests
 * @param gateFlips            gate state changes
 * @param tracesUntilFirstOpen traces learned when the gate first opened, -1 when it never did
 * @param servedLearner        the served surrogate at the end
 * @param tracesLearned        traces the engine learned
 * @param curve                one point per {@code curveEvery} requests
 * @param gateEvents           every gate event, in order
 * @param reports              boundary reports taken during the run (periodically, after flips, at the end)
 * @param shift                the teacher shift of the run ({@link TeacherShift#NONE} when none)
 * @param requestsUntilFirstOpen requests routed when the gate first opened (0 when it opened on the backfill),
 *                             -1 when it never did
 */
public record ReplayResult(double alpha, long seed, Metrics overall, Metrics test, Metrics last20, long gateFlips,
                           long tracesUntilFirstOpen, String servedLearner, long tracesLearned,
                           List<CurvePoint> curve, List<GateEvent> gateEvents, List<BoundaryReport> reports,
                           TeacherShift shift, long requestsUntilFirstOpen) {

    /**
     * Routing metrics over a stretch of requests.
     *
     * @param requests           requests routed
     * @param handled            answered by the surrogate
     * @param agreedHandled      handled requests whose label equals the LLM's
     * @param audited            handled requests also sent to the LLM
     */
    public record Metrics(long requests, long handled, long agreedHandled, long audited) {

        /** HANDLED / requests. */
        public double coverage() {
            return requests == 0 ? 0.0 : (double) handled / requests;
        }

        /** Share of HANDLED whose label equals the hidden LLM label (NaN when nothing was handled). */
        public double realisedAgreement() {
            return handled == 0 ? Double.NaN : (double) agreedHandled / handled;
        }

        /** Deferred + audited: the calls the LLM still had to answer. */
        public long llmCalls() {
            return requests - handled + audited;
        }

        /** LLM calls saved: 1 - LLM calls / requests (NaN when nothing was routed). The headline figure. */
        public double llmCallsSaved() {
            return requests == 0 ? Double.NaN : 1.0 - (double) llmCalls() / requests;
        }

        /** Share of all answers (surrogate's when handled, LLM's when deferred) equal to the LLM's label. */
        public double endToEndAgreement() {
            return requests == 0 ? Double.NaN : (double) (agreedHandled + requests - handled) / requests;
        }

        Metrics plus(final boolean handledNow, final boolean agreedNow, final boolean auditedNow) {
            return new Metrics(requests + 1, handled + (handledNow ? 1 : 0), agreedHandled + (agreedNow ? 1 : 0),
                    audited + (auditedNow ? 1 : 0));
        }
    }

    /**
     * One block of the curve: {@code block.requests()} consecutive requests ending at request {@code requests}.
     * Blocks are {@code curveEvery} requests long and restart where the test phase starts and where a teacher
     * shift starts, so the last block before such a boundary may be shorter.
     *
     * @param requests          requests routed so far (the block's end)
     * @param traces            traces learned so far
     * @param test              whether the block lies in the test phase
     * @param shifted           whether the block lies at or after the teacher shift
     * @param block             the block's own metrics (the truth: realised agreement of its handled requests)
     * @param coverage          cumulative coverage
     * @param agreementEstimate the gate's agreement estimate at the end of the block (NaN before the first)
     * @param lowerBound        its lower confidence bound
     * @param gateState         the gate's state at the end of the block
     * @param threshold         the served threshold at the end of the block (NaN when closed)
     */
    public record CurvePoint(long requests, long traces, boolean test, boolean shifted, Metrics block, double coverage,
                             double agreementEstimate, double lowerBound, GateState gateState, double threshold) {

        /** Coverage within the block. */
        public double blockCoverage() {
            return block.coverage();
        }

        /** Realised agreement within the block (NaN when nothing was handled). */
        public double blockAgreement() {
            return block.realisedAgreement();
        }

        /** Whether the gate was open at the end of the block. */
        public boolean gateOpen() {
            return gateState == GateState.OPEN;
        }
    }

    static final class Builder {
        private final double alpha;
        private final long seed;
        private final int curveEvery;
        private int testStart;
        private int last20Start;
        private Metrics overall = new Metrics(0, 0, 0, 0);
        private Metrics test = new Metrics(0, 0, 0, 0);
        private Metrics last20 = new Metrics(0, 0, 0, 0);
        private final List<CurvePoint> curve = new ArrayList<>();
        private final List<GateEvent> events = new ArrayList<>();
        private final List<BoundaryReport> reports = new ArrayList<>();
        private Metrics block = new Metrics(0, 0, 0, 0);
        private Metrics cumulative = new Metrics(0, 0, 0, 0);
        private long flips;
        private long firstOpen = -1;
        private long firstOpenRequests = -1;
        private TeacherShift shift = TeacherShift.NONE;

        Builder(final double alpha, final long seed, final int curveEvery) {
            this.alpha = alpha;
            this.seed = seed;
            this.curveEvery = curveEvery;
        }

        /** Where the test phase starts and how many requests the stream has. */
        void phases(final int testStartIndex, final int total) {
            this.testStart = testStartIndex;
            this.last20Start = total - Math.max(1, total / 5);
        }

        void shift(final TeacherShift teacherShift) {
            this.shift = teacherShift;
        }

        void onStep(final Replay.Step step, final TaskEngine engine) {
            final boolean audit = step.decision().getAudit();
            overall = overall.plus(step.handled(), step.agreed(), audit);
            if (step.index() >= testStart) {
                test = test.plus(step.handled(), step.agreed(), audit);
            }
            if (step.index() >= last20Start) {
                last20 = last20.plus(step.handled(), step.agreed(), audit);
            }
            if (block.requests() > 0 && (step.index() == testStart || step.index() == shift.at())) {
                closeBlock(step.index(), engine);
            }
            block = block.plus(step.handled(), step.agreed(), audit);
            cumulative = cumulative.plus(step.handled(), step.agreed(), audit);
            if (block.requests() == curveEvery) {
                closeBlock(step.index() + 1, engine);
            }
        }

        /** Ends the running block; {@code end} = requests routed so far. */
        private void closeBlock(final long end, final TaskEngine engine) {
            final var gate = engine.gateSnapshot();
            final long first = end - block.requests();
            curve.add(new CurvePoint(cumulative.requests(), engine.tracesLearned(), first >= testStart,
                    first >= shift.at(), block, cumulative.coverage(), gate.agreement(), gate.lower(), gate.state(),
                    gate.state() == GateState.OPEN ? gate.threshold() : Double.NaN));
            block = new Metrics(0, 0, 0, 0);
        }

        /** Ends the last, possibly shorter block. */
        void finish(final TaskEngine engine) {
            if (block.requests() > 0) {
                closeBlock(cumulative.requests(), engine);
            }
        }

        void onReport(final BoundaryReport report) {
            reports.add(report);
        }

        void onGateEvent(final GateEvent event, final TaskEngine engine) {
            events.add(event);
            if (event.getState() != event.getPrevious()) {
                flips++;
            }
            if (firstOpen < 0 && event.getState() == GateState.OPEN) {
                firstOpen = engine.tracesLearned();
                firstOpenRequests = cumulative.requests();
            }
        }

        ReplayResult build(final TaskEngine engine) {
            return new ReplayResult(alpha, seed, overall, test, last20, flips, firstOpen, engine.servedLearner(),
                    engine.tracesLearned(), List.copyOf(curve), List.copyOf(events), List.copyOf(reports), shift,
                    firstOpenRequests);
        }
    }
}
