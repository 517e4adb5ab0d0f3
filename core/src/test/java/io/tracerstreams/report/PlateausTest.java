/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportPlateau;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PlateausTest {

    private static final ReportConfig CONFIG = ReportConfig.DEFAULTS.withPlateau(4, 0.05, 100);

    /** One report interval of {@code n} open-gate requests per label, handled at the given rates. */
    private static List<ReportPlateau> interval(final Plateaus plateaus, final Random random, final int n,
                                                final double stuck, final double growing, final double saturated) {
        for (int i = 0; i < n; i++) {
            attribute(plateaus, "stuck", random.nextDouble() < stuck);
            attribute(plateaus, "growing", random.nextDouble() < growing);
            attribute(plateaus, "saturated", random.nextDouble() < saturated);
        }
        return plateaus.closeInterval(Set.of("stuck", "growing", "saturated", "silent"));
    }

    private static void attribute(final Plateaus plateaus, final String label, final boolean handled) {
        plateaus.onRequest(true, handled);
        plateaus.onAttributed(label, true, handled);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void shouldFlagOnlyTheStuckLabelAndOnlyAfterKIntervals(final long seed) {
        final Plateaus plateaus = new Plateaus(CONFIG);
        final Random random = new Random(seed);
        for (int report = 0; report < 10; report++) {
            final double progress = report / 10.0;
            final List<ReportPlateau> found = interval(plateaus, random, 2_000, 0.4, 0.1 + 0.8 * progress, 0.999);
            if (report < 3) {
                assertThat(found).as("report %d", report).isEmpty();
            } else {
                assertThat(found).as("report %d", report).extracting(ReportPlateau::getLabel).containsExactly("stuck");
                final ReportPlateau stuck = found.get(0);
                assertThat(stuck.getReports()).isEqualTo(4);
                assertThat(stuck.getHandledRates()).hasSize(4);
                assertThat(stuck.getRequests()).containsExactly(2_000L, 2_000L, 2_000L, 2_000L);
                assertThat(stuck.getHandledRate()).isCloseTo(0.4, within(0.05));
                assertThat(stuck.getTrafficShare()).isCloseTo(1.0 / 3, within(1e-9));
            }
        }
        // K intervals for the task and for each of the four labels, "silent" included
        assertThat(plateaus.retained()).isEqualTo(5 * 4);
    }

    @Test
    void shouldFlagNothingWhileTheGateWasClosedOrTheTaskHandledNothing() {
        final Plateaus plateaus = new Plateaus(CONFIG);
        final Random random = new Random(9);
        for (int report = 0; report < 6; report++) {
            assertThat(interval(plateaus, random, 300, 0.0, 0.0, 0.0)).isEmpty();
        }
        final Plateaus closed = new Plateaus(CONFIG);
        for (int report = 0; report < 6; report++) {
            for (int i = 0; i < 300; i++) {
                closed.onRequest(false, true);
                closed.onAttributed("stuck", false, random.nextDouble() < 0.4);
            }
            assertThat(closed.closeInterval(Set.of("stuck"))).isEmpty();
        }
    }

    @Test
    void shouldJudgeALabelOnlyFromItsMinimumRequests() {
        final Plateaus plateaus = new Plateaus(CONFIG);
        for (int report = 0; report < 6; report++) {
            for (int i = 0; i < 24; i++) {
                attribute(plateaus, "rare", i % 2 == 0);
            }
            for (int i = 0; i < 25; i++) {
                attribute(plateaus, "enough", i % 2 == 0);
            }
            for (int i = 0; i < 500; i++) {
                attribute(plateaus, "busy", i < 20 * report);
            }
            final List<ReportPlateau> found = plateaus.closeInterval(Set.of("rare", "enough", "busy"));
            // 24 requests x 4 intervals is under plateauMinRequests = 100; 25 x 4 is not
            assertThat(found).extracting(ReportPlateau::getLabel)
                    .containsExactlyElementsOf(report < 3 ? List.of() : List.of("enough"));
        }
    }
}
