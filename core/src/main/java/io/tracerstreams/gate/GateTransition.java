/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of the parity gate, with the numbers behind it. The task engine turns it into a
 * {@link GateEvent} with {@link #toGateEvent}.
 *
 * @param from          state before
 * @param to            state after (equal to {@code from} only for {@link GateReason#LEARNER_SWITCHED})
 * @param reason        why
 * @param agreement     weighted agreement at {@code threshold}
 * @param lower         lower confidence bound on it (opening level)
 * @param upper         upper confidence bound on it (closing level)
 * @param coverage      weighted coverage at {@code threshold}
 * @param threshold     the threshold the numbers refer to: the new served one on opening, the one just
 *                      served on closing; NaN when there is none
 * @param windowSize    entries in the window
 * @param effectiveSize Kish effective size of the accepted entries
 * @param detail        the numbers behind the reason, in words
 * @param outcomes      outcomes the gate had evaluated when this happened
 */
public record GateTransition(GateState from, GateState to, GateReason reason, double agreement, double lower,
                             double upper, double coverage, double threshold, int windowSize, double effectiveSize,
                             String detail, long outcomes) implements Serializable {

    private static final long serialVersionUID = 1L;

    public GateTransition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** Whether the gate is open after this transition. */
    public boolean opened() {
        return to == GateState.OPEN;
    }

    /** The Avro event of this transition (threshold null when NaN; NaN estimates are written as 0). */
    public GateEvent toGateEvent(final String task, final double alpha, final String servedLearner,
                                 final String modelVersion, final long tracesSeen, final long timestampMs) {
        return GateEvent.newBuilder()
                .setTask(task)
                .setState(to)
                .setPrevious(from)
                .setAlpha(alpha)
                .setAgreement(finiteOrZero(agreement))
                .setAgreementLower(finiteOrZero(lower))
                .setAgreementUpper(Double.isNaN(upper) ? 1.0 : upper)
                .setCoverage(finiteOrZero(coverage))
                .setThreshold(Double.isNaN(threshold) ? null : threshold)
                .setWindowSize(windowSize)
                .setEffectiveSize(finiteOrZero(effectiveSize))
                .setReason(reason)
                .setDetail(detail)
                .setServedLearner(servedLearner == null ? "" : servedLearner)
                .setModelVersion(modelVersion == null ? "" : modelVersion)
                .setTracesSeen(tracesSeen)
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    private static double finiteOrZero(final double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
