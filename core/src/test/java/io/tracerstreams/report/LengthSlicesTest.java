/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportSlice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LengthSlicesTest {

    @Test
    void shouldPutEveryLengthInTheBucketItsEdgesName() {
        final LengthSlices lengths = new LengthSlices(ReportConfig.DEFAULTS);
        for (int words = 0; words <= 100; words++) {
            final String key = lengths.bucket(words).key;
            final String expected = words <= 5 ? "1-5" : words <= 10 ? "6-10" : words <= 20 ? "11-20"
                    : words <= 40 ? "21-40" : "41+";
            assertThat(key).as("%d words", words).isEqualTo(expected);
        }
    }

    @Test
    void shouldCountEveryRequestOnceAndReportEveryBucketShortestFirst() {
        final LengthSlices lengths = new LengthSlices(ReportConfig.DEFAULTS);
        long tick = 0;
        for (int words = 1; words <= 50; words++) {
            lengths.addRequest(words, words % 2 == 0, ++tick, 1.0);
        }
        final List<ReportSlice> report = lengths.report(tick, 1.0);
        assertThat(report).extracting(ReportSlice::getKey).containsExactly("1-5", "6-10", "11-20", "21-40", "41+");
        assertThat(report).extracting(ReportSlice::getRequests).containsExactly(5L, 5L, 10L, 20L, 10L);
        assertThat(report).extracting(ReportSlice::getHandled).containsExactly(2L, 3L, 5L, 10L, 5L);
        assertThat(report.get(3).getTrafficShare()).isEqualTo(0.4);
    }

    @Test
    void shouldCountWordsSeparatedByAnyWhitespace() {
        assertThat(ExampleTexts.words(null)).isZero();
        assertThat(ExampleTexts.words("   ")).isZero();
        assertThat(ExampleTexts.words("one")).isEqualTo(1);
        assertThat(ExampleTexts.words("  two\twords\n and\u2003more ")).isEqualTo(4);
    }
}
