/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Decisions per reason, deferrals per reason, and deferrals per reason since the previous report. */
final class ReasonCounts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TreeMap<String, Long> decisions = new TreeMap<>();
    private final TreeMap<String, Long> deferrals = new TreeMap<>();
    private final TreeMap<String, Long> deferralsSincePrevious = new TreeMap<>();

    ReasonCounts() {
    }

    /** Counts restored. */
    ReasonCounts(final Map<String, Long> decisions, final Map<String, Long> deferrals,
                 final Map<String, Long> deferralsSincePrevious) {
        this.decisions.putAll(decisions);
        this.deferrals.putAll(deferrals);
        this.deferralsSincePrevious.putAll(deferralsSincePrevious);
    }

    /** One decision for a reason; a deferral when not handled. */
    void onDecision(final String reason, final boolean wasHandled) {
        increment(decisions, reason);
        if (!wasHandled) {
            increment(deferrals, reason);
            increment(deferralsSincePrevious, reason);
        }
    }

    Map<String, Long> decisions() {
        return new TreeMap<>(decisions);
    }

    /** The deferrals seen, or the engine's ({@code stats}) when this saw none. */
    Map<String, Long> deferrals(final TaskStats stats) {
        return deferrals.isEmpty() && stats.getDeferralsByReason() != null
                ? new TreeMap<>(stats.getDeferralsByReason()) : new TreeMap<>(deferrals);
    }

    Map<String, Long> deferralsSincePrevious() {
        return new TreeMap<>(deferralsSincePrevious);
    }

    /** Closes a report interval. */
    void closeInterval() {
        deferralsSincePrevious.clear();
    }

    static void increment(final Map<String, Long> counts, final String key) {
        counts.merge(key, 1L, Long::sum);
    }

    /** Stores the counts. */
    void toState(final ReportState.Builder out) {
        out.setDecisionsByReason(new TreeMap<>(decisions));
        out.setDeferralsByReason(new TreeMap<>(deferrals));
        out.setDeferralsSincePrevious(new TreeMap<>(deferralsSincePrevious));
    }

    /** The counts a state holds ({@link #toState}). */
    static ReasonCounts fromState(final ReportState in) {
        return new ReasonCounts(in.getDecisionsByReason(), in.getDeferralsByReason(), in.getDeferralsSincePrevious());
    }
}
