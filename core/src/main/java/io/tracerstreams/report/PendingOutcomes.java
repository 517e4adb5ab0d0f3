/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
}
