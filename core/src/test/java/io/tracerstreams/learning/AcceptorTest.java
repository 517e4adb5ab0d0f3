/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AcceptorTest {

    private static final int SLOTS = 50;

    /** A probability vector whose top-1 is about t, the rest spread at random. */
    private static double[] probabilities(final double t, final Random random) {
        final double[] p = new double[SLOTS];
        double rest = 0;
        for (int i = 1; i < SLOTS; i++) {
            p[i] = 0.5 + random.nextDouble();
            rest += p[i];
        }
        for (int i = 1; i < SLOTS; i++) {
            p[i] *= (1 - t) / rest;
        }
        p[0] = t;
        return p;
    }

    @Test
    void shouldComputeFeaturesOfAProbabilityVector() {
        final double[] f = Acceptor.features(new double[] {0.1, 0.6, 0.3}, 0.25);
        assertThat(f[Acceptor.TOP1]).isCloseTo(0.6, within(1e-12));
        assertThat(f[Acceptor.TOP2]).isCloseTo(0.3, within(1e-12));
        assertThat(f[Acceptor.MARGIN]).isCloseTo(0.3, within(1e-12));
        final double h = -(0.1 * Math.log(0.1) + 0.6 * Math.log(0.6) + 0.3 * Math.log(0.3)) / Math.log(3);
        assertThat(f[Acceptor.ENTROPY]).isCloseTo(h, within(1e-12));
        assertThat(f[Acceptor.NN_DISTANCE]).isEqualTo(0.25);
        final double[] uniform = Acceptor.features(new double[] {0.25, 0.25, 0.25, 0.25}, Double.NaN);
        assertThat(uniform[Acceptor.ENTROPY]).isCloseTo(1.0, within(1e-12));
        assertThat(uniform[Acceptor.NN_DISTANCE]).isNaN();
        final double[] empty = Acceptor.features(new double[0], Double.NaN);
        assertThat(empty[Acceptor.TOP1]).isZero();
        assertThat(empty[Acceptor.ENTROPY]).isEqualTo(1.0);
        final double[] broken = Acceptor.features(new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY, 0}, 0);
        for (final double v : broken) {
            assertThat(v).isFinite();
        }
    }

    @Test
    void shouldStartAsTheTopOneProbability() {
        final Acceptor acceptor = new Acceptor();
        for (final double t : new double[] {0.0, 0.05, 0.3, 0.5, 0.77, 0.99, 1.0}) {
            final double[] f = Acceptor.features(new double[] {t, 1 - t}, Double.NaN);
            assertThat(acceptor.score(f)).isCloseTo(Math.max(t, 1 - t), within(1e-3));
        }
        assertThat(acceptor.score(Acceptor.features(new double[5], Double.NaN))).isLessThan(1e-3);
    }

    @Test
    void shouldBeCalibratedWhenAgreementIsAKnownFunctionOfConfidence() {
        final DoubleUnaryOperator truth = t -> 0.15 + 0.8 * t * t;
        for (final long seed : new long[] {1, 2, 3}) {
            final Random random = new Random(seed);
            final Acceptor acceptor = new Acceptor();
            for (int i = 0; i < 4000; i++) {
                final double[] f = Acceptor.features(probabilities(random.nextDouble(), random), Double.NaN);
                acceptor.learn(f, random.nextDouble() < truth.applyAsDouble(f[Acceptor.TOP1]), 1.0);
            }
            // expected calibration error over 10 score bins, on fresh data
            final int bins = 10;
            final double[] scoreSum = new double[bins];
            final double[] agreeSum = new double[bins];
            final int[] count = new int[bins];
            double absError = 0;
            final int n = 20000;
            for (int i = 0; i < n; i++) {
                final double[] f = Acceptor.features(probabilities(random.nextDouble(), random), Double.NaN);
                final double s = acceptor.score(f);
                final double p = truth.applyAsDouble(f[Acceptor.TOP1]);
                absError += Math.abs(s - p);
                final int b = Math.min(bins - 1, (int) (s * bins));
                scoreSum[b] += s;
                agreeSum[b] += random.nextDouble() < p ? 1 : 0;
                count[b]++;
            }
            double ece = 0;
            for (int b = 0; b < bins; b++) {
                ece += Math.abs(scoreSum[b] - agreeSum[b]) / n;
            }
            assertThat(ece).as("ECE, seed %d", seed).isLessThan(0.03);
            assertThat(absError / n).as("mean |s - P(agree)|, seed %d", seed).isLessThan(0.03);
            // monotone in confidence
            double previous = -1;
            for (double t = 0.05; t <= 1.0; t += 0.05) {
                final double s = acceptor.score(Acceptor.features(probabilities(t, random), Double.NaN));
                assertThat(s).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous - 0.01);
                previous = s;
            }
        }
    }

    @Test
    void shouldTreatAWeightAsThatManyRepeatedOutcomes() {
        final Acceptor weighted = new Acceptor(new Acceptor.Settings(4000, 1, 2.0));
        final Acceptor repeated = new Acceptor(new Acceptor.Settings(4000, 1, 2.0));
        final Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            final double[] f = Acceptor.features(probabilities(random.nextDouble(), random), Double.NaN);
            final boolean agreed = random.nextDouble() < 0.3 + 0.6 * f[Acceptor.TOP1];
            weighted.learn(f, agreed, 3.0);
            for (int r = 0; r < 3; r++) {
                repeated.learn(f, agreed, 1.0);
            }
        }
        final double[] a = weighted.weights();
        final double[] b = repeated.weights();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], within(1e-4));
        }
        assertThat(weighted.weights()).isNotEqualTo(new Acceptor().weights());
    }

    @Test
    void shouldIgnoreUnusableOutcomesAndSurviveSerialisation() throws Exception {
        final Acceptor acceptor = new Acceptor();
        final Random random = new Random(9);
        acceptor.learn(null, true, 1);
        acceptor.learn(new double[2], true, 1);
        acceptor.learn(Acceptor.features(new double[] {1, 0}, 0), true, Double.NaN);
        acceptor.learn(Acceptor.features(new double[] {1, 0}, 0), true, 0);
        assertThat(acceptor.learnedCount()).isZero();
        for (int i = 0; i < 500; i++) {
            final double[] f = Acceptor.features(probabilities(random.nextDouble(), random), random.nextDouble());
            acceptor.learn(f, random.nextBoolean(), 1 + random.nextInt(10));
        }
        final Acceptor copy = EmbeddingClassifierTest.roundTrip(acceptor);
        for (int i = 0; i < 20; i++) {
            final double[] f = Acceptor.features(probabilities(random.nextDouble(), random), random.nextDouble());
            assertThat(copy.score(f)).isEqualTo(acceptor.score(f)).isBetween(0.0, 1.0);
        }
        assertThat(acceptor.score(null)).isZero();
    }
}
