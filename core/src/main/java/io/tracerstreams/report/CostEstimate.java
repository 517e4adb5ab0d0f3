/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportCost;
import io.tracerstreams.schema.TaskStats;

import java.io.Serializable;

/**
 * The report's cost section: LLM calls and money saved so far, and the recent (decayed) handled and audit
 * rates projected per 1,000 requests at {@link ReportConfig#pricePerCall()}. A handled request saves one LLM
 * call unless it is audited.
 */
final class CostEstimate implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double price;
    private final String currency;
    private long handled;
    private long audited;
    private final DecayedSum recentRequests = new DecayedSum();
    private final DecayedSum recentHandled = new DecayedSum();
    private final DecayedSum recentAudited = new DecayedSum();

    CostEstimate(final ReportConfig config) {
        this.price = config.pricePerCall();
        this.currency = config.currency();
    }

    /** One request, the {@code now}-th. */
    void onRequest(final boolean wasHandled, final boolean wasAudited, final long now, final double factor) {
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
     * The cost now. The calls saved are the engine's ({@code stats}) when it counts any, else the handled
     * requests not audited that this estimate saw.
     */
    ReportCost build(final TaskStats stats, final long now, final double factor) {
        final double handledRate = DecayedSum.ratio(recentHandled, recentRequests, now, factor);
        final double auditRate = DecayedSum.ratio(recentAudited, recentRequests, now, factor);
        final long callsSaved = stats.getTeacherCallsSaved() > 0 || handled == 0
                ? stats.getTeacherCallsSaved() : handled - audited;
        final double savedPer1000 = 1000.0 * Math.max(0.0, handledRate - auditRate);
        return ReportCost.newBuilder()
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
}
