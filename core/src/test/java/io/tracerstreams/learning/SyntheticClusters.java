/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.util.Random;

/**
 * Seeded Gaussian clusters on the unit sphere: {@code classes} random unit centres in {@code dim}
 * dimensions; a sample of class c is {@code normalise(centre_c + noise * g / sqrt(dim))}, g standard normal.
 */
final class SyntheticClusters {

    final int classes;
    final int dim;
    private final double noise;
    private final float[][] centres;
    private final Random random;

    SyntheticClusters(final int classes, final int dim, final double noise, final long seed) {
        this.classes = classes;
        this.dim = dim;
        this.noise = noise;
        this.random = new Random(seed);
        this.centres = new float[classes][];
        for (int c = 0; c < classes; c++) {
            centres[c] = unit(gaussian(1.0));
        }
    }

    /** A sample of a class. */
    float[] sample(final int c) {
        final float[] g = gaussian(noise / Math.sqrt(dim));
        for (int j = 0; j < dim; j++) {
            g[j] += centres[c][j];
        }
        return unit(g);
    }

    /** A uniformly random class. */
    int nextClass() {
        return random.nextInt(classes);
    }

    /** A random unit vector (far from every centre, in expectation, in high dimension). */
    float[] randomDirection() {
        return unit(gaussian(1.0));
    }

    private float[] gaussian(final double scale) {
        final float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    static float[] unit(final float[] v) {
        double n = 0;
        for (final float f : v) {
            n += f * f;
        }
        final float inv = (float) (1 / Math.sqrt(n));
        for (int j = 0; j < v.length; j++) {
            v[j] *= inv;
        }
        return v;
    }
}
