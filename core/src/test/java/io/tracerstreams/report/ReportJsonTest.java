/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.ReportCurvePoint;
import io.tracerstreams.schema.ReportSlice;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldUseTheSchemasFieldNamesAndPlainValues() throws Exception {
        final List<BoundaryReport> reports = HtmlReportTest.sample(ReportConfig.DEFAULTS).reports();
        final JsonNode array = MAPPER.readTree(ReportJson.toJson(reports, RenderOptions.DEFAULTS));
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(reports.size());
        final JsonNode last = array.get(array.size() - 1);
        final BoundaryReport report = reports.get(reports.size() - 1);
        assertThat(fieldNames(last)).containsExactlyElementsOf(names(BoundaryReport.getClassSchema()));
        assertThat(fieldNames(last.get("labels").get(0))).containsExactlyElementsOf(names(ReportSlice.getClassSchema()));
        assertThat(last.get("task").asText()).isEqualTo(report.getTask());
        assertThat(last.get("timestamp").asLong()).isEqualTo(report.getTimestamp().toEpochMilli());
        assertThat(last.get("gate_state").asText()).isEqualTo("OPEN");
        // unions are plain values, not {"double": ...}
        assertThat(last.get("threshold").isNumber()).isTrue();
        assertThat(last.get("threshold").asDouble()).isEqualTo(report.getThreshold());
        assertThat(last.get("cost").get("price_per_call").asDouble()).isEqualTo(0.002);
        assertThat(last.get("deferrals_by_reason").get("LOW_SCORE").asLong())
                .isEqualTo(report.getDeferralsByReason().get("LOW_SCORE"));
        assertThat(last.get("frontier").get(4).get("threshold").isNull()).isTrue();
        assertThat(last.get("plateaus").get(0).get("handled_rates").size()).isEqualTo(5);
    }

    @Test
    void shouldWriteNonFiniteNumbersAsNull() throws Exception {
        final ReportCurvePoint point = ReportCurvePoint.newBuilder().setRequestsSeen(10).setCoverage(Double.NaN)
                .setAgreement(Double.POSITIVE_INFINITY).setTimestamp(Instant.ofEpochMilli(5)).build();
        final JsonNode node = MAPPER.readTree(ReportJson.toTree(point).toString());
        assertThat(node.get("coverage").isNull()).isTrue();
        assertThat(node.get("agreement").isNull()).isTrue();
        assertThat(node.get("requests_seen").asLong()).isEqualTo(10L);
        assertThat(node.get("timestamp").asLong()).isEqualTo(5L);
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new ArrayList<>();
        final Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static List<String> names(final Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }
}
