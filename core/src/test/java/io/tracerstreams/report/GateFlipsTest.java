/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.ReportGateFlip;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.tracerstreams.report.ReportPartsFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

class GateFlipsTest {

    private static GateEvent event(final int i) {
        final GateState state = i % 2 == 0 ? GateState.OPEN : GateState.CLOSED;
        return GateEvent.newBuilder().setTask("t").setState(state)
                .setPrevious(state == GateState.OPEN ? GateState.CLOSED : GateState.OPEN).setAlpha(0.9)
                .setAgreement(0.93).setAgreementLower(0.91).setAgreementUpper(0.95).setCoverage(0.4)
                .setThreshold(0.7).setWindowSize(100).setReason(GateReason.LOWER_BOUND_CROSSED).setDetail("d" + i)
                .setModelVersion("m").setTracesSeen(i).setTimestamp(Instant.ofEpochMilli(i)).build();
    }

    @Test
    void shouldKeepTheMostRecentEventsUpToTheCap() {
        final GateFlips flips = new GateFlips(config(16, 40, 3, 6, 24, 3));
        for (int i = 0; i < 10; i++) {
            flips.add(event(i), 100L * i);
            assertThat(flips.retained()).isLessThanOrEqualTo(3);
        }
        assertThat(flips.toAvro()).extracting(ReportGateFlip::getDetail).containsExactly("d7", "d8", "d9");
        assertThat(flips.toAvro().get(2).getRequestsSeen()).isEqualTo(900L);
        assertThat(flips.toAvro().get(2).getState()).isEqualTo(GateState.CLOSED);
    }

    @Test
    void shouldKeepNoneAtCapZero() {
        final GateFlips flips = new GateFlips(config(16, 40, 3, 6, 24, 0));
        flips.add(event(1), 1L);
        assertThat(flips.toAvro()).isEmpty();
    }
}
