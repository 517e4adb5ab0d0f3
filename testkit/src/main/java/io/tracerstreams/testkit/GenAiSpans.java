/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry GenAI spans as instrumentations write them, in both forms of the conventions, and OTLP batches
 * of them in protobuf and in OTLP JSON (hex ids, or base64 ids as some emitters write them).
 */
public final class GenAiSpans {

    /** The start time of every span: 2026-09-01T00:00:00Z in nanoseconds. */
    public static final long START_NANOS = 1_788_220_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenAiSpans() {
    }

    /** An 8-byte span id from a number, e.g. 1 -> 0000000000000001. */
    public static ByteString spanId(final long n) {
        return ByteString.copyFrom(HexFormat.of().parseHex(String.format("%016x", n)));
    }

    /** The hex of {@link #spanId(long)}: the request id tracer gives the span by default. */
    public static String spanIdHex(final long n) {
        return String.format("%016x", n);
    }

    /** A span of a chat call: operation chat, model gpt-4o-mini, 250 ms, the given task attribute (or none). */
    public static Span.Builder chat(final long id, final String task) {
        final Span.Builder b = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(String.format("%032x", 0xABC000L + id))))
                .setSpanId(spanId(id)).setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(START_NANOS + id * 1_000_000_000L)
                .setEndTimeUnixNano(START_NANOS + id * 1_000_000_000L + 250_000_000L)
                .addAttributes(kv("gen_ai.operation.name", "chat"))
                .addAttributes(kv("gen_ai.provider.name", "openai"))
                .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"));
        if (task != null) {
            b.addAttributes(kv("tracer.task", task));
        }
        return b;
    }

    /** Conventions 1.37+: structured gen_ai.input.messages / gen_ai.output.messages. */
    public static Span current(final long id, final String task, final String input, final String answer) {
        return chat(id, task)
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.system_instructions").setValue(array(
                        map("type", text("text"), "content", text("Classify the customer's message.")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages").setValue(array(
                        message("system", textPart("Answer with one intent.")),
                        message("user", textPart(input)))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(
                        outputMessage(textPart(answer)))))
                .build();
    }

    /** Conventions 1.37+ with the messages as JSON strings (how most SDKs set them). */
    public static Span currentJsonStrings(final long id, final String task, final String input, final String answer) {
        final ArrayNode in = JSON.createArrayNode();
        in.addObject().put("role", "user").putArray("parts").addObject().put("type", "text").put("content", input);
        final ArrayNode out = JSON.createArrayNode();
        final ObjectNode o = out.addObject().put("role", "assistant").put("finish_reason", "stop");
        o.putArray("parts").addObject().put("type", "text").put("content", answer);
        return chat(id, task).addAttributes(kv("gen_ai.input.messages", in.toString()))
                .addAttributes(kv("gen_ai.output.messages", out.toString())).build();
    }

    /** Conventions up to 1.36: gen_ai.system, events gen_ai.user.message and gen_ai.choice. */
    public static Span legacyEvents(final long id, final String task, final String input, final String answer) {
        final Span.Builder b = Span.newBuilder().mergeFrom(chat(id, task).build()).clearAttributes()
                .addAttributes(kv("gen_ai.operation.name", "chat"))
                .addAttributes(kv("gen_ai.system", "openai"))
                .addAttributes(kv("gen_ai.request.model", "gpt-4o-mini"));
        if (task != null) {
            b.addAttributes(kv("tracer.task", task));
        }
        return b.addEvents(Span.Event.newBuilder().setName("gen_ai.system.message").setTimeUnixNano(START_NANOS)
                        .addAttributes(kv("gen_ai.system", "openai")).addAttributes(kv("content", "Classify.")))
                .addEvents(Span.Event.newBuilder().setName("gen_ai.user.message").setTimeUnixNano(START_NANOS)
                        .addAttributes(kv("gen_ai.system", "openai")).addAttributes(kv("content", input)))
                .addEvents(Span.Event.newBuilder().setName("gen_ai.choice").setTimeUnixNano(START_NANOS)
                        .addAttributes(kv("gen_ai.system", "openai"))
                        .addAttributes(KeyValue.newBuilder().setKey("index").setValue(AnyValue.newBuilder().setIntValue(0)))
                        .addAttributes(kv("finish_reason", "stop"))
                        .addAttributes(KeyValue.newBuilder().setKey("message").setValue(
                                map("role", text("assistant"), "content", text(answer)))))
                .build();
    }

    /** A span that is no classification call (an embeddings call). */
    public static Span embeddings(final long id) {
        return Span.newBuilder().setSpanId(spanId(id)).setName("embeddings text-embedding-3-small")
                .setStartTimeUnixNano(START_NANOS).setEndTimeUnixNano(START_NANOS + 1_000_000L)
                .addAttributes(kv("gen_ai.operation.name", "embeddings")).build();
    }

    /** One batch: one resource (with the given attributes), one scope, the spans. */
    public static TracesData batch(final Map<String, String> resource, final List<Span> spans) {
        final Resource.Builder r = Resource.newBuilder().addAttributes(kv("service.name", "support-bot"));
        resource.forEach((k, v) -> r.addAttributes(kv(k, v)));
        return TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(r)
                .addScopeSpans(ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("opentelemetry.instrumentation.openai_v2"))
                        .addAllSpans(spans))).build();
    }

    /** One batch of spans with no resource attributes but service.name. */
    public static TracesData batch(final Span... spans) {
        return batch(Map.of(), List.of(spans));
    }

    // ------------------------------------------------------------------ values

    public static KeyValue kv(final String key, final String value) {
        return KeyValue.newBuilder().setKey(key).setValue(text(value)).build();
    }

    public static AnyValue text(final String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    public static AnyValue array(final AnyValue... values) {
        return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values))).build();
    }

    /** A kvlist value from alternating keys and values. */
    public static AnyValue map(final Object... keysAndValues) {
        final KeyValueList.Builder l = KeyValueList.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            l.addValues(KeyValue.newBuilder().setKey((String) keysAndValues[i]).setValue((AnyValue) keysAndValues[i + 1]));
        }
        return AnyValue.newBuilder().setKvlistValue(l).build();
    }

    public static AnyValue textPart(final String content) {
        return map("type", text("text"), "content", text(content));
    }

    /** An image part (a URI), as multimodal inputs carry. */
    public static AnyValue imagePart(final String uri) {
        return map("type", text("uri"), "modality", text("image"), "uri", text(uri));
    }

    /** A tool call part. */
    public static AnyValue toolCallPart(final String name) {
        return map("type", text("tool_call"), "id", text("call_1"), "name", text(name),
                "arguments", map("city", text("Paris")));
    }

    public static AnyValue message(final String role, final AnyValue... parts) {
        return map("role", text(role), "parts", array(parts));
    }

    public static AnyValue outputMessage(final AnyValue... parts) {
        return map("role", text("assistant"), "parts", array(parts), "finish_reason", text("stop"));
    }

    // ------------------------------------------------------------------ OTLP JSON

    /** The batch in OTLP JSON: hex ids (as the encoding says) or base64 ids (as some emitters write). */
    public static String toOtlpJson(final TracesData data, final boolean base64Ids) {
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode rss = root.putArray("resourceSpans");
        for (final ResourceSpans rs : data.getResourceSpansList()) {
            final ObjectNode r = rss.addObject();
            attributes(r.putObject("resource"), rs.getResource().getAttributesList());
            final ArrayNode sss = r.putArray("scopeSpans");
            for (final ScopeSpans ss : rs.getScopeSpansList()) {
                final ObjectNode s = sss.addObject();
                s.putObject("scope").put("name", ss.getScope().getName());
                final ArrayNode spans = s.putArray("spans");
                for (final Span span : ss.getSpansList()) {
                    final ObjectNode o = spans.addObject();
                    o.put("traceId", id(span.getTraceId(), base64Ids));
                    o.put("spanId", id(span.getSpanId(), base64Ids));
                    o.put("name", span.getName());
                    o.put("kind", span.getKindValue());
                    o.put("startTimeUnixNano", Long.toUnsignedString(span.getStartTimeUnixNano()));
                    o.put("endTimeUnixNano", Long.toUnsignedString(span.getEndTimeUnixNano()));
                    attributes(o, span.getAttributesList());
                    final ArrayNode events = o.putArray("events");
                    for (final Span.Event e : span.getEventsList()) {
                        final ObjectNode eo = events.addObject();
                        eo.put("timeUnixNano", Long.toUnsignedString(e.getTimeUnixNano()));
                        eo.put("name", e.getName());
                        attributes(eo, e.getAttributesList());
                    }
                    o.putObject("status").put("code", span.getStatus().getCodeValue());
                }
            }
        }
        return root.toString();
    }

    private static String id(final ByteString id, final boolean base64) {
        return base64 ? Base64.getEncoder().encodeToString(id.toByteArray()) : HexFormat.of().formatHex(id.toByteArray());
    }

    private static void attributes(final ObjectNode node, final List<KeyValue> kvs) {
        final ArrayNode a = node.putArray("attributes");
        for (final KeyValue kv : kvs) {
            final ObjectNode o = a.addObject();
            o.put("key", kv.getKey());
            o.set("value", value(kv.getValue()));
        }
    }

    private static ObjectNode value(final AnyValue v) {
        final ObjectNode o = JSON.createObjectNode();
        switch (v.getValueCase()) {
            case STRING_VALUE -> o.put("stringValue", v.getStringValue());
            case BOOL_VALUE -> o.put("boolValue", v.getBoolValue());
            case INT_VALUE -> o.put("intValue", Long.toString(v.getIntValue()));
            case DOUBLE_VALUE -> o.put("doubleValue", v.getDoubleValue());
            case ARRAY_VALUE -> {
                final ArrayNode values = o.putObject("arrayValue").putArray("values");
                v.getArrayValue().getValuesList().forEach(x -> values.add(value(x)));
            }
            case KVLIST_VALUE -> {
                final ArrayNode values = o.putObject("kvlistValue").putArray("values");
                for (final KeyValue kv : v.getKvlistValue().getValuesList()) {
                    values.addObject().put("key", kv.getKey()).set("value", value(kv.getValue()));
                }
            }
            case BYTES_VALUE -> o.put("bytesValue", Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            default -> { }
        }
        return o;
    }
}
