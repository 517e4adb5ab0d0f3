/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.tracerstreams.bench.chaos.SoakSeries.MIB;
import static org.assertj.core.api.Assertions.assertThat;

class SoakSeriesTest {

    private static SoakSeries.Checkpoint at(final long traces, final long heap, final long state, final long changelog, final long lag) {
        return new SoakSeries.Checkpoint(traces, traces / 1000.0, heap, state, changelog, lag);
    }

    @Test
    void shouldCallASeriesThatLevelsOffAfterWarmUpFlatWhateverItsNoise() {
        final Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            final SoakSeries s = new SoakSeries(2, 0.2);
            // warm-up: grows steeply; then level with noise within +-10 %
            s.add(at(100_000, 40 * MIB, 10 * MIB, 5 * MIB, 100));
            s.add(at(200_000, 120 * MIB, 60 * MIB, 30 * MIB, 900));
            for (int i = 3; i <= 10; i++) {
                final double noise = 0.9 + 0.2 * random.nextDouble();
                s.add(at(i * 100_000L, (long) (200 * MIB * noise), (long) (80 * MIB * noise), (long) (40 * MIB * noise),
                        (long) (1_000 * noise)));
            }
            assertThat(s.verdicts(500)).allSatisfy(v -> assertThat(v.flat()).as(v.series()).isTrue());
            assertThat(s.allFlat(500)).isTrue();
        }
    }

    @Test
    void shouldCallASeriesThatKeepsGrowingLinearlyGrowing() {
        final SoakSeries s = new SoakSeries(2, 0.2);
        for (int i = 1; i <= 10; i++) {
            // heap flat; the state grows by 20 MiB per checkpoint (a store that is never purged)
            s.add(at(i * 100_000L, 200 * MIB, i * 20 * MIB, 30 * MIB, 1_000));
        }
        assertThat(s.verdict("heap", SoakSeries.Checkpoint::heapAfterGcBytes, 32 * MIB).flat()).isTrue();
        final SoakSeries.Verdict state = s.verdict("state", SoakSeries.Checkpoint::stateBytes, 4 * MIB);
        assertThat(state.flat()).isFalse();
        assertThat(state.firstAfterWarmup()).isEqualTo(60 * MIB);
        assertThat(state.last()).isEqualTo(200 * MIB);
        assertThat(s.allFlat(500)).isFalse();
    }

    @Test
    void shouldGiveNoVerdictWithFewerThanTwoCheckpointsAfterWarmUp() {
        final SoakSeries s = new SoakSeries(2, 0.2);
        s.add(at(100_000, MIB, MIB, MIB, 1));
        s.add(at(200_000, MIB, MIB, MIB, 1));
        s.add(at(300_000, 900 * MIB, MIB, MIB, 1));
        assertThat(s.verdicts(0)).allSatisfy(v -> assertThat(v.flat()).isNull());
        assertThat(s.allFlat(0)).isNull();
        s.add(at(400_000, 900 * MIB, MIB, MIB, 1));
        assertThat(s.allFlat(0)).isTrue();
    }

    @Test
    void shouldTakeTheSlackAsAnAbsoluteAllowanceOnTopOfTheTolerance() {
        final SoakSeries s = new SoakSeries(0, 0.0);
        s.add(at(1, 100, 0, 0, 0));
        s.add(at(2, 100 + 32 * MIB, 0, 0, 0));
        assertThat(s.verdict("heap", SoakSeries.Checkpoint::heapAfterGcBytes, 32 * MIB).flat()).isTrue();
        s.add(at(3, 101 + 32 * MIB, 0, 0, 0));
        assertThat(s.verdict("heap", SoakSeries.Checkpoint::heapAfterGcBytes, 32 * MIB).flat()).isFalse();
    }
}
