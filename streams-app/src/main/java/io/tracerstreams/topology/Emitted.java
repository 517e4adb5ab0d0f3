/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

/**
 * What the featurize stage and the task router forward downstream; the topology splits the stream by type
 * into the sinks. Never serialised: only {@link TraceRecord} crosses a topic, with its own serde.
 */
sealed interface Emitted permits TraceRecord, DeadLetter, Emitted.Decision, Emitted.Gate, Emitted.Stats, Emitted.Report {

    /** A routing decision, key: request id. */
    record Decision(RoutingDecision value) implements Emitted {
    }

    /** A gate event, key: task. */
    record Gate(GateEvent value) implements Emitted {
    }

    /** A task's stats, key: task. */
    record Stats(TaskStats value) implements Emitted {
    }

    /** A task's boundary report, key: task. */
    record Report(BoundaryReport value) implements Emitted {
    }
}
