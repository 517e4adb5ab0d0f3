/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

    @Test
    void shouldDefaultToTwoMinutesOfKillsUnderExactlyOnce() {
        final ChaosOptions o = ChaosOptions.parse();
        assertThat(o.scenario).isEqualTo(ChaosOptions.KILL);
        assertThat(o.guarantee).isEqualTo(ChaosVerifier.EXACTLY_ONCE_V2);
        assertThat(o.seconds).isEqualTo(120);
        assertThat(o.drainSeconds).isEqualTo(600);
        assertThat(o.killMinSeconds).isEqualTo(10);
        assertThat(o.killMaxSeconds).isEqualTo(20);
        assertThat(o.json).isFalse();
    }

    @Test
    void shouldParseTheIssuesCommandLine() {
        final ChaosOptions o = ChaosOptions.parse("--scenario", "rebalance", "--seconds", "90", "--guarantee", "at_least_once",
                "--json");
        assertThat(o.scenario).isEqualTo(ChaosOptions.REBALANCE);
        assertThat(o.seconds).isEqualTo(90);
        assertThat(o.guarantee).isEqualTo(ChaosVerifier.AT_LEAST_ONCE);
        assertThat(o.json).isTrue();
    }

    @Test
    void shouldRejectWhatItCannotRunWithAMessageNamingTheOption() {
        assertThatThrownBy(() -> ChaosOptions.parse("--scenario", "flood")).hasMessageContaining("--scenario")
                .hasMessageContaining("broker-bounce");
        assertThatThrownBy(() -> ChaosOptions.parse("--guarantee", "exactly_once")).hasMessageContaining("--guarantee");
        assertThatThrownBy(() -> ChaosOptions.parse("--kill-min", "20", "--kill-max", "10")).hasMessageContaining("--kill-max");
        assertThatThrownBy(() -> ChaosOptions.parse("--scenario", "registry-outage", "--seconds", "30"))
                .hasMessageContaining("--seconds >= 60");
    }
}
