/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

/**
 * Synthetic traffic models for the gate's simulations (tests and benchmark). Scores are given by a quantile
 * function of u ~ U(0, 1); agreement functions are written in terms of the score.
 */
public final class GateScenarios {

    private GateScenarios() {
    }

    /** s = 1 - (1 - u)^3: scores concentrated near 1, as from the acceptor of a good surrogate. */
    static double highScores(final double u) {
        final double r = 1.0 - u;
        return 1.0 - r * r * r;
    }

    /** The rank u of a score drawn by {@link #highScores}. */
    static double rankOfHighScore(final double s) {
        return 1.0 - Math.cbrt(1.0 - s);
    }

    /**
     * Banking77-like: ~90% agreement overall, disagreements concentrated in the lowest-scored tenth:
     * p = 0.99 - 0.8 (1 - u)^8 at rank u. True agreement 0.95 is reached at ~90% coverage.
     */
    public static GateSimulation.Scenario bankingLike() {
        return GateSimulation.Scenario.stationary("banking-like", GateScenarios::highScores, s -> {
            final double r = 1.0 - rankOfHighScore(s);
            return 0.99 - 0.8 * Math.pow(r, 8);
        });
    }

    /** A calibrated acceptor: p(s) = s with s = u^(1/4) (mean agreement 0.8). */
    public static GateSimulation.Scenario calibrated() {
        return GateSimulation.Scenario.stationary("calibrated", u -> Math.pow(u, 0.25), s -> s);
    }

    /** Only the top 15% of scores agree enough: p = 0.985 for s &gt;= 0.85, 0.6 below; s uniform. */
    public static GateSimulation.Scenario topOnly() {
        return GateSimulation.Scenario.stationary("top-only", u -> u, s -> s >= 0.85 ? 0.985 : 0.6);
    }

    /** Flat agreement p everywhere, scores uniform (an uninformative acceptor). */
    public static GateSimulation.Scenario flat(final double p) {
        return GateSimulation.Scenario.stationary(String.format(java.util.Locale.ROOT, "flat-%.2f", p), u -> u, s -> p);
    }

    /** SNLI-like: ~55% agreement, weakly increasing with the score, never above 0.8. */
    public static GateSimulation.Scenario snliLike() {
        return GateSimulation.Scenario.stationary("snli-like", GateScenarios::highScores, s -> 0.35 + 0.45 * s);
    }

    /** {@link #bankingLike()} until {@code driftAt}, then every agreement multiplied by {@code factor}. */
    public static GateSimulation.Scenario bankingLikeWithDrift(final int driftAt, final double factor) {
        final GateSimulation.Scenario base = bankingLike();
        return new GateSimulation.Scenario("banking-like-drift-x" + factor, base.quantile(), base.agreement(),
                s -> factor * base.agreement().applyAsDouble(s), driftAt);
    }
}
