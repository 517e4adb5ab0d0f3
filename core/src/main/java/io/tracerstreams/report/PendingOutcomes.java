/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests awaiting the LLM's answer (deferred or audited), by request id: at most
 * {@link ReportConfig#maxPending()}, the oldest dropped first (none kept when it is 0).
 */
final class PendingOutcomes implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int max;
    private final LinkedHashMap<String, KeptExample> pending = new LinkedHashMap<>();
    private long dropped;

    PendingOutcomes(final ReportConfig config) {
        this.max = config.maxPending();
    }

    /** Requests restored, oldest first, and the count dropped so far. */
    PendingOutcomes(final ReportConfig config, final Map<String, KeptExample> pending, final long dropped) {
        this.max = config.maxPending();
        this.pending.putAll(pending);
        this.dropped = dropped;
    }

    /** Keeps a request the LLM will answer, dropping the oldest beyond the cap. */
    void await(final String requestId, final KeptExample example) {
        if (max == 0) {
            return;
        }
        pending.put(requestId, example);
        if (pending.size() > max) {
            final Iterator<String> eldest = pending.keySet().iterator();
            eldest.next();
            eldest.remove();
            dropped++;
        }
    }

    /** The request an answer is for, no longer pending; null when unknown or dropped. */
    KeptExample take(final String requestId) {
        return requestId == null ? null : pending.remove(requestId);
    }

    /** Requests dropped before their answer came. */
    long dropped() {
        return dropped;
    }

    int retained() {
        return pending.size();
    }

    /** Stores the requests awaiting their answer, oldest first, by index in {@code table}, and the count dropped. */
    void toState(final ReportState.Builder out, final ExampleTable table) {
        final List<Integer> indexes = new ArrayList<>(pending.size());
        for (final Map.Entry<String, KeptExample> e : pending.entrySet()) {
            if (!e.getKey().equals(e.getValue().requestId)) {
                throw new IllegalStateException("request " + e.getKey() + " awaits the answer of " + e.getValue().requestId);
            }
            indexes.add(table.indexOf(e.getValue()));
        }
        out.setPending(indexes);
        out.setPendingDropped(dropped);
    }

    /**
     * The requests a state holds ({@link #toState}), keyed again by their request ids.
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static PendingOutcomes fromState(final ReportState in, final ReportConfig config, final ExampleTable table) {
        final LinkedHashMap<String, KeptExample> restored = new LinkedHashMap<>();
        for (final KeptExample e : table.at(in.getPending(), "pending")) {
            if (restored.put(e.requestId, e) != null) {
                throw new IllegalArgumentException("report state 'pending' holds request " + e.requestId + " twice");
            }
        }
        if (in.getPendingDropped() < 0) {
            throw new IllegalArgumentException("report state 'pending_dropped' is negative (" + in.getPendingDropped() + ")");
        }
        return new PendingOutcomes(config, restored, in.getPendingDropped());
    }
}
