/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one OTLP batch gave.
 *
 * @param calls     the GenAI calls mapped, in batch order
 * @param spans     spans in the batch (read or not)
 * @param skipped   spans that map to nothing, per reason
 * @param examples  per reason, the detail of its first span (for logs and summaries)
 * @param notes     per note, the spans it applies to
 * @param damage    when a protobuf batch was cut off or corrupt part-way: what happened (its complete spans are
 *                  mapped all the same)
 */
public record BatchResult(List<MappedCall> calls, int spans, Map<SkipReason, Integer> skipped,
                          Map<SkipReason, String> examples, Map<SpanNote, Integer> notes, Optional<String> damage) {

    public BatchResult {
        calls = List.copyOf(calls);
        skipped = copy(skipped, SkipReason.class);
        examples = copy(examples, SkipReason.class);
        notes = copy(notes, SpanNote.class);
    }

    private static <K extends Enum<K>, V> Map<K, V> copy(final Map<K, V> m, final Class<K> type) {
        final EnumMap<K, V> out = new EnumMap<>(type);
        out.putAll(m);
        return java.util.Collections.unmodifiableMap(out);
    }
}
