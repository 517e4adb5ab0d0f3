/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AgreementWindowTest {

    private record Entry(double score, boolean agreed, double weight) {
    }

    @Test
    void shouldKeepTheCellSumsOfExactlyTheLastNOutcomes() {
        final GateConfig config = GateConfig.DEFAULTS.withWindowSize(300);
        final AgreementWindow window = new AgreementWindow(config);
        final GateStatistics stats = new GateStatistics(config);
        final Deque<Entry> reference = new ArrayDeque<>();
        final SplittableRandom rnd = new SplittableRandom(11);
        for (int k = 0; k < 5_000; k++) {
            final Entry e = new Entry(rnd.nextDouble(), rnd.nextDouble() < 0.8, rnd.nextDouble() < 0.1 ? 20.0 : 1.0);
            assertThat(window.add(e.score(), e.agreed(), e.weight())).isTrue();
            reference.addLast(e);
            if (reference.size() > 300) {
                reference.removeFirst();
            }
            if (k % 97 == 0) {
                final int index = rnd.nextInt(config.gridSize());
                final double t = config.thresholdAt(index);
                double w = 0;
                double w2 = 0;
                double wa = 0;
                double total = 0;
                for (final Entry r : reference) {
                    total += r.weight();
                    if (config.gridIndex(r.score()) >= index) {
                        w += r.weight();
                        w2 += r.weight() * r.weight();
                        wa += r.agreed() ? r.weight() : 0;
                    }
                }
                final GateStatistics.Estimate est = stats.estimate(window, index, false);
                assertThat(window.size()).isEqualTo(reference.size());
                if (w > 0) {
                    assertThat(est.agreement()).isCloseTo(wa / w, within(1e-9));
                    assertThat(est.coverage()).isCloseTo(w / total, within(1e-9));
                    assertThat(est.effectiveSize()).isCloseTo(w * w / w2, within(1e-6));
                    final GateStatistics.Estimate scan = stats.estimateAt(window, t);
                    assertThat(scan.agreement()).isCloseTo(est.agreement(), within(1e-9));
                }
            }
        }
        assertThat(window.added()).isEqualTo(5_000);
        assertThat(window.scoreAgo(0)).isEqualTo(reference.getLast().score());
        assertThat(window.weightAgo(299)).isEqualTo(reference.getFirst().weight());
    }

    @Test
    void shouldRejectAndCountBadInputWithoutChangingTheWindow() {
        final AgreementWindow window = new AgreementWindow(100, 10);
        assertThat(window.add(Double.NaN, true, 1.0)).isFalse();
        assertThat(window.add(1.5, true, 1.0)).isFalse();
        assertThat(window.add(-0.1, true, 1.0)).isFalse();
        assertThat(window.add(0.5, true, 0.0)).isFalse();
        assertThat(window.add(0.5, true, Double.POSITIVE_INFINITY)).isFalse();
        assertThat(window.add(0.5, true, Double.NaN)).isFalse();
        assertThat(window.rejected()).isEqualTo(6);
        assertThat(window.size()).isZero();
        assertThat(window.added()).isZero();
        assertThat(window.add(1.0, false, 1.0)).isTrue();
        assertThat(window.size()).isEqualTo(1);
    }

    @Test
    void shouldSurviveSerialisationWithItsContents() throws Exception {
        final AgreementWindow window = new AgreementWindow(GateConfig.DEFAULTS);
        final SplittableRandom rnd = new SplittableRandom(5);
        for (int k = 0; k < 2_500; k++) {
            window.add(rnd.nextDouble(), rnd.nextBoolean(), rnd.nextBoolean() ? 1.0 : 20.0);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(window);
        }
        final AgreementWindow copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (AgreementWindow) in.readObject();
        }
        final GateStatistics stats = new GateStatistics(GateConfig.DEFAULTS);
        assertThat(copy.size()).isEqualTo(window.size());
        assertThat(copy.added()).isEqualTo(window.added());
        for (final int i : new int[] {0, 30, 70, 99}) {
            assertThat(stats.estimate(copy, i)).isEqualTo(stats.estimate(window, i));
        }
    }
}
