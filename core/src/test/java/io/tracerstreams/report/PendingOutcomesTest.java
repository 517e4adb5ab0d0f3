/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;

import static io.tracerstreams.report.ReportPartsFixtures.deferred;
import static org.assertj.core.api.Assertions.assertThat;

class PendingOutcomesTest {

    @Test
    void shouldDropTheOldestBeyondTheCap() {
        final PendingOutcomes pending = new PendingOutcomes(ReportConfig.DEFAULTS.withCaps(500, 3, 16));
        for (int i = 0; i < 5; i++) {
            pending.await("r" + i, deferred("r" + i, "a", 0.1, 0.5));
        }
        assertThat(pending.retained()).isEqualTo(3);
        assertThat(pending.dropped()).isEqualTo(2L);
        assertThat(pending.take("r0")).isNull();
        assertThat(pending.take("r3").requestId).isEqualTo("r3");
        assertThat(pending.take("r3")).isNull();
        assertThat(pending.take(null)).isNull();
        assertThat(pending.retained()).isEqualTo(2);
    }

    @Test
    void shouldKeepNothingAtCapZero() {
        final PendingOutcomes pending = new PendingOutcomes(ReportConfig.DEFAULTS.withCaps(500, 0, 16));
        pending.await("r", deferred("r", "a", 0.1, 0.5));
        assertThat(pending.take("r")).isNull();
        assertThat(pending.dropped()).isZero();
    }
}
