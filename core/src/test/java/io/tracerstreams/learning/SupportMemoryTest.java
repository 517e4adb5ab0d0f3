/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SupportMemoryTest {

    private static float[] random(final SplittableRandom rnd, final int d) {
        final float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static double cosine(final float[] a, final float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void shouldMeasureTheDistanceToTheNearestExampleOfTheAskedLabelOnly() {
        final SupportMemory memory = new SupportMemory();
        final float[] a = {1, 0, 0};
        final float[] b = {0, 1, 0};
        memory.add(a, 0);
        memory.add(b, 1);
        assertThat(memory.distance(new float[] {2, 0, 0}, 0)).isCloseTo(0.0, within(1e-6));
        // the query equals label 1's example, but label 0's nearest example is orthogonal to it
        assertThat(memory.distance(b, 0)).isCloseTo(1.0, within(1e-6));
        assertThat(memory.distance(b, 1)).isCloseTo(0.0, within(1e-6));
        assertThat(memory.distance(a, 7)).isEqualTo(SupportMemory.NO_SUPPORT);
    }

    @Test
    void shouldAnswerNoSupportForUnusableInputsInsteadOfThrowing() {
        final SupportMemory memory = new SupportMemory();
        assertThat(memory.distance(new float[] {1, 0}, 0)).isEqualTo(SupportMemory.NO_SUPPORT);
        memory.add(new float[] {1, 0}, 0);
        memory.add(new float[] {1, 0, 0}, 0);           // wrong dimension: ignored
        memory.add(new float[] {0, 0}, 0);              // zero vector: ignored
        memory.add(new float[] {Float.NaN, 1}, -1);     // no slot: ignored
        assertThat(memory.stored()).isEqualTo(1);
        assertThat(memory.distance(null, 0)).isEqualTo(SupportMemory.NO_SUPPORT);
        assertThat(memory.distance(new float[] {0, 0}, 0)).isEqualTo(SupportMemory.NO_SUPPORT);
        assertThat(memory.distance(new float[] {Float.NaN, 1}, 0)).isCloseTo(1.0, within(1e-6));
        assertThatThrownBy(() -> new SupportMemory.Settings(0, 1)).hasMessageContaining("'window'");
    }

    @Test
    void shouldForgetExamplesThatLeftTheWindow() {
        final SupportMemory memory = new SupportMemory(new SupportMemory.Settings(3, 10));
        memory.add(new float[] {1, 0}, 0);
        memory.add(new float[] {0, 1}, 1);
        memory.add(new float[] {0, 1}, 1);
        assertThat(memory.distance(new float[] {1, 0}, 0)).isCloseTo(0.0, within(1e-6));
        memory.add(new float[] {0, 1}, 1); // overwrites label 0's only example
        assertThat(memory.distance(new float[] {1, 0}, 0)).isEqualTo(SupportMemory.NO_SUPPORT);
        assertThat(memory.stored()).isEqualTo(3);
    }

    @Test
    void shouldEqualABruteForceScanOfTheNewestExamplesOfTheLabelOnRandomStreams() {
        for (int seed = 0; seed < 20; seed++) {
            final SplittableRandom rnd = new SplittableRandom(seed);
            final int window = 50 + rnd.nextInt(200);
            final int maxScan = 1 + rnd.nextInt(40);
            final int labels = 1 + rnd.nextInt(8);
            final SupportMemory memory = new SupportMemory(new SupportMemory.Settings(window, maxScan));
            final List<float[]> vectors = new ArrayList<>();
            final List<Integer> slots = new ArrayList<>();
            for (int step = 0; step < 600; step++) {
                final float[] q = random(rnd, 12);
                final int label = rnd.nextInt(labels);
                // brute force: the newest maxScan examples of the label among the last `window` added
                double best = Double.NEGATIVE_INFINITY;
                int scanned = 0;
                for (int i = vectors.size() - 1; i >= Math.max(0, vectors.size() - window) && scanned < maxScan; i--) {
                    if (slots.get(i) == label) {
                        best = Math.max(best, cosine(q, vectors.get(i)));
                        scanned++;
                    }
                }
                final double expected = best == Double.NEGATIVE_INFINITY ? SupportMemory.NO_SUPPORT : 1.0 - best;
                // int8 storage: a dot product is off by at most sqrt(d) / 254 (each component by scale / 2)
                assertThat(memory.distance(q, label)).as("seed %d step %d", seed, step)
                        .isCloseTo(expected, within(Math.sqrt(12) / 254));
                memory.add(q, label);
                vectors.add(q);
                slots.add(label);
            }
        }
    }
}
