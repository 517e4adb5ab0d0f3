/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import org.apache.kafka.common.serialization.Serde;

import java.util.Objects;

/**
 * The value serdes of tracer's external topics, configured (registry url, auth) and ready to use. Keys are
 * plain UTF-8 strings (task or request id).
 *
 * @param request  llm.requests values
 * @param response llm.responses values
 * @param decision tracer.decisions values
 * @param gate     tracer.gate-events and tracer.gate-state values
 * @param stats    tracer.task-stats values
 */
public record TracerSerdes(Serde<LlmRequest> request, Serde<LlmResponse> response, Serde<RoutingDecision> decision,
                           Serde<GateEvent> gate, Serde<TaskStats> stats) {

    public TracerSerdes {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(stats, "stats");
    }
}
