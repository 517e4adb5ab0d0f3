/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Simulation tests of the e-detector: false alarms on calibrated scores, delay after a change. */
class ChangeDetectorTest {

    /** A score as a calibrated acceptor of a good surrogate gives it: most near 1, a tail down to 0.3. */
    private static double score(final SplittableRandom random) {
        return 1.0 - 0.7 * Math.pow(random.nextDouble(), 3);
    }

    @Test
    void shouldRaiseFewerFalseAlarmsThanItsAverageRunLengthAllowsOnCalibratedScores() {
        // H0 at its boundary: the acceptor is off by the whole margin everywhere (P(disagree) = 1 - s + m)
        final ChangeDetector detector = new ChangeDetector();
        final SplittableRandom random = new SplittableRandom(11);
        final int answers = 300_000;
        for (int i = 0; i < answers; i++) {
            final double s = score(random);
            final double disagree = Math.min(1.0, 1.0 - s + ChangeDetector.DEFAULT_MARGIN);
            detector.observe(s, random.nextDouble() >= disagree);
        }
        // the e-detector's guarantee: mean run length >= A, so at most answers / A alarms on average
        assertThat(detector.alarms()).isLessThanOrEqualTo((long) (answers / ChangeDetector.DEFAULT_ALARM_LEVEL));
    }

    @Test
    void shouldRaiseNoAlarmWhenTheAcceptorIsCalibrated() {
        final ChangeDetector detector = new ChangeDetector();
        final SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 100_000; i++) {
            final double s = score(random);
            detector.observe(s, random.nextDouble() < s);
        }
        assertThat(detector.alarms()).isZero();
    }

    @Test
    void shouldAlarmWithinAFewHundredAnswersWhenAQuarterOfTheLabelsAreRenamed() {
        long totalDelay = 0;
        long falseAlarms = 0;
        final int runs = 50;
        for (int r = 0; r < runs; r++) {
            final ChangeDetector detector = new ChangeDetector();
            final SplittableRandom random = new SplittableRandom(100 + r);
            for (int i = 0; i < 5_000; i++) {
                final double s = score(random);
                detector.observe(s, random.nextDouble() < s);
            }
            falseAlarms += detector.alarms();
            int delay = 0;
            boolean alarm = false;
            while (!alarm && delay < 2_000) {
                final double s = score(random);
                // a quarter of the inputs now carry a label the surrogate never answers: they all disagree
                final boolean renamed = random.nextDouble() < 0.25;
                alarm = detector.observe(s, !renamed && random.nextDouble() < s);
                delay++;
            }
            assertThat(alarm).as("run %d", r).isTrue();
            // the change-point estimate: the start of the excursion that ended in the alarm, near the change
            assertThat(detector.tracesSinceChange()).isBetween(1L, delay + 100L);
            totalDelay += delay;
        }
        assertThat(totalDelay / (double) runs).isLessThan(100.0);
        // 250,000 calibrated answers before the changes: the guarantee allows 1,667 false alarms; far fewer happen
        assertThat(falseAlarms).isLessThanOrEqualTo(5);
    }

    @Test
    void shouldRejectSettingsOutsideTheirRangeNamingTheField() {
        assertThatThrownBy(() -> new ChangeDetector(0.5, 0.05)).hasMessageContaining("'alarmLevel'");
        assertThatThrownBy(() -> new ChangeDetector(100, 1.0)).hasMessageContaining("'margin'");
    }
}
