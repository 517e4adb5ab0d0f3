/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.gate.SequentialAgreementCheck.Verdict;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Simulation tests of the betting test: its error probabilities at the boundary of each hypothesis, also when
 * the agreement moves from outcome to outcome and the test is looked at after every outcome, and how fast it
 * settles clear cases.
 */
class SequentialAgreementCheckTest {

    private static final double DELTA = 0.05;
    private static final int RUNS = 2_000;
    private static final int HORIZON = 5_000;

    /** Runs the test on outcomes with P(agree) = p(i) until a verdict or the horizon; returns {verdict, samples}. */
    private static long[] run(final double alpha, final IntToDoubleFunction p, final long seed) {
        final SequentialAgreementCheck test = new SequentialAgreementCheck(alpha, DELTA);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < HORIZON; i++) {
            final Verdict v = test.observe(random.nextDouble() < p.applyAsDouble(i));
            if (v != Verdict.OPEN) {
                return new long[] {v.ordinal(), test.samples()};
            }
        }
        return new long[] {Verdict.OPEN.ordinal(), test.samples()};
    }

    private static double share(final double alpha, final IntToDoubleFunction p, final Verdict verdict) {
        int hits = 0;
        for (int r = 0; r < RUNS; r++) {
            hits += run(alpha, p, 1_000L + r)[0] == verdict.ordinal() ? 1 : 0;
        }
        return hits / (double) RUNS;
    }

    @Test
    void shouldConfirmAnAgreementOfExactlyAlphaWithProbabilityAtMostDeltaHoweverLongItRuns() {
        for (final double alpha : new double[] {0.85, 0.90, 0.95}) {
            // a standard error of the share over 2,000 runs is ~0.005 at 0.05
            assertThat(share(alpha, i -> alpha, Verdict.CONFIRMED)).as("alpha %s", alpha).isLessThanOrEqualTo(DELTA);
        }
    }

    @Test
    void shouldRefuteAnAgreementOfExactlyAlphaWithProbabilityAtMostDelta() {
        for (final double alpha : new double[] {0.85, 0.90, 0.95}) {
            assertThat(share(alpha, i -> alpha, Verdict.REFUTED)).as("alpha %s", alpha).isLessThanOrEqualTo(DELTA);
        }
    }

    @Test
    void shouldKeepItsLevelWhenTheAgreementMovesBelowAlphaFromOutcomeToOutcome() {
        // conditional means at or below alpha, alternating in blocks (the served threshold and the acceptor move)
        final double alpha = 0.90;
        final IntToDoubleFunction moving = i -> (i / 50) % 2 == 0 ? alpha : alpha - 0.10;
        assertThat(share(alpha, moving, Verdict.CONFIRMED)).isLessThanOrEqualTo(DELTA);
        // and a promise that holds early and breaks later is refuted, not confirmed on the early part alone
        final IntToDoubleFunction breaking = i -> i < 100 ? 0.93 : 0.80;
        assertThat(share(alpha, breaking, Verdict.REFUTED)).isGreaterThan(0.80);
    }

    @Test
    void shouldSettleClearCasesWithinAFewHundredOutcomes() {
        final long[] confirm = new long[200];
        final long[] refute = new long[200];
        for (int r = 0; r < confirm.length; r++) {
            final long[] up = run(0.90, i -> 0.95, 5L * r);
            final long[] down = run(0.90, i -> 0.75, 5L * r + 1);
            assertThat(up[0]).isEqualTo(Verdict.CONFIRMED.ordinal());
            assertThat(down[0]).isEqualTo(Verdict.REFUTED.ordinal());
            confirm[r] = up[1];
            refute[r] = down[1];
        }
        Arrays.sort(confirm);
        Arrays.sort(refute);
        // KL(0.95 || 0.90) = 0.017 nats per outcome, log(1 / 0.05) = 3.0: ~180 at the Kelly bet
        assertThat(confirm[confirm.length / 2]).isBetween(100L, 400L);
        // KL(0.75 || 0.90) = 0.082: ~40
        assertThat(refute[refute.length / 2]).isBetween(15L, 120L);
    }

    @Test
    void shouldKeepItsVerdictOnceReached() {
        final SequentialAgreementCheck test = new SequentialAgreementCheck(0.9, DELTA);
        Verdict v = Verdict.OPEN;
        for (int i = 0; i < 1_000 && v == Verdict.OPEN; i++) {
            v = test.observe(i % 3 != 0);
        }
        assertThat(v).isEqualTo(Verdict.REFUTED);
        final long n = test.samples();
        for (int i = 0; i < 1_000; i++) {
            assertThat(test.observe(true)).isEqualTo(Verdict.REFUTED);
        }
        assertThat(test.samples()).isEqualTo(n);
    }

    @Test
    void shouldRejectSettingsOutsideTheirRangeNamingTheField() {
        assertThatThrownBy(() -> new SequentialAgreementCheck(1.0, 0.05)).hasMessageContaining("'alpha'");
        assertThatThrownBy(() -> new SequentialAgreementCheck(0.9, 0.0)).hasMessageContaining("'delta'");
    }
}
