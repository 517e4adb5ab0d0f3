/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tracerstreams.report.ReportPartsFixtures.config;
import static io.tracerstreams.report.ReportPartsFixtures.deferred;
import static io.tracerstreams.report.ReportPartsFixtures.handled;
import static org.assertj.core.api.Assertions.assertThat;

class ExampleSamplesTest {

    private static ReportSlice slice(final String key) {
        return ReportSlice.newBuilder().setKey(key).setRequests(1).setHandled(1).setOutcomes(0).setTrafficShare(0.1)
                .setHandledRate(0.5).setAgreement(null).setAgreementWeight(0).setAccuracy(null).setThreshold(null)
                .setHandledRateDelta(null).setTrafficShareDelta(null).setTrend(ReportTrend.NEW).build();
    }

    @Test
    void shouldShowTheLabelsRoundRobinInSliceOrderUpToTheCap() {
        final ExampleSamples samples = new ExampleSamples(config(16, 40, 2, 6, 5, 100));
        for (final String label : List.of("a", "b", "c")) {
            for (int i = 0; i < 2; i++) {
                samples.offerHandled(label, handled(label + i, label, 0.9, 0.5));
            }
        }
        final List<ReportExample> shown = samples.handledExamples(List.of(slice("c"), slice("x"), slice("a"), slice("b")));
        assertThat(shown).extracting(ReportExample::getRequestId).containsExactly("c0", "a0", "b0", "c1", "a1");
        assertThat(samples.retained()).isEqualTo(6);
    }

    @Test
    void shouldSampleDeferralsPerReasonAndBeDeterministicForASeed() {
        final ReportConfig config = config(16, 40, 3, 4, 24, 100).withSeed(7);
        final ExampleSamples one = new ExampleSamples(config);
        final ExampleSamples two = new ExampleSamples(config);
        int sampledLowScore = 0;
        for (int i = 0; i < 1_000; i++) {
            final String reason = i % 4 == 0 ? "OUT_OF_DISTRIBUTION" : "LOW_SCORE";
            final KeptExample e = deferred("r" + i, "a", 0.2, 0.5);
            final boolean kept = one.offerDeferred(reason, e);
            assertThat(two.offerDeferred(reason, e)).isEqualTo(kept);
            if (kept && reason.equals("LOW_SCORE")) {
                sampledLowScore++;
            }
        }
        // algorithm R keeps the first 4 then each i-th with probability 4/i: about 4 (1 + ln(750/4)) ~ 25
        assertThat(sampledLowScore).isBetween(12, 45);
        final List<ReportExample> shown = one.deferredExamples();
        assertThat(shown).hasSize(8);
        assertThat(shown).isEqualTo(two.deferredExamples());
        assertThat(one.retained()).isEqualTo(8);
    }
}
