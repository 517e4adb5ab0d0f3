/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.SequentialCheckState;

import java.io.Serializable;

/**
 * An anytime-valid sequential test of the agreement of live handled traffic against alpha: the testing-by-betting
 * construction of Waudby-Smith and Ramdas (JRSS-B 2024), for outcomes in {0, 1}. Two gamblers bet on the
 * outcomes as they arrive, one that the mean is above alpha (it confirms), one that it is below (it refutes):
 * <pre>
 *   K+_t = prod_{i &lt;= t} (1 + l+_i (x_i - alpha))      confirms when K+_t &gt;= 1 / delta
 *   K-_t = prod_{i &lt;= t} (1 - l-_i (x_i - alpha))      refutes  when K-_t &gt;= 1 / delta
 * </pre>
 * with bets l+_i in [0, c / alpha] and l-_i in [0, c / (1 - alpha)] chosen from the outcomes before i only
 * (predictable): the Kelly bet for a Bernoulli mean, (p - alpha) / (alpha (1 - alpha)), at the plug-in estimate
 * p = (sum of past x + alpha) / (past count + 1), clipped, c = {@value #MAX_BET_FRACTION}. If every outcome's
 * conditional mean given the past is at most alpha, K+ is a non-negative supermartingale with K+_0 = 1, so by
 * Ville's inequality P(K+ ever reaches 1 / delta) &lt;= delta: the test confirms a promise that does not hold
 * with probability at most delta, however long it runs and whenever it is looked at (no fixed sample size, no
 * correction for repeated looks; early stopping is free). Symmetrically for K- when every conditional mean is at
 * least alpha. The outcomes need not be identically distributed (the served threshold and the acceptor move
 * while the test runs): the guarantee is about the running conditional means, which is exactly the agreement the
 * handled requests actually had.
 *
 * <p>With the Kelly bet the log-capital grows at nearly KL(p || alpha) per outcome when the true agreement is p,
 * the fastest rate any test can have: against alpha 0.90, about 180 outcomes confirm a true agreement of 0.95,
 * about 40 refute one of 0.75.
 *
 * <p>Input: outcomes that are a fair sample of the traffic whose agreement is promised (audited handled
 * requests: each handled request is audited by a coin independent of its outcome, so the audited outcomes are
 * draws from the handled traffic of their time, whatever the audit probability). Plain fields; state for snapshots
 * by {@link #toState()} / {@link #fromState} (serializable only for snapshots of earlier formats); not thread-safe.
 */
public final class SequentialAgreementCheck implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The largest bet as a share of the largest safe bet (1 / alpha, 1 / (1 - alpha)). */
    public static final double MAX_BET_FRACTION = 0.75;

    /** What the test says so far. */
    public enum Verdict {
        /** Not enough evidence either way yet. */
        OPEN,
        /** The agreement is above alpha (K+ reached 1 / delta). */
        CONFIRMED,
        /** The agreement is below alpha (K- reached 1 / delta). */
        REFUTED
    }

    private final double alpha;
    private final double logThreshold;
    private double logUp;
    private double logDown;
    private long n;
    private long agreements;
    private Verdict verdict = Verdict.OPEN;

    /**
     * @param alpha the promised agreement, in (0, 1)
     * @param delta error probability of each verdict, in (0, 1)
     */
    public SequentialAgreementCheck(final double alpha, final double delta) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("sequential test field 'alpha' must be in (0, 1) (got " + alpha + ")");
        }
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("sequential test field 'delta' must be in (0, 1) (got " + delta + ")");
        }
        this.alpha = alpha;
        this.logThreshold = Math.log(1.0 / delta);
    }

    /**
     * Takes one outcome (whether a handled request agreed with the LLM) and returns the verdict. Once a verdict
     * is reached it stays (start a new test to test again).
     */
    public Verdict observe(final boolean agreed) {
        if (verdict != Verdict.OPEN) {
            return verdict;
        }
        final double p = (agreements + alpha) / (n + 1.0);
        final double kelly = (p - alpha) / (alpha * (1.0 - alpha));
        final double up = clamp(kelly, MAX_BET_FRACTION / alpha);
        final double down = clamp(-kelly, MAX_BET_FRACTION / (1.0 - alpha));
        final double x = agreed ? 1.0 : 0.0;
        logUp += Math.log1p(up * (x - alpha));
        logDown += Math.log1p(-down * (x - alpha));
        n++;
        if (agreed) {
            agreements++;
        }
        if (logUp >= logThreshold) {
            verdict = Verdict.CONFIRMED;
        } else if (logDown >= logThreshold) {
            verdict = Verdict.REFUTED;
        }
        return verdict;
    }

    /** The verdict so far. */
    public Verdict verdict() {
        return verdict;
    }

    /** Outcomes observed. */
    public long samples() {
        return n;
    }

    /** Share of the observed outcomes that agreed (NaN before the first). */
    public double agreement() {
        return n == 0 ? Double.NaN : (double) agreements / n;
    }

    /** log K+ (evidence that agreement is above alpha). */
    public double logEvidenceAbove() {
        return logUp;
    }

    /** log K- (evidence that agreement is below alpha). */
    public double logEvidenceBelow() {
        return logDown;
    }

    /** The alpha tested against. */
    public double alpha() {
        return alpha;
    }

    private SequentialAgreementCheck(final SequentialCheckState state) {
        if (!(state.getAlpha() > 0.0 && state.getAlpha() < 1.0)) {
            throw new IllegalArgumentException("sequential test field 'alpha' must be in (0, 1) (got "
                    + state.getAlpha() + ")");
        }
        if (!(state.getLogThreshold() > 0.0) || Double.isInfinite(state.getLogThreshold())) {
            throw new IllegalArgumentException("sequential test field 'log_threshold' must be finite and > 0 (got "
                    + state.getLogThreshold() + ")");
        }
        if (state.getSamples() < 0 || state.getAgreements() < 0 || state.getAgreements() > state.getSamples()) {
            throw new IllegalArgumentException("sequential test has " + state.getAgreements() + " agreements of "
                    + state.getSamples() + " samples");
        }
        this.alpha = state.getAlpha();
        this.logThreshold = state.getLogThreshold();
        this.logUp = state.getLogUp();
        this.logDown = state.getLogDown();
        this.n = state.getSamples();
        this.agreements = state.getAgreements();
        this.verdict = Verdict.valueOf(state.getVerdict());
    }

    /** The test's state, for a snapshot. */
    public SequentialCheckState toState() {
        return SequentialCheckState.newBuilder().setAlpha(alpha).setLogThreshold(logThreshold).setLogUp(logUp)
                .setLogDown(logDown).setSamples(n).setAgreements(agreements).setVerdict(verdict.name()).build();
    }

    /**
     * The test a snapshot holds.
     *
     * @throws IllegalArgumentException when alpha, the threshold, the counts or the verdict are invalid
     */
    public static SequentialAgreementCheck fromState(final SequentialCheckState state) {
        return new SequentialAgreementCheck(state);
    }

    private static double clamp(final double bet, final double max) {
        return bet <= 0.0 ? 0.0 : Math.min(bet, max);
    }
}
