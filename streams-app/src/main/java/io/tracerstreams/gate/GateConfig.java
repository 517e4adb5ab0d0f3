/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TraceOrigin;

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
 * @param epsilon      share of handled requests that are audited, in (0, 1]; audited outcomes weigh 1/epsilon
 * @param gridSize     number of candidate thresholds {0, 1/G, ..., (G-1)/G}; the union bound is over them, in [2, 1000]
 * @param closeDelta   error budget of the closing test (upper bound below alpha at the served threshold), in (0, 0.5)
 * @param driftDelta   confidence parameter of ADWIN on the accepted agree/disagree stream, in (0, 0.5)
 * @param reopenDelay  outcomes the gate stays CLOSED after a close before it may open again (hysteresis), >= 0
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
        int reopenDelay) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default number of candidate thresholds (a step of 0.02). */
    public static final int DEFAULT_GRID_SIZE = 50;
    /** Default ADWIN confidence (MOA's own default). */
    public static final double DEFAULT_DRIFT_DELTA = 0.002;

    /** The defaults of {@link TaskConfig#DEFAULTS}: alpha 0.90, delta 0.05, N 2,000, n_min 50, c_min 0.05, epsilon 0.05. */
    public static final GateConfig DEFAULTS = from(TaskConfig.DEFAULTS);

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
    }

    /**
     * The gate settings of a task: its alpha, delta, epsilon, N, n_min and c_min, with a grid of
     * {@value #DEFAULT_GRID_SIZE} thresholds, closeDelta = delta, ADWIN delta {@value #DEFAULT_DRIFT_DELTA} and a
     * reopen delay of N/4 outcomes.
     */
    public static GateConfig from(final TaskConfig task) {
        return new GateConfig(task.alpha(), task.delta(), task.windowSize(), task.minAccepted(), task.minCoverage(),
                task.epsilon(), DEFAULT_GRID_SIZE, task.delta(), DEFAULT_DRIFT_DELTA, task.windowSize() / 4);
    }

    /** A copy with another alpha. */
    public GateConfig withAlpha(final double newAlpha) {
        return new GateConfig(newAlpha, delta, windowSize, minAccepted, minCoverage, epsilon, gridSize, closeDelta,
                driftDelta, reopenDelay);
    }

    /** A copy with another window size (and the reopen delay scaled to N/4). */
    public GateConfig withWindowSize(final int newWindowSize) {
        return new GateConfig(alpha, delta, newWindowSize, Math.min(minAccepted, newWindowSize), minCoverage, epsilon,
                gridSize, closeDelta, driftDelta, newWindowSize / 4);
    }

    /** A copy with another epsilon. */
    public GateConfig withEpsilon(final double newEpsilon) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, newEpsilon, gridSize, closeDelta,
                driftDelta, reopenDelay);
    }

    /** A copy with another grid size. */
    public GateConfig withGridSize(final int newGridSize) {
        return new GateConfig(alpha, delta, windowSize, minAccepted, minCoverage, epsilon, newGridSize, closeDelta,
                driftDelta, reopenDelay);
    }

    /** The weight an outcome of this origin carries in the agreement window: 1/epsilon if audited, else 1. */
    public double weightOf(final TraceOrigin origin) {
        return origin == TraceOrigin.AUDITED ? 1.0 / epsilon : 1.0;
    }

    /** Candidate threshold number {@code index}: index / gridSize. */
    public double thresholdAt(final int index) {
        return (double) index / gridSize;
    }

    /**
     * The grid cell of a score: the largest index whose threshold is at or below the score (clamped to the grid).
     * A score is accepted at candidate threshold i exactly when {@code gridIndex(score) >= i}.
     */
    public int gridIndex(final double score) {
        final int i = (int) Math.floor(score * gridSize);
        return i < 0 ? 0 : Math.min(i, gridSize - 1);
    }

    private static void check(final boolean ok, final String field, final Object value, final String rule) {
        if (!ok) {
            throw new IllegalArgumentException("gate config field '" + field + "' " + rule + " (got " + value + ")");
        }
    }
}
