/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import java.io.Serializable;

/**
 * Verification of an agreement window that rests on backfilled traces. A trace log may flatter the
 * surrogate, so while fewer than half of the last N traces were routed live, handled requests are audited with
 * probability {@link TaskConfig#verificationAuditProbability()} (1.0 by default) and the gate's served
 * threshold may move up as well as down. Verification ends once live outcomes fill half the window, or once
 * N/2 live traces were learned since the window last rested on backfill alone (backfill may keep flowing
 * beside live traffic: an LLM also called outside the router); it starts afresh whenever the window again
 * holds backfilled traces only.
 *
 * <p>Keeps one bit per window position (whether that trace was routed by tracer). Not thread-safe.
 */
final class BackfillVerification implements Serializable {

    private static final long serialVersionUID = 1L;

    private final boolean[] liveRing; // per window position: whether that trace was routed by tracer (not backfill)
    private double verificationAuditProbability; // the current settings' (see withAuditProbability)
    private int liveInRing;
    private int verifiedLive; // live traces learned during the current verification
    private long traces;

    /**
     * @param windowSize                   N, the agreement window's length
     * @param verificationAuditProbability audit probability while verifying
     */
    BackfillVerification(final int windowSize, final double verificationAuditProbability) {
        this.liveRing = new boolean[windowSize];
        this.verificationAuditProbability = verificationAuditProbability;
    }

    /**
     * Whether the window is being verified on live traffic: fewer than half of the last N traces were routed
     * live, and fewer than N/2 live traces were learned since the window last rested on backfilled traces
     * alone.
     */
    boolean active() {
        final long inWindow = Math.min(traces, liveRing.length);
        return inWindow > 0 && 2L * liveInRing < inWindow && 2L * verifiedLive < liveRing.length;
    }

    /** The audit probability of a handled request: the gate's, raised to the verification rate while verifying. */
    double auditProbability(final double gateAuditProbability) {
        return active() ? Math.max(gateAuditProbability, verificationAuditProbability) : gateAuditProbability;
    }

    /** Records one learned trace: live (routed by tracer: deferred or audited) or backfilled. */
    void onTrace(final boolean live) {
        if (live && active()) {
            verifiedLive++;
        }
        final int pos = (int) (traces % liveRing.length);
        liveInRing += (live ? 1 : 0) - (liveRing[pos] ? 1 : 0);
        liveRing[pos] = live;
        traces++;
        if (liveInRing == 0 && traces >= liveRing.length) {
            verifiedLive = 0; // the window rests on the log alone: verify afresh
        }
    }
    /** Whether this verification has a ring of {@code windowSize} positions. */
    boolean hasWindow(final int windowSize) {
        return liveRing.length == windowSize;
    }

    /**
     * The task's settings on restore (the settings of now, not those of the snapshot): from now on, audit with their
     * verification probability. Whatever else of this state depends on the settings must follow them here.
     */
    void reconfigure(final TaskConfig current) {
        this.verificationAuditProbability = current.verificationAuditProbability();
    }
}
