/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.schema.ReleasedSchemas.Status;
import io.tracerstreams.schema.ReleasedSchemas.Verdict;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Every schema stays BACKWARD-compatible with its latest released version (DESIGN.md section 3): a new
 * reader must read what the old writer wrote. Releases live in src/test/resources/released/VERSION/; a
 * schema that no release has is new and passes.
 */
class SchemaCompatibilityTest {

    private static final String NAMESPACE = "io.tracerstreams.schema";

    @Test
    void shouldKeepEverySchemaBackwardCompatibleWithItsLatestRelease() throws IOException {
        final Map<String, Schema> current = ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT);
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        assertThat(releases).as("released baselines").containsKey("0.1.0");

        final List<Verdict> broken = new ArrayList<>();
        for (final Schema schema : current.values()) {
            final Verdict verdict = ReleasedSchemas.check(schema, releases);
            if (verdict.status() == Status.INCOMPATIBLE) {
                broken.add(verdict);
            }
        }
        assertThat(broken).as("schemas that can no longer read their last release's data "
                + "(add defaults, or make a deliberate new subject)").isEmpty();
    }

    @Test
    void shouldCheckEveryReleasedSchemaThatStillExists() throws IOException {
        final Map<String, Schema> current = ReleasedSchemas.parseDirectory(ReleasedSchemas.CURRENT);
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        // a released schema that disappeared from src/main/avro would leave old data unreadable
        for (final Map<String, Schema> release : releases.values()) {
            assertThat(current.keySet()).as("schemas of a release").containsAll(release.keySet());
        }
        assertThat(ReleasedSchemas.check(current.get(NAMESPACE + ".LlmRequest"), releases))
                .isEqualTo(new Verdict(NAMESPACE + ".LlmRequest", Status.COMPATIBLE, "0.1.0", List.of()));
    }

    @Test
    void shouldCatchANewFieldWithoutDefault() throws IOException {
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        final Schema released = releases.get("0.1.0").get(NAMESPACE + ".LlmRequest");
        final Schema breaking = withExtraField(released, new Schema.Field("priority",
                Schema.create(Schema.Type.INT), "no default: old data has no value for it"));

        final Verdict verdict = ReleasedSchemas.check(breaking, releases);

        assertThat(verdict.status()).isEqualTo(Status.INCOMPATIBLE);
        assertThat(verdict.against()).isEqualTo("0.1.0");
        assertThat(verdict.problems()).singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("priority");
    }

    @Test
    void shouldAcceptANewFieldWithDefault() throws IOException {
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        final Schema released = releases.get("0.1.0").get(NAMESPACE + ".LlmResponse");
        final Schema evolved = withExtraField(released, new Schema.Field("tokens",
                Schema.create(Schema.Type.INT), "with a default", 0));
        assertThat(ReleasedSchemas.check(evolved, releases).status()).isEqualTo(Status.COMPATIBLE);
    }

    @Test
    void shouldCatchAChangedTypeAndARemovedEnumSymbol() throws IOException {
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        final Schema retyped = SchemaBuilder.record("TaskStats").namespace(NAMESPACE).fields()
                .requiredString("task").requiredString("traces_seen").endRecord();
        assertThat(ReleasedSchemas.check(retyped, releases).problems()).anySatisfy(p ->
                assertThat(p).contains("TYPE_MISMATCH").contains("/fields/1/").contains("LONG"));

        // Decision has no enum default: a reader without DEFERRED cannot read old DEFERRED values
        final Schema shrunk = Schema.createEnum("Decision", "doc", NAMESPACE, List.of("HANDLED"));
        assertThat(ReleasedSchemas.check(shrunk, releases).problems()).anySatisfy(p ->
                assertThat(p).contains("MISSING_ENUM_SYMBOLS").contains("DEFERRED"));
    }

    @Test
    void shouldTreatASchemaWithoutReleaseAsNew() throws IOException {
        final NavigableMap<String, Map<String, Schema>> releases = ReleasedSchemas.releases(ReleasedSchemas.RELEASED);
        final Schema added = SchemaBuilder.record("NotReleasedYet").namespace(NAMESPACE).doc("later").fields()
                .requiredString("task").endRecord();
        assertThat(ReleasedSchemas.check(added, releases))
                .isEqualTo(new Verdict(NAMESPACE + ".NotReleasedYet", Status.NEW, null, List.of()));
    }

    @Test
    void shouldCheckAgainstTheLatestReleaseThatHasTheSchema() {
        final Schema v1 = SchemaBuilder.record("R").namespace(NAMESPACE).fields().requiredString("a").endRecord();
        final Schema v2 = SchemaBuilder.record("R").namespace(NAMESPACE).fields().requiredString("a")
                .name("b").type().intType().intDefault(0).endRecord();
        final NavigableMap<String, Map<String, Schema>> releases = new TreeMap<>(ReleasedSchemas.VERSION_ORDER);
        releases.put("0.9.0", Map.of(v1.getFullName(), v1));
        releases.put("0.10.0", Map.of(v2.getFullName(), v2));
        releases.put("0.11.0", Map.of());
        // reader needs b without default: fine against 0.10.0 (which has b), broken against 0.9.0
        final Schema v3 = SchemaBuilder.record("R").namespace(NAMESPACE).fields().requiredString("a")
                .requiredInt("b").endRecord();
        assertThat(ReleasedSchemas.check(v3, releases))
                .isEqualTo(new Verdict(v3.getFullName(), Status.COMPATIBLE, "0.10.0", List.of()));
    }

    private static Schema withExtraField(final Schema base, final Schema.Field extra) {
        final List<Schema.Field> fields = new ArrayList<>();
        for (final Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
