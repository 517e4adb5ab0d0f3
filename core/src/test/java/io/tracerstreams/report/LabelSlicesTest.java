/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LabelSlicesTest {

    private static final double NO_DECAY = 1.0;

    @Test
    void shouldPoolTheLabelsBeyondTheCapUnderOther() {
        final LabelSlices slices = new LabelSlices(ReportConfig.DEFAULTS.withCaps(3, 100, 16));
        long tick = 0;
        for (int i = 0; i < 10; i++) {
            slices.attribute(slices.slice("label_" + i), true, ++tick, NO_DECAY);
        }
        slices.attribute(slices.slice("label_1"), false, ++tick, NO_DECAY);
        slices.attribute(slices.slice(null), false, ++tick, NO_DECAY);
        assertThat(slices.keys()).containsExactly("label_0", "label_1", "label_2", ReportBuilder.OTHER_LABEL);
        assertThat(slices.size()).isEqualTo(4);
        final List<ReportSlice> report = slices.report(tick, NO_DECAY);
        assertThat(report.get(0).getKey()).isEqualTo(ReportBuilder.OTHER_LABEL);
        assertThat(report.get(0).getRequests()).isEqualTo(8L);
        assertThat(report.stream().mapToLong(ReportSlice::getRequests).sum()).isEqualTo(12L);
        assertThat(report.stream().mapToDouble(ReportSlice::getTrafficShare).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldReportSharesAndRatesLargestFirstAndSkipSlicesWithoutTraffic() {
        final LabelSlices slices = new LabelSlices(ReportConfig.DEFAULTS);
        final Random random = new Random(2);
        slices.slice("created_only");
        long tick = 0;
        for (int i = 0; i < 20_000; i++) {
            final boolean big = random.nextDouble() < 0.7;
            slices.attribute(slices.slice(big ? "big" : "small"), random.nextDouble() < (big ? 0.8 : 0.3), ++tick,
                    NO_DECAY);
        }
        final List<ReportSlice> report = slices.report(tick, NO_DECAY);
        assertThat(report).extracting(ReportSlice::getKey).containsExactly("big", "small");
        assertThat(report.get(0).getTrafficShare()).isCloseTo(0.7, within(0.02));
        assertThat(report.get(0).getHandledRate()).isCloseTo(0.8, within(0.02));
        assertThat(report.get(1).getHandledRate()).isCloseTo(0.3, within(0.03));
        assertThat(report).allSatisfy(s -> assertThat(s.getTrend()).isEqualTo(ReportTrend.NEW));
    }

    @Test
    void shouldTrendAgainstThePreviousReport() {
        final LabelSlices slices = new LabelSlices(ReportConfig.DEFAULTS);
        final double factor = Math.pow(0.5, 1.0 / 50);
        long tick = 0;
        for (int i = 0; i < 1_000; i++) {
            slices.attribute(slices.slice("up"), i % 5 == 0, ++tick, factor);
            slices.attribute(slices.slice("down"), i % 5 != 0, ++tick, factor);
            slices.attribute(slices.slice("flat"), i % 2 == 0, ++tick, factor);
        }
        slices.remember(tick, factor);
        for (int i = 0; i < 1_000; i++) {
            slices.attribute(slices.slice("up"), i % 5 != 0, ++tick, factor);
            slices.attribute(slices.slice("down"), i % 5 == 0, ++tick, factor);
            slices.attribute(slices.slice("flat"), i % 2 == 0, ++tick, factor);
        }
        final List<ReportSlice> report = slices.report(tick, factor);
        for (final ReportSlice s : report) {
            switch (s.getKey()) {
                case "up" -> {
                    assertThat(s.getTrend()).isEqualTo(ReportTrend.UP);
                    assertThat(s.getHandledRateDelta()).isCloseTo(0.6, within(0.05));
                }
                case "down" -> assertThat(s.getTrend()).isEqualTo(ReportTrend.DOWN);
                default -> assertThat(s.getTrend()).isEqualTo(ReportTrend.FLAT);
            }
            assertThat(s.getTrafficShareDelta()).isCloseTo(0.0, within(0.01));
        }
    }

    @Test
    void shouldKeepTheLatestBarAndCountOutcomesUnderTheSlice() {
        final LabelSlices slices = new LabelSlices(ReportConfig.DEFAULTS);
        final SliceState a = slices.slice("a");
        a.serveThreshold(0.7, 10);
        a.serveThreshold(0.6, 5); // an older bar learned late does not replace a newer one
        assertThat(a.threshold).isEqualTo(0.7);
        a.addOutcome(1.0, 1.0, true, 11, NO_DECAY);
        a.addOutcome(0.0, 1.0, false, 12, NO_DECAY);
        final ReportSlice report = slices.report(12, NO_DECAY).get(0);
        assertThat(report.getOutcomes()).isEqualTo(2L);
        assertThat(report.getRequests()).isZero();
        assertThat(report.getAgreement()).isEqualTo(1.0);
        assertThat(report.getAccuracy()).isEqualTo(0.5);
        assertThat(report.getThreshold()).isEqualTo(0.7);
    }
}
