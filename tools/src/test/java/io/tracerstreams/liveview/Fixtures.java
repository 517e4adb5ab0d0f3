/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Synthetic records for the live view's tests. */
final class Fixtures {

    private Fixtures() {
    }

    static RoutingDecision decision(final String task, final String id, final boolean handled, final Reason reason,
                                    final long ts) {
        return RoutingDecision.newBuilder().setRequestId(id).setTask(task)
                .setDecision(handled ? Decision.HANDLED : Decision.DEFERRED).setLabel(handled ? "card_lost" : null)
                .setScore(handled ? 0.97 : 0.41).setThreshold(handled ? 0.9 : null).setReason(reason)
                .setAudit(reason == Reason.AUDIT).setModelVersion("ncm@" + ts).setTimestamp(Instant.ofEpochMilli(ts))
                .build();
    }

    static GateEvent flip(final String task, final GateState from, final GateState to, final long traces,
                          final long ts) {
        return GateEvent.newBuilder().setTask(task).setState(to).setPrevious(from).setAlpha(0.9)
                .setAgreement(0.95).setAgreementLower(0.91).setAgreementUpper(0.98).setCoverage(0.62)
                .setThreshold(to == GateState.OPEN ? 0.8 : null).setWindowSize(2000).setEffectiveSize(800)
                .setReason(to == GateState.OPEN ? GateReason.LOWER_BOUND_CROSSED : GateReason.UPPER_BOUND_BELOW_ALPHA)
                .setDetail("lower bound 0.91 >= alpha 0.90").setServedLearner("ncm").setModelVersion("ncm@" + traces)
                .setTracesSeen(traces).setTimestamp(Instant.ofEpochMilli(ts)).build();
    }

    static TaskStats stats(final String task, final long requests, final long handled, final GateState gate,
                           final double agreement, final long ts) {
        return TaskStats.newBuilder().setTask(task).setTracesSeen(requests - handled).setRequestsSeen(requests)
                .setHandled(handled).setDeferred(requests - handled).setAudited(handled / 20).setInvalid(0)
                .setTeacherCallsSaved(handled - handled / 20).setEstimatedCostSaved(0.002 * handled)
                .setGateState(gate).setAlpha(0.9).setThreshold(gate == GateState.OPEN ? 0.8 : null)
                .setAgreement(agreement).setAgreementLower(agreement - 0.04).setAgreementUpper(agreement + 0.03)
                .setCoverageEstimate(requests == 0 ? 0 : (double) handled / requests)
                .setFrontier(List.of(new FrontierPoint(0.8, 0.9, 0.5), new FrontierPoint(0.9, 0.6, 0.8)))
                .setDeferralsByReason(Map.of("GATE_CLOSED", requests - handled)).setServedLearner("ncm")
                .setLabels(28).setTimestamp(Instant.ofEpochMilli(ts)).build();
    }

    /** A task that warms up closed, then opens after 600 requests. */
    static void feedOpeningTask(final LiveState state, final String task) {
        long handled = 0;
        for (int r = 100; r <= 1_200; r += 100) {
            final boolean open = r > 600;
            if (r == 700) {
                state.onGateEvent(flip(task, GateState.CLOSED, GateState.OPEN, 600, 1_000L * r));
            }
            if (open) {
                handled += 60;
            }
            state.onTaskStats(stats(task, r, handled, open ? GateState.OPEN : GateState.CLOSED,
                    0.80 + r / 10_000.0, 1_000L * r));
        }
        for (int i = 0; i < 30; i++) {
            state.onDecision(decision(task, task + "-" + i, i % 3 != 0, i % 3 != 0
                    ? (i % 10 == 1 ? Reason.AUDIT : Reason.CONFIDENT) : Reason.LOW_SCORE, 1_200_000L + i));
        }
    }

    /** A task whose gate never opens. */
    static void feedClosedTask(final LiveState state, final String task) {
        for (int r = 100; r <= 1_200; r += 100) {
            state.onTaskStats(stats(task, r, 0, GateState.CLOSED, 0.55, 1_000L * r));
        }
        for (int i = 0; i < 10; i++) {
            state.onDecision(decision(task, task + "-" + i, false, Reason.GATE_CLOSED, 1_200_000L + i));
        }
    }
}
