/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportCost;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.schema.state.ReportCostState;

import java.io.Serializable;

/**
 * The report's cost section: LLM calls saved so far (1 - LLM calls / requests, the headline), the calls avoided
 * and the money saved, and the recent (decayed) handled and audit rates projected per 1,000 requests at
 * {@link ReportConfig#pricePerCall()}. A handled request saves one LLM call unless it is audited.
 */
final class CostEstimate implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double price;
    private final String currency;
    private long requests;
    private long handled;
    private long audited;
    private final DecayedSum recentRequests;
    private final DecayedSum recentHandled;
    private final DecayedSum recentAudited;

    CostEstimate(final ReportConfig config) {
        this(config, 0, 0, new DecayedSum(), new DecayedSum(), new DecayedSum());
    }

    /** An estimate restored: handled and audited requests so far, and the decayed requests, handled and audited. */
    CostEstimate(final ReportConfig config, final long handled, final long audited, final DecayedSum recentRequests,
                 final DecayedSum recentHandled, final DecayedSum recentAudited) {
        this(config, 0, handled, audited, new DecayedSum[] {recentRequests, recentHandled, recentAudited});
    }

    private CostEstimate(final ReportConfig config, final long requests, final long handled, final long audited,
                         final DecayedSum[] recent) {
        this.price = config.pricePerCall();
        this.currency = config.currency();
        this.requests = requests;
        this.handled = handled;
        this.audited = audited;
        this.recentRequests = recent[0];
        this.recentHandled = recent[1];
        this.recentAudited = recent[2];
    }

    /** One request, the {@code now}-th. */
    void onRequest(final boolean wasHandled, final boolean wasAudited, final long now, final double factor) {
        requests++;
        recentRequests.add(1.0, now, factor);
        if (wasHandled) {
            handled++;
            recentHandled.add(1.0, now, factor);
            if (wasAudited) {
                audited++;
                recentAudited.add(1.0, now, factor);
            }
        }
    }

    /**
     * The cost now. The counts are the engine's ({@code stats}) when it counts any requests, else the ones this
     * estimate saw: LLM calls saved = 1 - (deferred + audited) / requests first, then the calls avoided (the
     * handled requests not audited) and their money.
     */
    ReportCost build(final TaskStats stats, final long now, final double factor) {
        final double handledRate = DecayedSum.ratio(recentHandled, recentRequests, now, factor);
        final double auditRate = DecayedSum.ratio(recentAudited, recentRequests, now, factor);
        final long callsSaved = stats.getTeacherCallsSaved() > 0 || handled == 0
                ? stats.getTeacherCallsSaved() : handled - audited;
        final boolean engineCounts = stats.getRequestsSeen() > 0;
        // own counts: a state restored from before the request count started counts handled requests only
        final long ownRequests = Math.max(requests, handled);
        final long allRequests = engineCounts ? stats.getRequestsSeen() : ownRequests;
        final long llmCalls = engineCounts ? stats.getDeferred() + stats.getAudited() : ownRequests - handled + audited;
        final double savedPer1000 = 1000.0 * Math.max(0.0, handledRate - auditRate);
        return ReportCost.newBuilder()
                .setLlmCallsSavedFraction(allRequests == 0 ? 0.0 : 1.0 - (double) llmCalls / allRequests)
                .setRequests(allRequests)
                .setLlmCalls(llmCalls)
                .setPricePerCall(price)
                .setCurrency(currency)
                .setLlmCallsSaved(callsSaved)
                .setMoneySaved(callsSaved * price)
                .setRecentHandledRate(handledRate)
                .setRecentAuditRate(auditRate)
                .setCallsSavedPer1000(savedPer1000)
                .setMoneySavedPer1000(savedPer1000 * price)
                .setCostPer1000Without(1000.0 * price)
                .setCostPer1000With((1000.0 - savedPer1000) * price)
                .build();
    }

    /** The counts as stored. */
    ReportCostState toState() {
        return ReportCostState.newBuilder().setRequests(requests).setHandled(handled).setAudited(audited)
                .setRecentRequests(recentRequests.toState()).setRecentHandled(recentHandled.toState())
                .setRecentAudited(recentAudited.toState()).build();
    }

    /**
     * An estimate as stored ({@link #toState()}).
     *
     * @throws IllegalArgumentException when the counts do not validate
     */
    static CostEstimate fromState(final ReportCostState s, final ReportConfig config) {
        if (s.getRequests() < 0 || s.getHandled() < 0 || s.getAudited() < 0 || s.getAudited() > s.getHandled()) {
            throw new IllegalArgumentException("report state 'cost' has bad counts (requests " + s.getRequests()
                    + ", handled " + s.getHandled() + ", audited " + s.getAudited() + ")");
        }
        return new CostEstimate(config, s.getRequests(), s.getHandled(), s.getAudited(), new DecayedSum[] {
            DecayedSum.fromState(s.getRecentRequests()), DecayedSum.fromState(s.getRecentHandled()),
            DecayedSum.fromState(s.getRecentAudited())});
    }
}
