/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.report.ReportBuilder;

import java.io.Serializable;

/**
 * Everything a {@link TaskEngine} holds, part by part: what a snapshot stores and a restore rebuilds the engine
 * from ({@link EngineSnapshots}). The gate and the served member share the served agreement window, so the
 * parts are written as one object graph.
 *
 * @param task         the task's name
 * @param config       the task's settings
 * @param zoo          the surrogates with their acceptors and windows, the label space and the support memory
 * @param ood          the out-of-distribution guard
 * @param verification the backfill verification state
 * @param gate         the parity gate
 * @param report       the boundary report's running state
 * @param counters     the counters
 */
record EngineState(String task, TaskConfig config, SurrogateZoo zoo, OodGuard ood, BackfillVerification verification,
                   ParityGate gate, ReportBuilder report, TaskCounters counters) implements Serializable {
}
