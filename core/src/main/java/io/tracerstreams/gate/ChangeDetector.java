/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.ChangeDetectorState;

import java.io.Serializable;

/**
 * Sees the LLM change its mind in every LLM answer, not only in audits: an e-detector (the e-CUSUM of Shin,
 * Ramdas and Rinaldo, 2023) on the surrogate's disagreements with the LLM, measured against what the acceptor
 * expected.
 *
 * <p>Two kinds of LLM answers carry evidence, each against its own null hypothesis (both hold while nothing
 * changed, so the product of their e-values over time is valid under "no change"):
 * <ul>
 *   <li>an audited handled request is a fair draw from the handled traffic: P(disagree) &lt;= 1 - alpha
 *   ({@link #observeAudit});</li>
 *   <li>a deferred request, against the acceptor's score ({@link #observe}), below.</li>
 * </ul>
 * Every labelled deferred outcome comes with the acceptor's score s, its estimate of
 * P(the surrogate agrees | this input). Before a change the acceptor is calibrated within a margin m, so a
 * disagreement has probability at most q0 = 1 - s + m (H0). After the LLM renames labels, the surrogate keeps
 * answering the old names with high scores and disagrees far more often than its scores say, on deferred traffic
 * as much as on handled traffic: deferred requests are most of the LLM answers at epsilon audits, so the change
 * shows in them long before the few audits of handled requests could show it. Each outcome gives the e-value
 * <pre>
 *   e = 1/2 LR(q0, q0 + 0.10) + 1/2 LR(q0, q0 + 0.30),   LR(q0, q1) = q1 / q0 on a disagreement,
 *                                                                    (1 - q1) / (1 - q0) on an agreement
 * </pre>
 * (a likelihood ratio of a Bernoulli alternative against the boundary of H0; a mixture of two alternatives, so
 * small and large changes both show), and the statistic is the e-CUSUM M_t = e_t max(M_{t-1}, 1). Under H0 each
 * e_t has conditional mean at most 1, and the time until M first reaches A has mean at least A (the e-detector's
 * average-run-length guarantee): at A = {@value #DEFAULT_ALARM_LEVEL}, at most one false alarm per
 * {@value #DEFAULT_ALARM_LEVEL} LLM answers on average while the acceptor stays within the margin.
 *
 * <p>An alarm is evidence of change, not proof that the promise broke: the engine answers it by auditing handled
 * requests at the verification rate and lets the {@link SequentialAgreementCheck} on those audits decide. The
 * start of the excursion that ended in the alarm (the last time M was at most 1) estimates the change point:
 * {@link #tracesSinceChange()}.
 *
 * <p>Plain fields; state for snapshots by {@link #toState()} / {@link #fromState} (serializable only for snapshots
 * of earlier formats); not thread-safe.
 */
public final class ChangeDetector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default alarm level A (and least mean number of LLM answers between false alarms). */
    public static final double DEFAULT_ALARM_LEVEL = 150.0;
    /** Default calibration margin m of the acceptor's scores under H0. */
    public static final double DEFAULT_MARGIN = 0.05;

    private static final double SMALL_SHIFT = 0.10;
    private static final double LARGE_SHIFT = 0.30;
    private static final double MAX_Q = 0.99;

    private final double logAlarm;
    private final double margin;
    private double logM;
    private long tracesSinceChange;
    private long alarms;

    /** A detector with the default alarm level and margin. */
    public ChangeDetector() {
        this(DEFAULT_ALARM_LEVEL, DEFAULT_MARGIN);
    }

    /**
     * @param alarmLevel A, at least 1
     * @param margin     calibration margin m of the acceptor's scores, in [0, 1)
     */
    public ChangeDetector(final double alarmLevel, final double margin) {
        if (!(alarmLevel >= 1.0) || Double.isInfinite(alarmLevel)) {
            throw new IllegalArgumentException("change detector field 'alarmLevel' must be >= 1 (got " + alarmLevel + ")");
        }
        if (!(margin >= 0.0 && margin < 1.0)) {
            throw new IllegalArgumentException("change detector field 'margin' must be in [0, 1) (got " + margin + ")");
        }
        this.logAlarm = Math.log(alarmLevel);
        this.margin = margin;
    }

    /**
     * Takes one labelled live outcome of the served surrogate that was not an audit of a handled request (a
     * deferred request): H0 is the acceptor's own score, P(disagree) &lt;= 1 - score + margin.
     *
     * @param score  the acceptor's score of the surrogate's prediction, in [0, 1] (anything else carries no evidence)
     * @param agreed whether the surrogate's prediction equalled the LLM's label
     * @return true on an alarm (the statistic then restarts)
     */
    public boolean observe(final double score, final boolean agreed) {
        if (!(score >= 0.0 && score <= 1.0)) {
            tracesSinceChange++;
            return false;
        }
        return update(1.0 - score + margin, agreed);
    }

    /**
     * Takes the outcome of an audited handled request: a fair draw from the handled traffic, whose promised
     * agreement is alpha, so H0 is P(disagree) &lt;= 1 - alpha whatever the acceptor says. The acceptor refits on
     * every outcome and soon expects the new disagreements (its scores drop everywhere); the promise does not move,
     * so the audits keep their evidence.
     *
     * @param alpha  the promised agreement
     * @param agreed whether the label the request was served with equalled the LLM's
     * @return true on an alarm (the statistic then restarts)
     */
    public boolean observeAudit(final double alpha, final boolean agreed) {
        return update(1.0 - alpha, agreed);
    }

    private boolean update(final double q0, final boolean agreed) {
        tracesSinceChange++;
        if (q0 >= MAX_Q) {
            return false;
        }
        final double e = 0.5 * ratio(q0, Math.min(MAX_Q, q0 + SMALL_SHIFT), agreed)
                + 0.5 * ratio(q0, Math.min(MAX_Q, q0 + LARGE_SHIFT), agreed);
        logM = Math.max(logM, 0.0) + Math.log(e);
        if (logM <= 0.0) {
            tracesSinceChange = 0;
        }
        if (logM >= logAlarm) {
            alarms++;
            logM = 0.0;
            return true;
        }
        return false;
    }

    private ChangeDetector(final ChangeDetectorState state) {
        if (!(state.getLogAlarm() >= 0.0) || Double.isInfinite(state.getLogAlarm())) {
            throw new IllegalArgumentException("change detector field 'log_alarm' must be finite and >= 0 (got "
                    + state.getLogAlarm() + ")");
        }
        if (!(state.getMargin() >= 0.0 && state.getMargin() < 1.0)) {
            throw new IllegalArgumentException("change detector field 'margin' must be in [0, 1) (got "
                    + state.getMargin() + ")");
        }
        this.logAlarm = state.getLogAlarm();
        this.margin = state.getMargin();
        this.logM = state.getLogM();
        this.tracesSinceChange = state.getTracesSinceChange();
        this.alarms = state.getAlarms();
    }

    /** The detector's state, for a snapshot. */
    public ChangeDetectorState toState() {
        return ChangeDetectorState.newBuilder().setLogAlarm(logAlarm).setMargin(margin).setLogM(logM)
                .setTracesSinceChange(tracesSinceChange).setAlarms(alarms).build();
    }

    /**
     * The detector a snapshot holds.
     *
     * @throws IllegalArgumentException when the alarm level or margin is out of range
     */
    public static ChangeDetector fromState(final ChangeDetectorState state) {
        return new ChangeDetector(state);
    }

    /** Counts a trace that carries no evidence (backfill) so that {@link #tracesSinceChange()} stays in traces. */
    public void skip() {
        tracesSinceChange++;
    }

    /** Forgets the evidence gathered so far (e.g. after the gate closed or a new verification started). */
    public void reset() {
        logM = 0.0;
        tracesSinceChange = 0;
    }

    /** log M, the current evidence of change (0 when none). */
    public double logEvidence() {
        return Math.max(logM, 0.0);
    }

    /** Traces since the current excursion of the statistic began: the estimated age of the change. */
    public long tracesSinceChange() {
        return tracesSinceChange;
    }

    /** Alarms so far. */
    public long alarms() {
        return alarms;
    }

    private static double ratio(final double q0, final double q1, final boolean agreed) {
        return agreed ? (1.0 - q1) / (1.0 - q0) : q1 / q0;
    }
}
