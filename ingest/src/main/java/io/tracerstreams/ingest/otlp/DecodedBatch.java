/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The spans read from one batch, with what could not be read.
 *
 * @param spans    every span read, with its resource and scope, in batch order
 * @param badSpans spans that could not be read (OTLP JSON only: one bad span does not spoil its batch)
 * @param damage   when the batch was cut off or corrupt part-way (protobuf): what happened; the spans before the
 *                 damage are in {@code spans}
 */
public record DecodedBatch(List<SpanInBatch> spans, List<BadSpan> badSpans, Optional<String> damage) {

    public DecodedBatch {
        spans = List.copyOf(spans);
        badSpans = List.copyOf(badSpans);
        Objects.requireNonNull(damage, "damage");
    }

    /**
     * One span and where it came from.
     *
     * @param resource   the resource of its ResourceSpans (empty when absent)
     * @param scope      the instrumentation scope of its ScopeSpans
     * @param span       the span
     * @param base64Ids  OTLP JSON only: its ids were base64, not hex
     */
    public record SpanInBatch(Resource resource, InstrumentationScope scope, Span span, boolean base64Ids) {
    }

    /**
     * A span that could not be read.
     *
     * @param where  its place in the batch, e.g. {@code resourceSpans[0].scopeSpans[1].spans[3]}
     * @param reason what is wrong with it
     */
    public record BadSpan(String where, String reason) {
    }
}
