/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoOptionsTest {

    private static DemoOptions with(final List<String> tasks, final double rate, final int port, final double noise) {
        final DemoOptions d = DemoOptions.DEFAULTS;
        return new DemoOptions(null, tasks, rate, d.limit(), d.duration(), d.host(), port, d.alpha(), d.epsilon(), noise,
                d.delayMs(), d.seed(), d.embeddingModel(), d.progress(), d.json());
    }

    @Test
    void shouldRejectBadValuesNamingTheField() {
        assertThatThrownBy(() -> with(List.of("nope"), 10, 0, 0)).hasMessageContaining("'tasks'");
        assertThatThrownBy(() -> with(List.of(), 10, 0, 0)).hasMessageContaining("'tasks'");
        assertThatThrownBy(() -> with(DemoDatasets.shippedTasks(), 0, 0, 0)).hasMessageContaining("'rate'");
        assertThatThrownBy(() -> with(DemoDatasets.shippedTasks(), 10, 70_000, 0)).hasMessageContaining("'port'");
        assertThatThrownBy(() -> with(DemoDatasets.shippedTasks(), 10, 0, 1.0)).hasMessageContaining("'teacherNoise'");
        assertThatThrownBy(() -> DemoOptions.DEFAULTS.withLimit(-1)).hasMessageContaining("'limit'");
    }

    @Test
    void shouldNameADatasetTaskAfterItsFileUnlessNamed() {
        final DemoOptions d = DemoOptions.DEFAULTS;
        final DemoOptions file = new DemoOptions(Path.of("/x/my-intents.jsonl.gz"), List.of(), 5, 0, Duration.ZERO,
                d.host(), -1, 0.9, 0.05, 0, 0, 1, "hashing", false, true);
        assertThat(file.taskNames()).containsExactly("my-intents");
        final DemoOptions named = new DemoOptions(Path.of("/x/my-intents.jsonl.gz"), List.of("bank"), 5, 0, null,
                d.host(), -1, 0.9, 0.05, 0, 0, 1, "hashing", false, true);
        assertThat(named.taskNames()).containsExactly("bank");
        assertThat(DemoOptions.DEFAULTS.taskNames()).containsExactly("support-intents", "ticket-priority");
    }
}
