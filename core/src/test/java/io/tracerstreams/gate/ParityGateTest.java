/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ParityGateTest {

    private static final GateConfig CONFIG = GateConfig.DEFAULTS.withWindowSize(500).withAlpha(0.9);

    /** Adds outcomes with scores uniform in [lo, hi), agreement probability p and the given weight; evaluates each. */
    private static List<GateTransition> feed(final ParityGate gate, final AgreementWindow window, final SplittableRandom rnd,
                                             final int count, final double lo, final double hi, final double p,
                                             final double weight) {
        final List<GateTransition> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            window.add(lo + rnd.nextDouble() * (hi - lo), rnd.nextDouble() < p, weight);
            gate.evaluate(window).ifPresent(out::add);
        }
        return out;
    }

    /** A gate opened on agreement 0.99 above score 0.5 and 0.5 below it. */
    private static ParityGate openGate(final GateConfig config, final AgreementWindow window, final SplittableRandom rnd) {
        final ParityGate gate = new ParityGate(config);
        for (int k = 0; k < config.windowSize() && !gate.isOpen(); k++) {
            final double s = rnd.nextDouble();
            window.add(s, rnd.nextDouble() < (s >= 0.5 ? 0.99 : 0.5), 1.0);
            gate.evaluate(window);
        }
        assertThat(gate.isOpen()).isTrue();
        return gate;
    }

    @Test
    void shouldOpenOnAFullWindowWithTheNumbersBehindIt() {
        final ParityGate gate = new ParityGate(CONFIG);
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final SplittableRandom rnd = new SplittableRandom(1);
        final List<GateTransition> before = feed(gate, window, rnd, CONFIG.windowSize() - 1, 0, 1, 0.99, 1.0);
        assertThat(before).isEmpty();
        assertThat(gate.isOpen()).isFalse();
        assertThat(gate.threshold()).isNaN();
        final List<GateTransition> t = feed(gate, window, rnd, 1, 0, 1, 0.99, 1.0);
        assertThat(t).hasSize(1);
        final GateTransition open = t.get(0);
        assertThat(open.from()).isEqualTo(GateState.CLOSED);
        assertThat(open.to()).isEqualTo(GateState.OPEN);
        assertThat(open.reason()).isEqualTo(GateReason.LOWER_BOUND_CROSSED);
        assertThat(open.lower()).isGreaterThanOrEqualTo(CONFIG.alpha());
        assertThat(open.agreement()).isBetween(open.lower(), open.upper());
        assertThat(open.threshold()).isEqualTo(gate.threshold());
        assertThat(open.coverage()).isGreaterThanOrEqualTo(CONFIG.minCoverage());
        assertThat(open.windowSize()).isEqualTo(CONFIG.windowSize());
        assertThat(open.effectiveSize()).isGreaterThanOrEqualTo(CONFIG.minAccepted());
        assertThat(open.detail()).contains("lower bound").contains(">= alpha");
        assertThat(gate.accepts(0.999)).isTrue();
        assertThat(gate.accepts(Double.NaN)).isFalse();
        final GateSnapshot snap = gate.current();
        assertThat(snap.state()).isEqualTo(GateState.OPEN);
        assertThat(snap.threshold()).isEqualTo(gate.threshold());
        assertThat(snap.lower()).isGreaterThanOrEqualTo(CONFIG.alpha());
    }

    @Test
    void shouldCloseWhenTheUpperBoundFallsBelowAlpha() {
        final GateConfig config = new GateConfig(0.9, 0.05, 500, 50, 0.05, 0.05, 100, 0.05, 1e-12, 125, 500,
                ThresholdSearch.FIXED_SEQUENCE);
        final AgreementWindow window = new AgreementWindow(config);
        final SplittableRandom rnd = new SplittableRandom(2);
        final ParityGate gate = openGate(config, window, rnd);
        final double t = gate.threshold();
        // audited handled traffic above the threshold now agrees only 70% of the time
        final List<GateTransition> out = feed(gate, window, rnd, 400, Math.max(t, 0.5), 1.0, 0.7, 1.0 / config.epsilon());
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).reason()).isEqualTo(GateReason.UPPER_BOUND_BELOW_ALPHA);
        assertThat(out.get(0).upper()).isLessThan(config.alpha());
        assertThat(out.get(0).threshold()).isEqualTo(t);
        assertThat(gate.isOpen()).isFalse();
    }

    /** Live traffic below score 0.1 agrees 30% of the time, above it 97%: 0.904 overall, so no upper bound closes. */
    private static double shiftedThresholdAfterLiveTraffic(final boolean verifying) {
        final GateConfig config = new GateConfig(0.9, 0.05, 500, 50, 0.05, 0.05, 100, 0.05, 1e-12, 125, 500,
                ThresholdSearch.FIXED_SEQUENCE);
        final AgreementWindow window = new AgreementWindow(config);
        final SplittableRandom rnd = new SplittableRandom(21);
        final ParityGate gate = new ParityGate(config);
        // the log: 97% agreement at every score, so the gate opens at the bottom of the grid
        feed(gate, window, rnd, config.windowSize(), 0, 1, 0.97, 1.0);
        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.threshold()).isEqualTo(0.0);
        gate.setVerifying(verifying);
        for (int k = 0; k < config.windowSize(); k++) {
            final double s = rnd.nextDouble();
            window.add(s, rnd.nextDouble() < (s < 0.1 ? 0.3 : 0.97), 1.0);
            assertThat(gate.evaluate(window)).isEmpty();
        }
        return gate.threshold();
    }

    @Test
    void shouldRaiseTheServedThresholdOnLiveEvidenceOnlyWhileVerifying() {
        assertThat(shiftedThresholdAfterLiveTraffic(true)).isGreaterThan(0.05).isLessThan(0.3);
        assertThat(shiftedThresholdAfterLiveTraffic(false)).isEqualTo(0.0);
    }

    @Test
    void shouldCloseOnADriftBeforeTheWindowNoticesIt() {
        final GateConfig config = GateConfig.DEFAULTS.withAlpha(0.9);
        final AgreementWindow window = new AgreementWindow(config);
        final SplittableRandom rnd = new SplittableRandom(3);
        final ParityGate gate = openGate(config, window, rnd);
        // a long stable accepted stream, then a sudden drop
        assertThat(feed(gate, window, rnd, 1_500, 0.6, 1.0, 0.99, 1.0)).isEmpty();
        final List<GateTransition> out = feed(gate, window, rnd, 300, 0.6, 1.0, 0.6, 1.0);
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).reason()).isEqualTo(GateReason.DRIFT_DETECTED);
        assertThat(out.get(0).detail()).contains("ADWIN");
    }

    @Test
    void shouldStayOpenOnADriftThatLeavesAgreementAboveAlpha() {
        final GateConfig config = GateConfig.DEFAULTS.withAlpha(0.8);
        for (int seed = 0; seed < 5; seed++) {
            final AgreementWindow window = new AgreementWindow(config);
            final SplittableRandom rnd = new SplittableRandom(seed);
            final ParityGate gate = openGate(config, window, rnd);
            // a long stable accepted stream, then a drop ADWIN sees (0.995 -> 0.93) that keeps agreement far above alpha
            assertThat(feed(gate, window, rnd, 1_500, 0.6, 1.0, 0.995, 1.0)).isEmpty();
            assertThat(feed(gate, window, rnd, 1_500, 0.6, 1.0, 0.93, 1.0))
                    .extracting(GateTransition::reason).doesNotContain(GateReason.DRIFT_DETECTED);
            assertThat(gate.isOpen()).isTrue();
        }
    }

    @Test
    void shouldCloseWithTooFewAuditsWhenTheAcceptedSampleThins() {
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final SplittableRandom rnd = new SplittableRandom(4);
        final ParityGate gate = openGate(CONFIG, window, rnd);
        assertThat(gate.threshold()).isGreaterThan(0.3);
        // only low-scored, deferred traffic from now on: the accepted entries leave the window
        final List<GateTransition> out = feed(gate, window, rnd, CONFIG.windowSize(), 0.0, 0.3, 0.5, 1.0);
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).reason()).isEqualTo(GateReason.TOO_FEW_AUDITS);
        assertThat(out.get(0).effectiveSize()).isLessThan(CONFIG.minAccepted());
    }

    @Test
    void shouldHoldAManualCloseUntilReleased() {
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final SplittableRandom rnd = new SplittableRandom(5);
        final ParityGate gate = openGate(CONFIG, window, rnd);
        final Optional<GateTransition> manual = gate.forceClose("maintenance");
        assertThat(manual).isPresent();
        assertThat(manual.get().reason()).isEqualTo(GateReason.MANUAL);
        assertThat(manual.get().detail()).contains("maintenance");
        assertThat(gate.forceClose("again")).isEmpty();
        assertThat(feed(gate, window, rnd, 2 * CONFIG.windowSize(), 0, 1, 0.99, 1.0)).isEmpty();
        assertThat(gate.current().held()).isTrue();
        gate.release();
        final List<GateTransition> out = feed(gate, window, rnd, CONFIG.reopenDelay() + 1, 0, 1, 0.99, 1.0);
        assertThat(out).extracting(GateTransition::reason).containsExactly(GateReason.LOWER_BOUND_CROSSED);
    }

    @Test
    void shouldWaitTheReopenDelayAfterAClose() {
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final SplittableRandom rnd = new SplittableRandom(6);
        final ParityGate gate = openGate(CONFIG, window, rnd);
        gate.forceClose("test");
        gate.release();
        final long closedAt = gate.outcomes();
        final List<GateTransition> out = feed(gate, window, rnd, 2 * CONFIG.reopenDelay(), 0, 1, 0.99, 1.0);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).outcomes() - closedAt).isGreaterThanOrEqualTo(CONFIG.reopenDelay());
    }

    @Test
    void shouldKeepOrCloseOnALearnerSwitchByTheNewWindow() {
        final SplittableRandom rnd = new SplittableRandom(7);
        final AgreementWindow a = new AgreementWindow(CONFIG);
        final ParityGate gate = openGate(CONFIG, a, rnd);
        final AgreementWindow good = new AgreementWindow(CONFIG);
        final AgreementWindow bad = new AgreementWindow(CONFIG);
        for (int k = 0; k < CONFIG.windowSize(); k++) {
            good.add(rnd.nextDouble(), rnd.nextDouble() < 0.99, 1.0);
            bad.add(rnd.nextDouble(), rnd.nextDouble() < 0.6, 1.0);
        }
        final GateTransition keep = gate.switchServed(good, "knn now best").orElseThrow();
        assertThat(keep.from()).isEqualTo(GateState.OPEN);
        assertThat(keep.to()).isEqualTo(GateState.OPEN);
        assertThat(keep.reason()).isEqualTo(GateReason.LEARNER_SWITCHED);
        final GateTransition close = gate.switchServed(bad, "nb now best").orElseThrow();
        assertThat(close.to()).isEqualTo(GateState.CLOSED);
        assertThat(close.reason()).isEqualTo(GateReason.LEARNER_SWITCHED);
        assertThat(gate.switchServed(good, "closed: nothing to say")).isEmpty();
    }

    @Test
    void shouldResumeIdenticallyAfterSerialisation() throws Exception {
        final SplittableRandom rnd = new SplittableRandom(8);
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final ParityGate gate = openGate(CONFIG, window, rnd);
        feed(gate, window, rnd, 300, 0.4, 1.0, 0.97, 20.0);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(gate);
            out.writeObject(window);
        }
        final ParityGate gate2;
        final AgreementWindow window2;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            gate2 = (ParityGate) in.readObject();
            window2 = (AgreementWindow) in.readObject();
        }
        final SplittableRandom r1 = new SplittableRandom(99);
        final SplittableRandom r2 = new SplittableRandom(99);
        // a drop after the restore: both copies must react at the same outcome, with the same numbers
        final List<GateTransition> t1 = feed(gate, window, r1, 800, 0.4, 1.0, 0.7, 1.0);
        final List<GateTransition> t2 = feed(gate2, window2, r2, 800, 0.4, 1.0, 0.7, 1.0);
        assertThat(t1).isNotEmpty();
        assertThat(t2).isEqualTo(t1);
        assertThat(gate2.thresholdIndex()).isEqualTo(gate.thresholdIndex());
        assertThat(gate2.flips()).isEqualTo(gate.flips());
    }

    @Test
    void shouldRaiseTheAuditProbabilityWhenCoverageIsLow() {
        final AgreementWindow window = new AgreementWindow(CONFIG);
        final SplittableRandom rnd = new SplittableRandom(9);
        final ParityGate closed = new ParityGate(CONFIG);
        assertThat(closed.auditProbability()).isEqualTo(CONFIG.epsilon());
        final ParityGate gate = openGate(CONFIG, window, rnd);
        final double c = gate.current().coverage();
        final double e = gate.auditProbability();
        assertThat(e).isGreaterThanOrEqualTo(CONFIG.epsilon()).isLessThanOrEqualTo(1.0);
        // steady-state audits in a window of N at coverage c and audit probability e
        final double audits = CONFIG.windowSize() * c * e / ((1 - c) + c * e);
        assertThat(audits).isGreaterThanOrEqualTo(Math.min(2.0 * CONFIG.minAccepted(), CONFIG.windowSize() / 2.0) - 1e-6);
    }

    @Test
    void shouldMapATransitionToAGateEvent() {
        final GateTransition t = new GateTransition(GateState.CLOSED, GateState.OPEN, GateReason.LOWER_BOUND_CROSSED,
                0.97, 0.95, 0.99, 0.8, 0.42, 2000, 1500.5, "why", 77);
        final GateEvent e = t.toGateEvent("intents", 0.9, "softmax", "v3", 1234, 1_700_000_000_000L);
        assertThat(e.getTask()).isEqualTo("intents");
        assertThat(e.getState()).isEqualTo(GateState.OPEN);
        assertThat(e.getPrevious()).isEqualTo(GateState.CLOSED);
        assertThat(e.getAgreementLower()).isEqualTo(0.95);
        assertThat(e.getThreshold()).isEqualTo(0.42);
        assertThat(e.getEffectiveSize()).isEqualTo(1500.5);
        assertThat(e.getReason()).isEqualTo(GateReason.LOWER_BOUND_CROSSED);
        assertThat(e.getServedLearner()).isEqualTo("softmax");
        assertThat(e.getTracesSeen()).isEqualTo(1234);
        final GateTransition closed = new GateTransition(GateState.OPEN, GateState.CLOSED, GateReason.MANUAL,
                Double.NaN, 0, 1, 0, Double.NaN, 0, 0, "", 1);
        assertThat(closed.toGateEvent("t", 0.9, null, null, 0, 0).getThreshold()).isNull();
    }

    /**
     * The two coverages tell one story (the live page shows both): at an opening the served threshold is the
     * frontier's t* at alpha, so the served coverage equals the frontier's; while open the served threshold follows
     * t* down but not up, so the served coverage is at least the frontier's whenever the frontier reaches
     * minCoverage. Checked after every outcome of an open gate with epsilon audits of weight 1/p.
     */
    @Test
    void shouldServeAtLeastTheFrontierCoverageAtItsAlphaAndExactlyItAtOpening() {
        final GateSimulation.Scenario sc = GateScenarios.bankingLike();
        int openings = 0;
        int checked = 0;
        for (int r = 0; r < 5; r++) {
            final ParityGate gate = new ParityGate(CONFIG);
            final GateStatistics stats = gate.statistics();
            final AgreementWindow window = new AgreementWindow(CONFIG);
            final SplittableRandom rnd = new SplittableRandom(600 + r);
            for (int k = 0; k < 20_000; k++) {
                final double s = sc.quantile().applyAsDouble(rnd.nextDouble());
                final boolean agreed = rnd.nextDouble() < sc.agreement().applyAsDouble(s);
                if (gate.accepts(s)) {
                    final double p = gate.auditProbability();
                    if (rnd.nextDouble() >= p) {
                        continue;
                    }
                    window.add(s, agreed, 1.0 / p);
                } else {
                    window.add(s, agreed, 1.0);
                }
                final Optional<GateTransition> t = gate.evaluate(window);
                if (!gate.isOpen()) {
                    continue;
                }
                final GateStatistics.FrontierEntry frontier = stats.frontier(window, List.of(CONFIG.alpha())).get(0);
                final double served = stats.estimate(window, gate.thresholdIndex(), false).coverage();
                if (t.isPresent() && t.get().to() == GateState.OPEN && t.get().from() == GateState.CLOSED) {
                    openings++;
                    assertThat(served).isEqualTo(frontier.coverage());
                    assertThat(gate.threshold()).isEqualTo(frontier.threshold());
                } else if (frontier.coverage() >= CONFIG.minCoverage()) {
                    checked++;
                    assertThat(served).isGreaterThanOrEqualTo(frontier.coverage());
                }
            }
        }
        assertThat(openings).isPositive();
        assertThat(checked).isGreaterThan(5_000);
    }
}
