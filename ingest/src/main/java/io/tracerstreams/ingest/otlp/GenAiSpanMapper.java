/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracerstreams.ingest.otlp.GenAiMessages.Message;
import io.tracerstreams.ingest.otlp.GenAiMessages.PartKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps one span onto a {@link MappedCall}, or says why it maps to nothing.
 *
 * <p>Messages are read from, in this order: the attributes {@code gen_ai.input.messages} /
 * {@code gen_ai.output.messages} (conventions 1.37 and later; structured or a JSON string); the span events
 * {@code gen_ai.system.message}, {@code gen_ai.user.message}, {@code gen_ai.assistant.message},
 * {@code gen_ai.tool.message} and {@code gen_ai.choice} (1.28 to 1.36; the body in {@code gen_ai.event.content}
 * or as the event's attributes); the events {@code gen_ai.content.prompt} / {@code gen_ai.content.completion}
 * (1.26-1.27); the indexed attributes {@code gen_ai.prompt.N.*} / {@code gen_ai.completion.N.*} (OpenLLMetry).
 */
final class GenAiSpanMapper {

    static final String OPERATION = "gen_ai.operation.name";
    static final String INPUT_MESSAGES = "gen_ai.input.messages";
    static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String PROVIDER = "gen_ai.provider.name";
    static final String SYSTEM = "gen_ai.system";
    private static final Set<String> TOOL_FINISH = Set.of("tool_calls", "tool_call", "function_call", "tool_use");
    private static final String CAPTURE_HINT = " (are message contents captured? e.g. "
            + "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true)";

    private final OtlpMappingConfig config;
    private final Set<String> operations;
    private final LabelNormalizer labels;
    private final int maxInputChars;

    GenAiSpanMapper(final OtlpMappingConfig config, final int maxInputChars) {
        this.config = config;
        this.operations = config.operations();
        this.labels = new LabelNormalizer(config);
        this.maxInputChars = maxInputChars;
    }

    /** A mapped call, or the reason for none (with a detail in words). */
    record Outcome(MappedCall call, SkipReason skip, String detail, Set<SpanNote> notes) {
        static Outcome skip(final SkipReason reason, final String detail, final Set<SpanNote> notes) {
            return new Outcome(null, reason, detail, notes);
        }
    }

    Outcome map(final DecodedBatch.SpanInBatch in, final long fallbackTimestampMs) {
        final Span span = in.span();
        final Set<SpanNote> notes = EnumSet.noneOf(SpanNote.class);
        if (in.base64Ids()) {
            notes.add(SpanNote.BASE64_IDS);
        }
        // cheap selection first: one pass over the attributes for the operation
        final String operation = stringAttribute(span.getAttributesList(), OPERATION);
        if (operation == null || !operations.contains(operation)) {
            return Outcome.skip(SkipReason.NOT_SELECTED, operation == null ? "no " + OPERATION
                    : OPERATION + "=" + operation, notes);
        }
        if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            return Outcome.skip(SkipReason.CALL_FAILED, "span status ERROR: " + span.getStatus().getMessage(), notes);
        }
        final Map<String, AnyValue> attrs = toMap(span.getAttributesList());
        final String model = firstNonEmpty(string(attrs.get(RESPONSE_MODEL)), string(attrs.get(REQUEST_MODEL)));
        final String task = task(in, attrs, span.getName());
        if (task == null) {
            return Outcome.skip(SkipReason.NO_TASK, "no task attribute"
                    + config.taskAttribute().map(a -> " " + a).orElse("") + ", no matching rule, no default", notes);
        }
        final String spanId = hex(span.getSpanId());
        String requestId = config.requestIdAttribute().map(a -> string(attrs.get(a))).orElse(null);
        if (requestId == null || requestId.isBlank()) {
            if (config.requestIdAttribute().isPresent()) {
                notes.add(SpanNote.REQUEST_ID_FALLBACK);
            }
            if (spanId.isEmpty()) {
                return Outcome.skip(SkipReason.BAD_SPAN, "the span has no span id", notes);
            }
            requestId = spanId;
        }
        final List<Message> inputs;
        final List<Message> outputs;
        try {
            inputs = inputMessages(span, attrs, notes);
            outputs = outputMessages(span, attrs, notes);
        } catch (final GenAiMessages.BadMessages e) {
            return Outcome.skip(SkipReason.BAD_MESSAGES, e.getMessage(), notes);
        }
        Message user = null;
        for (final Message m : inputs) {
            if ("user".equals(m.role()) || "human".equals(m.role())) {
                user = m;
            }
        }
        if (user == null) {
            return Outcome.skip(SkipReason.NO_INPUT, inputs.isEmpty() ? "no input messages" + CAPTURE_HINT
                    : "no user message among " + inputs.size() + " input message(s)", notes);
        }
        final String input = user.text();
        if (input.isBlank()) {
            return user.hasNonText() ? Outcome.skip(SkipReason.NON_TEXT_INPUT, "the last user message has no text part", notes)
                    : Outcome.skip(SkipReason.NO_INPUT, "the last user message is empty" + CAPTURE_HINT, notes);
        }
        if (user.hasNonText()) {
            notes.add(SpanNote.NON_TEXT_PARTS_DROPPED);
        }
        if (input.length() > maxInputChars) {
            return Outcome.skip(SkipReason.INPUT_TOO_LONG, "the input has " + input.length()
                    + " characters, more than " + maxInputChars, notes);
        }
        if (outputs.isEmpty()) {
            return Outcome.skip(SkipReason.NO_OUTPUT, "no output messages" + CAPTURE_HINT, notes);
        }
        if (outputs.size() > 1) {
            notes.add(SpanNote.MULTIPLE_OUTPUTS);
        }
        final Message answer = outputs.get(0);
        if (answer.has(PartKind.TOOL_CALL) || TOOL_FINISH.contains(answer.finishReason())) {
            return Outcome.skip(SkipReason.TOOL_CALL, "the answer is a tool call, not a label", notes);
        }
        final String text = answer.text();
        if (text.isBlank()) {
            return answer.hasNonText() ? Outcome.skip(SkipReason.NON_TEXT_OUTPUT, "the answer has no text part", notes)
                    : Outcome.skip(SkipReason.NO_OUTPUT, "the answer is empty" + CAPTURE_HINT, notes);
        }
        if (answer.hasNonText()) {
            notes.add(SpanNote.NON_TEXT_PARTS_DROPPED);
        }
        final LabelNormalizer.Result label = labels.normalize(text);
        if (label.skip() != null) {
            return Outcome.skip(label.skip(), label.detail(), notes);
        }
        final long start = span.getStartTimeUnixNano();
        final long end = span.getEndTimeUnixNano();
        final long latencyMs = start > 0 && Long.compareUnsigned(end, start) >= 0 ? (end - start) / 1_000_000L : 0L;
        final long at = end > 0 ? end / 1_000_000L : start > 0 ? start / 1_000_000L : fallbackTimestampMs;
        final long startMs = start > 0 ? start / 1_000_000L : at;
        final String provider = firstNonEmpty(string(attrs.get(PROVIDER)), string(attrs.get(SYSTEM)));
        return new Outcome(new MappedCall(requestId, task, input, label.label(), model, provider, latencyMs, startMs, at,
                hex(span.getTraceId()), spanId, notes), null, null, notes);
    }

    private String task(final DecodedBatch.SpanInBatch in, final Map<String, AnyValue> attrs, final String spanName) {
        if (config.taskAttribute().isPresent()) {
            final String key = config.taskAttribute().get();
            String t = string(attrs.get(key));
            if (t == null || t.isBlank()) {
                t = in.resource() == null ? null : stringAttribute(in.resource().getAttributesList(), key);
            }
            if (t != null && !t.isBlank()) {
                return t.strip();
            }
        }
        final String model = firstNonEmpty(string(attrs.get(REQUEST_MODEL)), string(attrs.get(RESPONSE_MODEL)));
        for (final OtlpMappingConfig.TaskRule rule : config.taskRules()) {
            final boolean modelOk = rule.model().map(p -> p.matcher(model).find()).orElse(true);
            final boolean nameOk = rule.spanName().map(p -> p.matcher(spanName).find()).orElse(true);
            if (modelOk && nameOk) {
                return rule.task();
            }
        }
        return config.defaultTask().orElse(null);
    }

    private static List<Message> inputMessages(final Span span, final Map<String, AnyValue> attrs, final Set<SpanNote> notes) {
        final AnyValue current = attrs.get(INPUT_MESSAGES);
        if (current != null) {
            return GenAiMessages.list(current, INPUT_MESSAGES);
        }
        final List<Message> out = new ArrayList<>();
        for (final Span.Event e : span.getEventsList()) {
            final String role = switch (e.getName()) {
                case "gen_ai.system.message" -> "system";
                case "gen_ai.user.message" -> "user";
                case "gen_ai.assistant.message" -> "assistant";
                case "gen_ai.tool.message" -> "tool";
                default -> null;
            };
            if (role != null) {
                out.add(GenAiMessages.one(eventBody(e), role, "event " + e.getName()));
            } else if ("gen_ai.content.prompt".equals(e.getName())) {
                final AnyValue prompt = toMap(e.getAttributesList()).get("gen_ai.prompt");
                if (prompt != null) {
                    out.addAll(GenAiMessages.textOrList(prompt, "user", "gen_ai.prompt"));
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(indexed(attrs, "gen_ai.prompt.", "user"));
        }
        if (!out.isEmpty()) {
            notes.add(SpanNote.LEGACY_FORM);
        }
        return out;
    }

    private static List<Message> outputMessages(final Span span, final Map<String, AnyValue> attrs, final Set<SpanNote> notes) {
        final AnyValue current = attrs.get(OUTPUT_MESSAGES);
        if (current != null) {
            return GenAiMessages.list(current, OUTPUT_MESSAGES);
        }
        final List<Message> out = new ArrayList<>();
        for (final Span.Event e : span.getEventsList()) {
            if ("gen_ai.choice".equals(e.getName())) {
                out.add(GenAiMessages.one(eventBody(e), "assistant", "event gen_ai.choice"));
            } else if ("gen_ai.content.completion".equals(e.getName())) {
                final AnyValue completion = toMap(e.getAttributesList()).get("gen_ai.completion");
                if (completion != null) {
                    out.addAll(GenAiMessages.textOrList(completion, "assistant", "gen_ai.completion"));
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(indexed(attrs, "gen_ai.completion.", "assistant"));
        }
        if (!out.isEmpty()) {
            notes.add(SpanNote.LEGACY_FORM);
        }
        return out;
    }

    /** The body of an event: gen_ai.event.content (a JSON string), else its attributes as a map. */
    private static AnyValue eventBody(final Span.Event e) {
        final Map<String, AnyValue> attrs = toMap(e.getAttributesList());
        final AnyValue content = attrs.get("gen_ai.event.content");
        if (content != null) {
            return content;
        }
        final io.opentelemetry.proto.common.v1.KeyValueList.Builder body =
                io.opentelemetry.proto.common.v1.KeyValueList.newBuilder();
        for (final KeyValue kv : e.getAttributesList()) {
            if (!kv.getKey().startsWith("gen_ai.")) {
                body.addValues(kv);
            }
        }
        return AnyValue.newBuilder().setKvlistValue(body).build();
    }

    /** OpenLLMetry's gen_ai.prompt.0.role / gen_ai.prompt.0.content / gen_ai.completion.0.finish_reason ... */
    private static List<Message> indexed(final Map<String, AnyValue> attrs, final String prefix, final String defaultRole) {
        final Map<Integer, Map<String, AnyValue>> byIndex = new TreeMap<>();
        for (final Map.Entry<String, AnyValue> e : attrs.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            final String rest = e.getKey().substring(prefix.length());
            final int dot = rest.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            try {
                final int index = Integer.parseInt(rest.substring(0, dot));
                byIndex.computeIfAbsent(index, i -> new HashMap<>()).put(rest.substring(dot + 1), e.getValue());
            } catch (final NumberFormatException ex) {
                // not an indexed attribute
            }
        }
        final List<Message> out = new ArrayList<>();
        for (final Map<String, AnyValue> fields : byIndex.values()) {
            final String role = firstNonEmpty(string(fields.get("role")), defaultRole).toLowerCase(java.util.Locale.ROOT);
            final List<GenAiMessages.Part> parts = new ArrayList<>();
            final String content = string(fields.get("content"));
            if (content != null) {
                parts.add(new GenAiMessages.Part(PartKind.TEXT, content));
            }
            if (fields.keySet().stream().anyMatch(k -> k.startsWith("tool_calls.") || k.startsWith("function_call"))) {
                parts.add(new GenAiMessages.Part(PartKind.TOOL_CALL, null));
            }
            out.add(new Message(role, parts, firstNonEmpty(string(fields.get("finish_reason")), "")));
        }
        return out;
    }

    private static Map<String, AnyValue> toMap(final List<KeyValue> kvs) {
        final Map<String, AnyValue> m = new HashMap<>(kvs.size() * 2);
        for (final KeyValue kv : kvs) {
            m.putIfAbsent(kv.getKey(), kv.getValue());
        }
        return m;
    }

    private static String stringAttribute(final List<KeyValue> kvs, final String key) {
        for (final KeyValue kv : kvs) {
            if (kv.getKey().equals(key)) {
                return string(kv.getValue());
            }
        }
        return null;
    }

    /** A scalar attribute as text; null when absent or not a scalar. */
    private static String string(final AnyValue v) {
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> null;
        };
    }

    private static String firstNonEmpty(final String a, final String b) {
        return a != null && !a.isEmpty() ? a : b == null ? "" : b;
    }

    private static String hex(final ByteString id) {
        return id.isEmpty() ? "" : HexFormat.of().formatHex(id.toByteArray());
    }
}
