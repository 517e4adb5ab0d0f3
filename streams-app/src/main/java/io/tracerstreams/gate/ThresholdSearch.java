/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

/** How {@link GateStatistics} corrects the lower bound for searching t* among the grid thresholds. */
public enum ThresholdSearch {
    /**
     * Fixed-sequence testing (as in Learn-then-Test): thresholds are tested from the highest one with enough
     * effective size downwards, each at the full level, stopping at the first that fails; t* is the last that
     * passed. The family-wise error is controlled without a union bound because a wrong threshold can only be
     * reached after the first null hypothesis in the fixed order has been rejected.
     */
    FIXED_SEQUENCE,
    /**
     * Bonferroni: every grid threshold is tested at level delta / G and t* is the lowest that passes (the literal
     * "lowest t whose lower bound is &gt;= alpha"). More conservative; kept for comparison.
     */
    UNION_BOUND
}
