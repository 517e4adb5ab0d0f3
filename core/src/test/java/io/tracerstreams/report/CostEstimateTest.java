/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.ReportCost;
import io.tracerstreams.schema.TaskStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CostEstimateTest {

    private static TaskStats stats(final long callsSaved) {
        return TaskStats.newBuilder().setTask("t").setTracesSeen(0).setRequestsSeen(0).setHandled(0).setDeferred(0)
                .setAudited(0).setTeacherCallsSaved(callsSaved).setEstimatedCostSaved(0.0).setGateState(GateState.OPEN)
                .setAlpha(0.9).setThreshold(null).setAgreement(0.9).setAgreementLower(0.88).setAgreementUpper(0.92)
                .setCoverageEstimate(0.0).setFrontier(List.of()).setDeferralsByReason(Map.of()).setServedLearner("")
                .setLabels(0).setTimestamp(Instant.EPOCH).build();
    }

    @Test
    void shouldProjectSavingsFromTheRecentHandledAndAuditRates() {
        final ReportConfig config = ReportConfig.DEFAULTS.withPricePerCall(0.01).withHalfLifeRequests(1_000_000);
        final CostEstimate cost = new CostEstimate(config);
        final Random random = new Random(6);
        long handled = 0;
        long audited = 0;
        final int n = 50_000;
        for (int i = 1; i <= n; i++) {
            final boolean h = random.nextDouble() < 0.6;
            final boolean a = h && random.nextDouble() < 0.05;
            handled += h ? 1 : 0;
            audited += a ? 1 : 0;
            cost.onRequest(h, a, i, Math.pow(0.5, 1.0 / config.halfLifeRequests()));
        }
        final ReportCost report = cost.build(stats(0), n, Math.pow(0.5, 1.0 / config.halfLifeRequests()));
        // the engine counted nothing: the estimate's own handled minus audited
        assertThat(report.getLlmCallsSaved()).isEqualTo(handled - audited);
        assertThat(report.getMoneySaved()).isCloseTo((handled - audited) * 0.01, within(1e-9));
        assertThat(report.getRecentHandledRate()).isCloseTo((double) handled / n, within(0.002));
        assertThat(report.getRecentAuditRate()).isCloseTo((double) audited / n, within(0.002));
        assertThat(report.getCallsSavedPer1000()).isCloseTo(1000.0 * (handled - audited) / n, within(3.0));
        assertThat(report.getCostPer1000Without()).isCloseTo(10.0, within(1e-12));
        assertThat(report.getCostPer1000With() + report.getMoneySavedPer1000()).isCloseTo(10.0, within(1e-9));
        // the headline from the estimate's own counts: 1 - (deferred + audited) / requests
        assertThat(report.getRequests()).isEqualTo(n);
        assertThat(report.getLlmCalls()).isEqualTo(n - handled + audited);
        assertThat(report.getLlmCallsSavedFraction()).isCloseTo(1.0 - (double) (n - handled + audited) / n,
                within(1e-12));
        assertThat(report.getLlmCallsSavedFraction()).isCloseTo((double) report.getLlmCallsSaved() / n, within(1e-12));
        // the engine's count takes precedence when it has one
        assertThat(cost.build(stats(123), n, 1.0).getLlmCallsSaved()).isEqualTo(123L);
        final TaskStats engine = TaskStats.newBuilder(stats(600)).setRequestsSeen(2_000).setHandled(800)
                .setDeferred(1_200).setAudited(200).build();
        final ReportCost fromEngine = cost.build(engine, n, 1.0);
        assertThat(fromEngine.getRequests()).isEqualTo(2_000);
        assertThat(fromEngine.getLlmCalls()).isEqualTo(1_400);
        assertThat(fromEngine.getLlmCallsSavedFraction()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void shouldProjectNothingBeforeAnyRequest() {
        final ReportCost report = new CostEstimate(ReportConfig.DEFAULTS).build(stats(0), 0, 0.5);
        assertThat(report.getLlmCallsSaved()).isZero();
        assertThat(report.getLlmCallsSavedFraction()).isZero();
        assertThat(report.getCallsSavedPer1000()).isZero();
        assertThat(report.getCurrency()).isEqualTo("USD");
    }
}
