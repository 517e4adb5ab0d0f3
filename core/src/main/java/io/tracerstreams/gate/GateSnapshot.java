/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.GateState;

import java.io.Serializable;

/**
 * The gate's current state and estimates, for task stats and reports.
 *
 * <p>The estimates refer to {@code estimateThreshold}: the served threshold when OPEN; when CLOSED the
 * deployable threshold t* if one exists (the gate may be waiting for coverage or for the reopen delay),
 * else threshold 0 (the whole window). All estimates are NaN before the first evaluation after a restore.
 *
 * @param state                CLOSED or OPEN
 * @param threshold            the served threshold, NaN when CLOSED
 * @param estimateThreshold    the threshold the estimates below refer to (see above)
 * @param agreement            weighted agreement there
 * @param lower                lower confidence bound (opening level)
 * @param upper                upper confidence bound (closing level)
 * @param coverage             weighted coverage there
 * @param effectiveSize        Kish effective size of the accepted entries there
 * @param windowSize           entries in the window
 * @param deployableThreshold  t* now, NaN when none
 * @param deployableCoverage   Coverage(t*), 0 when none
 * @param outcomes             outcomes evaluated so far
 * @param held                 whether an operator closed the gate ({@link ParityGate#forceClose}) and it stays closed
 */
public record GateSnapshot(GateState state, double threshold, double estimateThreshold, double agreement,
                           double lower, double upper, double coverage, double effectiveSize, int windowSize,
                           double deployableThreshold, double deployableCoverage, long outcomes, boolean held)
        implements Serializable {

    private static final long serialVersionUID = 1L;
}
