/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tracerstreams.report.ReportPartsFixtures.handled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExampleReservoirTest {

    @Test
    void shouldSampleEveryOfferedExampleWithEqualProbability() {
        final int offered = 50;
        final int capacity = 5;
        final int runs = 20_000;
        final int[] kept = new int[offered];
        final Random random = new Random(11);
        final List<KeptExample> examples = new ArrayList<>();
        for (int i = 0; i < offered; i++) {
            examples.add(handled("r" + i, "a", 0.9, 0.5));
        }
        for (int run = 0; run < runs; run++) {
            final ExampleReservoir reservoir = new ExampleReservoir(capacity);
            for (final KeptExample e : examples) {
                reservoir.offer(e, random::nextDouble);
            }
            reservoir.rotate();
            assertThat(reservoir.published()).hasSize(capacity).doesNotHaveDuplicates();
            for (final KeptExample e : reservoir.published()) {
                kept[Integer.parseInt(e.requestId.substring(1))]++;
            }
        }
        // each of the 50 is kept with probability 5/50: binomial sd ~ 0.0021 at 20,000 runs
        for (final int k : kept) {
            assertThat((double) k / runs).isCloseTo(0.1, within(0.012));
        }
    }

    @Test
    void shouldPublishPerIntervalAndKeepTheLastSampleOverAnEmptyInterval() {
        final Random random = new Random(1);
        final ExampleReservoir reservoir = new ExampleReservoir(2);
        assertThat(reservoir.offer(handled("a", "x", 0.9, 0.5), random::nextDouble)).isTrue();
        assertThat(reservoir.published()).isEmpty();
        reservoir.rotate();
        assertThat(reservoir.published()).extracting(e -> e.requestId).containsExactly("a");
        reservoir.rotate();
        assertThat(reservoir.published()).extracting(e -> e.requestId).containsExactly("a");
        reservoir.offer(handled("b", "x", 0.9, 0.5), random::nextDouble);
        assertThat(reservoir.retained()).isEqualTo(2);
        reservoir.rotate();
        assertThat(reservoir.published()).extracting(e -> e.requestId).containsExactly("b");
        assertThat(reservoir.retained()).isEqualTo(1);
    }

    @Test
    void shouldDrawNothingAtCapacityZero() {
        final Random random = new Random(5);
        final Random twin = new Random(5);
        final ExampleReservoir reservoir = new ExampleReservoir(0);
        for (int i = 0; i < 10; i++) {
            assertThat(reservoir.offer(handled("r" + i, "x", 0.9, 0.5), random::nextDouble)).isFalse();
        }
        assertThat(reservoir.retained()).isZero();
        assertThat(random.nextLong()).isEqualTo(twin.nextLong());
    }
}
