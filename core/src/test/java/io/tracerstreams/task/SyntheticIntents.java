/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import java.util.Random;

/**
 * A seeded stream of unit vectors drawn around class centres: a stand-in for sentence embeddings of
 * intents, learnable to a known degree ({@code spread} sets how much classes overlap).
 */
final class SyntheticIntents {

    private final float[][] centres;
    private final double spread;
    private final Random random;

    SyntheticIntents(final int classes, final int dimension, final double spread, final long seed) {
        this.random = new Random(seed);
        this.spread = spread;
        this.centres = new float[classes][];
        for (int c = 0; c < classes; c++) {
            centres[c] = unit(gaussian(dimension, 1.0, null));
        }
    }

    /** The label of class {@code c}. */
    static String label(final int c) {
        return "intent_" + c;
    }

    /** A random class index. */
    int nextClass() {
        return random.nextInt(centres.length);
    }

    /** A vector of class {@code c}. */
    float[] sample(final int c) {
        return unit(gaussian(centres[c].length, spread, centres[c]));
    }

    /** A vector far from every class centre (its own random direction). */
    float[] outlier() {
        return unit(gaussian(centres[0].length, 1.0, null));
    }

    private float[] gaussian(final int dimension, final double sd, final float[] mean) {
        final float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) ((mean == null ? 0 : mean[i]) + sd * random.nextGaussian() / Math.sqrt(dimension));
        }
        return v;
    }

    private static float[] unit(final float[] v) {
        double norm = 0;
        for (final float x : v) {
            norm += x * x;
        }
        final float scale = (float) (1.0 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }
}
