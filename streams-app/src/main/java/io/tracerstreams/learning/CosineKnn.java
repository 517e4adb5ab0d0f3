/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

/**
 * k nearest neighbours by cosine over a sliding window of the most recent examples (a flat
 * {@code float[]} ring buffer: no per-example objects). Each of the k nearest votes for its slot with
 * weight {@code exp(beta * (cos - cos_max))}, so closer neighbours count more.
 * Cost: one dot product per stored example to predict (linear in the window), O(d) to learn.
 */
public final class CosineKnn extends EmbeddingClassifier {

    private static final long serialVersionUID = 1L;

    /** Settings; see {@link #defaults()}. */
    public record Settings(int window, int k, double beta) implements java.io.Serializable {
        public Settings {
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, was " + window);
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, was " + k);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be finite and >= 0, was " + beta);
            }
        }

        /** Window 5,000, k = 10, beta = 20. */
        public static Settings defaults() {
            return new Settings(5000, 10, 20);
        }
    }

    private final Settings settings;
    private float[] rows;
    private int[] rowSlots;
    private int stored;
    private int next;
    private int dim;
    private transient float[] topSim;
    private transient int[] topIdx;
    private transient float[] query;

    /** A learner with the default settings. */
    public CosineKnn(final long seed) {
        this(seed, Settings.defaults());
    }

    /** A learner with explicit settings. */
    public CosineKnn(final long seed, final Settings settings) {
        super(seed);
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** For MOA's option machinery. */
    public CosineKnn() {
        this(1L);
    }

    @Override
    public String name() {
        return "knn";
    }

    /** The settings in use. */
    public Settings settings() {
        return settings;
    }

    /** Examples in the window. */
    public int stored() {
        return stored;
    }

    @Override
    protected void initialize(final int dimension) {
        this.dim = dimension;
        this.rows = new float[settings.window() * dimension];
        this.rowSlots = new int[settings.window()];
    }

    @Override
    protected void growSlots(final int numSlots) {
        // nothing per slot
    }

    @Override
    protected void votes(final float[] z, final int numSlots, final double[] out) {
        final int found = nearest(z);
        if (found == 0) {
            return;
        }
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < found; i++) {
            best = Math.max(best, topSim[i]);
        }
        for (int i = 0; i < found; i++) {
            final int slot = rowSlots[topIdx[i]];
            if (slot < numSlots) {
                out[slot] += Math.exp(settings.beta() * (topSim[i] - best));
            }
        }
    }

    /** Fills topSim/topIdx with the k most similar stored rows; returns how many. */
    private int nearest(final float[] z) {
        final int k = Math.min(settings.k(), stored);
        if (topSim == null || topSim.length != settings.k()) {
            topSim = new float[settings.k()];
            topIdx = new int[settings.k()];
        }
        int filled = 0;
        int minPos = 0;
        float min = Float.POSITIVE_INFINITY;
        for (int r = 0; r < stored; r++) {
            final float s = Vectors.dot(rows, r * dim, z, dim);
            if (filled < k) {
                topSim[filled] = s;
                topIdx[filled] = r;
                filled++;
                if (filled == k) {
                    minPos = argmin(topSim, k);
                    min = topSim[minPos];
                }
            } else if (s > min) {
                topSim[minPos] = s;
                topIdx[minPos] = r;
                minPos = argmin(topSim, k);
                min = topSim[minPos];
            }
        }
        return filled;
    }

    private static int argmin(final float[] v, final int n) {
        int pos = 0;
        for (int i = 1; i < n; i++) {
            if (v[i] < v[pos]) {
                pos = i;
            }
        }
        return pos;
    }

    /**
     * The cosine distance ({@code 1 - cos}, in [0, 2]) from a vector to the nearest stored example, or
     * NaN when the window is empty or the vector unusable. One full scan of the window.
     */
    public double nearestDistance(final float[] x) {
        if (stored == 0 || x == null || x.length != dim) {
            return Double.NaN;
        }
        if (query == null || query.length != dim) {
            query = new float[dim];
        }
        Vectors.sanitizeAndNormalize(x, query);
        float best = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < stored; r++) {
            best = Math.max(best, Vectors.dot(rows, r * dim, query, dim));
        }
        return Math.max(0.0, 1.0 - best);
    }

    @Override
    protected void train(final float[] z, final int slot) {
        System.arraycopy(z, 0, rows, next * dim, dim);
        rowSlots[next] = slot;
        next = (next + 1) % rowSlots.length;
        stored = Math.min(stored + 1, rowSlots.length);
    }

    @Override
    protected void clear() {
        rows = null;
        rowSlots = null;
        stored = 0;
        next = 0;
        dim = 0;
    }
}
