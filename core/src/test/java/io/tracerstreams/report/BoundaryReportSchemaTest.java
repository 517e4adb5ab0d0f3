/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.BoundaryReport;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BoundaryReportSchemaTest {

    @Test
    void shouldDocumentEveryFieldOfTheReportAndItsParts() {
        final List<String> undocumented = new ArrayList<>();
        walk(BoundaryReport.getClassSchema(), new HashSet<>(), undocumented);
        assertThat(undocumented).isEmpty();
    }

    private static void walk(final Schema schema, final Set<String> seen, final List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    undocumented.add(schema.getFullName());
                }
                for (final Schema.Field field : schema.getFields()) {
                    if (field.doc() == null || field.doc().isBlank()) {
                        if (!"FrontierPoint".equals(schema.getName())) { // not ours; reused as is
                            undocumented.add(schema.getName() + "." + field.name());
                        }
                    }
                    walk(field.schema(), seen, undocumented);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> walk(t, seen, undocumented));
            case ARRAY -> walk(schema.getElementType(), seen, undocumented);
            case MAP -> walk(schema.getValueType(), seen, undocumented);
            default -> {
            }
        }
    }

    @Test
    void shouldReadAMinimalEarlierReportWithTheDefaults() {
        // a first release with only the fields that have no default: every later field must default
        final Schema minimal = new Schema.Parser().parse("""
                {"type": "record", "name": "BoundaryReport", "namespace": "io.tracerstreams.schema", "fields": [
                  {"name": "task", "type": "string"},
                  {"name": "timestamp", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "traces_seen", "type": "long"},
                  {"name": "requests_seen", "type": "long"},
                  {"name": "gate_state", "type": {"type": "enum", "name": "GateState", "symbols": ["CLOSED", "OPEN"]}},
                  {"name": "alpha", "type": "double"}]}""");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(BoundaryReport.getClassSchema(), minimal)
                .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
}
