/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.ReportCurvePoint;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Boundary reports as plain JSON (for {@code --report-json}): the Avro field names (snake_case) as keys,
 * unions as their plain value or null, enums as their symbol, timestamps as epoch milliseconds, NaN and
 * infinities as null. Stable: the keys are the schema's field names, in schema order.
 */
public final class ReportJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    /** One report as a JSON tree. */
    public static ObjectNode toTree(final BoundaryReport report, final RenderOptions options) {
        final BoundaryReport shown = options.hashTexts() ? TextHasher.redact(report, options.hashSalt()) : report;
        return (ObjectNode) node(shown, shown.getSchema());
    }

    /** Any Avro record (e.g. a {@link ReportCurvePoint}) as a JSON tree, by the same rules. */
    public static JsonNode toTree(final IndexedRecord record) {
        return node(record, record.getSchema());
    }

    /** One report as indented JSON. */
    public static String toJson(final BoundaryReport report, final RenderOptions options) {
        return write(toTree(report, options));
    }

    /** Several reports as a JSON array, oldest first as given. */
    public static String toJson(final List<BoundaryReport> reports, final RenderOptions options) {
        return write(toArray(reports, options));
    }

    /** Several reports as a JSON array tree. */
    public static ArrayNode toArray(final List<BoundaryReport> reports, final RenderOptions options) {
        final ArrayNode array = NODES.arrayNode();
        for (final BoundaryReport report : reports) {
            array.add(toTree(report, options));
        }
        return array;
    }

    /** Writes {@link #toJson(List, RenderOptions)} to a file (UTF-8). */
    public static void write(final Path file, final List<BoundaryReport> reports, final RenderOptions options)
            throws IOException {
        Files.writeString(file, toJson(reports, options), StandardCharsets.UTF_8);
    }

    private static String write(final JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode node(final Object value, final Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD: {
                final IndexedRecord record = (IndexedRecord) value;
                final ObjectNode object = NODES.objectNode();
                for (final Schema.Field field : schema.getFields()) {
                    object.set(field.name(), node(record.get(field.pos()), field.schema()));
                }
                return object;
            }
            case UNION: {
                for (final Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL && matches(value, branch)) {
                        return node(value, branch);
                    }
                }
                return NODES.nullNode();
            }
            case ARRAY: {
                final ArrayNode array = NODES.arrayNode();
                for (final Object item : (Collection<?>) value) {
                    array.add(node(item, schema.getElementType()));
                }
                return array;
            }
            case MAP: {
                final ObjectNode object = NODES.objectNode();
                for (final Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    object.set(String.valueOf(entry.getKey()), node(entry.getValue(), schema.getValueType()));
                }
                return object;
            }
            case ENUM:
                return NODES.textNode(value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>
                        ? value.toString() : String.valueOf(value));
            case STRING:
                return NODES.textNode(value.toString());
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case INT:
                return NODES.numberNode(((Number) value).intValue());
            case LONG:
                if (value instanceof Instant instant) {
                    return NODES.numberNode(instant.toEpochMilli());
                }
                return NODES.numberNode(((Number) value).longValue());
            case FLOAT:
            case DOUBLE: {
                final double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
            }
            default:
                return NODES.textNode(String.valueOf(value));
        }
    }

    private static boolean matches(final Object value, final Schema branch) {
        switch (branch.getType()) {
            case RECORD:
                return value instanceof IndexedRecord r && r.getSchema().getFullName().equals(branch.getFullName());
            case STRING:
            case ENUM:
                return value instanceof CharSequence || value instanceof Enum<?>;
            case DOUBLE:
            case FLOAT:
                return value instanceof Double || value instanceof Float;
            case LONG:
                return value instanceof Long || value instanceof Instant;
            case INT:
                return value instanceof Integer;
            case BOOLEAN:
                return value instanceof Boolean;
            case ARRAY:
                return value instanceof Collection<?>;
            case MAP:
                return value instanceof Map<?, ?>;
            default:
                return false;
        }
    }
}
