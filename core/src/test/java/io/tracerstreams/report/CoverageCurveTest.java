/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.ReportCurvePoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CoverageCurveTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void shouldStayExactAndBoundedWhileThinning(final int seed) {
        final ReportConfig config = ReportConfig.DEFAULTS.withCaps(500, 1_000, 8);
        final CoverageCurve curve = new CoverageCurve(config);
        final Random random = new Random(seed);
        final int requests = 20_000 + random.nextInt(5_000);
        long handled = 0;
        double agreeSum = 0;
        double agreeWeight = 0;
        long outcomes = 0;
        for (int i = 1; i <= requests; i++) {
            final boolean isHandled = random.nextDouble() < 0.6;
            if (isHandled) {
                handled++;
            }
            curve.onRequest(isHandled, i, GateState.OPEN, 0.7, i * 10L);
            if (random.nextDouble() < 0.5) {
                final double weight = random.nextBoolean() ? 1.0 : 20.0;
                final double agree = random.nextDouble() < 0.9 ? weight : 0.0;
                curve.onOutcome(agree, weight, true);
                agreeSum += agree;
                agreeWeight += weight;
                outcomes++;
            }
            assertThat(curve.retained()).isLessThanOrEqualTo(config.curveMaxPoints());
        }
        final List<ReportCurvePoint> points = curve.points();
        assertThat(points.stream().mapToLong(ReportCurvePoint::getWindowRequests).sum()).isEqualTo(requests);
        assertThat(points.stream().mapToDouble(p -> p.getCoverage() * p.getWindowRequests()).sum())
                .isCloseTo(handled, within(1e-6));
        assertThat(points.stream().mapToDouble(p -> p.getAgreement() == null ? 0.0 : p.getAgreement() * p.getAgreementWeight()).sum())
                .isCloseTo(agreeSum, within(1e-6));
        assertThat(points.stream().mapToDouble(ReportCurvePoint::getAgreementWeight).sum())
                .isCloseTo(agreeWeight, within(1e-6));
        final ReportCurvePoint last = points.get(points.size() - 1);
        assertThat(last.getRequestsSeen()).isEqualTo(requests);
        assertThat(last.getTracesSeen()).isEqualTo(outcomes);
        assertThat(last.getCumulativeCoverage()).isCloseTo((double) handled / requests, within(1e-12));
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i).getRequestsSeen()).isGreaterThan(points.get(i - 1).getRequestsSeen());
        }
    }
}
