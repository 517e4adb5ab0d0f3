/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.NearestClassMeanState;

import java.util.Arrays;

/**
 * Nearest class mean by cosine: one running mean per slot (of unit-length inputs); the probabilities are
 * {@code softmax(beta * cos(x, mean_k))}. The inverse temperature {@code beta} is <em>learned</em>: before
 * each example is learned, its prequential log loss takes one gradient step on {@code log beta} (start 20,
 * kept in [1, 1000]), so the probabilities stay calibrated as the classes fill in.
 * Cost: one dot product per slot to predict, plus one vector update to learn.
 */
public final class NearestClassMean extends EmbeddingClassifier {

    private static final long serialVersionUID = 1L;

    private float[][] sums = new float[0][];
    private float[][] means = new float[0][];
    private long[] counts = new long[0];
    private OnlineTemperature temperature = newTemperature();
    private int dim;
    private transient double[] sims;
    private transient double[] work;

    /** A learner (NCM makes no random choices; the seed is kept for uniformity). */
    public NearestClassMean(final long seed) {
        super(seed);
    }

    /** For MOA's option machinery. */
    public NearestClassMean() {
        this(1L);
    }

    private static OnlineTemperature newTemperature() {
        return new OnlineTemperature(20, 1, 1000, 0.02);
    }

    @Override
    public String name() {
        return "ncm";
    }

    /** The current inverse temperature. */
    public double beta() {
        return temperature.beta();
    }

    @Override
    protected void initialize(final int dimension) {
        this.dim = dimension;
    }

    @Override
    protected void growSlots(final int numSlots) {
        final int old = sums.length;
        sums = Arrays.copyOf(sums, numSlots);
        means = Arrays.copyOf(means, numSlots);
        counts = Arrays.copyOf(counts, numSlots);
        for (int k = old; k < numSlots; k++) {
            sums[k] = new float[dim];
            means[k] = new float[dim];
        }
    }

    private void similarities(final float[] z, final int n, final double[] out) {
        for (int k = 0; k < n; k++) {
            out[k] = Vectors.dot(means[k], 0, z, dim);
        }
    }

    @Override
    protected void votes(final float[] z, final int numSlots, final double[] out) {
        similarities(z, numSlots, out);
        for (int k = 0; k < numSlots; k++) {
            // a slot not learned yet (all-zero mean) gets no vote
            if (isEmpty(k)) {
                out[k] = Double.NEGATIVE_INFINITY;
            }
        }
        Vectors.softmax(out, numSlots, temperature.beta());
    }

    private boolean isEmpty(final int k) {
        return counts[k] == 0;
    }

    @Override
    protected void train(final float[] z, final int slot) {
        final int n = sums.length;
        if (sims == null || sims.length < n) {
            sims = new double[Math.max(16, n)];
            work = new double[Math.max(16, n)];
        }
        if (!isEmpty(slot)) {
            similarities(z, n, sims);
            int m = 0;
            // only learned slots take part (an unlearned slot cannot be predicted)
            int truth = -1;
            for (int k = 0; k < n; k++) {
                if (!isEmpty(k)) {
                    if (k == slot) {
                        truth = m;
                    }
                    sims[m++] = sims[k];
                }
            }
            temperature.update(sims, m, truth, work);
        }
        counts[slot]++;
        final float[] sum = sums[slot];
        double norm = 0;
        for (int j = 0; j < dim; j++) {
            sum[j] += z[j];
            norm += (double) sum[j] * sum[j];
        }
        final float[] mean = means[slot];
        final float inv = norm > 0 ? (float) (1.0 / Math.sqrt(norm)) : 0f;
        for (int j = 0; j < dim; j++) {
            mean[j] = sum[j] * inv;
        }
    }

    /**
     * Forgets the slot's mean whole (a running mean cannot tell old examples from new ones): the slot gets no vote
     * until it learns again.
     */
    @Override
    protected void forgetSlot(final int slot, final long keepNewest) {
        if (slot < counts.length) {
            counts[slot] = 0;
            Arrays.fill(sums[slot], 0f);
            Arrays.fill(means[slot], 0f);
        }
    }

    @Override
    NearestClassMeanState modelState() {
        return NearestClassMeanState.newBuilder().setDim(dim).setSums(States.floatRows(sums))
                .setMeans(States.floatRows(means)).setCounts(States.longs(counts)).setLogBeta(temperature.logBeta())
                .build();
    }

    @Override
    void checkShape(final int dimension, final int numSlots) {
        checkShape(dim, sums.length, dimension, numSlots);
    }

    static NearestClassMean fromState(final long seed, final NearestClassMeanState s) {
        final NearestClassMean l = new NearestClassMean(seed);
        l.dim = s.getDim();
        l.sums = States.floatRows(s.getSums(), l.dim, "sums");
        l.means = States.floatRows(s.getMeans(), l.dim, "means");
        States.length(l.means.length, l.sums.length, "means");
        l.counts = States.longs(s.getCounts());
        States.length(l.counts.length, l.sums.length, "counts");
        l.temperature.restoreLogBeta(s.getLogBeta());
        return l;
    }

    @Override
    protected void clear() {
        sums = new float[0][];
        means = new float[0][];
        counts = new long[0];
        temperature = newTemperature();
        dim = 0;
    }
}
