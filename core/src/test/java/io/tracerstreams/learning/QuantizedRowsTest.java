/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class QuantizedRowsTest {

    private static float[] unit(final SplittableRandom rnd, final int d) {
        final float[] v = new float[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            v[i] = (float) rnd.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < d; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    @Test
    void shouldKeepEveryComponentAndDotProductWithinTheQuantisationBound() {
        for (int seed = 0; seed < 50; seed++) {
            final SplittableRandom rnd = new SplittableRandom(seed);
            final int d = 1 + rnd.nextInt(400);
            final QuantizedRows rows = new QuantizedRows(3, d);
            final float[] v = unit(rnd, d);
            final float[] q = unit(rnd, d);
            rows.set(1, v);
            final float[] back = new float[d];
            rows.get(1, back);
            float max = 0;
            double exact = 0;
            for (int i = 0; i < d; i++) {
                max = Math.max(max, Math.abs(v[i]));
                exact += v[i] * q[i];
            }
            for (int i = 0; i < d; i++) {
                assertThat((double) back[i]).isCloseTo(v[i], within(max / 254.0 + 1e-7));
            }
            // |sum q_i e_i| <= ||q||_1 max|e_i| <= sqrt(d) / 254 for unit vectors
            assertThat((double) rows.dot(1, q)).as("seed %d, d %d", seed, d).isCloseTo(exact, within(Math.sqrt(d) / 254));
            assertThat(rows.dot(0, q)).isZero();
        }
    }

    @Test
    void shouldStoreZeroAndNonFiniteVectorsAsZero() {
        final QuantizedRows rows = new QuantizedRows(2, 3);
        rows.set(0, new float[] {0, 0, 0});
        rows.set(1, new float[] {Float.NaN, 1, 0});
        assertThat(rows.dot(0, new float[] {1, 1, 1})).isZero();
        assertThat(rows.dot(1, new float[] {1, 1, 1})).isZero();
    }
}
