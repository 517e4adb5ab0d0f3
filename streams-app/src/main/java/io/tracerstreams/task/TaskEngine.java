/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.util.List;

/**
 * Everything tracer knows about one task (one classification endpoint): the label space, the
 * surrogate zoo, the acceptors, the out-of-distribution guard, the agreement windows, the parity
 * gate and the counters. Plain Java: the topology's task router and the replay harness run this
 * same class.
 *
 * <p>API CONTRACT (implementation in progress by the core owner; code against these signatures).
 * Deterministic: the same sequence of calls gives the same outputs, so snapshot + replay of the calls
 * since the snapshot restores the exact state. Not thread-safe: one owner (one stream task) at a time.
 */
public final class TaskEngine {

    private TaskEngine() {
    }

    /** A fresh engine for a task. */
    public static TaskEngine create(final String task, final TaskConfig config) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Restores an engine from {@link #snapshot()}. */
    public static TaskEngine restore(final byte[] snapshot) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Serialises the whole state. */
    public byte[] snapshot() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Routes one request whose input was embedded upstream. Changes counters only (never the models).
     * HANDLED with audit = true and reason AUDIT means: answer with the label and ask the LLM too.
     */
    public RoutingDecision route(final String requestId, final String input, final float[] embedding, final long timestampMs) {
        throw new UnsupportedOperationException("in progress");
    }

    /** Answers an unusable request (empty, oversized, undecodable text): DEFERRED, reason INVALID_INPUT, counted. */
    public RoutingDecision rejectInvalid(final String requestId, final String why, final long timestampMs) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Learns one trace test-then-train: every learner first predicts it (the outcome enters its agreement
     * window with the origin's weight), then learns it. Returns the gate events this trace caused (0 or 1).
     */
    public List<GateEvent> learn(final String requestId, final String input, final float[] embedding,
                                 final String llmLabel, final TraceOrigin origin, final long timestampMs) {
        throw new UnsupportedOperationException("in progress");
    }

    /** A snapshot of the counters, estimates and frontier. */
    public TaskStats stats(final long timestampMs) {
        throw new UnsupportedOperationException("in progress");
    }

    /** The task's name. */
    public String task() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Traces learned so far. */
    public long tracesLearned() {
        throw new UnsupportedOperationException("in progress");
    }
}
