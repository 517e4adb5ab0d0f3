/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.state.ReportSettingsState;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link ReportBuilder}: its memory caps, decay, plateau rule, price and privacy switch.
 * Immutable and validated: a bad value fails at construction with a message naming the field. Every cap
 * bounds the builder's memory whatever the stream length.
 *
 * @param maxLabels          labels tracked one by one; later labels are pooled under {@value ReportBuilder#OTHER_LABEL}
 * @param examplesPerLabel   handled examples sampled per label and report interval (seeded reservoir)
 * @param examplesPerReason  deferred examples sampled per deferral reason and report interval
 * @param boundaryCandidates recent handled and recent deferred requests kept per label for boundary pairs
 * @param maxReportExamples  handled (and deferred) examples a report carries at most
 * @param maxBoundaryPairs   boundary pairs a report carries at most (the busiest labels first)
 * @param plateauReports     K: report intervals plateau detection looks back over, at least 2
 * @param plateauMinGrowth   a label plateaus when its handled rate grew by less than this over the K intervals
 * @param plateauMinRequests requests a label needs over the K intervals to be judged at all
 * @param plateauSaturation  a label handled at this rate or more is saturated, not plateaued
 * @param trendTolerance     a handled-rate move smaller than this since the previous report is FLAT
 * @param halfLifeRequests   half-life, in requests, of the exponential decay behind every rate
 * @param curveEvery         requests per coverage-curve point at the start (doubled each time the curve is thinned)
 * @param curveMaxPoints     coverage-curve points kept at most; beyond it neighbours are merged pairwise
 * @param maxPending         requests awaiting their LLM answer (deferred or audited) kept at most, oldest dropped first
 * @param maxGateFlips       gate events kept (the most recent)
 * @param lengthEdges        upper bounds of the input-length buckets in words, increasing (e.g. 5, 10, 20, 40)
 * @param maxTextChars       example texts are cut to this many characters
 * @param pricePerCall       price of one LLM call, for the cost projection
 * @param currency           the unit of pricePerCall
 * @param hashTexts          privacy switch: keep and show only hashes of the example texts
 * @param hashSalt           secret mixed into the hashes (HMAC-SHA256) so short texts cannot be guessed; may be empty
 * @param seed               seed of the example reservoirs
 */
public record ReportConfig(
        int maxLabels,
        int examplesPerLabel,
        int examplesPerReason,
        int boundaryCandidates,
        int maxReportExamples,
        int maxBoundaryPairs,
        int plateauReports,
        double plateauMinGrowth,
        long plateauMinRequests,
        double plateauSaturation,
        double trendTolerance,
        long halfLifeRequests,
        int curveEvery,
        int curveMaxPoints,
        int maxPending,
        int maxGateFlips,
        List<Integer> lengthEdges,
        int maxTextChars,
        double pricePerCall,
        String currency,
        boolean hashTexts,
        String hashSalt,
        long seed) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The defaults: 500 labels, 3 examples per label, 6 per reason, 16 boundary candidates, 24 examples and
     * 40 pairs per report, plateau over K = 5 reports (growth under 0.02, 50 requests, saturation 0.98),
     * half-life 2,000 requests, a curve point per 100 requests (200 points at most), 10,000 requests
     * awaiting the LLM, 100 gate events, buckets 1-5/6-10/11-20/21-40/41+ words, texts cut at 240 characters,
     * 0.002 USD per call, texts in clear.
     */
    public static final ReportConfig DEFAULTS = new ReportConfig(500, 3, 6, 16, 24, 40, 5, 0.02, 50, 0.98, 0.02,
            2_000, 100, 200, 10_000, 100, List.of(5, 10, 20, 40), 240, 0.002, "USD", false, "", 1L);

    public ReportConfig {
        check(maxLabels >= 1, "maxLabels", maxLabels, "must be at least 1");
        check(examplesPerLabel >= 0, "examplesPerLabel", examplesPerLabel, "must not be negative");
        check(examplesPerReason >= 0, "examplesPerReason", examplesPerReason, "must not be negative");
        check(boundaryCandidates >= 1, "boundaryCandidates", boundaryCandidates, "must be at least 1");
        check(maxReportExamples >= 0, "maxReportExamples", maxReportExamples, "must not be negative");
        check(maxBoundaryPairs >= 0, "maxBoundaryPairs", maxBoundaryPairs, "must not be negative");
        check(plateauReports >= 2 && plateauReports <= 100, "plateauReports", plateauReports, "must be in [2, 100]");
        check(plateauMinGrowth >= 0.0 && plateauMinGrowth < 1.0, "plateauMinGrowth", plateauMinGrowth,
                "must be in [0, 1)");
        check(plateauMinRequests >= 1, "plateauMinRequests", plateauMinRequests, "must be at least 1");
        check(plateauSaturation > 0.0 && plateauSaturation <= 1.0, "plateauSaturation", plateauSaturation,
                "must be in (0, 1]");
        check(trendTolerance >= 0.0 && trendTolerance < 1.0, "trendTolerance", trendTolerance, "must be in [0, 1)");
        check(halfLifeRequests >= 1, "halfLifeRequests", halfLifeRequests, "must be at least 1");
        check(curveEvery >= 1, "curveEvery", curveEvery, "must be at least 1");
        check(curveMaxPoints >= 4, "curveMaxPoints", curveMaxPoints, "must be at least 4");
        check(maxPending >= 0, "maxPending", maxPending, "must not be negative");
        check(maxGateFlips >= 0, "maxGateFlips", maxGateFlips, "must not be negative");
        Objects.requireNonNull(lengthEdges, "lengthEdges");
        lengthEdges = List.copyOf(lengthEdges);
        int previous = 0;
        for (final int edge : lengthEdges) {
            check(edge > previous, "lengthEdges", lengthEdges, "must be positive and strictly increasing");
            previous = edge;
        }
        check(maxTextChars >= 8, "maxTextChars", maxTextChars, "must be at least 8");
        check(pricePerCall >= 0.0 && Double.isFinite(pricePerCall), "pricePerCall", pricePerCall,
                "must be a finite non-negative number");
        check(currency != null && !currency.isBlank(), "currency", currency, "must not be blank");
        check(hashSalt != null, "hashSalt", hashSalt, "must not be null (use \"\" for no salt)");
    }

    /** A copy with the privacy switch set. */
    public ReportConfig withHashTexts(final boolean newHashTexts) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, newHashTexts, hashSalt, seed);
    }

    /** A copy with a hash salt (only used when texts are hashed). */
    public ReportConfig withHashSalt(final String newHashSalt) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, hashTexts, newHashSalt, seed);
    }

    /** A copy with another price per LLM call. */
    public ReportConfig withPricePerCall(final double newPricePerCall) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, newPricePerCall, currency, hashTexts, hashSalt, seed);
    }

    /** A copy with another seed. */
    public ReportConfig withSeed(final long newSeed) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, hashTexts, hashSalt, newSeed);
    }

    /** A copy with another plateau rule. */
    public ReportConfig withPlateau(final int reports, final double minGrowth, final long minRequests) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, reports, minGrowth, minRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, hashTexts, hashSalt, seed);
    }

    /** A copy with another decay half-life. */
    public ReportConfig withHalfLifeRequests(final long newHalfLife) {
        return new ReportConfig(maxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, newHalfLife, curveEvery, curveMaxPoints, maxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, hashTexts, hashSalt, seed);
    }

    /** A copy with other memory caps (labels, pending deferrals, curve points). */
    public ReportConfig withCaps(final int newMaxLabels, final int newMaxPending, final int newCurveMaxPoints) {
        return new ReportConfig(newMaxLabels, examplesPerLabel, examplesPerReason, boundaryCandidates,
                maxReportExamples, maxBoundaryPairs, plateauReports, plateauMinGrowth, plateauMinRequests,
                plateauSaturation, trendTolerance, halfLifeRequests, curveEvery, newCurveMaxPoints, newMaxPending,
                maxGateFlips, lengthEdges, maxTextChars, pricePerCall, currency, hashTexts, hashSalt, seed);
    }

    /**
     * The settings as a snapshot stores them: every field but the hash salt, a secret, which is stored only as its
     * {@link #hashSaltFingerprint()}.
     */
    public ReportSettingsState toState() {
        return ReportSettingsState.newBuilder()
                .setMaxLabels(maxLabels)
                .setExamplesPerLabel(examplesPerLabel)
                .setExamplesPerReason(examplesPerReason)
                .setBoundaryCandidates(boundaryCandidates)
                .setMaxReportExamples(maxReportExamples)
                .setMaxBoundaryPairs(maxBoundaryPairs)
                .setPlateauReports(plateauReports)
                .setPlateauMinGrowth(plateauMinGrowth)
                .setPlateauMinRequests(plateauMinRequests)
                .setPlateauSaturation(plateauSaturation)
                .setTrendTolerance(trendTolerance)
                .setHalfLifeRequests(halfLifeRequests)
                .setCurveEvery(curveEvery)
                .setCurveMaxPoints(curveMaxPoints)
                .setMaxPending(maxPending)
                .setMaxGateFlips(maxGateFlips)
                .setLengthEdges(lengthEdges)
                .setMaxTextChars(maxTextChars)
                .setPricePerCall(pricePerCall)
                .setCurrency(currency)
                .setHashTexts(hashTexts)
                .setHashSaltFingerprint(hashSaltFingerprint())
                .setSeed(seed)
                .build();
    }

    /**
     * The settings a snapshot stores ({@link #toState()}), with the hash salt of now.
     *
     * @param state    the stored settings
     * @param hashSalt the hash salt that applies now (the snapshot holds only its fingerprint)
     * @throws IllegalArgumentException when a stored setting does not validate (naming the field), or texts are
     *                                  hashed and the snapshot was written under another hash salt
     */
    public static ReportConfig fromState(final ReportSettingsState state, final String hashSalt) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(hashSalt, "hashSalt");
        final ReportConfig config = new ReportConfig(state.getMaxLabels(), state.getExamplesPerLabel(),
                state.getExamplesPerReason(), state.getBoundaryCandidates(), state.getMaxReportExamples(),
                state.getMaxBoundaryPairs(), state.getPlateauReports(), state.getPlateauMinGrowth(),
                state.getPlateauMinRequests(), state.getPlateauSaturation(), state.getTrendTolerance(),
                state.getHalfLifeRequests(), state.getCurveEvery(), state.getCurveMaxPoints(), state.getMaxPending(),
                state.getMaxGateFlips(), state.getLengthEdges(), state.getMaxTextChars(), state.getPricePerCall(),
                state.getCurrency(), state.getHashTexts(), hashSalt, state.getSeed());
        // the salt matters only to hashed texts
        if (config.hashTexts() && !config.hashSaltFingerprint().equals(state.getHashSaltFingerprint())) {
            throw new IllegalArgumentException("report config field 'hashSalt' is not the one the state was written "
                    + "under (fingerprint " + state.getHashSaltFingerprint() + ")");
        }
        return config;
    }

    /**
     * A fingerprint of the hash salt: the hash of a fixed text keyed by it ({@link TextHasher}), so a stored state
     * can tell a changed salt without holding the salt.
     */
    public String hashSaltFingerprint() {
        return TextHasher.hash("tracer report hash salt", hashSalt);
    }

    /**
     * Every field but the hash salt, a secret, shown only as set or not: this text goes into gate events (a changed
     * report setting) and from there into reports and snapshots.
     */
    @Override
    public String toString() {
        return "ReportConfig[maxLabels=" + maxLabels + ", examplesPerLabel=" + examplesPerLabel + ", examplesPerReason="
                + examplesPerReason + ", boundaryCandidates=" + boundaryCandidates + ", maxReportExamples="
                + maxReportExamples + ", maxBoundaryPairs=" + maxBoundaryPairs + ", plateauReports=" + plateauReports
                + ", plateauMinGrowth=" + plateauMinGrowth + ", plateauMinRequests=" + plateauMinRequests
                + ", plateauSaturation=" + plateauSaturation + ", trendTolerance=" + trendTolerance
                + ", halfLifeRequests=" + halfLifeRequests + ", curveEvery=" + curveEvery + ", curveMaxPoints="
                + curveMaxPoints + ", maxPending=" + maxPending + ", maxGateFlips=" + maxGateFlips + ", lengthEdges="
                + lengthEdges + ", maxTextChars=" + maxTextChars + ", pricePerCall=" + pricePerCall + ", currency="
                + currency + ", hashTexts=" + hashTexts + ", hashSalt=" + (hashSalt.isEmpty() ? "(none)" : "(set)")
                + ", seed=" + seed + "]";
    }

    private static void check(final boolean ok, final String field, final Object value, final String rule) {
        if (!ok) {
            throw new IllegalArgumentException("report config field '" + field + "' " + rule + " (got " + value + ")");
        }
    }
}
