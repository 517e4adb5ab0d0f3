/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.avro.Schema;

/** Small schema helpers shared by the serdes. */
public final class AvroSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AvroSchemas() {
    }

    /**
     * The schema without the Java-only properties ({@code avro.java.string}, and any other {@code avro.java.*})
     * that Avro's code generator adds; the binary encoding is the same.
     */
    public static Schema withoutJavaProperties(final Schema schema) {
        final String text = schema.toString();
        if (!text.contains("\"avro.java.")) {
            return schema;
        }
        try {
            final JsonNode tree = JSON.readTree(text);
            strip(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema Jackson cannot read: " + e.getMessage(), e);
        }
    }

    private static void strip(final JsonNode node) {
        if (node instanceof ObjectNode object) {
            final List<String> remove = new ArrayList<>();
            for (final Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                final String name = names.next();
                if (name.startsWith("avro.java.")) {
                    remove.add(name);
                }
            }
            object.remove(remove);
        }
        for (final JsonNode child : node) {
            strip(child);
        }
    }
}
