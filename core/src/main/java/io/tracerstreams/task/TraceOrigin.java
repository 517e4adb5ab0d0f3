/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;

/** How a trace came to be labelled by the LLM; decides its weight in the agreement window. */
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
}
