/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads OTLP JSON ({@code TracesData}) by the rules of the OTLP/JSON encoding: lowerCamelCase field names (the
 * proto names in snake_case are accepted too), trace and span ids as hex strings, enums as integers (names are
 * accepted), 64-bit integers as decimal strings or numbers, unknown fields ignored. Emitters that write ids in
 * base64 (protobuf's generic JSON mapping) are read as well and flagged, since the lengths tell the two apart
 * (a span id is 16 hex digits or 12 base64 characters, a trace id 32 or 24).
 *
 * <p>Protobuf's own JsonFormat is not used: it reads ids as base64 only and rejects OTLP's hex ids. A span that
 * cannot be read is reported as a {@link DecodedBatch.BadSpan} and does not spoil the others.
 */
final class OtlpJsonDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OtlpJsonDecoder() {
    }

    static DecodedBatch decode(final byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == 0x0A) {
            throw new UnreadableBatchException("the record is protobuf, not JSON: the exporter writes otlp_proto; set "
                    + OtlpMappingConfig.PREFIX + OtlpMappingConfig.ENCODING + "=otlp_proto");
        }
        final JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (final IOException e) {
            throw new UnreadableBatchException("not JSON: " + firstLine(e), e);
        }
        return decode(root);
    }

    /** Decodes one parsed TracesData object. */
    static DecodedBatch decode(final JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new UnreadableBatchException("not an OTLP JSON TracesData: the value is "
                    + (root == null ? "empty" : "a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        final JsonNode resourceSpans = field(root, "resourceSpans");
        if (resourceSpans == null) {
            if (root.isEmpty()) {
                return new DecodedBatch(List.of(), List.of(), Optional.empty());
            }
            final List<String> keys = new ArrayList<>();
            root.fieldNames().forEachRemaining(keys::add);
            throw new UnreadableBatchException("not an OTLP JSON TracesData: no resourceSpans (fields: " + keys + ")");
        }
        if (!resourceSpans.isArray()) {
            throw new UnreadableBatchException("not an OTLP JSON TracesData: resourceSpans is not an array");
        }
        final List<DecodedBatch.SpanInBatch> spans = new ArrayList<>();
        final List<DecodedBatch.BadSpan> bad = new ArrayList<>();
        for (int r = 0; r < resourceSpans.size(); r++) {
            final JsonNode rs = resourceSpans.get(r);
            final String rsWhere = "resourceSpans[" + r + "]";
            Resource resource = Resource.getDefaultInstance();
            final JsonNode scopeSpans;
            try {
                final JsonNode res = field(rs, "resource");
                if (res != null && !res.isNull()) {
                    resource = Resource.newBuilder().addAllAttributes(attributes(res, rsWhere + ".resource")).build();
                }
                scopeSpans = array(rs, "scopeSpans", rsWhere);
            } catch (final BadJson e) {
                bad.add(new DecodedBatch.BadSpan(rsWhere, "unreadable resource: " + e.getMessage()));
                continue;
            }
            for (int s = 0; s < scopeSpans.size(); s++) {
                final JsonNode ss = scopeSpans.get(s);
                final String ssWhere = rsWhere + ".scopeSpans[" + s + "]";
                InstrumentationScope scope = InstrumentationScope.getDefaultInstance();
                final JsonNode spanNodes;
                try {
                    final JsonNode sc = field(ss, "scope");
                    if (sc != null && !sc.isNull()) {
                        scope = InstrumentationScope.newBuilder().setName(text(sc, "name", ssWhere + ".scope"))
                                .setVersion(text(sc, "version", ssWhere + ".scope")).build();
                    }
                    spanNodes = array(ss, "spans", ssWhere);
                } catch (final BadJson e) {
                    bad.add(new DecodedBatch.BadSpan(ssWhere, "unreadable scope: " + e.getMessage()));
                    continue;
                }
                for (int i = 0; i < spanNodes.size(); i++) {
                    final String where = ssWhere + ".spans[" + i + "]";
                    try {
                        final boolean[] base64 = {false};
                        final Span span = span(spanNodes.get(i), where, base64);
                        spans.add(new DecodedBatch.SpanInBatch(resource, scope, span, base64[0]));
                    } catch (final BadJson e) {
                        bad.add(new DecodedBatch.BadSpan(where, e.getMessage()));
                    }
                }
            }
        }
        return new DecodedBatch(spans, bad, Optional.empty());
    }

    private static Span span(final JsonNode node, final String where, final boolean[] base64) {
        if (!node.isObject()) {
            throw new BadJson(where + " is not an object");
        }
        final Span.Builder b = Span.newBuilder()
                .setTraceId(id(node, "traceId", 16, where, base64))
                .setSpanId(id(node, "spanId", 8, where, base64))
                .setParentSpanId(id(node, "parentSpanId", 8, where, base64))
                .setName(text(node, "name", where))
                .setKindValue((int) enumValue(node, "kind", "SPAN_KIND_", Span.SpanKind::valueOf, where))
                .setStartTimeUnixNano(uint64(node, "startTimeUnixNano", where))
                .setEndTimeUnixNano(uint64(node, "endTimeUnixNano", where))
                .addAllAttributes(attributes(node, where));
        final JsonNode events = field(node, "events");
        if (events != null && !events.isNull()) {
            if (!events.isArray()) {
                throw new BadJson(where + ".events is not an array");
            }
            for (int i = 0; i < events.size(); i++) {
                final JsonNode e = events.get(i);
                final String ew = where + ".events[" + i + "]";
                b.addEvents(Span.Event.newBuilder().setName(text(e, "name", ew))
                        .setTimeUnixNano(uint64(e, "timeUnixNano", ew)).addAllAttributes(attributes(e, ew)));
            }
        }
        final JsonNode status = field(node, "status");
        if (status != null && status.isObject()) {
            b.setStatus(Status.newBuilder().setMessage(text(status, "message", where + ".status"))
                    .setCodeValue((int) enumValue(status, "code", "STATUS_CODE_", Status.StatusCode::valueOf,
                            where + ".status")));
        }
        return b.build();
    }

    private static ByteString id(final JsonNode node, final String name, final int bytes, final String where,
                                 final boolean[] base64) {
        final JsonNode v = field(node, name);
        if (v == null || v.isNull()) {
            return ByteString.EMPTY;
        }
        if (!v.isTextual()) {
            throw new BadJson(where + "." + name + " is not a string");
        }
        final String s = v.asText();
        if (s.isEmpty()) {
            return ByteString.EMPTY;
        }
        if (s.length() == bytes * 2 && HexFormat.isHexDigit(s.charAt(0))) {
            try {
                return ByteString.copyFrom(HexFormat.of().parseHex(s));
            } catch (final IllegalArgumentException e) {
                // not hex after all: try base64 below
            }
        }
        try {
            final byte[] decoded = Base64.getDecoder().decode(s);
            if (decoded.length == bytes) {
                base64[0] = true;
                return ByteString.copyFrom(decoded);
            }
        } catch (final IllegalArgumentException e) {
            // neither
        }
        throw new BadJson(where + "." + name + " '" + abbreviate(s) + "' is neither " + (bytes * 2)
                + " hex digits nor base64 of " + bytes + " bytes");
    }

    private static List<KeyValue> attributes(final JsonNode node, final String where) {
        final JsonNode attrs = field(node, "attributes");
        if (attrs == null || attrs.isNull()) {
            return List.of();
        }
        return keyValues(attrs, where + ".attributes");
    }

    private static List<KeyValue> keyValues(final JsonNode attrs, final String where) {
        if (!attrs.isArray()) {
            throw new BadJson(where + " is not an array");
        }
        final List<KeyValue> out = new ArrayList<>(attrs.size());
        for (int i = 0; i < attrs.size(); i++) {
            final JsonNode kv = attrs.get(i);
            final String w = where + "[" + i + "]";
            if (!kv.isObject()) {
                throw new BadJson(w + " is not an object");
            }
            final JsonNode value = field(kv, "value");
            out.add(KeyValue.newBuilder().setKey(text(kv, "key", w))
                    .setValue(value == null || value.isNull() ? AnyValue.getDefaultInstance() : anyValue(value, w + ".value"))
                    .build());
        }
        return out;
    }

    private static AnyValue anyValue(final JsonNode v, final String where) {
        if (!v.isObject()) {
            throw new BadJson(where + " is not an AnyValue object");
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
        if (!fields.hasNext()) {
            return AnyValue.getDefaultInstance();
        }
        final Map.Entry<String, JsonNode> e = fields.next();
        final JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "stringValue", "string_value" -> AnyValue.newBuilder().setStringValue(x.asText()).build();
            case "boolValue", "bool_value" -> AnyValue.newBuilder().setBoolValue(x.asBoolean()).build();
            case "intValue", "int_value" -> AnyValue.newBuilder().setIntValue(int64(x, where)).build();
            case "doubleValue", "double_value" -> AnyValue.newBuilder().setDoubleValue(dbl(x, where)).build();
            case "bytesValue", "bytes_value" -> AnyValue.newBuilder().setBytesValue(bytes(x, where)).build();
            case "arrayValue", "array_value" -> {
                final JsonNode values = field(x, "values");
                final ArrayValue.Builder a = ArrayValue.newBuilder();
                if (values != null && !values.isNull()) {
                    if (!values.isArray()) {
                        throw new BadJson(where + ".arrayValue.values is not an array");
                    }
                    for (int i = 0; i < values.size(); i++) {
                        a.addValues(anyValue(values.get(i), where + ".arrayValue.values[" + i + "]"));
                    }
                }
                yield AnyValue.newBuilder().setArrayValue(a).build();
            }
            case "kvlistValue", "kvlist_value" -> {
                final JsonNode values = field(x, "values");
                final KeyValueList.Builder l = KeyValueList.newBuilder();
                if (values != null && !values.isNull()) {
                    l.addAllValues(keyValues(values, where + ".kvlistValue.values"));
                }
                yield AnyValue.newBuilder().setKvlistValue(l).build();
            }
            default -> throw new BadJson(where + " has an unknown value kind '" + e.getKey() + "'");
        };
    }

    private static long int64(final JsonNode x, final String where) {
        if (x.isIntegralNumber() && x.canConvertToLong()) {
            return x.asLong();
        }
        if (x.isTextual()) {
            try {
                return Long.parseLong(x.asText().trim());
            } catch (final NumberFormatException e) {
                throw new BadJson(where + " '" + abbreviate(x.asText()) + "' is not a 64-bit integer");
            }
        }
        throw new BadJson(where + " is not a 64-bit integer");
    }

    private static double dbl(final JsonNode x, final String where) {
        if (x.isNumber()) {
            return x.asDouble();
        }
        if (x.isTextual()) {
            return switch (x.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(x.asText());
                    } catch (final NumberFormatException e) {
                        throw new BadJson(where + " '" + abbreviate(x.asText()) + "' is not a number");
                    }
                }
            };
        }
        throw new BadJson(where + " is not a number");
    }

    private static ByteString bytes(final JsonNode x, final String where) {
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(x.asText()));
        } catch (final IllegalArgumentException e) {
            throw new BadJson(where + " is not base64");
        }
    }

    private static long uint64(final JsonNode node, final String name, final String where) {
        final JsonNode x = field(node, name);
        if (x == null || x.isNull()) {
            return 0L;
        }
        if (x.isIntegralNumber()) {
            return x.bigIntegerValue().longValue();
        }
        if (x.isTextual()) {
            try {
                return Long.parseUnsignedLong(x.asText().trim());
            } catch (final NumberFormatException e) {
                throw new BadJson(where + "." + name + " '" + abbreviate(x.asText()) + "' is not an unsigned 64-bit integer");
            }
        }
        throw new BadJson(where + "." + name + " is not an integer");
    }

    private static long enumValue(final JsonNode node, final String name, final String prefix,
                                  final java.util.function.Function<String, ? extends com.google.protobuf.ProtocolMessageEnum> byName,
                                  final String where) {
        final JsonNode x = field(node, name);
        if (x == null || x.isNull()) {
            return 0;
        }
        if (x.isIntegralNumber()) {
            return x.asInt();
        }
        if (x.isTextual()) {
            final String s = x.asText().trim();
            try {
                return byName.apply(s.startsWith(prefix) ? s : prefix + s.toUpperCase(Locale.ROOT)).getNumber();
            } catch (final IllegalArgumentException e) {
                throw new BadJson(where + "." + name + " '" + abbreviate(s) + "' is not a known value");
            }
        }
        throw new BadJson(where + "." + name + " is not an enum value");
    }

    private static String text(final JsonNode node, final String name, final String where) {
        final JsonNode x = field(node, name);
        if (x == null || x.isNull()) {
            return "";
        }
        if (!x.isValueNode()) {
            throw new BadJson(where + "." + name + " is not a string");
        }
        return x.asText();
    }

    private static JsonNode array(final JsonNode node, final String name, final String where) {
        final JsonNode x = field(node, name);
        if (x == null || x.isNull()) {
            return JSON.createArrayNode();
        }
        if (!x.isArray()) {
            throw new BadJson(where + "." + name + " is not an array");
        }
        return x;
    }

    /** The field by its lowerCamelCase name, else by its proto (snake_case) name. */
    static JsonNode field(final JsonNode node, final String camel) {
        if (node == null || !node.isObject()) {
            return null;
        }
        final JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake(camel));
    }

    private static String snake(final String camel) {
        final StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            final char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(final String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static String firstLine(final JsonProcessingException e) {
        final String m = e.getOriginalMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static String firstLine(final IOException e) {
        return e instanceof JsonProcessingException j ? firstLine(j) : String.valueOf(e.getMessage());
    }

    /** A part of the JSON that is not what OTLP says; the message names where. */
    private static final class BadJson extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadJson(final String message) {
            super(message, null, false, false);
        }
    }
}
