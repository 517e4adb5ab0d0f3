/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;

import java.time.Instant;

/**
 * A routing decision inside tracer's own store values and journal entries (the engine learns a trace with
 * the decision its request got): every field, in the {@link BinaryCodec} encoding, enums by name so that new
 * symbols do not shift old values. A null decision (a backfill trace) is a single 0 byte.
 */
final class DecisionCodec {

    private DecisionCodec() {
    }

    static void write(final BinaryCodec.Writer w, final RoutingDecision d) {
        if (d == null) {
            w.writeBoolean(false);
            return;
        }
        w.writeBoolean(true).writeString(d.getRequestId()).writeString(d.getTask()).writeString(d.getDecision().name())
                .writeString(d.getLabel()).writeLong(Double.doubleToRawLongBits(d.getScore()))
                .writeBoolean(d.getThreshold() != null)
                .writeLong(d.getThreshold() == null ? 0L : Double.doubleToRawLongBits(d.getThreshold()))
                .writeString(d.getReason().name()).writeBoolean(d.getAudit())
                .writeLong(Double.doubleToRawLongBits(d.getAuditProbability())).writeString(d.getModelVersion())
                .writeLong(d.getTimestamp().toEpochMilli());
    }

    static RoutingDecision read(final BinaryCodec.Reader r) {
        if (!r.readBoolean()) {
            return null;
        }
        final RoutingDecision.Builder b = RoutingDecision.newBuilder().setRequestId(r.readString()).setTask(r.readString())
                .setDecision(Decision.valueOf(r.readString())).setLabel(r.readString())
                .setScore(Double.longBitsToDouble(r.readLong()));
        final boolean hasThreshold = r.readBoolean();
        final double threshold = Double.longBitsToDouble(r.readLong());
        return b.setThreshold(hasThreshold ? threshold : null).setReason(Reason.valueOf(r.readString())).setAudit(r.readBoolean())
                .setAuditProbability(Double.longBitsToDouble(r.readLong())).setModelVersion(r.readString())
                .setTimestamp(Instant.ofEpochMilli(r.readLong())).build();
    }
}
