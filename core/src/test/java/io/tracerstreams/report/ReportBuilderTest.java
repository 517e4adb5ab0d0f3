/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.report.SyntheticStream.LabelSpec;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportCurvePoint;
import io.tracerstreams.schema.ReportPlateau;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ReportBuilderTest {

    private static final ReportConfig CONFIG = ReportConfig.DEFAULTS.withPlateau(5, 0.05, 200);

    /** Runs a stream, building a report every {@code every} requests. */
    private static List<BoundaryReport> run(final SyntheticStream stream, final ReportBuilder builder, final int every) {
        final List<BoundaryReport> reports = new ArrayList<>();
        while (stream.hasNext()) {
            stream.next(builder);
            if (stream.index() % every == 0) {
                reports.add(builder.build(stream.stats(stream.timestamp()), stream.timestamp()));
            }
        }
        return reports;
    }

    private static List<LabelSpec> plantedPlateau() {
        return List.of(
                new LabelSpec("growing_a", 1.0, p -> 0.05 + 0.85 * p),
                new LabelSpec("growing_b", 1.0, p -> 0.10 + 0.80 * p),
                new LabelSpec("stuck", 1.0, p -> Math.min(0.45, 0.05 + 1.6 * p)),
                new LabelSpec("saturated", 0.5, p -> 0.999));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void shouldFlagThePlantedPlateauAndNoGrowingLabel(final long seed) {
        final ReportBuilder builder = new ReportBuilder(CONFIG.withSeed(seed));
        final List<BoundaryReport> reports = run(new SyntheticStream(plantedPlateau(), 30_000, seed), builder, 3_000);

        final BoundaryReport last = reports.get(reports.size() - 1);
        assertThat(last.getPlateaus()).extracting(ReportPlateau::getLabel).containsExactly("stuck");
        final ReportPlateau stuck = last.getPlateaus().get(0);
        assertThat(stuck.getReports()).isEqualTo(5);
        assertThat(stuck.getHandledRates()).hasSize(5).allSatisfy(r -> assertThat(r).isBetween(0.35, 0.55));
        assertThat(stuck.getRequests()).hasSize(5).allSatisfy(n -> assertThat(n).isGreaterThan(500L));
        assertThat(stuck.getGrowth()).isLessThan(0.05);
        assertThat(stuck.getTrafficShare()).isCloseTo(1.0 / 3.5, within(0.03));
        // before K intervals there is no evidence either way
        assertThat(reports.subList(0, 4)).allSatisfy(r -> assertThat(r.getPlateaus()).isEmpty());
        // growing labels are never flagged, whatever the report
        for (final BoundaryReport r : reports) {
            assertThat(r.getPlateaus()).extracting(ReportPlateau::getLabel)
                    .doesNotContain("growing_a", "growing_b", "saturated");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void shouldBuildBoundaryPairsThatStraddleTheThreshold(final long seed) {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS.withSeed(seed));
        final List<LabelSpec> labels = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            final double level = 0.2 + 0.05 * i;
            labels.add(new LabelSpec("label_" + i, 1.0 + i % 3, p -> level));
        }
        final SyntheticStream stream = new SyntheticStream(labels, 12_000, seed)
                .threshold(p -> 0.55 + 0.3 * p); // the served threshold keeps moving
        final List<BoundaryReport> reports = run(stream, builder, 1_000);

        int pairs = 0;
        for (final BoundaryReport r : reports) {
            for (final ReportBoundaryPair pair : r.getBoundaryPairs()) {
                pairs++;
                assertThat(pair.getHandled().getScore()).isGreaterThanOrEqualTo(pair.getThreshold());
                assertThat(pair.getDeferred().getScore()).isLessThan(pair.getThreshold());
                assertThat(pair.getHandled().getDecision()).isEqualTo(Decision.HANDLED);
                assertThat(pair.getDeferred().getDecision()).isEqualTo(Decision.DEFERRED);
                assertThat(pair.getHandled().getSurrogateLabel()).isEqualTo(pair.getLabel());
                assertThat(pair.getDeferred().getSurrogateLabel()).isEqualTo(pair.getLabel());
                final ReportSlice slice = bySlice(r).get(pair.getLabel());
                assertThat(pair.getThreshold()).isEqualTo(slice.getThreshold() != null ? slice.getThreshold()
                        : r.getThreshold());
            }
        }
        final BoundaryReport last = reports.get(reports.size() - 1);
        assertThat(last.getBoundaryPairs()).extracting(ReportBoundaryPair::getLabel)
                .hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
        assertThat(pairs).isGreaterThan(reports.size() * 5);
    }

    @Test
    void shouldStayWithinItsMemoryCapsOver100kEvents() throws IOException {
        final ReportConfig config = ReportConfig.DEFAULTS.withCaps(40, 2_000, 64);
        final ReportBuilder builder = new ReportBuilder(config);
        final List<LabelSpec> labels = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            labels.add(new LabelSpec("intent_" + i, 1.0, p -> 0.6));
        }
        final SyntheticStream stream = new SyntheticStream(labels, 100_000, 7).unanswered(0.2).closedBetween(0.3, 0.35);
        final ReportBuilder.Retained caps = builder.caps();
        int reports = 0;
        while (stream.hasNext()) {
            stream.next(builder);
            if (stream.index() % 10_000 == 0) {
                final BoundaryReport r = builder.build(stream.stats(stream.timestamp()), stream.timestamp());
                reports++;
                assertThat(r.getCurve()).hasSizeLessThanOrEqualTo(config.curveMaxPoints() + 1);
                assertThat(r.getHandledExamples()).hasSizeLessThanOrEqualTo(config.maxReportExamples());
                assertThat(r.getLabels()).hasSizeLessThanOrEqualTo(config.maxLabels() + 1);
                assertWithin(builder.retained(), caps);
            }
        }
        final ReportBuilder.Retained retained = builder.retained();
        assertWithin(retained, caps);
        // the caps are reached, not merely respected
        assertThat(retained.labels()).isEqualTo(config.maxLabels() + 1);
        // full, but for the last request if its answer just came
        assertThat(retained.pendingOutcomes()).isBetween(config.maxPending() - 1, config.maxPending());
        assertThat(retained.boundaryCandidates()).isEqualTo(caps.boundaryCandidates());
        assertThat(retained.historyEntries()).isEqualTo(caps.historyEntries());
        assertThat(retained.curvePoints()).isGreaterThan(config.curveMaxPoints() / 2);
        assertThat(reports).isEqualTo(10);
        assertThat(builder.pendingDropped()).isGreaterThan(0);
        // and so is the serialised state
        assertThat(serialise(builder).length).isLessThan(4_000_000);
    }

    private static void assertWithin(final ReportBuilder.Retained retained, final ReportBuilder.Retained caps) {
        assertThat(retained.labels()).isLessThanOrEqualTo(caps.labels());
        assertThat(retained.boundaryCandidates()).isLessThanOrEqualTo(caps.boundaryCandidates());
        assertThat(retained.sampledExamples()).isLessThanOrEqualTo(caps.sampledExamples());
        assertThat(retained.pendingOutcomes()).isLessThanOrEqualTo(caps.pendingOutcomes());
        assertThat(retained.curvePoints()).isLessThanOrEqualTo(caps.curvePoints());
        assertThat(retained.gateFlips()).isLessThanOrEqualTo(caps.gateFlips());
        assertThat(retained.historyEntries()).isLessThanOrEqualTo(caps.historyEntries());
    }

    @Test
    void shouldKeepTheCurveExactWhileThinningIt() {
        final ReportConfig config = ReportConfig.DEFAULTS.withCaps(500, 20_000, 16);
        final ReportBuilder builder = new ReportBuilder(config);
        final SyntheticStream stream = new SyntheticStream(plantedPlateau(), 9_950, 3);
        while (stream.hasNext()) {
            stream.next(builder);
        }
        final BoundaryReport r = builder.build(stream.stats(stream.timestamp()), stream.timestamp());
        final List<ReportCurvePoint> curve = r.getCurve();
        assertThat(curve.size()).isBetween(2, config.curveMaxPoints() + 1);
        assertThat(curve.stream().mapToLong(ReportCurvePoint::getWindowRequests).sum()).isEqualTo(9_950L);
        double handled = 0;
        for (final ReportCurvePoint p : curve) {
            handled += p.getCoverage() * p.getWindowRequests();
        }
        final ReportCurvePoint last = curve.get(curve.size() - 1);
        assertThat(last.getRequestsSeen()).isEqualTo(9_950L);
        assertThat(last.getCumulativeCoverage()).isCloseTo(handled / 9_950, within(1e-9));
        assertThat(last.getCumulativeCoverage()).isCloseTo((double) r.getHandled() / r.getRequestsSeen(), within(1e-9));
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i).getRequestsSeen()).isGreaterThan(curve.get(i - 1).getRequestsSeen());
        }
    }

    @Test
    void shouldReportTrendsAndDeltasSinceThePreviousReport() {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS.withHalfLifeRequests(500));
        final List<LabelSpec> labels = List.of(
                new LabelSpec("rising", 1.0, p -> p < 0.5 ? 0.2 : 0.8),
                new LabelSpec("falling", 1.0, p -> p < 0.5 ? 0.8 : 0.2),
                new LabelSpec("steady", 1.0, p -> 1.0));
        final List<BoundaryReport> reports = run(new SyntheticStream(labels, 12_000, 5), builder, 6_000);
        final Map<String, ReportSlice> first = bySlice(reports.get(0));
        final Map<String, ReportSlice> second = bySlice(reports.get(1));
        assertThat(first.values()).allSatisfy(s -> {
            assertThat(s.getTrend()).isEqualTo(ReportTrend.NEW);
            assertThat(s.getHandledRateDelta()).isNull();
        });
        assertThat(second.get("rising").getTrend()).isEqualTo(ReportTrend.UP);
        assertThat(second.get("rising").getHandledRateDelta()).isCloseTo(0.6, within(0.1));
        assertThat(second.get("falling").getTrend()).isEqualTo(ReportTrend.DOWN);
        assertThat(second.get("falling").getHandledRateDelta()).isCloseTo(-0.6, within(0.1));
        assertThat(second.get("steady").getTrend()).isEqualTo(ReportTrend.FLAT);
        assertThat(reports.get(1).getPreviousTimestamp()).isEqualTo(reports.get(0).getTimestamp());
        assertThat(reports.get(1).getSequence()).isEqualTo(2L);
        final long sinceFirst = reports.get(1).getDeferralsByReasonSincePrevious().values().stream()
                .mapToLong(Long::longValue).sum();
        final long all = reports.get(1).getDeferralsByReason().values().stream().mapToLong(Long::longValue).sum();
        final long before = reports.get(0).getDeferralsByReason().values().stream().mapToLong(Long::longValue).sum();
        assertThat(sinceFirst).isEqualTo(all - before);
        assertThat(all).isEqualTo(reports.get(1).getDeferred());
    }

    private static Map<String, ReportSlice> bySlice(final BoundaryReport report) {
        return report.getLabels().stream().collect(Collectors.toMap(ReportSlice::getKey, s -> s));
    }

    @Test
    void shouldMeasurePerLabelAndPerLengthRatesOnStationaryTraffic() {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS.withHalfLifeRequests(1_000_000));
        final List<LabelSpec> labels = List.of(
                new LabelSpec("big", 3.0, p -> 0.7),
                new LabelSpec("small", 1.0, p -> 0.3));
        final SyntheticStream stream = new SyntheticStream(labels, 40_000, 9).surrogateErrors(0.0);
        while (stream.hasNext()) {
            stream.next(builder);
        }
        final BoundaryReport r = builder.build(stream.stats(stream.timestamp()), stream.timestamp());
        final Map<String, ReportSlice> slices = bySlice(r);
        assertThat(slices.get("big").getTrafficShare()).isCloseTo(0.75, within(0.03));
        assertThat(slices.get("small").getTrafficShare()).isCloseTo(0.25, within(0.03));
        // the gate opens after 5% of the stream: rates are diluted by that closed stretch
        assertThat(slices.get("big").getHandledRate()).isCloseTo(0.7 * 0.95, within(0.02));
        assertThat(slices.get("small").getHandledRate()).isCloseTo(0.3 * 0.95, within(0.02));
        assertThat(slices.get("big").getAccuracy()).isEqualTo(1.0);
        assertThat(slices.get("big").getAgreement()).isNotNull();
        assertThat(r.getLengthBuckets()).extracting(ReportSlice::getKey)
                .containsExactly("1-5", "6-10", "11-20", "21-40", "41+");
        assertThat(r.getLengthBuckets().stream().mapToLong(ReportSlice::getRequests).sum()).isEqualTo(40_000L);
        assertThat(r.getLengthBuckets().get(4).getRequests()).isGreaterThan(0L);
        // the cost projection follows the recent handled and audit rates
        final double handledRate = (double) r.getHandled() / r.getRequestsSeen();
        final double auditRate = (double) r.getAudited() / r.getRequestsSeen();
        assertThat(r.getCost().getCallsSavedPer1000()).isCloseTo(1000 * (handledRate - auditRate), within(15.0));
        assertThat(r.getCost().getMoneySaved()).isCloseTo(r.getCost().getLlmCallsSaved() * 0.002, within(1e-9));
        assertThat(r.getFrontier()).hasSize(5);
        // every example the LLM answered carries its label
        assertThat(r.getDeferredExamples()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLlmLabel()).isNotNull());
        assertThat(r.getHandledExamples()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLlmLabel() != null).isEqualTo(e.getReason() == Reason.AUDIT));
    }

    @Test
    void shouldIgnoreBadInputWithoutThrowing() {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS);
        builder.onDecision(null, "x");
        builder.onOutcome("r1", "x", null, "a", 0.5, true, 1.0);
        builder.onOutcome("r2", "x", "a", "a", 0.5, true, Double.NaN);
        builder.onGateEvent(null);
        assertThat(builder.ignored().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4L);
        final SyntheticStream stream = new SyntheticStream(plantedPlateau(), 10, 1);
        final BoundaryReport r = builder.build(stream.stats(0L), 0L);
        assertThat(r.getLabels()).isEmpty();
        assertThat(r.getCurve()).isEmpty();
    }

    @Test
    void shouldCarryTheTasksCountersAndFrontierFromItsStats() {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS);
        final SyntheticStream stream = new SyntheticStream(plantedPlateau(), 2_000, 4);
        final List<BoundaryReport> reports = run(stream, builder, 2_000);
        final BoundaryReport r = reports.get(0);
        assertThat(r.getTask()).isEqualTo(SyntheticStream.TASK);
        assertThat(r.getRequestsSeen()).isEqualTo(2_000L);
        assertThat(r.getAlpha()).isEqualTo(SyntheticStream.ALPHA);
        assertThat(r.getServedLearner()).isEqualTo("ncm");
        assertThat(r.getFrontier()).extracting(f -> f.getAlpha()).containsExactly(0.80, 0.85, 0.90, 0.95, 0.99);
        assertThat(r.getGateFlips()).hasSize(1);
        assertThat(r.getModelVersion()).startsWith("ncm@");
    }

    @Test
    void shouldProduceTheSameReportsAfterJavaSerialisation() throws Exception {
        final ReportBuilder original = new ReportBuilder(ReportConfig.DEFAULTS.withSeed(21));
        final SyntheticStream a = new SyntheticStream(plantedPlateau(), 8_000, 21);
        final SyntheticStream b = new SyntheticStream(plantedPlateau(), 8_000, 21);
        final ReportBuilder twin = new ReportBuilder(ReportConfig.DEFAULTS.withSeed(21));
        for (int i = 0; i < 4_000; i++) {
            a.next(original);
            b.next(twin);
        }
        original.build(a.stats(a.timestamp()), a.timestamp());
        twin.build(b.stats(b.timestamp()), b.timestamp());
        final ReportBuilder restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialise(twin)))) {
            restored = (ReportBuilder) in.readObject();
        }
        while (a.hasNext()) {
            a.next(original);
            b.next(restored);
        }
        final BoundaryReport expected = original.build(a.stats(a.timestamp()), a.timestamp());
        final BoundaryReport actual = restored.build(b.stats(b.timestamp()), b.timestamp());
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.getHandledExamples()).isNotEmpty();
    }

    @Test
    void shouldRoundTripItsReportsThroughAvroBinary() throws IOException {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS);
        final List<BoundaryReport> reports = run(new SyntheticStream(plantedPlateau(), 6_000, 8), builder, 3_000);
        final BoundaryReport report = reports.get(1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(BoundaryReport.class).write(report, encoder);
        encoder.flush();
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
        final BoundaryReport read = new SpecificDatumReader<>(BoundaryReport.class).read(null, decoder);
        assertThat(read).isEqualTo(report);
    }

    @Test
    void shouldRejectABadConfigNamingTheField() {
        assertThatThrownBy(() -> ReportConfig.DEFAULTS.withPlateau(1, 0.02, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plateauReports");
        assertThatThrownBy(() -> ReportConfig.DEFAULTS.withPricePerCall(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pricePerCall");
    }

    @Test
    void shouldNeverShowTheHashSaltInTheConfigsText() {
        final ReportConfig salted = ReportConfig.DEFAULTS.withHashTexts(true).withHashSalt("p3pper-secret");
        assertThat(salted.toString()).doesNotContain("p3pper-secret").contains("hashSalt=(set)").contains("hashTexts=true");
        assertThat(ReportConfig.DEFAULTS.toString()).contains("hashSalt=(none)").contains("maxLabels=500");
    }

    static byte[] serialise(final Object o) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }
}
