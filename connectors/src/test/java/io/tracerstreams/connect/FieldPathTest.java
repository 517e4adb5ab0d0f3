/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldPathTest {

    private static final Map<String, Object> LOG = Map.of("a", Map.of("b", List.of("x", "y", Map.of("c", 1))),
            "top", "t");

    @Test
    void shouldResolveMapsAndListIndexesFromBothEnds() {
        assertThat(FieldPath.parse("top").resolve(LOG)).contains("t");
        assertThat(FieldPath.parse("a.b.0").resolve(LOG)).contains("x");
        assertThat(FieldPath.parse("a.b.-1.c").resolve(LOG)).contains(1);
        assertThat(FieldPath.parse("a.b.-2").resolve(LOG)).contains("y");
    }

    @Test
    void shouldReturnEmptyForMissingStepsOutOfRangeIndexesAndScalars() {
        assertThat(FieldPath.parse("a.x").resolve(LOG)).isEmpty();
        assertThat(FieldPath.parse("a.b.3").resolve(LOG)).isEmpty();
        assertThat(FieldPath.parse("a.b.-4").resolve(LOG)).isEmpty();
        assertThat(FieldPath.parse("a.b.first").resolve(LOG)).isEmpty();
        assertThat(FieldPath.parse("top.deeper").resolve(LOG)).isEmpty();
    }

    @Test
    void shouldTakeTheFirstAlternativeThatResolves() {
        final List<FieldPath> paths = FieldPath.parseAlternatives(List.of("missing", " a.b.1 ", "top"));
        final FieldPath.Match match = FieldPath.first(paths, LOG).orElseThrow();
        assertThat(match.path()).hasToString("a.b.1");
        assertThat(match.value()).isEqualTo("y");
    }

    @Test
    void shouldRejectEmptySteps() {
        assertThatThrownBy(() -> FieldPath.parse("a..b")).hasMessageContaining("a..b");
        assertThatThrownBy(() -> FieldPath.parse(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> FieldPath.parse("a.")).hasMessageContaining("empty step");
    }
}
