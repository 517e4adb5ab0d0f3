/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.Reason;

/** Small builders shared by the tests of the report's parts. */
final class ReportPartsFixtures {

    private ReportPartsFixtures() {
    }

    /** A handled request of a label with a score, routed against a bar. */
    static KeptExample handled(final String id, final String label, final double score, final Double threshold) {
        return new KeptExample(id, "text " + id, true, Reason.CONFIDENT.name(), label, score, threshold, 2, 0L, true);
    }

    /** A deferred request (low score) of a label with a score, routed against a bar. */
    static KeptExample deferred(final String id, final String label, final double score, final Double threshold) {
        return new KeptExample(id, "text " + id, false, Reason.LOW_SCORE.name(), label, score, threshold, 2, 0L, true);
    }

    /** The defaults with other caps on candidates, pairs, examples and gate events. */
    static ReportConfig config(final int boundaryCandidates, final int maxBoundaryPairs, final int examplesPerLabel,
                               final int examplesPerReason, final int maxReportExamples, final int maxGateFlips) {
        final ReportConfig d = ReportConfig.DEFAULTS;
        return new ReportConfig(d.maxLabels(), examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, d.plateauReports(), d.plateauMinGrowth(), d.plateauMinRequests(),
                d.plateauSaturation(), d.trendTolerance(), d.halfLifeRequests(), d.curveEvery(), d.curveMaxPoints(),
                d.maxPending(), maxGateFlips, d.lengthEdges(), d.maxTextChars(), d.pricePerCall(), d.currency(),
                d.hashTexts(), d.hashSalt(), d.seed());
    }
}
