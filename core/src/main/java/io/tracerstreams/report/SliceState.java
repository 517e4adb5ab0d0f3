/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import io.tracerstreams.schema.state.ReportSliceState;

import java.io.Serializable;

/**
 * One slice of the traffic (a label or an input-length bucket): cumulative counts, decayed rates, the bar
 * its requests were last routed against, and what the previous report said (for deltas and trends).
 */
final class SliceState implements Serializable {

    private static final long serialVersionUID = 1L;

    final String key;
    long requests;
    long handled;
    long outcomes;
    private final DecayedSum recentRequests;
    private final DecayedSum recentHandled;
    private final DecayedSum agreeSum;
    private final DecayedSum agreeWeight;
    private final DecayedSum accSum;
    private final DecayedSum accWeight;
    Double threshold;
    private long thresholdTick = -1;
    private Double previousHandledRate;
    private Double previousShare;

    SliceState(final String key) {
        this(key, 0, 0, 0, new DecayedSum[] {new DecayedSum(), new DecayedSum(), new DecayedSum(), new DecayedSum(),
            new DecayedSum(), new DecayedSum()}, null, -1, null, null);
    }

    /** A slice restored from the previous release's serial form (see {@link ReportBuilderV1}). */
    SliceState(final String key, final long requests, final long handled, final long outcomes, final DecayedSum[] sums,
               final Double threshold, final long thresholdTick, final Double previousHandledRate,
               final Double previousShare) {
        this.key = key;
        this.requests = requests;
        this.handled = handled;
        this.outcomes = outcomes;
        this.recentRequests = sums[0];
        this.recentHandled = sums[1];
        this.agreeSum = sums[2];
        this.agreeWeight = sums[3];
        this.accSum = sums[4];
        this.accWeight = sums[5];
        this.threshold = threshold;
        this.thresholdTick = thresholdTick;
        this.previousHandledRate = previousHandledRate;
        this.previousShare = previousShare;
    }

    /** One request of this slice. */
    void addRequest(final boolean wasHandled, final long now, final double factor) {
        requests++;
        recentRequests.add(1.0, now, factor);
        if (wasHandled) {
            handled++;
            recentHandled.add(1.0, now, factor);
        }
    }

    /** Records the bar a request of this slice was routed against, unless a later one is known. */
    void serveThreshold(final Double served, final long at) {
        if (served != null && at >= thresholdTick) {
            threshold = served;
            thresholdTick = at;
        }
    }

    /** One outcome: {@code agree} of {@code weight} agreed; {@code accepted} when its score clears the bar. */
    void addOutcome(final double agree, final double weight, final boolean accepted, final long now,
                    final double factor) {
        outcomes++;
        accSum.add(agree, now, factor);
        accWeight.add(weight, now, factor);
        if (accepted) {
            agreeSum.add(agree, now, factor);
            agreeWeight.add(weight, now, factor);
        }
    }

    double handledRate(final long now, final double factor) {
        return DecayedSum.ratio(recentHandled, recentRequests, now, factor);
    }

    /** The slice as reported; {@code total} is the decayed traffic of all slices of its kind. */
    ReportSlice toAvro(final DecayedSum total, final long now, final double factor, final double trendTolerance) {
        final double share = DecayedSum.ratio(recentRequests, total, now, factor);
        final double rate = handledRate(now, factor);
        final Double rateDelta = previousHandledRate == null ? null : rate - previousHandledRate;
        final ReportTrend trend;
        if (rateDelta == null) {
            trend = ReportTrend.NEW;
        } else if (rateDelta > trendTolerance) {
            trend = ReportTrend.UP;
        } else if (rateDelta < -trendTolerance) {
            trend = ReportTrend.DOWN;
        } else {
            trend = ReportTrend.FLAT;
        }
        final double agreeW = agreeWeight.get(now, factor);
        final double accW = accWeight.get(now, factor);
        return ReportSlice.newBuilder()
                .setKey(key)
                .setRequests(requests)
                .setHandled(handled)
                .setOutcomes(outcomes)
                .setTrafficShare(share)
                .setHandledRate(rate)
                .setAgreement(agreeW > DecayedSum.SMALL ? agreeSum.get(now, factor) / agreeW : null)
                .setAgreementWeight(agreeW)
                .setAccuracy(accW > DecayedSum.SMALL ? accSum.get(now, factor) / accW : null)
                .setThreshold(threshold)
                .setHandledRateDelta(rateDelta)
                .setTrafficShareDelta(previousShare == null ? null : share - previousShare)
                .setTrend(trend)
                .build();
    }

    /** Remembers the rate and share now, for the next report's deltas. */
    void remember(final DecayedSum total, final long now, final double factor) {
        previousHandledRate = handledRate(now, factor);
        previousShare = DecayedSum.ratio(recentRequests, total, now, factor);
    }

    /** The slice as stored. */
    ReportSliceState toState() {
        return ReportSliceState.newBuilder()
                .setKey(key)
                .setRequests(requests)
                .setHandled(handled)
                .setOutcomes(outcomes)
                .setRecentRequests(recentRequests.toState())
                .setRecentHandled(recentHandled.toState())
                .setAgreeSum(agreeSum.toState())
                .setAgreeWeight(agreeWeight.toState())
                .setAccSum(accSum.toState())
                .setAccWeight(accWeight.toState())
                .setThreshold(threshold)
                .setThresholdTick(thresholdTick)
                .setPreviousHandledRate(previousHandledRate)
                .setPreviousShare(previousShare)
                .build();
    }

    /**
     * A slice as stored ({@link #toState()}).
     *
     * @throws IllegalArgumentException naming {@code field} when its counts do not validate
     */
    static SliceState fromState(final ReportSliceState s, final String field) {
        if (s.getKey() == null || s.getRequests() < 0 || s.getHandled() < 0 || s.getHandled() > s.getRequests()
                || s.getOutcomes() < 0) {
            throw new IllegalArgumentException("report state '" + field + "' has bad counts (requests "
                    + s.getRequests() + ", handled " + s.getHandled() + ", outcomes " + s.getOutcomes() + ")");
        }
        return new SliceState(s.getKey(), s.getRequests(), s.getHandled(), s.getOutcomes(), new DecayedSum[] {
            DecayedSum.fromState(s.getRecentRequests()), DecayedSum.fromState(s.getRecentHandled()),
            DecayedSum.fromState(s.getAgreeSum()), DecayedSum.fromState(s.getAgreeWeight()),
            DecayedSum.fromState(s.getAccSum()), DecayedSum.fromState(s.getAccWeight())}, s.getThreshold(),
            s.getThresholdTick(), s.getPreviousHandledRate(), s.getPreviousShare());
    }
}
