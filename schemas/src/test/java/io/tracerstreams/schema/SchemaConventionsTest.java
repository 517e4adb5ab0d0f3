/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Every schema file parses, documents its records and enums, and lives in io.tracerstreams.schema (events on topics)
 * or a sub-namespace of it (io.tracerstreams.schema.state: the engine snapshot in the changelogs).
 */
class SchemaConventionsTest {

    private static final String NAMESPACE = "io\\.tracerstreams\\.schema(\\.[a-z]+)?";

    @Test
    void shouldParseEverySchemaFile() throws IOException {
        final Map<String, Schema> schemas = ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT);
        final long files;
        try (Stream<Path> walk = Files.walk(ReleasedSchemas.CURRENT)) {
            files = walk.filter(p -> p.toString().endsWith(".avsc")).count();
        }
        assertThat(schemas).hasSize((int) files);
        assertThat(schemas).containsKeys("io.tracerstreams.schema.LlmRequest", "io.tracerstreams.schema.LlmResponse",
                "io.tracerstreams.schema.RoutingDecision", "io.tracerstreams.schema.GateEvent",
                "io.tracerstreams.schema.TaskStats");
    }

    @Test
    void shouldDocumentEveryRecordAndEnum() throws IOException {
        for (final Schema schema : ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT).values()) {
            assertThat(schema.getType()).as(schema.getFullName()).isIn(Schema.Type.RECORD, Schema.Type.ENUM);
            assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
        }
    }

    @Test
    void shouldUseTheProjectNamespace() throws IOException {
        for (final Schema schema : ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT).values()) {
            assertThat(schema.getNamespace()).as(schema.getFullName()).matches(NAMESPACE);
            if (schema.getType() == Schema.Type.RECORD) {
                for (final Schema.Field field : schema.getFields()) {
                    for (final Schema named : namedIn(field.schema())) {
                        assertThat(named.getNamespace()).as("%s.%s", schema.getFullName(), field.name())
                                .matches(NAMESPACE);
                    }
                }
            }
        }
    }

    @Test
    void shouldMatchTheGeneratedClasses() throws IOException {
        for (final Schema schema : ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT).values()) {
            final Class<?> generated = SpecificData.get().getClass(schema);
            assertThat(generated).as("generated class of %s", schema.getFullName()).isNotNull();
            // the generator adds "avro.java.string": "String" (stringType=String); otherwise identical
            final String withoutJavaProps = SpecificData.get().getSchema(generated).toString()
                    .replace(",\"avro.java.string\":\"String\"", "");
            assertThat(new Schema.Parser().parse(withoutJavaProps)).isEqualTo(schema);
        }
    }

    private static List<Schema> namedIn(final Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> List.of(schema);
            case ARRAY -> namedIn(schema.getElementType());
            case MAP -> namedIn(schema.getValueType());
            case UNION -> schema.getTypes().stream().flatMap(s -> namedIn(s).stream()).toList();
            default -> List.of();
        };
    }
}
