/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.ThresholdSearch;
import io.tracerstreams.learning.Learners;
import io.tracerstreams.report.ReportConfig;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one task: its gate, its surrogates and its audit sampling. Immutable and validated:
 * a bad value fails at construction with a message naming the field.
 *
 * @param alpha            target agreement with the LLM on handled traffic, in (0.5, 1)
 * @param delta            the gate's error budget: bounds hold with probability 1 - delta, in (0, 0.5)
 * @param epsilon          share of handled requests also sent to the LLM (audit), in (0, 1]
 * @param verifyRate       audit probability while the agreement window rests mostly on backfilled traces (fewer
 *                         than half of the last N traces were routed live), in (0, 1]: after a backfill the gate
 *                         opens on the log, and this many of the handled requests are checked by the LLM until
 *                         live outcomes fill half the window or N/2 of them arrived (about N/2 audits at 1.0;
 *                         again only once the window rests on backfill alone); meanwhile the served
 *                         threshold may move up as well as down. A value at or below epsilon turns it off
 * @param windowSize       labelled outcomes kept in the agreement window (N)
 * @param minAccepted      accepted entries a threshold needs before it can open the gate (n_min)
 * @param minCoverage      coverage the deployable threshold must reach to open (c_min), in [0, 1)
 * @param labelCap         labels the surrogate learns; beyond it a label is UNKNOWN_LABEL
 * @param learners         names of the surrogates that run side by side ({@link Learners#NAMES}, a MOA classifier by
 *                         its command-line spec after {@link Learners#MOA_PREFIX}, or a blend "a+b" of names in the list)
 * @param frontierAlphas   alphas at which stats and reports give the coverage frontier
 * @param costPerCall      price of one LLM call, for the cost-saved estimate
 * @param seed             seed of every random choice (audit sampling is a hash of seed and request id)
 * @param perLabelThresholds whether the gate's one threshold applies to per-label recalibrated scores
 *                         ({@link io.tracerstreams.gate.PerLabelThresholds}): labels on which the surrogate agrees
 *                         more than its scores say are handled from a lower raw score, weak ones from a higher one or
 *                         not at all, while the handled set as a whole keeps agreement &gt;= alpha
 */
public record TaskConfig(
        double alpha,
        double delta,
        double epsilon,
        double verifyRate,
        int windowSize,
        int minAccepted,
        double minCoverage,
        int labelCap,
        List<String> learners,
        List<Double> frontierAlphas,
        double costPerCall,
        long seed,
        boolean perLabelThresholds) implements Serializable {

    /** Prior weight (in outcome weights) that shrinks a label's recalibration offset toward 0. */
    public static final double PER_LABEL_PRIOR_WEIGHT = 50.0;

    /**
     * The defaults: alpha 0.90, delta 0.05, epsilon 0.05, verify rate 1.0, window 2,000, n_min 50, c_min 0.05, 512
     * labels, the learners softmax, ncm, knn, nb and the blend softmax+knn.
     */
    public static final TaskConfig DEFAULTS = new TaskConfig(0.90, 0.05, 0.05, 1.0, 2_000, 50, 0.05, 512,
            List.of("softmax", "ncm", "knn", "nb", "softmax+knn"), List.of(0.80, 0.85, 0.90, 0.95, 0.99), 0.002, 1L, false);

    /** The settings with one threshold for all labels (perLabelThresholds false). */
    public TaskConfig(final double alpha, final double delta, final double epsilon, final double verifyRate,
                      final int windowSize, final int minAccepted, final double minCoverage, final int labelCap,
                      final List<String> learners, final List<Double> frontierAlphas, final double costPerCall,
                      final long seed) {
        this(alpha, delta, epsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, learners, frontierAlphas,
                costPerCall, seed, false);
    }

    public TaskConfig {
        check(alpha > 0.5 && alpha < 1.0, "alpha", alpha, "must be in (0.5, 1)");
        check(delta > 0.0 && delta < 0.5, "delta", delta, "must be in (0, 0.5)");
        check(epsilon > 0.0 && epsilon <= 1.0, "epsilon", epsilon, "must be in (0, 1]");
        check(verifyRate > 0.0 && verifyRate <= 1.0, "verifyRate", verifyRate, "must be in (0, 1]");
        check(windowSize >= 100, "windowSize", windowSize, "must be at least 100");
        check(minAccepted >= 1 && minAccepted <= windowSize, "minAccepted", minAccepted, "must be in [1, windowSize]");
        check(minCoverage >= 0.0 && minCoverage < 1.0, "minCoverage", minCoverage, "must be in [0, 1)");
        check(labelCap >= 2, "labelCap", labelCap, "must be at least 2");
        Objects.requireNonNull(learners, "learners");
        check(!learners.isEmpty(), "learners", learners, "must name at least one learner");
        learners = List.copyOf(learners);
        for (final String learner : learners) {
            if (!learner.contains("+")) {
                try {
                    Learners.validate(learner);
                } catch (final IllegalArgumentException e) {
                    throw new IllegalArgumentException("task config field 'learners': " + e.getMessage() + " (got "
                            + learners + ")", e);
                }
            }
        }
        Objects.requireNonNull(frontierAlphas, "frontierAlphas");
        frontierAlphas = List.copyOf(frontierAlphas);
        for (final double a : frontierAlphas) {
            check(a > 0.0 && a < 1.0, "frontierAlphas", frontierAlphas, "every alpha must be in (0, 1)");
        }
        check(costPerCall >= 0.0, "costPerCall", costPerCall, "must not be negative");
    }

    /** A copy with another alpha. */
    public TaskConfig withAlpha(final double newAlpha) {
        return new TaskConfig(newAlpha, delta, epsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, learners,
                frontierAlphas, costPerCall, seed, perLabelThresholds);
    }

    /** A copy with another epsilon. */
    public TaskConfig withEpsilon(final double newEpsilon) {
        return new TaskConfig(alpha, delta, newEpsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, learners,
                frontierAlphas, costPerCall, seed, perLabelThresholds);
    }

    /** A copy with another verify rate. */
    public TaskConfig withVerifyRate(final double newVerifyRate) {
        return new TaskConfig(alpha, delta, epsilon, newVerifyRate, windowSize, minAccepted, minCoverage, labelCap,
                learners, frontierAlphas, costPerCall, seed, perLabelThresholds);
    }

    /** The audit probability while the window is verified on live traffic: the larger of verifyRate and epsilon. */
    public double verificationAuditProbability() {
        return Math.max(verifyRate, epsilon);
    }

    /**
     * The settings of this task's parity gate: its alpha, delta, epsilon, N, n_min and c_min, with a grid of
     * {@value GateConfig#DEFAULT_GRID_SIZE} thresholds, closeDelta = delta, ADWIN delta
     * {@value GateConfig#DEFAULT_DRIFT_DELTA}, a reopen delay of N/4 outcomes and a warm-up of 4 n_min outcomes
     * before the gate may open: it opens as soon as the bound allows. An opening on a part-filled window used to
     * pick a conservative threshold that, with only audits of weight 1/epsilon above it, came down slowly; now
     * every opening is verified (handled requests audited at the verify rate until the sequential test settles,
     * {@link BackfillVerification}), so the outcomes above the threshold weigh about 1 and the threshold follows
     * the evidence both ways meanwhile. Chosen on the train splits streamed as requests (Banking77, CLINC150):
     * the first opening moved from 2,000 traces to 600-1,400.
     */
    public GateConfig gateConfig() {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, epsilon, GateConfig.DEFAULT_GRID_SIZE,
                delta, GateConfig.DEFAULT_DRIFT_DELTA, windowSize / 4, minWindow(windowSize, minAccepted),
                ThresholdSearch.FIXED_SEQUENCE);
    }

    /** The warm-up before the gate may open: 4 x n_min outcomes (within [n_min, N]). */
    static int minWindow(final int windowSize, final int minAccepted) {
        return Math.min(windowSize, Math.max(minAccepted, 4 * minAccepted));
    }

    /** The settings of this task's boundary report: the defaults with this task's price per LLM call and seed. */
    public ReportConfig reportConfig() {
        return ReportConfig.DEFAULTS.withPricePerCall(costPerCall).withSeed(seed);
    }

    /** A copy with another seed. */
    public TaskConfig withSeed(final long newSeed) {
        return new TaskConfig(alpha, delta, epsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, learners,
                frontierAlphas, costPerCall, newSeed, perLabelThresholds);
    }

    /** A copy with other learners. */
    public TaskConfig withLearners(final List<String> newLearners) {
        return new TaskConfig(alpha, delta, epsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, newLearners,
                frontierAlphas, costPerCall, seed, perLabelThresholds);
    }

    /** A copy with per-label thresholds on or off. */
    public TaskConfig withPerLabelThresholds(final boolean on) {
        return new TaskConfig(alpha, delta, epsilon, verifyRate, windowSize, minAccepted, minCoverage, labelCap, learners,
                frontierAlphas, costPerCall, seed, on);
    }

    private static void check(final boolean ok, final String field, final Object value, final String rule) {
        if (!ok) {
            throw new IllegalArgumentException("task config field '" + field + "' " + rule + " (got " + value + ")");
        }
    }
}
