/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.AcceptorState;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The acceptance score {@code s(x) in [0, 1]}: an estimate of P(the surrogate agrees with the LLM | x),
 * from the surrogate's probability vector and, optionally, the distance to the nearest training example.
 *
 * <p>Features ({@link #features(double[], double)}): top-1 probability, top-2 probability, margin
 * (top-1 minus top-2), normalised entropy (entropy / log(number of slots), 1 for an empty vector) and the
 * nearest-neighbour cosine distance (NaN when not available). The model is a logistic regression on
 * {@code [1, logit(top1), top1, margin, entropy, distance]} (a NaN distance counts as 0; logit clipped to
 * +-9.2).
 *
 * <p>Prior: the weights start at {@code logit(top1)} with weight 1 and every other weight 0, so before any
 * outcome the score is exactly the top-1 probability. Learning: outcomes (features, agreed, weight) go
 * into a ring of the last {@code window} outcomes; every {@code refitEvery} outcomes (every 10 while
 * fewer than 100 are held) the weights are refitted by Newton's method (IRLS, a few iterations from the
 * current weights) on the weighted log loss plus a ridge penalty {@code ridge/2 * |w - prior|^2}. The fit
 * is the weighted maximum-likelihood estimate on recent outcomes, so scores are calibrated on the traffic
 * of the window, follow drift, and need no learning-rate tuning. Weights come from audit sampling
 * (1 for deferred traces, 1/p for ones audited with probability p). Deterministic; not thread-safe.
 */
public final class Acceptor implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Feature indices of {@link #features(double[], double)}. */
    public static final int TOP1 = 0;
    /** Second-highest probability. */
    public static final int TOP2 = 1;
    /** Top-1 minus top-2. */
    public static final int MARGIN = 2;
    /** Entropy divided by log(number of slots), in [0, 1]. */
    public static final int ENTROPY = 3;
    /** Nearest-neighbour cosine distance, NaN when not available. */
    public static final int NN_DISTANCE = 4;
    /** Length of a feature vector. */
    public static final int NUM_FEATURES = 5;

    private static final int P = 6;
    private static final double LOGIT_CLIP = 9.2;
    private static final int NEWTON_ITERATIONS = 4;
    private static final double MAX_STEP = 5.0;

    /** Settings; see {@link #defaults()}. */
    public record Settings(int window, int refitEvery, double ridge) implements java.io.Serializable {
        public Settings {
            if (window < 10) {
                throw new IllegalArgumentException("window must be >= 10, was " + window);
            }
            if (refitEvery < 1) {
                throw new IllegalArgumentException("refitEvery must be >= 1, was " + refitEvery);
            }
            if (!(ridge > 0) || Double.isInfinite(ridge)) {
                throw new IllegalArgumentException("ridge must be finite and > 0, was " + ridge);
            }
        }

        /** Window 4,000 outcomes, refit every 50, ridge 2. */
        public static Settings defaults() {
            return new Settings(4000, 50, 2.0);
        }
    }

    private final Settings settings;
    private final double[] weights = prior();
    private final double[] rows;
    private final boolean[] outcomes;
    private final double[] outcomeWeights;
    private int held;
    private int next;
    private int sinceRefit;
    private long learned;

    /** An acceptor with the default settings. */
    public Acceptor() {
        this(Settings.defaults());
    }

    /** An acceptor with explicit settings. */
    public Acceptor(final Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rows = new double[settings.window() * P];
        this.outcomes = new boolean[settings.window()];
        this.outcomeWeights = new double[settings.window()];
    }

    private static double[] prior() {
        final double[] w = new double[P];
        w[1] = 1.0;
        return w;
    }

    /**
     * The features of a probability vector.
     *
     * @param probs      class probabilities (null or empty counts as "no information")
     * @param nnDistance cosine distance to the nearest training example, or NaN
     * @return {@code [top1, top2, margin, normalisedEntropy, nnDistance]}
     */
    public static double[] features(final double[] probs, final double nnDistance) {
        double top1 = 0;
        double top2 = 0;
        double sum = 0;
        final int n = probs == null ? 0 : probs.length;
        for (int i = 0; i < n; i++) {
            final double p = clean(probs[i]);
            sum += p;
            if (p > top1) {
                top2 = top1;
                top1 = p;
            } else if (p > top2) {
                top2 = p;
            }
        }
        double entropy = 1.0;
        if (sum > 0 && n > 1) {
            double h = 0;
            for (int i = 0; i < n; i++) {
                final double p = clean(probs[i]) / sum;
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
            entropy = Math.min(1.0, Math.max(0.0, h / Math.log(n)));
        } else if (sum > 0) {
            entropy = 0.0;
        }
        if (sum > 0) {
            top1 /= sum;
            top2 /= sum;
        }
        final double[] f = new double[NUM_FEATURES];
        f[TOP1] = top1;
        f[TOP2] = top2;
        f[MARGIN] = top1 - top2;
        f[ENTROPY] = entropy;
        f[NN_DISTANCE] = Double.isFinite(nnDistance) ? nnDistance : Double.NaN;
        return f;
    }

    private static double clean(final double p) {
        return Double.isNaN(p) || p < 0 ? 0 : Math.min(p, 1.0);
    }

    /** The score in [0, 1] of a feature vector from {@link #features(double[], double)}. */
    public double score(final double[] features) {
        if (features == null || features.length < NUM_FEATURES) {
            return 0;
        }
        final double[] u = new double[P];
        design(features, u, 0);
        return sigmoid(linear(u, 0));
    }

    /**
     * Learns one window outcome.
     *
     * @param features the features the decision was made with
     * @param agreed   whether the surrogate's label equalled the LLM's
     * @param weight   the outcome's weight (1, or 1/p for one audited with probability p); non-positive or non-finite
     *                 weights are ignored
     */
    public void learn(final double[] features, final boolean agreed, final double weight) {
        if (features == null || features.length < NUM_FEATURES || !(weight > 0) || Double.isInfinite(weight)) {
            return;
        }
        design(features, rows, next * P);
        outcomes[next] = agreed;
        outcomeWeights[next] = weight;
        next = (next + 1) % outcomes.length;
        held = Math.min(held + 1, outcomes.length);
        learned++;
        sinceRefit++;
        if (sinceRefit >= settings.refitEvery() || (held < 100 && sinceRefit >= 10)) {
            refit();
            sinceRefit = 0;
        }
    }

    /** Outcomes learned so far. */
    public long learnedCount() {
        return learned;
    }

    /** The acceptor's state, for a snapshot ({@link #fromState}). */
    public AcceptorState toState() {
        return AcceptorState.newBuilder().setWindow(settings.window()).setRefitEvery(settings.refitEvery())
                .setRidge(settings.ridge()).setWeights(States.doubles(weights)).setRows(States.doubles(rows))
                .setOutcomes(States.booleans(outcomes)).setOutcomeWeights(States.doubles(outcomeWeights)).setHeld(held)
                .setNext(next).setSinceRefit(sinceRefit).setLearned(learned).build();
    }

    /**
     * The acceptor a snapshot holds; it scores and learns exactly like the one that wrote it.
     *
     * @throws IllegalArgumentException naming the field when the state is inconsistent
     */
    public static Acceptor fromState(final AcceptorState s) {
        // sizes first: the arrays are allocated only as large as the record's own lists
        final int window = s.getWindow();
        States.length(s.getOutcomes().size(), window, "acceptor.outcomes");
        if (s.getRows().size() != (long) window * P) {
            throw new IllegalArgumentException("snapshot field 'acceptor.rows' holds " + s.getRows().size()
                    + " values, expected " + (long) window * P);
        }
        final Acceptor a = new Acceptor(new Settings(window, s.getRefitEvery(), s.getRidge()));
        copy(States.doubles(s.getWeights()), a.weights, "acceptor.weights");
        copy(States.doubles(s.getRows()), a.rows, "acceptor.rows");
        final boolean[] outcomes = States.booleans(s.getOutcomes());
        States.length(outcomes.length, window, "acceptor.outcomes");
        System.arraycopy(outcomes, 0, a.outcomes, 0, window);
        copy(States.doubles(s.getOutcomeWeights()), a.outcomeWeights, "acceptor.outcome_weights");
        if (s.getHeld() < 0 || s.getHeld() > window || s.getNext() < 0 || s.getNext() >= window) {
            throw new IllegalArgumentException("snapshot fields 'held' and 'next' must be in [0, " + window + "] and [0, "
                    + window + "), were " + s.getHeld() + " and " + s.getNext());
        }
        a.held = s.getHeld();
        a.next = s.getNext();
        a.sinceRefit = s.getSinceRefit();
        a.learned = s.getLearned();
        return a;
    }

    private static void copy(final double[] from, final double[] to, final String field) {
        States.length(from.length, to.length, field);
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /** A copy of the current weights of {@code [bias, logit(top1), top1, margin, entropy, distance]}. */
    public double[] weights() {
        return weights.clone();
    }

    private static void design(final double[] f, final double[] u, final int off) {
        final double top1 = Math.min(1.0, Math.max(0.0, f[TOP1]));
        final double logit = Math.log((top1 + 1e-4) / (1.0 - top1 + 1e-4));
        u[off] = 1.0;
        u[off + 1] = Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, logit));
        u[off + 2] = top1;
        u[off + 3] = finiteOr(f[MARGIN], 0);
        u[off + 4] = finiteOr(f[ENTROPY], 1);
        u[off + 5] = finiteOr(f[NN_DISTANCE], 0);
    }

    private static double finiteOr(final double v, final double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }

    private double linear(final double[] u, final int off) {
        double z = 0;
        for (int i = 0; i < P; i++) {
            z += weights[i] * u[off + i];
        }
        return z;
    }

    private static double sigmoid(final double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    /** Newton iterations on the weighted, ridge-penalised log loss over the held outcomes. */
    private void refit() {
        final double[] prior = prior();
        final double[] grad = new double[P];
        final double[][] hess = new double[P][P];
        for (int iter = 0; iter < NEWTON_ITERATIONS; iter++) {
            for (int a = 0; a < P; a++) {
                grad[a] = settings.ridge() * (weights[a] - prior[a]);
                Arrays.fill(hess[a], 0);
                hess[a][a] = settings.ridge();
            }
            for (int i = 0; i < held; i++) {
                final int off = i * P;
                final double p = sigmoid(linear(rows, off));
                final double w = outcomeWeights[i];
                final double r = w * (p - (outcomes[i] ? 1 : 0));
                final double c = w * Math.max(p * (1 - p), 1e-9);
                for (int a = 0; a < P; a++) {
                    final double ua = rows[off + a];
                    grad[a] += r * ua;
                    for (int b = 0; b <= a; b++) {
                        hess[a][b] += c * ua * rows[off + b];
                    }
                }
            }
            for (int a = 0; a < P; a++) {
                for (int b = 0; b < a; b++) {
                    hess[b][a] = hess[a][b];
                }
            }
            final double[] step = solve(hess, grad);
            if (step == null) {
                return;
            }
            double size = 0;
            for (int a = 0; a < P; a++) {
                size = Math.max(size, Math.abs(step[a]));
            }
            // a damped step keeps Newton stable far from the optimum
            final double scale = size > MAX_STEP ? MAX_STEP / size : 1.0;
            for (int a = 0; a < P; a++) {
                weights[a] -= scale * step[a];
            }
            if (size < 1e-6) {
                return;
            }
        }
    }

    /** Solves {@code h x = g} by Cholesky (h symmetric positive definite); null when it is not. */
    private static double[] solve(final double[][] h, final double[] g) {
        final int n = g.length;
        final double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = h[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        final double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = g[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        final double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        for (final double v : x) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        return x;
    }
}
