/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OodGuardTest {

    private static final int DIM = 64;

    @Test
    void shouldStayInactiveUntilTheMinimumCount() {
        final SyntheticClusters data = new SyntheticClusters(10, DIM, 1.0, 1);
        final OodGuard guard = new OodGuard(1, new OodGuard.Settings(500, 500, 0.99, 1.0, 200, 1));
        for (int i = 0; i < 199; i++) {
            guard.observe(data.sample(data.nextClass()));
        }
        assertThat(guard.isActive()).isFalse();
        assertThat(guard.isOutOfDistribution(data.randomDirection())).isFalse();
        guard.observe(data.sample(0));
        assertThat(guard.isActive()).isTrue();
        assertThat(guard.threshold()).isBetween(0.0, 2.0);
    }

    @Test
    void shouldFlagFarPointsAndRarelyInDistributionOnes() {
        for (final long seed : new long[] {1, 2, 3}) {
            final SyntheticClusters data = new SyntheticClusters(10, DIM, 1.0, seed);
            final OodGuard guard = new OodGuard(seed, new OodGuard.Settings(500, 1000, 0.99, 1.0, 200, 4));
            for (int i = 0; i < 3000; i++) {
                guard.observe(data.sample(data.nextClass()));
            }
            int inFlagged = 0;
            int farFlagged = 0;
            final int n = 2000;
            for (int i = 0; i < n; i++) {
                if (guard.isOutOfDistribution(data.sample(data.nextClass()))) {
                    inFlagged++;
                }
                if (guard.isOutOfDistribution(data.randomDirection())) {
                    farFlagged++;
                }
            }
            // the threshold is the 0.99 quantile of in-distribution distances: about 1% false alarms
            assertThat((double) inFlagged / n).as("in-distribution flag rate, seed %d", seed).isBetween(0.002, 0.03);
            assertThat((double) farFlagged / n).as("far flag rate, seed %d", seed).isGreaterThan(0.95);
        }
    }

    @Test
    void shouldGiveTheNearestCosineDistanceAndHandleBadInputs() throws Exception {
        final SyntheticClusters data = new SyntheticClusters(5, DIM, 1.0, 4);
        final OodGuard guard = new OodGuard(4, new OodGuard.Settings(100, 100, 0.99, 1.5, 50, 2));
        assertThat(guard.nearestDistance(data.sample(0))).isNaN();
        final float[] x = data.sample(1);
        guard.observe(x);
        // the reservoir is int8 (QuantizedRows): a dot product is off by at most sqrt(d) / 254
        assertThat(guard.nearestDistance(x)).isLessThan(Math.sqrt(DIM) / 254);
        for (int i = 0; i < 300; i++) {
            guard.observe(data.sample(data.nextClass()));
        }
        final float[] nan = new float[DIM];
        java.util.Arrays.fill(nan, Float.NaN);
        guard.observe(nan);
        guard.observe(new float[DIM + 3]);
        guard.observe(null);
        assertThat(guard.isOutOfDistribution(new float[DIM + 3])).isTrue();
        assertThat(guard.isOutOfDistribution(null)).isTrue();
        final OodGuard copy = EmbeddingClassifierTest.roundTrip(guard);
        for (int i = 0; i < 50; i++) {
            final float[] probe = i % 2 == 0 ? data.sample(data.nextClass()) : data.randomDirection();
            assertThat(copy.nearestDistance(probe)).isEqualTo(guard.nearestDistance(probe));
            assertThat(copy.isOutOfDistribution(probe)).isEqualTo(guard.isOutOfDistribution(probe));
        }
    }
}
