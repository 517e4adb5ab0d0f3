/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.ChangeDetector;
import io.tracerstreams.gate.SequentialAgreementCheck;
import io.tracerstreams.gate.SequentialAgreementCheck.Verdict;
import io.tracerstreams.schema.state.VerificationState;

import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * Verification of the served gate on live traffic, ended by evidence, not by a count. While a verification
 * runs, handled requests are audited with probability {@link TaskConfig#verificationAuditProbability()} (1.0 by
 * default), the gate's served threshold may move up as well as down, and every audited handled request feeds an
 * anytime-valid {@link SequentialAgreementCheck} of its agreement against alpha (at the task's delta):
 * <ul>
 *   <li>CONFIRMED: the handled traffic agrees at alpha or better; verification ends and audits fall back to
 *   epsilon (at agreement 0.95 against alpha 0.90 about 180 audits settle it);</li>
 *   <li>REFUTED: the engine closes the gate at once (reason LIVE_AGREEMENT_REFUTED) and drops the window
 *   contents from before the verification began ({@link #tracesSinceStart()}): live traffic showed them
 *   stale;</li>
 *   <li>N/2 audited outcomes without a verdict, or N live traces since the start (by then the window holds live
 *   outcomes only: deferred ones at weight 1 and audited ones): verification ends (the worst case). The count is
 *   of audited outcomes, not of live traces, because the gate serves a stricter threshold while verifying
 *   ({@code ParityGate#verificationIndex}): most live traces are then deferred ones, and a count of those
 *   could end a verification that audited only a few handled requests.</li>
 * </ul>
 * A verification starts
 * <ol>
 *   <li>when the window rests on backfill: fewer than half of the last N traces were routed live (a trace log
 *   may flatter the surrogate); once settled it starts afresh only when the window again holds backfilled traces
 *   alone;</li>
 *   <li>whenever the gate opens ({@link #onGateOpened}): the window it opened on was chosen, live traffic checks
 *   it (this is also what lets the gate open on a part-filled window: the audits of a verification have weights
 *   near 1 and do not collapse the effective size);</li>
 *   <li>when the {@link ChangeDetector}, fed every live LLM answer of the served surrogate (deferred and audited)
 *   while the gate is open, raises an alarm: the LLM may have changed its mind. Its estimate of the change point
 *   extends the stretch dropped on a refutation back to the change.</li>
 * </ol>
 *
 * <p>State: one bit per window position (whether that trace was routed by tracer), the running test and the
 * detector, a few counters; for snapshots {@link #toState()} / {@link #fromState} (serializable only for snapshots
 * of earlier formats). Not thread-safe.
 */
final class BackfillVerification implements Serializable {

    // 1 still: the fields added with the sequential test are a compatible change (a snapshot of the previous
    // release reads them as 0 / null, and EngineRestore applies the current settings through reconfigure)
    private static final long serialVersionUID = 1L;

    /** Evidence of change (log M) below which audits are not raised. */
    static final double EVIDENCE_FREE = 0.0;

    private final boolean[] liveRing; // per window position: whether that trace was routed by tracer (not backfill)
    private double verificationAuditProbability; // the current settings' (see setAuditProbability)
    private double alpha;
    private double delta;
    private ChangeDetector detector;          // null in a snapshot of the previous release: see detector()
    private int liveInRing;
    private long traces;
    private boolean backfillSettled;          // the current backfill episode was verified
    private SequentialAgreementCheck test;     // non-null while a verification runs
    private SequentialAgreementCheck last;     // the test of the last verification that ended
    private boolean onAlarm;                   // the running verification was started by the change detector
    private long liveSinceStart;
    private long tracesSinceStart;
    private long verifications;
    private long confirmed;
    private long refuted;

    /**
     * @param windowSize                   N, the agreement window's length
     * @param verificationAuditProbability audit probability while verifying
     * @param alpha                        the promised agreement
     * @param delta                        error probability of each verdict of the sequential test
     */
    BackfillVerification(final int windowSize, final double verificationAuditProbability, final double alpha,
                         final double delta) {
        this.liveRing = new boolean[windowSize];
        this.verificationAuditProbability = verificationAuditProbability;
        this.alpha = alpha;
        this.delta = delta;
        this.detector = new ChangeDetector();
    }

    /** Whether a verification runs (or is due: the window rests on backfill and that was not verified yet). */
    boolean active() {
        return test != null || (backfillCondition() && !backfillSettled);
    }

    private boolean backfillCondition() {
        final long inWindow = Math.min(traces, liveRing.length);
        return inWindow > 0 && 2L * liveInRing < inWindow;
    }

    /**
     * The audit probability of a handled request: the gate's, raised to the verification rate while verifying;
     * otherwise raised with the change detector's evidence M up to the verification rate:
     * p = p_gate max(1, M / e^{@value #EVIDENCE_FREE}). Audits grow with the first signs of a change and show it
     * sooner; while the detector sees nothing log M sits at 0 and audits stay at epsilon. The cost is more audits
     * (and varying audit weights) on stationary traffic whenever log M wanders up: on Banking77 at alpha 0.95
     * (train split as requests) the test phase's calls saved fell from 0.79 to 0.67-0.76 depending on this
     * offset, while the teacher shift needs the raise to be caught within the first block.
     */
    double auditProbability(final double gateAuditProbability) {
        if (active()) {
            return Math.max(gateAuditProbability, verificationAuditProbability);
        }
        final double raised = gateAuditProbability * Math.exp(Math.max(0.0, detector().logEvidence() - EVIDENCE_FREE));
        return Math.max(gateAuditProbability, Math.min(verificationAuditProbability, raised));
    }

    /** The gate opened: verify the window it opened on against live traffic; the change detector starts afresh. */
    void onGateOpened() {
        start(0);
        detector().reset();
    }

    /**
     * Records one learned trace and returns what the running verification says about it.
     *
     * @param live          routed by tracer (deferred or audited), not backfill
     * @param auditedAgreed for an audited handled request, whether the label it was served with equalled the LLM's;
     *                      null otherwise
     * @param gateOpen      whether the gate is open (the change detector watches only then)
     * @param score         the served surrogate's acceptor score of this trace (prequential)
     * @param agreed        whether the served surrogate's prediction of this trace agreed with the LLM
     * @return REFUTED when the test refuted alpha on this trace (verification then ends), else OPEN or CONFIRMED
     */
    Verdict onTrace(final boolean live, final Boolean auditedAgreed, final boolean gateOpen, final double score,
                    final boolean agreed) {
        if (test == null && backfillCondition() && !backfillSettled) {
            start(0);
        }
        final int pos = (int) (traces % liveRing.length);
        liveInRing += (live ? 1 : 0) - (liveRing[pos] ? 1 : 0);
        liveRing[pos] = live;
        traces++;
        if (liveInRing == 0 && traces >= liveRing.length) {
            backfillSettled = false; // the window rests on the log alone: verify afresh
        }
        if (live && gateOpen) {
            if (auditedAgreed != null ? detector().observeAudit(alpha, auditedAgreed) : detector().observe(score, agreed)) {
                if (test == null) {
                    start(detector().tracesSinceChange());
                    onAlarm = true;
                } else {
                    onAlarm = true;
                    tracesSinceStart = Math.max(tracesSinceStart, detector().tracesSinceChange());
                }
            }
        } else {
            detector().skip();
        }
        if (test == null) {
            return Verdict.OPEN;
        }
        if (live) {
            liveSinceStart++;
        }
        if (liveSinceStart > 0) {
            tracesSinceStart++; // from the first live trace on: a backfill before it is what is being verified
        }
        final Verdict verdict = auditedAgreed == null ? test.verdict() : test.observe(auditedAgreed);
        if (verdict == Verdict.REFUTED) {
            refuted++;
            end();
            return Verdict.REFUTED;
        }
        if (verdict == Verdict.CONFIRMED) {
            confirmed++;
            end();
            return Verdict.CONFIRMED;
        }
        if (2L * test.samples() >= liveRing.length || liveSinceStart >= liveRing.length) {
            end(); // the worst case: N/2 audited outcomes without a verdict, or a window wholly refilled by live traces
        }
        return Verdict.OPEN;
    }

    /**
     * Whether the gate may serve its stricter verification threshold now: while a verification of a backfill or of
     * an opening runs, not one the change detector started (an alarm says the window may no longer describe the
     * traffic, so a threshold chosen on it is no cheaper question; the test then runs at t*, where the traffic of
     * the served threshold shows a change soonest).
     */
    boolean stricterThreshold() {
        return active() && !onAlarm;
    }

    private void start(final long lookback) {
        onAlarm = false;
        test = new SequentialAgreementCheck(alpha, delta);
        liveSinceStart = 0;
        tracesSinceStart = lookback;
        verifications++;
    }

    private void end() {
        last = test;
        test = null;
        backfillSettled = true;
    }

    /**
     * Traces learned since the last verification began, its look-back to the estimated change point included:
     * after a refutation, the window keeps only these.
     */
    long tracesSinceStart() {
        return tracesSinceStart;
    }

    /** The running test, or null when no verification runs. */
    SequentialAgreementCheck test() {
        return test;
    }

    /** The test of the last verification that ended (null before the first ended). */
    SequentialAgreementCheck lastTest() {
        return last;
    }

    /** The change detector on the served surrogate's live outcomes. */
    ChangeDetector detector() {
        if (detector == null) {
            detector = new ChangeDetector();
        }
        return detector;
    }

    /** Verifications started, confirmed and refuted so far: {started, confirmed, refuted}. */
    long[] counts() {
        return new long[] {verifications, confirmed, refuted};
    }

    /** Whether this verification has a ring of {@code windowSize} positions. */
    boolean hasWindow(final int windowSize) {
        return liveRing.length == windowSize;
    }

    /** The verification's state, for a snapshot. */
    VerificationState toState() {
        final byte[] bits = new byte[(liveRing.length + 7) / 8];
        for (int i = 0; i < liveRing.length; i++) {
            if (liveRing[i]) {
                bits[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return VerificationState.newBuilder()
                .setWindowSize(liveRing.length)
                .setLiveRing(ByteBuffer.wrap(bits))
                .setVerificationAuditProbability(verificationAuditProbability)
                .setAlpha(alpha)
                .setDelta(delta)
                .setDetector(detector().toState())
                .setLiveInRing(liveInRing)
                .setTraces(traces)
                .setBackfillSettled(backfillSettled)
                .setTest(test == null ? null : test.toState())
                .setLast(last == null ? null : last.toState())
                .setOnAlarm(onAlarm)
                .setLiveSinceStart(liveSinceStart)
                .setTracesSinceStart(tracesSinceStart)
                .setVerifications(verifications)
                .setConfirmed(confirmed)
                .setRefuted(refuted)
                .build();
    }

    /**
     * The verification a snapshot holds.
     *
     * @throws IllegalArgumentException when the state is inconsistent (a ring of another length than its window, a
     *                                  live count that does not match the ring, an invalid test or detector)
     */
    static BackfillVerification fromState(final VerificationState state) {
        final int n = state.getWindowSize();
        if (n < 1) {
            throw new IllegalArgumentException("verification field 'window_size' must be at least 1 (got " + n + ")");
        }
        final ByteBuffer buffer = state.getLiveRing().duplicate();
        final byte[] bits = new byte[buffer.remaining()];
        buffer.get(bits);
        if (bits.length != (n + 7) / 8) {
            throw new IllegalArgumentException("verification field 'live_ring' holds " + bits.length + " bytes, a window of "
                    + n + " needs " + (n + 7) / 8);
        }
        final BackfillVerification v = new BackfillVerification(n, state.getVerificationAuditProbability(),
                state.getAlpha(), state.getDelta());
        int live = 0;
        for (int i = 0; i < n; i++) {
            v.liveRing[i] = (bits[i / 8] & (1 << (i % 8))) != 0;
            live += v.liveRing[i] ? 1 : 0;
        }
        if (live != state.getLiveInRing()) {
            throw new IllegalArgumentException("verification field 'live_in_ring' is " + state.getLiveInRing()
                    + ", the ring holds " + live + " live positions");
        }
        v.detector = ChangeDetector.fromState(state.getDetector());
        v.liveInRing = live;
        v.traces = state.getTraces();
        v.backfillSettled = state.getBackfillSettled();
        v.test = state.getTest() == null ? null : SequentialAgreementCheck.fromState(state.getTest());
        v.last = state.getLast() == null ? null : SequentialAgreementCheck.fromState(state.getLast());
        v.onAlarm = state.getOnAlarm();
        v.liveSinceStart = state.getLiveSinceStart();
        v.tracesSinceStart = state.getTracesSinceStart();
        v.verifications = state.getVerifications();
        v.confirmed = state.getConfirmed();
        v.refuted = state.getRefuted();
        return v;
    }

    /**
     * The task's settings on restore (the settings of now, not those of the snapshot): from now on, audit with their
     * verification probability, and test new verifications against their alpha at their delta. Whatever else of
     * this state depends on the settings must follow them here.
     */
    void reconfigure(final TaskConfig current) {
        this.verificationAuditProbability = current.verificationAuditProbability();
        this.alpha = current.alpha();
        this.delta = current.delta();
    }
}
