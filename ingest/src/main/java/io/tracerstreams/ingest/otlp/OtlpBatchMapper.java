/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Maps OTLP trace batches onto GenAI calls: decodes a batch (protobuf or JSON, as configured), then maps each span
 * on its own, so a bad span never costs the good ones beside it. Thread-safe (immutable after construction).
 *
 * <pre>{@code
 * OtlpBatchMapper mapper = new OtlpBatchMapper(new OtlpMappingConfig(Map.of("task.default", "intents")), 10_000);
 * BatchResult result = mapper.map(recordValue, recordTimestamp);   // UnreadableBatchException: a dead letter
 * result.calls().forEach(c -> producer.send(..., c.toResponse()));
 * }</pre>
 */
public final class OtlpBatchMapper {

    private final OtlpMappingConfig config;
    private final GenAiSpanMapper spans;

    /**
     * @param config        the mapping settings
     * @param maxInputChars longer inputs are skipped (reason input-too-long)
     */
    public OtlpBatchMapper(final OtlpMappingConfig config, final int maxInputChars) {
        this.config = Objects.requireNonNull(config, "config");
        if (maxInputChars < 1) {
            throw new IllegalArgumentException("maxInputChars must be positive: " + maxInputChars);
        }
        this.spans = new GenAiSpanMapper(config, maxInputChars);
    }

    /** The settings in use. */
    public OtlpMappingConfig config() {
        return config;
    }

    /**
     * Maps one record of the OTLP topic.
     *
     * @param value               the record value, in the configured encoding
     * @param fallbackTimestampMs the time of calls whose span has no start or end time (the record's timestamp)
     * @throws UnreadableBatchException when nothing in the value is readable: the record is a dead letter
     */
    public BatchResult map(final byte[] value, final long fallbackTimestampMs) {
        if (value == null) {
            throw new UnreadableBatchException("the record has no value");
        }
        final DecodedBatch batch = switch (config.encoding()) {
            case OTLP_PROTO -> OtlpProtoDecoder.decode(value);
            case OTLP_JSON -> OtlpJsonDecoder.decode(value);
        };
        return map(batch, fallbackTimestampMs);
    }

    /** Maps one OTLP JSON TracesData already parsed (a line of a file exporter's output, for instance). */
    public BatchResult mapJson(final JsonNode tracesData, final long fallbackTimestampMs) {
        return map(OtlpJsonDecoder.decode(tracesData), fallbackTimestampMs);
    }

    private BatchResult map(final DecodedBatch batch, final long fallbackTimestampMs) {
        final List<MappedCall> calls = new ArrayList<>();
        final Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
        final Map<SkipReason, String> examples = new EnumMap<>(SkipReason.class);
        final Map<SpanNote, Integer> notes = new EnumMap<>(SpanNote.class);
        for (final DecodedBatch.BadSpan bad : batch.badSpans()) {
            skipped.merge(SkipReason.BAD_SPAN, 1, Integer::sum);
            examples.putIfAbsent(SkipReason.BAD_SPAN, bad.where() + ": " + bad.reason());
        }
        for (final DecodedBatch.SpanInBatch span : batch.spans()) {
            final GenAiSpanMapper.Outcome outcome = spans.map(span, fallbackTimestampMs);
            for (final SpanNote n : outcome.notes()) {
                notes.merge(n, 1, Integer::sum);
            }
            if (outcome.call() != null) {
                calls.add(outcome.call());
            } else {
                skipped.merge(outcome.skip(), 1, Integer::sum);
                examples.putIfAbsent(outcome.skip(), outcome.detail());
            }
        }
        return new BatchResult(calls, batch.spans().size() + batch.badSpans().size(), skipped, examples, notes,
                batch.damage());
    }
}
