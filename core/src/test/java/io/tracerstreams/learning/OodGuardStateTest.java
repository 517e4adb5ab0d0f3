/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.OodState;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OOD guard survives its snapshot record ({@link OodGuard#toState()}, Avro's binary encoding,
 * {@link OodGuard#fromState}): the restored guard flags the same inputs and, after observing the same further
 * traces (its reservoir's seeded replacements, its threshold's recomputations), still does.
 */
class OodGuardStateTest {

    private static List<String> run(final OodGuard guard, final SyntheticClusters data, final int n) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final float[] x = i % 10 == 0 ? data.randomDirection() : data.sample(data.nextClass());
            out.add(guard.isOutOfDistribution(x) + " " + guard.nearestDistance(x) + " " + guard.threshold());
            guard.observe(data.sample(data.nextClass()));
        }
        return out;
    }

    @Test
    void shouldFlagAndLearnExactlyLikeTheOriginalAfterARoundTripOfItsState() {
        final OodGuard original = new OodGuard(4, new OodGuard.Settings(150, 100, 0.99, 1.1, 60, 3));
        final SyntheticClusters warmUp = new SyntheticClusters(6, 20, 0.8, 2);
        run(original, warmUp, 700);
        assertThat(original.isActive()).isTrue();
        final OodGuard restored = OodGuard.fromState(LearnerStateTest.throughAvro(original.toState()));
        assertThat(restored.observedCount()).isEqualTo(original.observedCount());

        final List<String> a = run(original, new SyntheticClusters(6, 20, 0.8, 2), 800);
        final List<String> b = run(restored, new SyntheticClusters(6, 20, 0.8, 2), 800);
        assertThat(b).isEqualTo(a);
        assertThat(a).anyMatch(l -> l.startsWith("true")).anyMatch(l -> l.startsWith("false"));
    }

    @Test
    void shouldRestoreAGuardThatObservedNothingYet() {
        final OodGuard original = new OodGuard(7);
        final OodState state = LearnerStateTest.throughAvro(original.toState());
        assertThat(state.getReservoirCodes()).isNull();
        assertThat(Double.isNaN(state.getThreshold())).isTrue();
        final OodGuard restored = OodGuard.fromState(state);
        final List<String> a = run(original, new SyntheticClusters(4, 12, 0.6, 9), 500);
        final List<String> b = run(restored, new SyntheticClusters(4, 12, 0.6, 9), 500);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void shouldRejectAStateWhoseReservoirDoesNotFitNamingTheField() {
        final OodGuard guard = new OodGuard(1, new OodGuard.Settings(50, 50, 0.9, 1.0, 10, 1));
        run(guard, new SyntheticClusters(3, 8, 0.5, 1), 100);
        final OodState state = guard.toState();
        state.setReservoirScales(state.getReservoirScales().subList(0, 49));
        assertThatThrownBy(() -> OodGuard.fromState(state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'reservoir.scales'");

        // a record that claims a huge distance window without holding it is refused before anything is allocated
        final OodState huge = guard.toState();
        huge.setDistanceWindow(Integer.MAX_VALUE - 8);
        assertThatThrownBy(() -> OodGuard.fromState(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'distances'");
    }
}
