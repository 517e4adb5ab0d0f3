/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetsTest {

    private static List<LabelledText> rows(final int n) {
        final List<LabelledText> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new LabelledText("r" + i, "text " + i, "label" + (i % 7)));
        }
        return rows;
    }

    @Test
    void shouldHoldOutTheGivenFractionDisjointFromTrainAndTheSameEveryTime() {
        final List<LabelledText> all = rows(1_000);
        final Datasets.Split split = Datasets.validationSplit(all, 0.2);
        assertThat(split.validation()).hasSize(200);
        assertThat(split.train()).hasSize(800);
        final Set<String> ids = new HashSet<>();
        split.train().forEach(r -> ids.add(r.id()));
        split.validation().forEach(r -> assertThat(ids.add(r.id())).as("disjoint").isTrue());
        assertThat(ids).hasSize(1_000);
        // shuffled, not the file's tail
        assertThat(split.validation()).isNotEqualTo(all.subList(800, 1_000));
        assertThat(Datasets.validationSplit(all, 0.2)).isEqualTo(split);
    }

    @Test
    void shouldRejectAFractionThatLeavesAPartEmpty() {
        assertThatThrownBy(() -> Datasets.validationSplit(rows(10), 0.0)).hasMessageContaining("--validation-fraction");
        assertThatThrownBy(() -> Datasets.validationSplit(rows(10), 1.0)).hasMessageContaining("--validation-fraction");
        assertThatThrownBy(() -> Datasets.validationSplit(rows(1), 0.5)).hasMessageContaining("no train rows");
    }
}
