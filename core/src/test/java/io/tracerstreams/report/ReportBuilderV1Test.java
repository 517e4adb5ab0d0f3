/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.schema.BoundaryReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A builder serialised by the previous release (one class, before the split into parts; see
 * {@link ReportBuilderV1Fixture}) reads back into the parts and goes on exactly as the release's builder did,
 * answers to requests that were awaiting the LLM when it was serialised included.
 */
class ReportBuilderV1Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The cost fields added after the release that wrote the fixture (ReportCost evolves BACKWARD-compatibly). */
    private static final List<String> COST_FIELDS_SINCE_RELEASE = List.of("llm_calls_saved_fraction", "requests", "llm_calls");
    private static final List<String> REPORT_FIELDS_SINCE_RELEASE = List.of("label_thresholds");

    private static final Path FIXTURES = Path.of("src", "test", "resources", "report");

    private static byte[] gunzip(final String name) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve(name)))) {
            return in.readAllBytes();
        }
    }

    private static Object deserialise(final byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void shouldReadThePreviousReleasesBuilderAndBuildTheReportsItBuilt() throws Exception {
        final ReportBuilderV1Fixture.Feed feed = new ReportBuilderV1Fixture.Feed();
        final ReportBuilder scratch = new ReportBuilder(ReportBuilderV1Fixture.CONFIG);
        while (feed.index() < ReportBuilderV1Fixture.SERIALISED_AT) {
            feed.next(scratch); // the feed's own draws do not depend on the builder
        }
        final ReportBuilder restored = (ReportBuilder) deserialise(gunzip("report-builder-v1.ser.gz"));
        assertThat(restored.config()).isEqualTo(ReportBuilderV1Fixture.CONFIG);
        assertThat(restored.reportsBuilt()).isEqualTo(ReportBuilderV1Fixture.SERIALISED_AT / ReportBuilderV1Fixture.EVERY);
        assertThat(restored.retained().pendingOutcomes()).isGreaterThan(100);
        assertBuildsTheReleasesReports(feed, restored);
    }

    @Test
    void shouldBuildTheReleasesReportsAfterItsBuilderWentThroughTheAvroState() throws Exception {
        final ReportBuilderV1Fixture.Feed feed = new ReportBuilderV1Fixture.Feed();
        final ReportBuilder scratch = new ReportBuilder(ReportBuilderV1Fixture.CONFIG);
        while (feed.index() < ReportBuilderV1Fixture.SERIALISED_AT) {
            feed.next(scratch);
        }
        final ReportBuilder read = (ReportBuilder) deserialise(gunzip("report-builder-v1.ser.gz"));
        final ReportBuilder migrated = ReportBuilder.fromState(
                ReportStateTest.decode(ReportStateTest.encode(read.toState())), ReportBuilderV1Fixture.CONFIG);
        assertThat(migrated.retained()).isEqualTo(read.retained());
        assertBuildsTheReleasesReports(feed, migrated);
    }

    /** Feeds the rest of the fixture's stream and compares the reports with those the release built. */
    private static void assertBuildsTheReleasesReports(final ReportBuilderV1Fixture.Feed feed,
                                                       final ReportBuilder restored) throws IOException {
        final List<BoundaryReport> reports = new ArrayList<>();
        while (feed.index() < ReportBuilderV1Fixture.TOTAL) {
            feed.next(restored);
            if (feed.index() % ReportBuilderV1Fixture.EVERY == 0) {
                reports.add(restored.build(feed.stats(), feed.timestamp()));
            }
        }
        final String expected = new String(gunzip("report-builder-v1.expected.json.gz"), StandardCharsets.UTF_8);
        final JsonNode actual = JSON.readTree(ReportJson.toJson(reports, RenderOptions.DEFAULTS));
        // the release's reports had no headline fraction in their cost and no per-label thresholds: compare everything
        // they had
        actual.forEach(report -> ((ObjectNode) report.get("cost")).remove(COST_FIELDS_SINCE_RELEASE));
        actual.forEach(report -> ((ObjectNode) report).remove(REPORT_FIELDS_SINCE_RELEASE));
        assertThat(actual).isEqualTo(JSON.readTree(expected));
        // the fixture exercises every part: pooled labels, plateaus, pairs, both example kinds, a thinned curve
        final BoundaryReport last = reports.get(reports.size() - 1);
        assertThat(last.getLabels()).extracting(s -> s.getKey()).contains(ReportBuilder.OTHER_LABEL);
        assertThat(last.getPlateaus()).isNotEmpty();
        assertThat(last.getBoundaryPairs()).isNotEmpty();
        assertThat(last.getHandledExamples()).isNotEmpty();
        assertThat(last.getDeferredExamples()).isNotEmpty();
        assertThat(last.getGateFlips()).hasSize(3);
        assertThat(restored.pendingDropped()).isGreaterThan(0);
    }

    @Test
    void shouldWriteThisVersionsFormAndReadItBack() throws Exception {
        final ReportBuilder restored = (ReportBuilder) deserialise(gunzip("report-builder-v1.ser.gz"));
        final ReportBuilder again = (ReportBuilder) deserialise(ReportBuilderTest.serialise(restored));
        assertThat(again.retained()).isEqualTo(restored.retained());
        assertThat(again.config()).isEqualTo(restored.config());
        final ReportBuilderV1Fixture.Feed a = new ReportBuilderV1Fixture.Feed();
        final ReportBuilderV1Fixture.Feed b = new ReportBuilderV1Fixture.Feed();
        while (a.index() < ReportBuilderV1Fixture.TOTAL) {
            a.next(restored);
            b.next(again);
        }
        assertThat(again.build(b.stats(), b.timestamp())).isEqualTo(restored.build(a.stats(), a.timestamp()));
    }

    @Test
    void shouldRefuseABuilderWithoutItsParts() throws Exception {
        final byte[] bytes = ReportBuilderTest.serialise(new ReportBuilder(ReportConfig.DEFAULTS));
        // rename the field "labelSlices" in the class descriptor: a form with neither the parts nor the release's fields
        final String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("labelSlices", "labelSlicez");
        assertThatThrownBy(() -> deserialise(text.getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(InvalidObjectException.class);
    }
}
