/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

/** How a trace came to be labelled by the LLM; decides its weight in the agreement window. */
public enum TraceOrigin {
    /** The request was deferred to the LLM: weight 1. */
    DEFERRED,
    /** The request was handled and sampled for audit with probability epsilon: weight 1/epsilon. */
    AUDITED,
    /** tracer never routed the request (historic logs, calls outside the router): weight 1. */
    BACKFILL
}
