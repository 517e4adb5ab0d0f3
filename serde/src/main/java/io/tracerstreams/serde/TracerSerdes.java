/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Ready serdes for tracer's records. Each takes a registry URL ({@code http(s)://...} or {@code mock://NAME})
 * or Kafka-style properties with {@link AvroSerdeConfig} keys, and whether the serde is for record keys
 * (subject {@code <topic>-key}) or values ({@code <topic>-value}).
 */
public final class TracerSerdes {

    private TracerSerdes() {
    }

    /** LlmRequest (topic llm.requests). */
    public static SpecificAvroSerde<LlmRequest> llmRequest(final String registryUrl, final boolean isKey) {
        return forType(LlmRequest.class, AvroSerdeConfig.forUrl(registryUrl), isKey);
    }

    /** LlmRequest (topic llm.requests). */
    public static SpecificAvroSerde<LlmRequest> llmRequest(final Map<String, ?> config, final boolean isKey) {
        return forType(LlmRequest.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** LlmResponse (topic llm.responses). */
    public static SpecificAvroSerde<LlmResponse> llmResponse(final String registryUrl, final boolean isKey) {
        return forType(LlmResponse.class, AvroSerdeConfig.forUrl(registryUrl), isKey);
    }

    /** LlmResponse (topic llm.responses). */
    public static SpecificAvroSerde<LlmResponse> llmResponse(final Map<String, ?> config, final boolean isKey) {
        return forType(LlmResponse.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** RoutingDecision (topic tracer.decisions). */
    public static SpecificAvroSerde<RoutingDecision> routingDecision(final String registryUrl, final boolean isKey) {
        return forType(RoutingDecision.class, AvroSerdeConfig.forUrl(registryUrl), isKey);
    }

    /** RoutingDecision (topic tracer.decisions). */
    public static SpecificAvroSerde<RoutingDecision> routingDecision(final Map<String, ?> config,
                                                                     final boolean isKey) {
        return forType(RoutingDecision.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** GateEvent (topic tracer.gate-events). */
    public static SpecificAvroSerde<GateEvent> gateEvent(final String registryUrl, final boolean isKey) {
        return forType(GateEvent.class, AvroSerdeConfig.forUrl(registryUrl), isKey);
    }

    /** GateEvent (topic tracer.gate-events). */
    public static SpecificAvroSerde<GateEvent> gateEvent(final Map<String, ?> config, final boolean isKey) {
        return forType(GateEvent.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** TaskStats (topic tracer.task-stats). */
    public static SpecificAvroSerde<TaskStats> taskStats(final String registryUrl, final boolean isKey) {
        return forType(TaskStats.class, AvroSerdeConfig.forUrl(registryUrl), isKey);
    }

    /** TaskStats (topic tracer.task-stats). */
    public static SpecificAvroSerde<TaskStats> taskStats(final Map<String, ?> config, final boolean isKey) {
        return forType(TaskStats.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** BoundaryReport (topic tracer.reports). */
    public static SpecificAvroSerde<BoundaryReport> boundaryReport(final Map<String, ?> config, final boolean isKey) {
        return forType(BoundaryReport.class, AvroSerdeConfig.fromMap(config), isKey);
    }

    /** Any generated record class, with its own registry client (closed with the serde). */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forType(final Class<T> type,
                                                                          final AvroSerdeConfig config,
                                                                          final boolean isKey) {
        Objects.requireNonNull(type, "type");
        final SchemaRegistryClient client = SchemaRegistryClient.create(config);
        return new SpecificAvroSerde<>(client, type, config.autoRegisterSchemas(), config.removeJavaProperties(),
                isKey).owning(client);
    }

    /** Any generated record class on a shared client (closed by the caller), e.g. one client per application. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forType(final Class<T> type,
                                                                          final SchemaRegistryClient client,
                                                                          final boolean autoRegister,
                                                                          final boolean isKey) {
        return new SpecificAvroSerde<>(client, Objects.requireNonNull(type, "type"), autoRegister, isKey);
    }
}
