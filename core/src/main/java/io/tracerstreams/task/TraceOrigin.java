/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;

/**
 * How a trace came to be labelled by the LLM, relative to tracer's routing; decides its weight in the agreement
 * windows ({@link #weight}) and whether it counts as live traffic for verification (all but BACKFILL).
 */
public enum TraceOrigin {
    /** The request was deferred to the LLM: weight 1. */
    DEFERRED,
    /** The request was handled and drawn for audit with probability p (at least epsilon): weight 1/p. */
    AUDITED,
    /**
     * tracer never routed the request (historic logs, calls outside the router), or the LLM answered a
     * handled request that was not drawn for audit: weight 1.
     */
    BACKFILL;

    /** The origin of a trace whose request got this decision (null: never routed). */
    public static TraceOrigin of(final RoutingDecision routed) {
        if (routed == null) {
            return BACKFILL;
        }
        if (routed.getDecision() == Decision.DEFERRED) {
            return DEFERRED;
        }
        return routed.getAudit() ? AUDITED : BACKFILL;
    }

    /**
     * The weight of a trace of this origin in the agreement windows: 1 / audit_probability of its decision for
     * an audited trace (the inverse of the probability it was sampled with, so windowed agreement is an unbiased
     * estimate of agreement on live handled traffic), 1 otherwise.
     *
     * @param routed the decision the trace's request got (null: never routed)
     */
    public double weight(final RoutingDecision routed) {
        return this == AUDITED ? 1.0 / routed.getAuditProbability() : 1.0;
    }
}
