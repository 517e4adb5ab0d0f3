/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/** Registry compatibility rules on Avro's {@link SchemaCompatibility}, as Confluent's registry applies them. */
public final class AvroCompatibility {

    private AvroCompatibility() {
    }

    /**
     * The reasons a new schema breaks a level against the existing versions (oldest first); empty when it is
     * compatible.
     */
    public static List<String> violations(final CompatibilityLevel level, final Schema candidate,
                                          final List<Schema> existing) {
        final List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return problems;
        }
        final List<Schema> against = level.isTransitive() ? existing : List.of(existing.get(existing.size() - 1));
        for (final Schema old : against) {
            if (level.checksBackward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "new reader, old writer",
                        problems);
            }
            if (level.checksForward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "old reader, new writer",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(final SchemaPairCompatibility result, final String direction,
                                 final List<String> problems) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (final SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
        }
        if (result.getResult().getIncompatibilities().isEmpty()) {
            problems.add(direction + ": " + result.getDescription());
        }
    }
}
