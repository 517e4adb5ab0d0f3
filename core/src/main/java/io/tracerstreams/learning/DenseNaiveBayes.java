/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.DenseNaiveBayesState;

import java.util.Arrays;
import java.util.Objects;

/**
 * Gaussian naive Bayes for dense embeddings, in log space, with shrunk variances.
 *
 * <p>Per slot and dimension a running mean and sum of squared deviations (Welford). The variance of
 * slot k in dimension j is shrunk towards the pooled within-class variance of that dimension:
 * {@code var_kj = (M2_kj + s * pooled_j) / (n_k - 1 + s)} with pseudo-count {@code s}, floored. A slot
 * with a single example thus gets the pooled variance instead of a degenerate one: this is what keeps
 * the classifier from collapsing on 384-d embeddings (MOA's NaiveBayes: 4% on Banking77-like data).
 *
 * <p>Log-posteriors {@code l_k = log prior_k + sum_j log N(x_j; mu_kj, var_kj)} are turned into
 * probabilities by {@code softmax(beta * l)} (log-sum-exp), with beta learned online from the prequential
 * log loss (the naive independence assumption over 384 correlated dimensions makes raw posteriors far
 * too sharp; beta tempers them). Per-slot inverse variances are cached: a slot's cache is refreshed when
 * it learns, all caches every {@code refreshEvery} examples (the pooled variance moves slowly).
 */
public final class DenseNaiveBayes extends EmbeddingClassifier {

    private static final long serialVersionUID = 1L;
    private static final double MIN_VARIANCE = 1e-6;

    /** Settings; see {@link #defaults()}. */
    public record Settings(double shrinkage, int refreshEvery) implements java.io.Serializable {
        public Settings {
            if (!(shrinkage > 0) || Double.isInfinite(shrinkage)) {
                throw new IllegalArgumentException("shrinkage must be finite and > 0, was " + shrinkage);
            }
            if (refreshEvery < 1) {
                throw new IllegalArgumentException("refreshEvery must be >= 1, was " + refreshEvery);
            }
        }

        /** Shrinkage pseudo-count 10, refresh every 64 examples. */
        public static Settings defaults() {
            return new Settings(10, 64);
        }
    }

    private final Settings settings;
    private int dim;
    private long[] counts = new long[0];
    private double[][] means = new double[0][];
    private double[][] m2 = new double[0][];
    private double[] pooledM2 = new double[0];
    private long total;
    private float[][] meanCache = new float[0][];
    private float[][] invVarCache = new float[0][];
    private double[] logNormCache = new double[0];
    private OnlineTemperature temperature = newTemperature();
    private long sinceRefresh;
    private transient double[] work;
    private transient double[] work2;

    /** A learner with the default settings. */
    public DenseNaiveBayes(final long seed) {
        this(seed, Settings.defaults());
    }

    /** A learner with explicit settings. */
    public DenseNaiveBayes(final long seed, final Settings settings) {
        super(seed);
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** For MOA's option machinery. */
    public DenseNaiveBayes() {
        this(1L);
    }

    private static OnlineTemperature newTemperature() {
        return new OnlineTemperature(0.05, 1e-4, 1, 0.02);
    }

    @Override
    public String name() {
        return "nb";
    }

    /** The current inverse temperature applied to the log-posteriors. */
    public double beta() {
        return temperature.beta();
    }

    @Override
    protected void initialize(final int dimension) {
        this.dim = dimension;
        this.pooledM2 = new double[dimension];
    }

    @Override
    protected void growSlots(final int numSlots) {
        final int old = counts.length;
        counts = Arrays.copyOf(counts, numSlots);
        means = Arrays.copyOf(means, numSlots);
        m2 = Arrays.copyOf(m2, numSlots);
        meanCache = Arrays.copyOf(meanCache, numSlots);
        invVarCache = Arrays.copyOf(invVarCache, numSlots);
        logNormCache = Arrays.copyOf(logNormCache, numSlots);
        for (int k = old; k < numSlots; k++) {
            means[k] = new double[dim];
            m2[k] = new double[dim];
            meanCache[k] = new float[dim];
            invVarCache[k] = new float[dim];
        }
    }

    /** Raw log-posteriors of learned slots; unlearned slots get NaN. */
    private void logPosteriors(final float[] z, final int n, final double[] out) {
        final double logTotal = Math.log(total + n);
        for (int k = 0; k < n; k++) {
            if (counts[k] == 0) {
                out[k] = Double.NaN;
                continue;
            }
            final float[] mu = meanCache[k];
            final float[] iv = invVarCache[k];
            float q0 = 0f;
            float q1 = 0f;
            float q2 = 0f;
            float q3 = 0f;
            int j = 0;
            for (; j + 3 < dim; j += 4) {
                final float d0 = z[j] - mu[j];
                final float d1 = z[j + 1] - mu[j + 1];
                final float d2 = z[j + 2] - mu[j + 2];
                final float d3 = z[j + 3] - mu[j + 3];
                q0 += d0 * d0 * iv[j];
                q1 += d1 * d1 * iv[j + 1];
                q2 += d2 * d2 * iv[j + 2];
                q3 += d3 * d3 * iv[j + 3];
            }
            for (; j < dim; j++) {
                final float d0 = z[j] - mu[j];
                q0 += d0 * d0 * iv[j];
            }
            out[k] = Math.log(counts[k] + 1.0) - logTotal - 0.5 * ((q0 + q1) + (q2 + q3)) - logNormCache[k];
        }
    }

    @Override
    protected void votes(final float[] z, final int numSlots, final double[] out) {
        logPosteriors(z, numSlots, out);
        for (int k = 0; k < numSlots; k++) {
            if (Double.isNaN(out[k])) {
                out[k] = Double.NEGATIVE_INFINITY;
            }
        }
        Vectors.softmax(out, numSlots, temperature.beta());
    }

    @Override
    protected void train(final float[] z, final int slot) {
        final int n = counts.length;
        if (work == null || work.length < n) {
            work = new double[Math.max(16, n)];
            work2 = new double[Math.max(16, n)];
        }
        if (counts[slot] > 0) {
            logPosteriors(z, n, work);
            int m = 0;
            int truth = -1;
            for (int k = 0; k < n; k++) {
                if (!Double.isNaN(work[k])) {
                    if (k == slot) {
                        truth = m;
                    }
                    work[m++] = work[k];
                }
            }
            temperature.update(work, m, truth, work2);
        }
        counts[slot]++;
        total++;
        final double[] mu = means[slot];
        final double[] s2 = m2[slot];
        final double c = counts[slot];
        for (int j = 0; j < dim; j++) {
            final double delta = z[j] - mu[j];
            mu[j] += delta / c;
            final double add = delta * (z[j] - mu[j]);
            s2[j] += add;
            pooledM2[j] += add;
        }
        if (++sinceRefresh >= settings.refreshEvery()) {
            sinceRefresh = 0;
            for (int k = 0; k < n; k++) {
                refresh(k);
            }
        } else {
            refresh(slot);
        }
    }

    private void refresh(final int k) {
        if (counts[k] == 0) {
            return;
        }
        final double s = settings.shrinkage();
        final double dof = Math.max(1.0, (double) total - countLearnedSlots());
        final double[] mu = means[k];
        final double[] s2 = m2[k];
        final float[] mc = meanCache[k];
        final float[] iv = invVarCache[k];
        double logDet = 0;
        for (int j = 0; j < dim; j++) {
            final double pooled = Math.max(MIN_VARIANCE, pooledM2[j] / dof);
            final double var = Math.max(MIN_VARIANCE, (s2[j] + s * pooled) / (counts[k] - 1 + s));
            mc[j] = (float) mu[j];
            iv[j] = (float) (1.0 / var);
            logDet += Math.log(var);
        }
        logNormCache[k] = 0.5 * logDet;
    }

    private int countLearnedSlots() {
        int m = 0;
        for (final long c : counts) {
            if (c > 0) {
                m++;
            }
        }
        return m;
    }

    @Override
    DenseNaiveBayesState modelState() {
        return DenseNaiveBayesState.newBuilder().setShrinkage(settings.shrinkage())
                .setRefreshEvery(settings.refreshEvery()).setDim(dim).setCounts(States.longs(counts))
                .setMeans(States.doubleRows(means)).setM2(States.doubleRows(m2)).setPooledM2(States.doubles(pooledM2))
                .setTotal(total).setMeanCache(States.floatRows(meanCache)).setInvVarCache(States.floatRows(invVarCache))
                .setLogNormCache(States.doubles(logNormCache)).setLogBeta(temperature.logBeta())
                .setSinceRefresh(sinceRefresh).build();
    }

    @Override
    void checkShape(final int dimension, final int numSlots) {
        checkShape(dim, counts.length, dimension, numSlots);
        States.length(pooledM2.length, dim, "pooled_m2");
    }

    static DenseNaiveBayes fromState(final long seed, final DenseNaiveBayesState s) {
        final DenseNaiveBayes l = new DenseNaiveBayes(seed, new Settings(s.getShrinkage(), s.getRefreshEvery()));
        l.dim = s.getDim();
        l.counts = States.longs(s.getCounts());
        final int n = l.counts.length;
        l.means = States.doubleRows(s.getMeans(), l.dim, "means");
        States.length(l.means.length, n, "means");
        l.m2 = States.doubleRows(s.getM2(), l.dim, "m2");
        States.length(l.m2.length, n, "m2");
        l.pooledM2 = States.doubles(s.getPooledM2());
        l.total = s.getTotal();
        l.meanCache = States.floatRows(s.getMeanCache(), l.dim, "mean_cache");
        States.length(l.meanCache.length, n, "mean_cache");
        l.invVarCache = States.floatRows(s.getInvVarCache(), l.dim, "inv_var_cache");
        States.length(l.invVarCache.length, n, "inv_var_cache");
        l.logNormCache = States.doubles(s.getLogNormCache());
        States.length(l.logNormCache.length, n, "log_norm_cache");
        l.temperature.restoreLogBeta(s.getLogBeta());
        l.sinceRefresh = s.getSinceRefresh();
        return l;
    }

    @Override
    protected void clear() {
        counts = new long[0];
        means = new double[0][];
        m2 = new double[0][];
        pooledM2 = new double[0];
        total = 0;
        meanCache = new float[0][];
        invVarCache = new float[0][];
        logNormCache = new double[0];
        temperature = newTemperature();
        sinceRefresh = 0;
        dim = 0;
    }
}
