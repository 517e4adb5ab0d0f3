/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.util.Map;

/**
 * Receives tracer's committed outputs ({@link TracerApp#observe}); called on one observer thread, so
 * implementations need no locking among these methods but must be quick. Every method defaults to nothing.
 */
public interface OutputListener {

    /** A routing decision. */
    default void onDecision(final RoutingDecision decision) {
    }

    /** A gate event. */
    default void onGateEvent(final GateEvent event) {
    }

    /** A task's periodic stats. */
    default void onStats(final TaskStats stats) {
    }

    /** A boundary report. */
    default void onReport(final BoundaryReport report) {
    }

    /**
     * A dead letter.
     *
     * @param headers its headers as UTF-8 strings (x-tracer-reason, x-tracer-detail, ...; or Kafka Streams'
     *                own {@code __streams.errors.*} for records its handlers gave up on)
     * @param value   the original value bytes, or null
     */
    default void onDeadLetter(final Map<String, String> headers, final byte[] value) {
    }
}
