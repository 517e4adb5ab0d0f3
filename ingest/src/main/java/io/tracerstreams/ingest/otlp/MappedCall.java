/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One GenAI classification call read from a span.
 *
 * @param requestId   the span id (hex) or the configured attribute
 * @param task        the task (classification endpoint)
 * @param input       the last user message's text
 * @param label       the normalised answer
 * @param model       gen_ai.response.model, else gen_ai.request.model, else empty
 * @param provider    gen_ai.provider.name, else gen_ai.system (older conventions), else empty
 * @param latencyMs   span duration
 * @param startMs     span start time (else the end time, else the record's time): the time of its LlmRequest
 * @param timestampMs span end (else start) time, else the record's time: the time of its LlmResponse
 * @param traceId     hex trace id (may be empty)
 * @param spanId      hex span id (may be empty)
 * @param notes       what is worth counting about the span
 */
public record MappedCall(String requestId, String task, String input, String label, String model, String provider,
                         long latencyMs, long startMs, long timestampMs, String traceId, String spanId, Set<SpanNote> notes) {

    public MappedCall {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(label, "label");
        notes = Set.copyOf(notes);
    }

    /** The trace tracer learns: an LlmResponse with the input (it may never have seen the request). */
    public LlmResponse toResponse() {
        return LlmResponse.newBuilder().setRequestId(requestId).setTask(task).setLabel(label).setInput(input)
                .setModel(model).setLatencyMs(latencyMs).setCost(null).setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    /**
     * The call as a request tracer routes, with the call's provenance in its attributes. It carries the span's
     * start time and the response its end time, so that Kafka Streams, which picks the earliest record among
     * its input partitions, routes the request before it learns the response when both are waiting.
     */
    public LlmRequest toRequest() {
        final Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("source", "otlp");
        put(attributes, "gen_ai.request.model", model);
        put(attributes, "gen_ai.provider.name", provider);
        put(attributes, "trace_id", traceId);
        put(attributes, "span_id", spanId);
        return LlmRequest.newBuilder().setRequestId(requestId).setTask(task).setInput(input)
                .setTimestamp(Instant.ofEpochMilli(startMs)).setAttributes(Map.copyOf(attributes)).build();
    }

    private static void put(final Map<String, String> m, final String k, final String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
