/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExampleTextsTest {

    private static ReportConfig maxChars(final int max) {
        final ReportConfig d = ReportConfig.DEFAULTS;
        return new ReportConfig(d.maxLabels(), d.examplesPerLabel(), d.examplesPerReason(), d.boundaryCandidates(),
                d.maxReportExamples(), d.maxBoundaryPairs(), d.plateauReports(), d.plateauMinGrowth(),
                d.plateauMinRequests(), d.plateauSaturation(), d.trendTolerance(), d.halfLifeRequests(), d.curveEvery(),
                d.curveMaxPoints(), d.maxPending(), d.maxGateFlips(), d.lengthEdges(), max, d.pricePerCall(),
                d.currency(), d.hashTexts(), d.hashSalt(), d.seed());
    }

    @Test
    void shouldCutLongTextsWithAnEllipsisAndNeverSplitASurrogatePair() {
        final ExampleTexts texts = new ExampleTexts(maxChars(10));
        assertThat(texts.stored(null)).isEmpty();
        assertThat(texts.stored("0123456789")).isEqualTo("0123456789");
        assertThat(texts.stored("0123456789A")).isEqualTo("012345678\u2026").hasSize(10);
        final String emoji = "01234567\uD83D\uDE00xyz"; // the 9th and 10th chars are one code point
        assertThat(texts.stored(emoji)).isEqualTo("01234567\u2026");
    }

    @Test
    void shouldKeepOnlyTheSaltedHashWhenTextsAreHashed() {
        final ExampleTexts texts = new ExampleTexts(ReportConfig.DEFAULTS.withHashTexts(true).withHashSalt("s"));
        final String stored = texts.stored("my card was declined");
        assertThat(stored).isEqualTo(TextHasher.hash("my card was declined", "s")).doesNotContain("card");
    }
}
