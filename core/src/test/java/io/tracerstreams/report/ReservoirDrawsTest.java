/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReservoirDrawsTest {

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 21L, -7L, Long.MAX_VALUE, 0x5DEECE66DL})
    void shouldDrawExactlyTheSequenceOfJavaUtilRandomForASeed(final long seed) {
        final Random reference = new Random(seed);
        final ReservoirDraws draws = ReservoirDraws.seeded(seed);
        for (int i = 0; i < 10_000; i++) {
            assertThat(draws.getAsDouble()).as("draw %d", i).isEqualTo(reference.nextDouble());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 17, 1_000})
    void shouldContinueExactlyWhereADeserialisedRandomStands(final int drawn) throws Exception {
        final Random written = new Random(42);
        final Random reference = new Random(42);
        for (int i = 0; i < drawn; i++) {
            written.nextDouble();
            reference.nextDouble();
        }
        final Random read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(ReportBuilderTest.serialise(written)))) {
            read = (Random) in.readObject();
        }
        final ReservoirDraws draws = ReservoirDraws.continuing(read);
        for (int i = 0; i < 1_000; i++) {
            assertThat(draws.getAsDouble()).as("draw %d", i).isEqualTo(reference.nextDouble());
        }
    }

    @Test
    void shouldGoOnFromItsStoredStateAndRejectAStateBeyond48Bits() {
        final ReservoirDraws original = ReservoirDraws.seeded(9);
        for (int i = 0; i < 123; i++) {
            original.getAsDouble();
        }
        final ReservoirDraws restored = ReservoirDraws.ofState(original.state());
        for (int i = 0; i < 1_000; i++) {
            assertThat(restored.getAsDouble()).isEqualTo(original.getAsDouble());
        }
        assertThatThrownBy(() -> ReservoirDraws.ofState(1L << 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("draws_state");
    }
}
