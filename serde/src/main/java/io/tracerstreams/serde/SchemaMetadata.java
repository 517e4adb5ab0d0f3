/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject.
 *
 * @param subject the subject, e.g. {@code llm.requests-value}
 * @param id      the registry's global schema id (what the wire format carries)
 * @param version the version of the schema within the subject (1, 2, ...)
 * @param schema  the parsed schema
 */
public record SchemaMetadata(String subject, int id, int version, Schema schema) {

    public SchemaMetadata {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
