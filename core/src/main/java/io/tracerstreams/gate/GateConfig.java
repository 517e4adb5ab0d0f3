/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import java.io.Serializable;

/**
 * The settings of one parity gate. Immutable and validated: a bad value fails at construction with a
 * message naming the field.
 *
 * @param alpha        target agreement with the LLM on handled traffic, in (0.5, 1)
 * @param delta        error budget of the opening test: a threshold whose true agreement is below alpha is
 *                     declared deployable with probability at most delta per window length of outcomes, in (0, 0.5)
 * @param windowSize   labelled outcomes kept in the agreement window (N), at least 100
 * @param minAccepted  effective (Kish) number of accepted outcomes a threshold needs (n_min), in [1, windowSize]
 * @param minCoverage  coverage the deployable threshold must reach to open (c_min), in [0, 1)
 * @param epsilon      least share of handled requests that are audited, in (0, 1] (the floor of
 *                     {@link ParityGate#auditProbability()}; an audited outcome weighs 1 / its audit probability)
 * @param gridSize     number of candidate thresholds (see {@link #thresholdAt}); the union bound is over them, in [2, 1000]
 * @param closeDelta   error budget of the closing test (upper bound below alpha at the served threshold), in (0, 0.5)
 * @param driftDelta   confidence parameter of ADWIN on the accepted agree/disagree stream, in (0, 0.5)
 * @param reopenDelay  outcomes the gate stays CLOSED after a close before it may open again (hysteresis), >= 0
 * @param minWindow    outcomes the window must hold before the gate may open (warm-up), in [minAccepted, windowSize].
 *                     Besides the statistical warm-up it keeps the first audits (weight 1/p) from collapsing the
 *                     Kish effective size of a small window right after opening (TOO_FEW_AUDITS)
 * @param search       how the search for t* among the grid thresholds is corrected (see {@link ThresholdSearch})
 */
public record GateConfig(
        double alpha,
        double delta,
        int windowSize,
        int minAccepted,
        double minCoverage,
        double epsilon,
        int gridSize,
        double closeDelta,
        double driftDelta,
        int reopenDelay,
        int minWindow,
        ThresholdSearch search) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default number of candidate thresholds. */
    public static final int DEFAULT_GRID_SIZE = 100;
    /** Default ADWIN confidence (MOA's own default). */
    public static final double DEFAULT_DRIFT_DELTA = 0.002;

    /**
     * The defaults (those of a task with default settings): alpha 0.90, delta 0.05, N 2,000, n_min 50, c_min 0.05,
     * epsilon 0.05, {@value #DEFAULT_GRID_SIZE} thresholds, closeDelta 0.05, ADWIN delta
     * {@value #DEFAULT_DRIFT_DELTA}, reopen delay N/4 = 500, warm-up 4 n_min = 200, fixed-sequence search. The short
     * warm-up relies on the engine verifying every opening with audits of weight near 1 (see the task package's
     * verification); a gate driven without it wants a warm-up of a full window ({@link #withWindowSize}).
     */
    public static final GateConfig DEFAULTS = new GateConfig(0.90, 0.05, 2_000, 50, 0.05, 0.05, DEFAULT_GRID_SIZE,
            0.05, DEFAULT_DRIFT_DELTA, 500, 200, ThresholdSearch.FIXED_SEQUENCE);

    public GateConfig {
        check(alpha > 0.5 && alpha < 1.0, "alpha", alpha, "must be in (0.5, 1)");
        check(delta > 0.0 && delta < 0.5, "delta", delta, "must be in (0, 0.5)");
        check(windowSize >= 100, "windowSize", windowSize, "must be at least 100");
        check(minAccepted >= 1 && minAccepted <= windowSize, "minAccepted", minAccepted, "must be in [1, windowSize]");
        check(minCoverage >= 0.0 && minCoverage < 1.0, "minCoverage", minCoverage, "must be in [0, 1)");
        check(epsilon > 0.0 && epsilon <= 1.0, "epsilon", epsilon, "must be in (0, 1]");
        check(gridSize >= 2 && gridSize <= 1000, "gridSize", gridSize, "must be in [2, 1000]");
        check(closeDelta > 0.0 && closeDelta < 0.5, "closeDelta", closeDelta, "must be in (0, 0.5)");
        check(driftDelta > 0.0 && driftDelta < 0.5, "driftDelta", driftDelta, "must be in (0, 0.5)");
        check(reopenDelay >= 0, "reopenDelay", reopenDelay, "must not be negative");
        check(minWindow >= minAccepted && minWindow <= windowSize, "minWindow", minWindow,
                "must be in [minAccepted, windowSize]");
        check(search != null, "search", search, "must not be null");
    }

    /** A copy with another alpha. */
    public GateConfig withAlpha(final double newAlpha) {
        return new GateConfig(newAlpha, delta, windowSize, minAccepted, minCoverage, epsilon, gridSize, closeDelta,
                driftDelta, reopenDelay, minWindow, search);
    }

    /** A copy with another window size (reopen delay N/4, warm-up N). */
    public GateConfig withWindowSize(final int newWindowSize) {
        final int nMin = Math.min(minAccepted, newWindowSize);
        return new GateConfig(alpha, delta, newWindowSize, nMin, minCoverage, epsilon, gridSize, closeDelta, driftDelta,
                newWindowSize / 4, newWindowSize, search);
    }

    /** A copy with another epsilon. */
    public GateConfig withEpsilon(final double newEpsilon) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, newEpsilon, gridSize, closeDelta,
                driftDelta, reopenDelay, minWindow, search);
    }

    /** A copy with another grid size. */
    public GateConfig withGridSize(final int newGridSize) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, epsilon, newGridSize, closeDelta,
                driftDelta, reopenDelay, minWindow, search);
    }

    /** A copy with another warm-up (outcomes in the window before the gate may open). */
    public GateConfig withMinWindow(final int newMinWindow) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, epsilon, gridSize, closeDelta,
                driftDelta, reopenDelay, newMinWindow, search);
    }

    /** A copy with another threshold search. */
    public GateConfig withSearch(final ThresholdSearch newSearch) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, epsilon, gridSize, closeDelta,
                driftDelta, reopenDelay, minWindow, newSearch);
    }

    /**
     * Candidate threshold number {@code index} of the fixed grid: t_i = 1 - (1 - i/G)^2, i = 0 .. G-1. The grid is
     * quadratic, finer near 1 where a calibrated acceptor of a good surrogate puts most of its scores (G = 100:
     * steps of 0.02 near 0, 0.006 at 0.9, 0.002 at 0.99); it is fixed before any data, which is what the union
     * bound over thresholds in {@link GateStatistics} needs.
     */
    public double thresholdAt(final int index) {
        return thresholdAt(index, gridSize);
    }

    /** {@link #thresholdAt(int)} for a grid of {@code gridSize} thresholds. */
    public static double thresholdAt(final int index, final int gridSize) {
        final double r = 1.0 - (double) index / gridSize;
        return 1.0 - r * r;
    }

    /**
     * The grid cell of a score: the largest index whose threshold is at or below the score (clamped to the grid).
     * A score is accepted at candidate threshold i exactly when {@code gridIndex(score) >= i}.
     */
    public int gridIndex(final double score) {
        return gridIndex(score, gridSize);
    }

    /** {@link #gridIndex(double)} for a grid of {@code gridSize} thresholds (NaN maps to 0). */
    public static int gridIndex(final double score, final int gridSize) {
        final double clamped = score > 1.0 ? 1.0 : (score > 0.0 ? score : 0.0);
        final int i = (int) Math.floor(gridSize * (1.0 - Math.sqrt(1.0 - clamped)) + 1e-9);
        return Math.min(i, gridSize - 1);
    }

    private static void check(final boolean ok, final String field, final Object value, final String rule) {
        if (!ok) {
            throw new IllegalArgumentException("gate config field '" + field + "' " + rule + " (got " + value + ")");
        }
    }
}
