/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.TaskStats;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReasonCountsTest {

    private static TaskStats stats(final Map<String, Long> deferrals) {
        return TaskStats.newBuilder().setTask("t").setTracesSeen(0).setRequestsSeen(0).setHandled(0).setDeferred(0)
                .setAudited(0).setTeacherCallsSaved(0).setEstimatedCostSaved(0.0).setGateState(GateState.OPEN)
                .setAlpha(0.9).setThreshold(null).setAgreement(0.9).setAgreementLower(0.88).setAgreementUpper(0.92)
                .setCoverageEstimate(0.0).setFrontier(List.of()).setDeferralsByReason(deferrals).setServedLearner("")
                .setLabels(0).setTimestamp(Instant.EPOCH).build();
    }

    @Test
    void shouldCountPerReasonAndRestartTheIntervalAtEachReport() {
        final ReasonCounts counts = new ReasonCounts();
        counts.onDecision("CONFIDENT", true);
        counts.onDecision("LOW_SCORE", false);
        counts.onDecision("LOW_SCORE", false);
        assertThat(counts.decisions()).containsExactly(Map.entry("CONFIDENT", 1L), Map.entry("LOW_SCORE", 2L));
        assertThat(counts.deferrals(stats(Map.of("X", 9L)))).containsExactly(Map.entry("LOW_SCORE", 2L));
        assertThat(counts.deferralsSincePrevious()).containsExactly(Map.entry("LOW_SCORE", 2L));
        counts.closeInterval();
        counts.onDecision("GATE_CLOSED", false);
        assertThat(counts.deferralsSincePrevious()).containsExactly(Map.entry("GATE_CLOSED", 1L));
        assertThat(counts.deferrals(stats(Map.of()))).containsEntry("LOW_SCORE", 2L).containsEntry("GATE_CLOSED", 1L);
    }

    @Test
    void shouldFallBackOnTheEnginesDeferralsWhenItSawNone() {
        final ReasonCounts counts = new ReasonCounts();
        counts.onDecision("CONFIDENT", true);
        assertThat(counts.deferrals(stats(Map.of("LOW_SCORE", 4L)))).containsExactly(Map.entry("LOW_SCORE", 4L));
    }
}
