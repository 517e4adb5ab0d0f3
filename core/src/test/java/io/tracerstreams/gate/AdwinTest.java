/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.AdwinRowState;
import io.tracerstreams.schema.state.AdwinState;

import moa.classifiers.core.driftdetection.ADWIN;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Adwin} is MOA's ADWIN (the oracle, {@code moa.classifiers.core.driftdetection.ADWIN} 2024.07): on random
 * Bernoulli streams with and without a change, and on real-valued ones, both cut at the same inputs and hold the
 * same window (width, total and variance bit for bit) after every input; a window restored from its state, or
 * copied out of MOA's, goes on exactly as the original.
 */
class AdwinTest {

    /** A Bernoulli stream: agreement p before {@code changeAt}, q from then on. */
    private static double[] bernoulli(final long seed, final int length, final double p, final double q,
                                      final int changeAt) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] xs = new double[length];
        for (int i = 0; i < length; i++) {
            xs[i] = random.nextDouble() < (i < changeAt ? p : q) ? 1.0 : 0.0;
        }
        return xs;
    }

    /** Feeds both, asserting the same answer and window after every input; returns the inputs where they cut. */
    private static List<Integer> sameCuts(final ADWIN moa, final Adwin ours, final double[] xs, final int from) {
        final List<Integer> cuts = new ArrayList<>();
        for (int i = from; i < xs.length; i++) {
            final boolean expected = moa.setInput(xs[i]);
            final boolean actual = ours.add(xs[i]);
            if (actual != expected || ours.width() != moa.getWidth()
                    || Double.doubleToLongBits(ours.total()) != Double.doubleToLongBits(moa.getTotal())
                    || Double.doubleToLongBits(ours.variance()) != Double.doubleToLongBits(moa.getVariance())) {
                assertThat(new Object[] {actual, ours.width(), ours.total(), ours.variance()})
                        .as("cut, width, total, variance after input %d", i)
                        .isEqualTo(new Object[] {expected, moa.getWidth(), moa.getTotal(), moa.getVariance()});
            }
            if (actual) {
                cuts.add(i);
            }
        }
        return cuts;
    }

    @ParameterizedTest(name = "p {1} -> {2} at {3}, delta {4}, seed {0}")
    @CsvSource({
        "1, 0.95, 0.95, 0, 0.002",
        "2, 0.99, 0.99, 0, 0.002",
        "3, 0.5, 0.5, 0, 0.002",
        "4, 0.9, 0.9, 0, 0.3",
        "5, 0.97, 0.80, 20000, 0.002",
        "6, 0.99, 0.90, 30000, 0.002",
        "7, 0.6, 0.9, 10000, 0.002",
        "8, 0.95, 0.70, 5000, 0.05",
        "9, 0.9, 0.85, 25000, 0.1"
    })
    void shouldCutExactlyWhereMoasAdwinCuts(final long seed, final double p, final double q, final int changeAt,
                                            final double delta) {
        final double[] xs = bernoulli(seed, 60_000, p, q, changeAt);
        final List<Integer> cuts = sameCuts(new ADWIN(delta), new Adwin(delta), xs, 0);
        if (p - q >= 0.05) {
            // a change of that size is cut soon after it starts (the test would pass vacuously otherwise)
            assertThat(cuts).anyMatch(i -> i >= changeAt && i < changeAt + 5_000);
        }
    }

    @Test
    void shouldCutExactlyWhereMoasAdwinCutsOnRealValuedInputsWithRepeatedChanges() {
        final SplittableRandom random = new SplittableRandom(11);
        final double[] xs = new double[80_000];
        for (int i = 0; i < xs.length; i++) {
            final double mean = (i / 10_000) % 2 == 0 ? 0.3 : 0.6;
            xs[i] = mean + 0.2 * (random.nextDouble() - 0.5);
        }
        final List<Integer> cuts = sameCuts(new ADWIN(0.002), new Adwin(0.002), xs, 0);
        assertThat(cuts).hasSizeGreaterThanOrEqualTo(7);
    }

    @ParameterizedTest(name = "snapshot after {0} inputs")
    @CsvSource({"0", "1", "31", "32", "1000", "20003", "20500", "45000"})
    void shouldGoOnExactlyAsTheOriginalAfterARestoreFromItsState(final int at) {
        final double[] xs = bernoulli(21, 60_000, 0.97, 0.85, 20_000);
        final ADWIN moa = new ADWIN(0.002);
        final Adwin ours = new Adwin(0.002);
        sameCuts(moa, ours, java.util.Arrays.copyOf(xs, at), 0);
        final Adwin restored = Adwin.fromState(ours.toState());
        final List<Integer> cuts = sameCuts(moa, restored, xs, at);
        if (at <= 20_000) {
            assertThat(cuts).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "copy after {0} inputs")
    @CsvSource({"0", "5", "64", "19999", "21000", "50000"})
    void shouldCopyTheWindowOfMoasAdwinAndGoOnExactlyAsIt(final int at) {
        final double[] xs = bernoulli(31, 60_000, 0.98, 0.88, 20_000);
        final ADWIN moa = new ADWIN(0.002);
        for (int i = 0; i < at; i++) {
            moa.setInput(xs[i]);
        }
        final Adwin copy = Adwin.fromMoa(moa);
        assertThat(copy.width()).isEqualTo(moa.getWidth());
        sameCuts(moa, copy, xs, at);
    }

    @Test
    void shouldRejectAnInconsistentState() {
        final Adwin a = new Adwin(0.002);
        for (int i = 0; i < 100; i++) {
            a.add(i % 3 == 0 ? 0.0 : 1.0);
        }
        final AdwinState good = a.toState();
        final AdwinState wrongWidth = AdwinState.newBuilder(good).setWidth(good.getWidth() + 1).build();
        assertThatThrownBy(() -> Adwin.fromState(wrongWidth)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width");
        final List<AdwinRowState> rows = new ArrayList<>(good.getRows());
        rows.set(0, AdwinRowState.newBuilder(rows.get(0)).setVariances(List.of()).build());
        final AdwinState ragged = AdwinState.newBuilder(good).setRows(rows).build();
        assertThatThrownBy(() -> Adwin.fromState(ragged)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0");
        assertThatThrownBy(() -> Adwin.fromState(AdwinState.newBuilder(good).setDelta(0.0).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    }
}
