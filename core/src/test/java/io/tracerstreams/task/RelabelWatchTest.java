/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RelabelWatchTest {

    @Test
    void shouldNameTheRenamedLabelsAndNoneOfTheKeptOnes() {
        // 20 labels; the LLM renamed labels 0..4; the surrogate agrees 90% with the kept ones
        final SplittableRandom rnd = new SplittableRandom(3);
        final RelabelWatch watch = new RelabelWatch();
        watch.start(10, 2_000);
        final List<Integer> forgotten = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            final int predicted = rnd.nextInt(20);
            final int llm = predicted < 5 ? (predicted + 1) % 5 : rnd.nextDouble() < 0.9 ? predicted : rnd.nextInt(20);
            final int forget = watch.observe(predicted, llm);
            if (forget >= 0) {
                forgotten.add(forget);
            }
        }
        assertThat(forgotten).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(watch.active()).isFalse();
    }

    @Test
    void shouldForgetNothingOutsideAnEpisodeAndKeepTheTracesSinceTheChange() {
        final RelabelWatch watch = new RelabelWatch();
        for (int i = 0; i < 10; i++) {
            assertThat(watch.observe(0, 1)).isEqualTo(-1);
        }
        watch.start(7, 3);
        assertThat(watch.observe(0, 1)).isEqualTo(-1);
        assertThat(watch.observe(0, 1)).isEqualTo(-1);
        assertThat(watch.observe(0, 2)).isEqualTo(0);
        assertThat(watch.keepNewest()).isEqualTo(10);
        assertThat(watch.observe(0, 2)).isEqualTo(-1); // episode over
        assertThat(watch.labelsForgotten()).isEqualTo(1);
    }
}
