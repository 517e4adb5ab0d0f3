/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.state.GateConfigState;
import io.tracerstreams.schema.state.ParityGateState;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The parity gate of one task: a two-state machine (CLOSED, OPEN) over the agreement window of the served
 * learner. Statistics live in {@link GateStatistics}; this class only decides.
 *
 * <h2>Transitions</h2>
 * <ul>
 *   <li>CLOSED to OPEN ({@link GateReason#LOWER_BOUND_CROSSED}): the deployable threshold t* exists
 *   ({@link GateStatistics#deployableIndex}: the lowest grid threshold the search of {@link GateConfig#search}
 *   reaches with lower bound &gt;= alpha and effective accepted size &gt;= minAccepted), its coverage is
 *   &gt;= minCoverage, the window holds at least {@code minWindow} outcomes, the gate is not held by an
 *   operator, and at least {@code reopenDelay} outcomes were evaluated since the last close.</li>
 *   <li>While OPEN the served threshold moves down to t* whenever t* exists below it with coverage &gt;= minCoverage
 *   (a change of threshold is not a flip and emits nothing). It never moves up: above the served threshold the
 *   window only holds audited outcomes (weight 1/p for audit probability p, small effective size), so lower bounds there are wide
 *   and "following t*" would ratchet the threshold up on sample size alone. A served threshold whose agreement
 *   really degrades is closed by the upper-bound and drift rules instead. The exception is <em>verification</em>
 *   ({@link #setVerifying}): while the window rests mostly on backfilled traces, the engine audits handled
 *   requests at a high rate (weights near 1, so no collapse of the effective size) and the served threshold
 *   follows t* both ways: the gate was chosen on the log (select) and is checked on live traffic (verify). A log
 *   that flatters the surrogate (CLINC150's train split: 0.965 prequential agreement, 0.945 on its test
 *   utterances) would otherwise keep a threshold live traffic does not support, with an upper bound that
 *   cannot fall below alpha within thousands of requests.</li>
 *   <li>OPEN to CLOSED, checked in this order: ADWIN on the agree/disagree stream of new outcomes accepted at the
 *   served threshold cuts its window and the newer part agrees less, and below alpha
 *   ({@link GateReason#DRIFT_DETECTED}: a cut that leaves the newer part at alpha or better, say 0.987 to 0.977
 *   at alpha 0.85, is a change the promise survives; ADWIN keeps only the newer part and watches on); the
 *   Kish effective size of the accepted entries at the served threshold is below minAccepted
 *   ({@link GateReason#TOO_FEW_AUDITS}); the upper bound at the served threshold is below alpha
 *   ({@link GateReason#UPPER_BOUND_BELOW_ALPHA}); the coverage at the served threshold is below minCoverage / 2
 *   ({@link GateReason#COVERAGE_BELOW_MIN}); an operator's {@link #forceClose} ({@link GateReason#MANUAL}).</li>
 * </ul>
 * Hysteresis, so the gate does not flap on noise: it opens on the lower bound and closes on the upper bound
 * (the band between them is several standard errors wide), the coverage rule closes at half the opening
 * coverage, and a closed gate waits {@code reopenDelay} outcomes before it may reopen.
 *
 * <h2>Use (one gate per task, after every trace)</h2>
 * <pre>{@code
 * // routing: OPEN and score >= threshold(); a handled request is audited with probability p
 * boolean handle = gate.accepts(score);
 * double p = gate.auditProbability();
 * ...
 * // learning: weight 1/p for an audited outcome (p from its routing decision), 1 for a deferred or backfilled one
 * window.add(score, agreed, weight);                         // the served learner's window
 * Optional<GateTransition> t = gate.evaluate(window);        // 0 or 1 transition
 * }</pre>
 * {@link #evaluate} consumes the outcomes added to the window since its previous call (by the window's
 * {@link AgreementWindow#added()} counter) and feeds those accepted at the served threshold to ADWIN, so
 * there is no separate "observe" call. When the engine changes the served learner it calls
 * {@link #switchServed}.
 *
 * <p>State for snapshots: {@link #toState()} and {@link #fromState} (the served window is not part of it: it is the
 * served surrogate's, and the restore wires it again). Serializable only so that snapshots of earlier formats,
 * which held the gate's Java serialization with MOA's ADWIN, still read ({@link #readObject}). Not thread-safe;
 * deterministic.
 */
public final class ParityGate implements Serializable {

    private static final long serialVersionUID = 1L;

    private GateConfig config;   // replaced by reconfigure()
    private GateStatistics stats;
    private GateState state = GateState.CLOSED;
    private int servedIndex = -1;
    private Adwin drift;         // ADWIN on the accepted stream while OPEN
    @SuppressWarnings("unused")
    private Object adwin;        // MOA's ADWIN in snapshots of earlier formats only: see readObject
    private long lastSeen = -1L;
    private long outcomes;
    private long closedAtOutcome;
    private boolean everClosed;
    private boolean held;
    private boolean verifying;
    private boolean plainVerification; // verifying at t* (a verification the change detector started)
    private long flips;
    private double lastDriftBefore = Double.NaN;
    private double lastDriftAfter = Double.NaN;
    private double servedCoverage = Double.NaN;
    private AgreementWindow lastWindow; // shared with the engine's member: one serialised object

    /** A CLOSED gate. */
    public ParityGate(final GateConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.stats = new GateStatistics(config);
    }

    /** The config. */
    public GateConfig config() {
        return config;
    }

    /** The statistics this gate decides with. */
    public GateStatistics statistics() {
        return stats;
    }

    /** Whether requests may be handled now. */
    public boolean isOpen() {
        return state == GateState.OPEN;
    }

    /** The current state. */
    public GateState state() {
        return state;
    }

    /** The served threshold; NaN when CLOSED. */
    public double threshold() {
        return state == GateState.OPEN ? config.thresholdAt(servedIndex) : Double.NaN;
    }

    /** Grid index of the served threshold; -1 when CLOSED. */
    public int thresholdIndex() {
        return state == GateState.OPEN ? servedIndex : -1;
    }

    /**
     * The routing rule: true when the gate is OPEN and the score is at or above the served threshold (in the grid
     * sense of {@link GateConfig#gridIndex}). A score outside [0, 1] or NaN is never accepted.
     */
    public boolean accepts(final double score) {
        return state == GateState.OPEN && score >= 0.0 && score <= 1.0 && config.gridIndex(score) >= servedIndex;
    }

    /**
     * The audit probability the engine should use for the next HANDLED request (weight of its outcome: the
     * reciprocal). At least {@code epsilon}; raised when the coverage at the served threshold is so low that an
     * epsilon share of handled requests would leave fewer than 2 x minAccepted audited outcomes in a window of N
     * (steady state: audits = N c e / ((1 - c) + c e) at coverage c and audit probability e), which would close the
     * gate with TOO_FEW_AUDITS over and over. Audits then make up about 2 x minAccepted / N of the LLM calls.
     * The estimates stay unbiased because every audited outcome carries 1 / (its own audit probability).
     */
    public double auditProbability() {
        final double c = servedCoverage;
        if (state != GateState.OPEN || !(c > 0.0)) {
            return config.epsilon();
        }
        final double target = Math.min(2.0 * config.minAccepted(), config.windowSize() / 2.0);
        final double needed = target * (1.0 - c) / (c * (config.windowSize() - target));
        return Math.min(1.0, Math.max(config.epsilon(), needed));
    }

    /**
     * Whether the window is being verified on live traffic after a backfill: then the served threshold follows
     * t* up as well as down. The engine sets it after every trace.
     */
    public void setVerifying(final boolean verifying) {
        setVerifying(verifying, verifying);
    }

    /**
     * As {@link #setVerifying(boolean)}; with {@code stricter} the gate serves the verification threshold t_v
     * ({@link #verificationIndex}) while verifying, else t* (the engine passes false while a verification started
     * by the change detector runs).
     */
    public void setVerifying(final boolean verifying, final boolean stricter) {
        final boolean starts = verifying && stricter && !(this.verifying && !this.plainVerification);
        this.verifying = verifying;
        this.plainVerification = verifying && !stricter;
        if (starts && state == GateState.OPEN && lastWindow != null) {
            final int deployable = stats.deployableIndex(lastWindow, config.alpha());
            if (deployable >= 0) {
                servedIndex = Math.max(servedIndex, verificationIndex(lastWindow, deployable));
            }
        }
    }

    /**
     * The verification levels: alpha_v = alpha + m (1 - alpha) for each m here (at alpha 0.90: 0.93, 0.95, 0.97,
     * 0.985). Fixed in advance, never fitted to outcomes; the ladder was checked on validation data (a split of
     * the Banking77 train set, {@code tracer replay --validation-fraction 0.2}, and CLINC150's val split), see
     * docs/BENCHMARKS.md.
     */
    static final double[] VERIFICATION_MARGINS = {0.3, 0.5, 0.7, 0.85};

    /**
     * The threshold served while a verification runs (t_v): of t* and the deployable thresholds at the stricter
     * levels alpha_v = alpha + m (1 - alpha), m in {@link #VERIFICATION_MARGINS} (the same fixed-sequence search,
     * lower bound at the opening level; never below t*, coverage at least minCoverage), the one where the
     * sequential test is expected to end soonest in requests: fewest log(1/delta) / (KL(alpha_v || alpha)
     * Coverage(t)) requests, with alpha_v, the level the window's lower bound guarantees there, as the planning
     * agreement. t* itself (planning agreement = its lower bound) wins only when no stricter level is supported.
     *
     * <p>Why: the sequential test ({@link SequentialAgreementCheck}) tests the handled traffic actually served. At
     * t* its agreement is close to alpha (t* is by construction the lowest threshold the window supports), and a
     * level-delta test of 0.926 against 0.90 needs about 730 audited outcomes, every one an LLM call. Served at
     * t_v, where the window says agreement is clearly above alpha, the same test confirms in about
     * log(1/delta) / KL(p || alpha) outcomes (about 80 at p = 0.97 against 0.90). The requests between t* and t_v
     * are deferred meanwhile: their LLM answers arrive anyway, at no extra cost, and put live outcomes of that
     * band (weight 1) into the window and the change detector. Once the test confirms, the engine ends the
     * verification and the gate moves down to t* by the usual rule.
     *
     * <p>What this verifies: that live handled traffic at t_v agrees at alpha or better (anytime-valid, at
     * delta). The agreement of the band [t*, t_v) served afterwards rests on the window's lower bound, which by
     * then holds the band's live outcomes of the verification beside the backfill; the upper-bound, drift and
     * change-detector rules keep watching it at epsilon.
     *
     * @param window     the served learner's window
     * @param deployable t*, the deployable index at alpha (>= 0)
     */
    int verificationIndex(final AgreementWindow window, final int deployable) {
        final double alpha = config.alpha();
        int best = deployable;
        double bestCost = Double.POSITIVE_INFINITY;
        int previous = deployable;
        for (final double m : VERIFICATION_MARGINS) {
            final double level = alpha + m * (1.0 - alpha);
            final int strict = stats.deployableIndex(window, level);
            if (strict < 0) {
                break; // a stricter level cannot be supported where this one is not
            }
            if (strict <= previous && strict <= deployable) {
                continue;
            }
            previous = strict;
            final double coverage = stats.estimate(window, strict, false).coverage();
            if (coverage < config.minCoverage()) {
                break;
            }
            final double cost = 1.0 / (GateStatistics.bernoulliKl(level, alpha) * coverage);
            if (cost < bestCost) {
                bestCost = cost;
                best = Math.max(strict, deployable);
            }
        }
        return best;
    }

    /** Open/close flips so far (threshold changes and learner switches that keep it open are not flips). */
    public long flips() {
        return flips;
    }

    /** Outcomes evaluated so far. */
    public long outcomes() {
        return outcomes;
    }

    /**
     * Re-checks the gate after new outcomes entered the served learner's window.
     *
     * @param servedWindow the served learner's agreement window (same grid size as the config)
     * @return the transition, if the state changed
     */
    public Optional<GateTransition> evaluate(final AgreementWindow servedWindow) {
        Objects.requireNonNull(servedWindow, "servedWindow");
        lastWindow = servedWindow;
        final long added = servedWindow.added();
        long fresh = lastSeen < 0 || added < lastSeen ? 0 : added - lastSeen;
        if (lastSeen < 0) {
            fresh = servedWindow.size();
        }
        lastSeen = added;
        outcomes += fresh;

        boolean drop = false;
        if (state == GateState.OPEN) {
            final int feed = (int) Math.min(fresh, servedWindow.size());
            for (int ago = feed - 1; ago >= 0; ago--) {
                if (config.gridIndex(servedWindow.scoreAgo(ago)) >= servedIndex) {
                    drop |= feedAdwin(servedWindow.agreedAgo(ago));
                }
            }
        }

        final double alpha = config.alpha();
        final int deployable = stats.deployableIndex(servedWindow, alpha);
        if (state == GateState.CLOSED) {
            if (held || deployable < 0 || servedWindow.size() < config.minWindow()
                    || (everClosed && outcomes - closedAtOutcome < config.reopenDelay())) {
                return Optional.empty();
            }
            final GateStatistics.Estimate e = stats.estimate(servedWindow, deployable, false);
            if (e.coverage() < config.minCoverage()) {
                return Optional.empty();
            }
            final GateStatistics.Estimate full = stats.estimate(servedWindow, deployable);
            state = GateState.OPEN;
            servedIndex = verifying && !plainVerification ? verificationIndex(servedWindow, deployable) : deployable;
            servedCoverage = stats.estimate(servedWindow, servedIndex, false).coverage();
            drift = new Adwin(config.driftDelta());
            flips++;
            return Optional.of(transition(GateState.CLOSED, GateReason.LOWER_BOUND_CROSSED, full, String.format(Locale.ROOT,
                    "lower bound %.4f >= alpha %.3f at threshold %.3f (agreement %.4f, n_eff %.1f, coverage %.3f >= %.3f)",
                    full.lower(), alpha, full.threshold(), full.agreement(), full.effectiveSize(), full.coverage(),
                    config.minCoverage())));
        }

        // OPEN
        if (drop && lastDriftAfter < alpha) {
            final GateStatistics.Estimate full = stats.estimate(servedWindow, servedIndex);
            return Optional.of(close(GateReason.DRIFT_DETECTED, full, String.format(Locale.ROOT,
                    "ADWIN (delta %.4f) cut the accepted stream: agreement %.4f before, %.4f after, at threshold %.3f",
                    config.driftDelta(), lastDriftBefore, lastDriftAfter, full.threshold())));
        }
        if (verifying && deployable >= 0) {
            final int target = plainVerification ? deployable : verificationIndex(servedWindow, deployable);
            if (target != servedIndex && stats.estimate(servedWindow, target, false).coverage() >= config.minCoverage()) {
                servedIndex = target;
            }
        } else if (deployable >= 0 && deployable < servedIndex
                && stats.estimate(servedWindow, deployable, false).coverage() >= config.minCoverage()) {
            servedIndex = deployable;
        }
        final GateStatistics.Estimate e = stats.estimate(servedWindow, servedIndex, false);
        servedCoverage = e.coverage();
        if (e.effectiveSize() < config.minAccepted()) {
            final GateStatistics.Estimate full = stats.estimate(servedWindow, servedIndex);
            return Optional.of(close(GateReason.TOO_FEW_AUDITS, full, String.format(Locale.ROOT,
                    "effective accepted size %.1f < minAccepted %d at threshold %.3f (%d accepted entries)",
                    full.effectiveSize(), config.minAccepted(), full.threshold(), full.accepted())));
        }
        if (stats.upperBoundBelow(e.agreement() * e.effectiveSize(), e.effectiveSize(), alpha)) {
            final GateStatistics.Estimate full = stats.estimate(servedWindow, servedIndex);
            return Optional.of(close(GateReason.UPPER_BOUND_BELOW_ALPHA, full, String.format(Locale.ROOT,
                    "upper bound %.4f < alpha %.3f at threshold %.3f (agreement %.4f, n_eff %.1f)",
                    full.upper(), alpha, full.threshold(), full.agreement(), full.effectiveSize())));
        }
        if (e.coverage() < config.minCoverage() / 2.0) {
            final GateStatistics.Estimate full = stats.estimate(servedWindow, servedIndex);
            return Optional.of(close(GateReason.COVERAGE_BELOW_MIN, full, String.format(Locale.ROOT,
                    "coverage %.4f < minCoverage/2 %.4f at threshold %.3f",
                    full.coverage(), config.minCoverage() / 2.0, full.threshold())));
        }
        return Optional.empty();
    }

    /**
     * The task's settings changed (a restart under other alpha, delta, epsilon, n_min or c_min): from now on the
     * gate decides with {@code newConfig}, on the evidence it holds. The window's outcomes and their weights stay
     * valid evidence (an outcome is whether the surrogate agreed with the LLM, whatever alpha is), so an OPEN gate
     * stays open only if the served window has a deployable threshold under the new settings with enough coverage
     * and effective size (OPEN to OPEN at that threshold, ADWIN restarted), and closes otherwise; a CLOSED gate
     * stays closed and opens by the normal rules at the next outcome. Either way the change is a transition with
     * reason CONFIG_CHANGED, so it is never silent.
     *
     * @param newConfig    the new settings (same window size and grid: a new window size is a new task)
     * @param servedWindow the served learner's agreement window
     * @param detail       what changed, in words
     * @throws IllegalArgumentException when the window size or grid differs
     */
    public GateTransition reconfigure(final GateConfig newConfig, final AgreementWindow servedWindow, final String detail) {
        Objects.requireNonNull(newConfig, "newConfig");
        Objects.requireNonNull(servedWindow, "servedWindow");
        if (newConfig.windowSize() != config.windowSize() || newConfig.gridSize() != config.gridSize()) {
            throw new IllegalArgumentException("the gate's window size and grid cannot change in place (window "
                    + config.windowSize() + " -> " + newConfig.windowSize() + ")");
        }
        config = newConfig;
        stats = new GateStatistics(newConfig);
        lastWindow = servedWindow;
        lastSeen = servedWindow.added();
        final String why = detail == null ? "" : detail;
        final int deployable = stats.deployableIndex(servedWindow, config.alpha());
        if (state != GateState.OPEN) {
            final GateStatistics.Estimate e = stats.estimate(servedWindow, Math.max(deployable, 0));
            return transition(GateState.CLOSED, GateReason.CONFIG_CHANGED, e, why + "; the gate stays closed until the "
                    + "evidence in the window meets the new settings");
        }
        if (deployable >= 0) {
            final GateStatistics.Estimate e = stats.estimate(servedWindow, deployable, false);
            if (e.coverage() >= config.minCoverage() && e.effectiveSize() >= config.minAccepted()) {
                servedIndex = deployable;
                servedCoverage = e.coverage();
                drift = new Adwin(config.driftDelta());
                final GateStatistics.Estimate full = stats.estimate(servedWindow, deployable);
                return transition(GateState.OPEN, GateReason.CONFIG_CHANGED, full, String.format(Locale.ROOT,
                        "%s; deployable under the new settings at threshold %.3f (lower bound %.4f >= alpha %.3f, coverage %.3f)",
                        why, full.threshold(), full.lower(), config.alpha(), full.coverage()));
            }
        }
        final GateStatistics.Estimate e = stats.estimate(servedWindow, Math.max(servedIndex, 0));
        return close(GateReason.CONFIG_CHANGED, e, why + "; no deployable threshold under the new settings");
    }

    /**
     * Closes the gate on an operator's command and holds it closed until {@link #release()}.
     *
     * @return the transition if the gate was open
     */
    public Optional<GateTransition> forceClose(final String why) {
        held = true;
        if (state != GateState.OPEN) {
            return Optional.empty();
        }
        final GateStatistics.Estimate e = lastWindow == null
                ? GateStatistics.Estimate.none(0) : stats.estimate(lastWindow, servedIndex);
        return Optional.of(close(GateReason.MANUAL, e, "operator: " + (why == null ? "" : why)));
    }

    /**
     * Closes the gate because live evidence refuted alpha at the served threshold (the engine's sequential test on
     * audited handled requests, {@link SequentialAgreementCheck}); it may reopen by the normal rules.
     *
     * @return the transition if the gate was open
     */
    public Optional<GateTransition> closeOnEvidence(final String detail) {
        if (state != GateState.OPEN) {
            return Optional.empty();
        }
        final GateStatistics.Estimate e = lastWindow == null
                ? GateStatistics.Estimate.none(0) : stats.estimate(lastWindow, servedIndex);
        return Optional.of(close(GateReason.LIVE_AGREEMENT_REFUTED, e, detail == null ? "" : detail));
    }

    /** Lets a gate held closed by {@link #forceClose} open again by the normal rules (reopen delay included). */
    public void release() {
        held = false;
    }

    /**
     * The engine changed the served learner: from now on {@code newWindow} is evaluated. If the gate is OPEN it
     * stays open only if the new window has a deployable threshold with enough coverage (OPEN to OPEN with
     * reason LEARNER_SWITCHED and the new threshold, ADWIN restarted), else it closes (reason LEARNER_SWITCHED).
     * When CLOSED nothing is emitted.
     */
    public Optional<GateTransition> switchServed(final AgreementWindow newWindow, final String detail) {
        Objects.requireNonNull(newWindow, "newWindow");
        lastWindow = newWindow;
        lastSeen = newWindow.added();
        if (state != GateState.OPEN) {
            return Optional.empty();
        }
        final String why = detail == null ? "" : detail;
        final int deployable = stats.deployableIndex(newWindow, config.alpha());
        if (deployable >= 0) {
            final GateStatistics.Estimate e = stats.estimate(newWindow, deployable);
            if (e.coverage() >= config.minCoverage()) {
                servedIndex = deployable;
                servedCoverage = e.coverage();
                drift = new Adwin(config.driftDelta());
                return Optional.of(transition(GateState.OPEN, GateReason.LEARNER_SWITCHED, e, String.format(Locale.ROOT,
                        "%s; new learner deployable at threshold %.3f (lower bound %.4f, coverage %.3f)",
                        why, e.threshold(), e.lower(), e.coverage())));
            }
        }
        final GateStatistics.Estimate e = stats.estimate(newWindow, 0);
        return Optional.of(close(GateReason.LEARNER_SWITCHED, e, why + "; new learner has no deployable threshold"));
    }

    /** The current state and estimates (see {@link GateSnapshot} for which threshold they refer to). */
    public GateSnapshot current() {
        final AgreementWindow w = lastWindow;
        if (w == null) {
            return new GateSnapshot(state, threshold(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, 0, Double.NaN, 0.0, outcomes, held);
        }
        final int deployable = stats.deployableIndex(w, config.alpha());
        final GateStatistics.Estimate dep = deployable < 0 ? null : stats.estimate(w, deployable, false);
        final int at = state == GateState.OPEN ? servedIndex : Math.max(deployable, 0);
        final GateStatistics.Estimate e = stats.estimate(w, at);
        return new GateSnapshot(state, threshold(), e.threshold(), e.agreement(), e.lower(), e.upper(), e.coverage(),
                e.effectiveSize(), w.size(), dep == null ? Double.NaN : dep.threshold(),
                dep == null ? 0.0 : dep.coverage(), outcomes, held);
    }

    /** The gate's state, for a snapshot (without the served window: see {@link #fromState}). */
    public ParityGateState toState() {
        return ParityGateState.newBuilder()
                .setConfig(configState(config))
                .setState(state.name())
                .setServedIndex(servedIndex)
                .setAdwin(drift == null ? null : drift.toState())
                .setLastSeen(lastSeen)
                .setOutcomes(outcomes)
                .setClosedAtOutcome(closedAtOutcome)
                .setEverClosed(everClosed)
                .setHeld(held)
                .setVerifying(verifying)
                .setPlainVerification(plainVerification)
                .setFlips(flips)
                .setLastDriftBefore(lastDriftBefore)
                .setLastDriftAfter(lastDriftAfter)
                .setServedCoverage(servedCoverage)
                .setHasWindow(lastWindow != null)
                .build();
    }

    /**
     * The gate a snapshot holds, deciding on {@code servedWindow} from now on.
     *
     * @param state        the gate's state ({@link #toState()})
     * @param servedWindow the served surrogate's agreement window as restored (the one the gate last evaluated);
     *                     may be null only when the gate never evaluated a window
     * @throws IllegalArgumentException when the state does not validate (settings, an unknown state or search name,
     *                                  an OPEN gate without a served threshold or ADWIN, a window of another size)
     */
    public static ParityGate fromState(final ParityGateState state, final AgreementWindow servedWindow) {
        Objects.requireNonNull(state, "state");
        final ParityGate g = new ParityGate(config(state.getConfig()));
        g.state = GateState.valueOf(state.getState());
        g.servedIndex = state.getServedIndex();
        g.drift = state.getAdwin() == null ? null : Adwin.fromState(state.getAdwin());
        if (g.state == GateState.OPEN && (g.drift == null || g.servedIndex < 0 || g.servedIndex >= g.config.gridSize())) {
            throw new IllegalArgumentException("gate state is OPEN without a served threshold on the grid or ADWIN "
                    + "(served index " + g.servedIndex + ")");
        }
        g.lastSeen = state.getLastSeen();
        g.outcomes = state.getOutcomes();
        g.closedAtOutcome = state.getClosedAtOutcome();
        g.everClosed = state.getEverClosed();
        g.held = state.getHeld();
        g.verifying = state.getVerifying();
        g.plainVerification = state.getPlainVerification();
        g.flips = state.getFlips();
        g.lastDriftBefore = state.getLastDriftBefore();
        g.lastDriftAfter = state.getLastDriftAfter();
        g.servedCoverage = state.getServedCoverage();
        if (state.getHasWindow()) {
            if (servedWindow == null) {
                throw new IllegalArgumentException("gate state refers to a served window, and none was restored");
            }
            if (servedWindow.capacity() != g.config.windowSize()) {
                throw new IllegalArgumentException("gate state is for a window of " + g.config.windowSize()
                        + " outcomes, the served window holds " + servedWindow.capacity());
            }
            g.lastWindow = servedWindow;
        }
        return g;
    }

    static GateConfigState configState(final GateConfig c) {
        return GateConfigState.newBuilder().setAlpha(c.alpha()).setDelta(c.delta()).setWindowSize(c.windowSize())
                .setMinAccepted(c.minAccepted()).setMinCoverage(c.minCoverage()).setEpsilon(c.epsilon())
                .setGridSize(c.gridSize()).setCloseDelta(c.closeDelta()).setDriftDelta(c.driftDelta())
                .setReopenDelay(c.reopenDelay()).setMinWindow(c.minWindow()).setSearch(c.search().name()).build();
    }

    static GateConfig config(final GateConfigState s) {
        return new GateConfig(s.getAlpha(), s.getDelta(), s.getWindowSize(), s.getMinAccepted(), s.getMinCoverage(),
                s.getEpsilon(), s.getGridSize(), s.getCloseDelta(), s.getDriftDelta(), s.getReopenDelay(),
                s.getMinWindow(), ThresholdSearch.valueOf(s.getSearch()));
    }

    /**
     * Java serialization of an earlier snapshot format: its gate held MOA's ADWIN (field {@code adwin}), whose window
     * is copied into {@link Adwin} here ({@link Adwin#fromMoa}); a MOA of other fields restarts ADWIN, as a learner
     * switch does.
     */
    private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (adwin != null) {
            try {
                drift = Adwin.fromMoa(adwin);
            } catch (final IllegalArgumentException e) {
                drift = new Adwin(config.driftDelta());
            }
            adwin = null;
        }
        if (state == GateState.OPEN && drift == null) {
            drift = new Adwin(config.driftDelta());
        }
    }

    private boolean feedAdwin(final boolean agreed) {
        final double x = agreed ? 1.0 : 0.0;
        final int widthBefore = drift.width();
        final double totalBefore = drift.total();
        if (!drift.add(x)) {
            return false;
        }
        final int widthAfter = drift.width();
        final int removed = widthBefore + 1 - widthAfter;
        if (removed <= 0 || widthAfter <= 0) {
            return false;
        }
        final double before = (totalBefore + x - drift.total()) / removed;
        final double after = drift.total() / widthAfter;
        if (after < before) {
            lastDriftBefore = before;
            lastDriftAfter = after;
            return true;
        }
        return false;
    }

    private GateTransition close(final GateReason reason, final GateStatistics.Estimate e, final String detail) {
        state = GateState.CLOSED;
        servedIndex = -1;
        servedCoverage = Double.NaN;
        drift = null;
        everClosed = true;
        closedAtOutcome = outcomes;
        flips++;
        return transition(GateState.OPEN, reason, e, detail);
    }

    private GateTransition transition(final GateState from, final GateReason reason, final GateStatistics.Estimate e,
                                      final String detail) {
        return new GateTransition(from, state, reason, e.agreement(), e.lower(), e.upper(), e.coverage(),
                e.threshold(), e.windowSize(), e.effectiveSize(), detail, outcomes);
    }
}
