/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

/** How {@link GateStatistics} corrects the lower bound for searching t* among the grid thresholds. */
public enum ThresholdSearch {
    /**
     * Fixed-sequence testing (as in Learn-then-Test): walks from fixed effective-size start levels down the grid,
     * each stopping at its first failure, the level split over the start levels by weighted Bonferroni; t* is the
     * lowest threshold reached. No union bound over the grid: a wrong threshold can only be reached after the
     * first null hypothesis in a walk's fixed order has been rejected. See {@link GateStatistics}.
     */
    FIXED_SEQUENCE,
    /**
     * Bonferroni: every grid threshold is tested at level delta / G and t* is the lowest that passes (the literal
     * "lowest t whose lower bound is &gt;= alpha"). More conservative; kept for comparison.
     */
    UNION_BOUND
}
