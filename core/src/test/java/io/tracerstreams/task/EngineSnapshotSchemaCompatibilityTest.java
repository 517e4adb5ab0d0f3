/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.state.EngineSnapshot;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine snapshot's schema, as this version reads it, is compatible with the schema every checked-in format-4
 * snapshot was written with (the writer's schema travels in the snapshot's Avro container): Avro's schema
 * resolution, not just the one fixture's data, says that every snapshot the previous release could write still
 * reads, whichever branch of each part's union it holds (the zoo and OOD parts as JavaSerializedPart included).
 */
class EngineSnapshotSchemaCompatibilityTest {

    private static final Path FIXTURES = Path.of("src", "test", "resources", "snapshots");
    private static final byte[] HEADER_4 = "TRACER-ENGINE-4\n".getBytes(StandardCharsets.US_ASCII);

    private static Schema writerSchema(final String fixture) throws IOException {
        final byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve(fixture)))) {
            bytes = in.readAllBytes();
        }
        try (DataFileStream<GenericRecord> in = new DataFileStream<>(new ByteArrayInputStream(bytes, HEADER_4.length,
                bytes.length - HEADER_4.length), new GenericDatumReader<>())) {
            return in.getSchema();
        }
    }

    @Test
    void shouldReadEverySnapshotThePreviousReleaseCouldWrite() throws IOException {
        final Schema previous = writerSchema("engine-format4.snapshot.gz");

        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(EngineSnapshot.getClassSchema(), previous);

        assertThat(result.getType()).as(result.getDescription()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(previous.getField("zoo").schema().getTypes()).extracting(Schema::getName)
                .as("the fixture holds the zoo as the previous release wrote it").containsExactly("null", "JavaSerializedPart");
    }
}
