/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoCommandTest {

    @Test
    void shouldParseDurationsInTheUsualForms() {
        assertThat(DemoCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DemoCommand.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DemoCommand.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DemoCommand.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DemoCommand.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DemoCommand.parseDuration(null)).isNull();
        assertThatThrownBy(() -> DemoCommand.parseDuration("soon")).hasMessageContaining("--duration");
    }

    @Test
    void shouldRejectABadOptionWithExitCodeTwoBeforeStartingAnything() {
        assertThat(TracerCli.execute("demo", "--alpha", "1.5", "--port", "-1")).isEqualTo(2);
        assertThat(TracerCli.execute("demo", "--duration", "soon", "--port", "-1")).isEqualTo(2);
        assertThat(TracerCli.execute("demo", "--tasks", "no-such-task", "--port", "-1")).isEqualTo(2);
    }
}
