/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import org.apache.kafka.common.serialization.Serde;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.serde.TracerSerdes;

import java.util.Map;
import java.util.Objects;

/**
 * The value serdes of tracer's external topics, configured (registry url, auth) and ready to use: Avro in
 * the Confluent wire format ({@link TracerSerdes}). Keys are plain UTF-8 strings (task or request id).
 *
 * @param request  llm.requests values
 * @param response llm.responses values
 * @param decision tracer.decisions values
 * @param gate     tracer.gate-events and tracer.gate-state values
 * @param stats    tracer.task-stats values
 * @param report   tracer.reports values
 */
public record TopicSerdes(Serde<LlmRequest> request, Serde<LlmResponse> response, Serde<RoutingDecision> decision,
                           Serde<GateEvent> gate, Serde<TaskStats> stats, Serde<BoundaryReport> report)
        implements AutoCloseable {

    public TopicSerdes {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(report, "report");
    }

    /** Value serdes on the registry of a configuration ({@code mock://NAME} or a Confluent-compatible registry). */
    public static TopicSerdes fromConfig(final TracerConfig config) {
        return forRegistry(config.schemaRegistryConfig());
    }

    /** Value serdes on a registry configured by {@code io.tracerstreams.serde.AvroSerdeConfig} keys. */
    public static TopicSerdes forRegistry(final Map<String, ?> registryConfig) {
        return new TopicSerdes(TracerSerdes.llmRequest(registryConfig, false), TracerSerdes.llmResponse(registryConfig, false),
                TracerSerdes.routingDecision(registryConfig, false), TracerSerdes.gateEvent(registryConfig, false),
                TracerSerdes.taskStats(registryConfig, false), TracerSerdes.boundaryReport(registryConfig, false));
    }

    /** Value serdes on {@code mock://NAME}: the in-process registry of tests and the demo. */
    public static TopicSerdes forRegistryUrl(final String url) {
        return forRegistry(Map.of("schema.registry.url", url));
    }

    /** Closes the serdes (and the registry clients they own). */
    @Override
    public void close() {
        request.close();
        response.close();
        decision.close();
        gate.close();
        stats.close();
        report.close();
    }
}
