/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {

    private static final Schema V1 = SchemaBuilder.record("R").namespace("x").fields()
            .requiredString("a").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("R").namespace("x").fields()
            .requiredString("a").name("b").type().intType().intDefault(0).endRecord();
    private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("R").namespace("x").fields()
            .requiredString("a").requiredInt("b").endRecord();
    private static final Schema V3_DROPS_A = SchemaBuilder.record("R").namespace("x").fields()
            .name("b").type().intType().intDefault(0).endRecord();

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();

    @Test
    void shouldGiveIdenticalSchemasOneIdAcrossSubjects() {
        final int a = registry.register("a-value", V1);
        final int b = registry.register("b-value", V1);
        final int again = registry.register("a-value", V1);
        assertThat(b).isEqualTo(a);
        assertThat(again).isEqualTo(a);
        assertThat(registry.getLatest("a-value").version()).isEqualTo(1);
        assertThat(registry.getById(a)).isEqualTo(V1);
        assertThat(registry.getId("b-value", V1)).isEqualTo(a);
    }

    @Test
    void shouldVersionCompatibleEvolution() {
        final int v1 = registry.register("s", V1);
        final int v2 = registry.register("s", V2_WITH_DEFAULT);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.getLatest("s")).isEqualTo(new SchemaMetadata("s", v2, 2, V2_WITH_DEFAULT));
    }

    @Test
    void shouldRejectABackwardIncompatibleSchemaUnderTheDefaultLevel() {
        registry.register("s", V1);
        assertThat(registry.testCompatibility("s", V2_WITHOUT_DEFAULT)).isFalse();
        assertThatThrownBy(() -> registry.register("s", V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isIncompatible()).isTrue())
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE").hasMessageContaining("b");
        assertThat(registry.getLatest("s").schema()).isEqualTo(V1);
    }

    @Test
    void shouldApplySubjectAndGlobalLevels() {
        registry.register("s", V1);
        registry.setCompatibility("s", CompatibilityLevel.NONE);
        assertThat(registry.register("s", V2_WITHOUT_DEFAULT)).isPositive();
        assertThat(registry.getCompatibility("other")).isEqualTo(CompatibilityLevel.BACKWARD);
        registry.setCompatibility(null, CompatibilityLevel.FORWARD);
        assertThat(registry.getCompatibility("other")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(registry.getCompatibility("s")).isEqualTo(CompatibilityLevel.NONE);
    }

    @Test
    void shouldCheckEveryVersionWhenTransitive() {
        registry.register("s", V1);
        registry.register("s", V2_WITH_DEFAULT);
        // V3 (drops a) reads both earlier versions, but neither can read V3: 'a' has no default
        registry.setCompatibility("s", CompatibilityLevel.FORWARD);
        assertThat(registry.testCompatibility("s", V3_DROPS_A)).isFalse();
        registry.setCompatibility("s", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(registry.testCompatibility("s", V3_DROPS_A)).isTrue();
        registry.setCompatibility("s", CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.testCompatibility("s", V3_DROPS_A)).isFalse();
    }

    @Test
    void shouldReportMissingSubjectsAndIds() {
        assertThatThrownBy(() -> registry.getById(99)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.getLatest("nope")).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        registry.register("s", V1);
        assertThatThrownBy(() -> registry.getId("s", V2_WITH_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
    }
}
