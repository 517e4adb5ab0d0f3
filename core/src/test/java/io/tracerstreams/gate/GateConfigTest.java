/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GateConfigTest {

    private static final GateConfig D = GateConfig.DEFAULTS;

    @Test
    void shouldNameTheFieldOfABadValue() {
        assertThatThrownBy(() -> D.withAlpha(1.0)).hasMessageContaining("'alpha'");
        assertThatThrownBy(() -> D.withEpsilon(0.0)).hasMessageContaining("'epsilon'");
        assertThatThrownBy(() -> D.withGridSize(1)).hasMessageContaining("'gridSize'");
        assertThatThrownBy(() -> D.withMinWindow(D.windowSize() + 1)).hasMessageContaining("'minWindow'");
        assertThatThrownBy(() -> D.withSearch(null)).hasMessageContaining("'search'");
        assertThatThrownBy(() -> new GateConfig(0.9, 0.6, 2000, 50, 0.05, 0.05, 100, 0.05, 0.002, 500, 2000,
                ThresholdSearch.FIXED_SEQUENCE)).hasMessageContaining("'delta'");
        assertThatThrownBy(() -> new GateConfig(0.9, 0.05, 2000, 0, 0.05, 0.05, 100, 0.05, 0.002, 500, 2000,
                ThresholdSearch.FIXED_SEQUENCE)).hasMessageContaining("'minAccepted'");
        assertThatThrownBy(() -> new GateConfig(0.9, 0.05, 2000, 50, 1.0, 0.05, 100, 0.05, 0.002, 500, 2000,
                ThresholdSearch.FIXED_SEQUENCE)).hasMessageContaining("'minCoverage'");
        assertThatThrownBy(() -> new GateConfig(0.9, 0.05, 2000, 50, 0.05, 0.05, 100, 0.05, 0.002, -1, 2000,
                ThresholdSearch.FIXED_SEQUENCE)).hasMessageContaining("'reopenDelay'");
    }

    @Test
    void shouldHaveAnIncreasingGridStartingAtZero() {
        assertThat(D.thresholdAt(0)).isZero();
        for (int i = 1; i < D.gridSize(); i++) {
            assertThat(D.thresholdAt(i)).isGreaterThan(D.thresholdAt(i - 1)).isLessThan(1.0);
        }
    }

    @Test
    void shouldMapAScoreToTheHighestThresholdAtOrBelowIt() {
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 20_000; k++) {
            final double s = rnd.nextDouble();
            final int i = D.gridIndex(s);
            assertThat(D.thresholdAt(i)).isLessThanOrEqualTo(s + 1e-9);
            if (i + 1 < D.gridSize()) {
                assertThat(D.thresholdAt(i + 1)).isGreaterThan(s);
            }
        }
        for (int i = 0; i < D.gridSize(); i++) {
            assertThat(D.gridIndex(D.thresholdAt(i))).isEqualTo(i);
        }
        assertThat(D.gridIndex(1.0)).isEqualTo(D.gridSize() - 1);
        assertThat(D.gridIndex(-3.0)).isZero();
    }
}
