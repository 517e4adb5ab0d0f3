/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

/** Small numeric kernels shared by the learners (package-private, allocation-free). */
final class Vectors {

    /** Input components are clamped to this magnitude before normalisation. */
    static final float MAX_COMPONENT = 1e6f;

    private Vectors() {
    }

    /** Dot product of {@code a[off..off+d)} and {@code b[0..d)}, 8 independent accumulators. */
    static float dot(final float[] a, final int off, final float[] b, final int d) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = 0;
        for (; i + 7 < d; i += 8) {
            final int o = off + i;
            s0 += a[o] * b[i];
            s1 += a[o + 1] * b[i + 1];
            s2 += a[o + 2] * b[i + 2];
            s3 += a[o + 3] * b[i + 3];
            s4 += a[o + 4] * b[i + 4];
            s5 += a[o + 5] * b[i + 5];
            s6 += a[o + 6] * b[i + 6];
            s7 += a[o + 7] * b[i + 7];
        }
        for (; i < d; i++) {
            s0 += a[off + i] * b[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /**
     * Copies {@code x} into {@code out} with NaN as 0 and infinities/huge values clamped, then scales it to
     * unit L2 norm (an all-zero vector stays zero).
     *
     * @return true when the input had a non-zero norm
     */
    static boolean sanitizeAndNormalize(final float[] x, final float[] out) {
        double norm = 0;
        for (int i = 0; i < out.length; i++) {
            float v = x[i];
            if (Float.isNaN(v)) {
                v = 0f;
            } else if (v > MAX_COMPONENT) {
                v = MAX_COMPONENT;
            } else if (v < -MAX_COMPONENT) {
                v = -MAX_COMPONENT;
            }
            out[i] = v;
            norm += (double) v * v;
        }
        if (norm <= 0) {
            return false;
        }
        final float inv = (float) (1.0 / Math.sqrt(norm));
        for (int i = 0; i < out.length; i++) {
            out[i] *= inv;
        }
        return true;
    }

    /** In-place softmax of {@code v[0..n)} scaled by {@code beta}; returns nothing, v holds probabilities. */
    static void softmax(final double[] v, final int n, final double beta) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, beta * v[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            final double e = Math.exp(beta * v[k] - max);
            v[k] = e;
            sum += e;
        }
        for (int k = 0; k < n; k++) {
            v[k] /= sum;
        }
    }

    /** SplitMix64 step: a tiny, serialisable-by-value random generator (state kept by the caller). */
    static long nextState(final long state) {
        return state + 0x9E3779B97F4A7C15L;
    }

    /** The SplitMix64 output for a state. */
    static long mix(final long state) {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
