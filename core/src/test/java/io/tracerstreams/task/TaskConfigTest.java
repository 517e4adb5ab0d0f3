/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.ThresholdSearch;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskConfigTest {

    @Test
    void shouldGiveTheGateTheTaskSettings() {
        final TaskConfig task = TaskConfig.DEFAULTS.withAlpha(0.95).withEpsilon(0.1);
        final GateConfig g = task.gateConfig();
        assertThat(g.alpha()).isEqualTo(0.95);
        assertThat(g.epsilon()).isEqualTo(0.1);
        assertThat(g.windowSize()).isEqualTo(task.windowSize());
        assertThat(g.minAccepted()).isEqualTo(task.minAccepted());
        assertThat(g.minCoverage()).isEqualTo(task.minCoverage());
        assertThat(g.delta()).isEqualTo(task.delta());
        assertThat(g.closeDelta()).isEqualTo(task.delta());
        assertThat(g.reopenDelay()).isEqualTo(task.windowSize() / 4);
        assertThat(g.minWindow()).isEqualTo(task.windowSize());
        assertThat(g.search()).isEqualTo(ThresholdSearch.FIXED_SEQUENCE);
    }

    @Test
    void shouldMatchTheGateDefaultsWithItsDefaults() {
        assertThat(TaskConfig.DEFAULTS.gateConfig()).isEqualTo(GateConfig.DEFAULTS);
    }

    @Test
    void shouldGiveTheReportTheTaskPriceAndSeed() {
        final ReportConfig r = TaskConfig.DEFAULTS.withSeed(42).reportConfig();
        assertThat(r.pricePerCall()).isEqualTo(TaskConfig.DEFAULTS.costPerCall());
        assertThat(r.seed()).isEqualTo(42L);
        assertThat(r.withPricePerCall(ReportConfig.DEFAULTS.pricePerCall()).withSeed(ReportConfig.DEFAULTS.seed()))
                .isEqualTo(ReportConfig.DEFAULTS);
    }

    @Test
    void shouldNameTheFieldOfABadValue() {
        assertThatThrownBy(() -> TaskConfig.DEFAULTS.withEpsilon(0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'epsilon'");
    }

    @Test
    void shouldTakeAMoaClassifierSpecAndRefuseOneMoaCannotParseNamingLearnersAndTheSpec() {
        final TaskConfig config = TaskConfig.DEFAULTS.withLearners(
                java.util.List.of("ncm", "moa:trees.HoeffdingAdaptiveTree", "moa:meta.AdaptiveRandomForest -s 5"));
        assertThat(config.learners()).contains("moa:meta.AdaptiveRandomForest -s 5");
        assertThatThrownBy(() -> TaskConfig.DEFAULTS.withLearners(java.util.List.of("ncm", "moa:trees.NoSuchTree -s 5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'learners'")
                .hasMessageContaining("'trees.NoSuchTree -s 5'");
        assertThatThrownBy(() -> TaskConfig.DEFAULTS.withLearners(java.util.List.of("forest")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'learners'")
                .hasMessageContaining("unknown learner 'forest'");
    }

    @Test
    void shouldWeighAnAuditedTraceByTheInverseOfItsOwnAuditProbability() {
        final RoutingDecision audited = decision(Decision.HANDLED, true, 0.25);
        final RoutingDecision handled = decision(Decision.HANDLED, false, 0.25);
        final RoutingDecision deferred = decision(Decision.DEFERRED, false, 1.0);

        assertThat(TraceOrigin.of(audited)).isEqualTo(TraceOrigin.AUDITED);
        assertThat(TraceOrigin.AUDITED.weight(audited)).isEqualTo(4.0);
        assertThat(TraceOrigin.of(deferred)).isEqualTo(TraceOrigin.DEFERRED);
        assertThat(TraceOrigin.DEFERRED.weight(deferred)).isEqualTo(1.0);
        assertThat(TraceOrigin.of(handled)).isEqualTo(TraceOrigin.BACKFILL);
        assertThat(TraceOrigin.BACKFILL.weight(handled)).isEqualTo(1.0);
        assertThat(TraceOrigin.of(null)).isEqualTo(TraceOrigin.BACKFILL);
        assertThat(TraceOrigin.BACKFILL.weight(null)).isEqualTo(1.0);
    }

    private static RoutingDecision decision(final Decision decision, final boolean audit, final double p) {
        return RoutingDecision.newBuilder().setRequestId("r").setTask("t").setDecision(decision).setScore(0.5)
                .setReason(audit ? Reason.AUDIT : Reason.CONFIDENT).setAudit(audit).setAuditProbability(p)
                .setModelVersion("ncm@1").setTimestamp(Instant.EPOCH).build();
    }
}
