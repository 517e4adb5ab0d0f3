/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DecayedSumTest {

    @Test
    void shouldHalveOverOneHalfLife() {
        final double factor = Math.pow(0.5, 1.0 / 100);
        final DecayedSum sum = new DecayedSum();
        sum.add(8.0, 10, factor);
        assertThat(sum.get(10, factor)).isEqualTo(8.0);
        assertThat(sum.get(110, factor)).isCloseTo(4.0, within(1e-9));
        assertThat(sum.get(310, factor)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldEqualTheEagerlyDecayedSumWhateverTheAdditionPattern() {
        final Random random = new Random(3);
        for (int run = 0; run < 20; run++) {
            final double factor = Math.pow(0.5, 1.0 / (1 + random.nextInt(500)));
            final DecayedSum lazy = new DecayedSum();
            double eager = 0.0;
            for (long now = 1; now <= 2_000; now++) {
                eager *= factor;
                if (random.nextDouble() < 0.3) {
                    final double amount = random.nextDouble();
                    lazy.add(amount, now, factor);
                    eager += amount;
                }
            }
            assertThat(lazy.get(2_000, factor)).isCloseTo(eager, within(1e-9 * Math.max(1.0, eager)));
        }
    }

    @Test
    void shouldGiveARatioOfZeroOverAnEmptyDenominator() {
        final DecayedSum part = new DecayedSum();
        final DecayedSum all = new DecayedSum();
        assertThat(DecayedSum.ratio(part, all, 5, 0.9)).isEqualTo(0.0);
        all.add(4.0, 5, 0.9);
        part.add(1.0, 5, 0.9);
        assertThat(DecayedSum.ratio(part, all, 50, 0.9)).isCloseTo(0.25, within(1e-12));
    }
}
