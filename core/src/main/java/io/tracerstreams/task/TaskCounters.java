/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateSnapshot;
import io.tracerstreams.gate.GateStatistics;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.schema.state.CountersState;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of one task (requests, decisions, deferral reasons, traces by origin) and the {@link TaskStats}
 * built from them with the gate's estimates. LLM calls saved = 1 - (deferred + audited) / requests, a fraction;
 * the count of calls avoided is the handled requests that were not audited.
 * Not thread-safe.
 */
final class TaskCounters implements Serializable {

    private static final long serialVersionUID = 1L;

    private long requests;
    private long handled;
    private long deferred;
    private long audited;
    private long invalid;
    private long traces;
    private final long[] tracesByOrigin = new long[TraceOrigin.values().length];
    private final EnumMap<Reason, Long> deferrals = new EnumMap<>(Reason.class);

    /** One request routed (invalid ones included). */
    void onRequest() {
        requests++;
    }

    /** One request deferred for this reason. */
    void onDeferred(final Reason reason) {
        deferred++;
        deferrals.merge(reason, 1L, Long::sum);
    }

    /** One unusable request (it is deferred too: count that with {@link #onDeferred}). */
    void onInvalid() {
        invalid++;
    }

    /** One request handled, audited or not. */
    void onHandled(final boolean audit) {
        handled++;
        if (audit) {
            audited++;
        }
    }

    /** One trace learned. */
    void onTrace(final TraceOrigin origin) {
        traces++;
        tracesByOrigin[origin.ordinal()]++;
    }

    /** Requests routed so far. */
    long requests() {
        return requests;
    }

    /** LLM calls saved = 1 - (deferred + audited) / requests, 0 before the first request. */
    double llmCallsSaved() {
        return requests == 0 ? 0.0 : 1.0 - (double) (deferred + audited) / requests;
    }

    /** Traces learned so far. */
    long traces() {
        return traces;
    }

    /** Traces learned from one origin. */
    long traces(final TraceOrigin origin) {
        return tracesByOrigin[origin.ordinal()];
    }

    /** The counters with the gate's estimates now and the served surrogate's frontier. */
    TaskStats stats(final String task, final TaskConfig config, final ParityGate gate, final SurrogateZoo zoo,
                    final long timestampMs) {
        final GateSnapshot now = gate.current();
        final List<FrontierPoint> frontier = new ArrayList<>();
        for (final GateStatistics.FrontierEntry entry : zoo.frontier(config.frontierAlphas())) {
            frontier.add(entry.toAvro());
        }
        final Map<String, Long> reasons = new LinkedHashMap<>();
        deferrals.forEach((reason, count) -> reasons.put(reason.name(), count));
        final long saved = handled - audited;
        return TaskStats.newBuilder()
                .setTask(task)
                .setLlmCallsSaved(llmCallsSaved())
                .setTracesSeen(traces)
                .setRequestsSeen(requests)
                .setHandled(handled)
                .setDeferred(deferred)
                .setAudited(audited)
                .setInvalid(invalid)
                .setTeacherCallsSaved(saved)
                .setEstimatedCostSaved(saved * config.costPerCall())
                .setGateState(now.state())
                .setAlpha(config.alpha())
                .setThreshold(gate.isOpen() ? gate.threshold() : null)
                .setAgreement(finite(now.agreement(), 0.0))
                .setAgreementLower(finite(now.lower(), 0.0))
                .setAgreementUpper(finite(now.upper(), 1.0))
                // the share of traffic the gate hands to the surrogate now: 0 while closed (the frontier
                // says what it would hand over at each alpha)
                .setCoverageEstimate(gate.isOpen() ? finite(now.coverage(), 0.0) : 0.0)
                .setFrontier(frontier)
                .setDeferralsByReason(reasons)
                .setServedLearner(zoo.servedName())
                .setLabels(zoo.labelCount())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    /** The counters as their snapshot part. */
    CountersState toState() {
        final Map<String, Long> byOrigin = new LinkedHashMap<>();
        for (final TraceOrigin origin : TraceOrigin.values()) {
            byOrigin.put(origin.name(), tracesByOrigin[origin.ordinal()]);
        }
        final Map<String, Long> byReason = new LinkedHashMap<>();
        deferrals.forEach((reason, count) -> byReason.put(reason.name(), count));
        return CountersState.newBuilder().setRequests(requests).setHandled(handled).setDeferred(deferred)
                .setAudited(audited).setInvalid(invalid).setTraces(traces).setTracesByOrigin(byOrigin)
                .setDeferralsByReason(byReason).build();
    }

    /**
     * The counters of a snapshot part. A name this version does not know (an origin or reason a later version
     * added) is counted in the totals only.
     */
    static TaskCounters fromState(final CountersState state) {
        final TaskCounters c = new TaskCounters();
        c.requests = state.getRequests();
        c.handled = state.getHandled();
        c.deferred = state.getDeferred();
        c.audited = state.getAudited();
        c.invalid = state.getInvalid();
        c.traces = state.getTraces();
        for (final TraceOrigin origin : TraceOrigin.values()) {
            final Long n = state.getTracesByOrigin().get(origin.name());
            c.tracesByOrigin[origin.ordinal()] = n == null ? 0L : n;
        }
        state.getDeferralsByReason().forEach((name, count) -> {
            for (final Reason reason : Reason.values()) {
                if (reason.name().equals(name)) {
                    c.deferrals.put(reason, count);
                }
            }
        });
        return c;
    }

    /** The value, or {@code otherwise} when it is NaN or infinite (Avro fields of the stats must be finite). */
    static double finite(final double value, final double otherwise) {
        return Double.isFinite(value) ? value : otherwise;
    }
}
