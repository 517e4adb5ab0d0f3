/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;

import java.util.List;

/**
 * The calls the task router makes on one task's engine: the subset of {@link TaskEngine} it needs. The
 * production implementation is {@link #TASK_ENGINE} (a thin adapter); the seam exists so that the router's
 * plumbing (stores, snapshots, journal, dead letters) can be tested on its own.
 *
 * <p>Implementations must be deterministic: the same calls in the same order give the same state, so that
 * snapshot + replay of the journal restores it exactly.
 */
public interface RouterEngine {

    /** See {@link TaskEngine#route}. */
    RoutingDecision route(String requestId, String input, float[] embedding, long timestampMs);

    /** See {@link TaskEngine#rejectInvalid}. */
    RoutingDecision rejectInvalid(String requestId, String why, long timestampMs);

    /** See {@link TaskEngine#learn}. */
    List<GateEvent> learn(String requestId, String input, float[] embedding, String llmLabel, RoutingDecision routed, long timestampMs);

    /** See {@link TaskEngine#stats}. */
    TaskStats stats(long timestampMs);

    /** See {@link TaskEngine#report}: changes the report builder's history, so it is journaled like the others. */
    BoundaryReport report(long timestampMs);

    /** See {@link TaskEngine#snapshot}. */
    byte[] snapshot();

    /**
     * An engine restored from a snapshot under the current settings.
     *
     * @param engine the engine
     * @param events the gate events the restore caused (CONFIG_CHANGED, STATE_RESET): published like any other
     * @param reset  why the task (or a part of it) was reset, for the log; null when it was restored whole
     */
    record Restored(RouterEngine engine, List<GateEvent> events, String reset) {
    }

    /** Creates and restores engines. */
    interface Factory {
        /** A fresh engine. */
        RouterEngine create(String task, TaskConfig config);

        /**
         * An engine from {@link RouterEngine#snapshot()} under the settings {@code config} that apply now (see
         * {@link TaskEngine#restore(byte[], String, TaskConfig, io.tracerstreams.report.ReportConfig, String, long)}).
         * Does not throw for the snapshot's content: a snapshot that cannot be read gives a fresh engine and a
         * STATE_RESET event.
         */
        Restored restore(String task, TaskConfig config, byte[] snapshot, long timestampMs);
    }

    /** The production factory: {@link TaskEngine}, example texts in reports as they are, embedding model unknown. */
    Factory TASK_ENGINE = taskEngines(false, "");

    /**
     * The production factory.
     *
     * @param hashTexts      the privacy switch of the boundary reports
     * @param embeddingModel the featurizer's name (kept in snapshots: restoring under another model resets a task)
     */
    static Factory taskEngines(final boolean hashTexts, final String embeddingModel) {
        return new Factory() {
        @Override
        public RouterEngine create(final String task, final TaskConfig config) {
            return new TaskEngineAdapter(TaskEngine.create(task, config,
                    config.reportConfig().withHashTexts(hashTexts), embeddingModel));
        }

        @Override
        public Restored restore(final String task, final TaskConfig config, final byte[] snapshot, final long timestampMs) {
            final TaskEngine.Restored r = TaskEngine.restore(snapshot, task, config,
                    config.reportConfig().withHashTexts(hashTexts), embeddingModel, timestampMs);
            return new Restored(new TaskEngineAdapter(r.engine()), r.events(), r.reset());
        }
        };
    }

    /** Delegates every call to a {@link TaskEngine}. */
    final class TaskEngineAdapter implements RouterEngine {
        private final TaskEngine engine;

        TaskEngineAdapter(final TaskEngine engine) {
            this.engine = engine;
        }

        @Override
        public RoutingDecision route(final String requestId, final String input, final float[] embedding, final long timestampMs) {
            return engine.route(requestId, input, embedding, timestampMs);
        }

        @Override
        public RoutingDecision rejectInvalid(final String requestId, final String why, final long timestampMs) {
            return engine.rejectInvalid(requestId, why, timestampMs);
        }

        @Override
        public List<GateEvent> learn(final String requestId, final String input, final float[] embedding, final String llmLabel,
                                     final RoutingDecision routed, final long timestampMs) {
            return engine.learn(requestId, input, embedding, llmLabel, routed, timestampMs);
        }

        @Override
        public TaskStats stats(final long timestampMs) {
            return engine.stats(timestampMs);
        }

        @Override
        public BoundaryReport report(final long timestampMs) {
            return engine.report(timestampMs);
        }

        @Override
        public byte[] snapshot() {
            return engine.snapshot();
        }
    }
}
