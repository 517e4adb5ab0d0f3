/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateSnapshot;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The verification of a backfilled window served at the stricter threshold t_v ({@link ParityGate#verificationIndex}),
 * in the engine's closed loop: the surrogates and the acceptor refit on every trace, the gate moves its threshold as
 * it does in production, and the sequential test sees the audited handled requests actually served. A synthetic
 * intent stream (20 classes) is backfilled with the log's labels, then streamed as live requests whose LLM answers
 * disagree with the log on a share {@code q} of them (a log that flatters the surrogate). Seeded runs; the truth is
 * the realised agreement of the handled requests while the verification ran.
 */
class VerificationThresholdSimulationTest {

    private static final int RUNS = 20;
    /** Classes overlap: agreement falls from about 1 at the top scores to about 0.9 at full coverage. */
    private static final double SPREAD = 2.0;
    private static final int CLASSES = 20;
    private static final int BACKFILL = 3_000;
    private static final int REQUESTS = 3_000;
    private static final double ALPHA = 0.90;
    private static final double DELTA = TaskConfig.DEFAULTS.delta();
    private static final TaskConfig CONFIG = TaskConfig.DEFAULTS.withAlpha(ALPHA).withLearners(List.of("ncm", "softmax"));

    /** One verification: its verdict, the audits it took, and what the handled traffic really did meanwhile. */
    private record Run(boolean confirmed, boolean refuted, boolean closed, long audits, long handled, long agreed, long aboveTStar,
                       long servedWhileVerifying, double thresholdDuring, double thresholdAfter) {
        double truth() {
            return handled == 0 ? Double.NaN : (double) agreed / handled;
        }
    }

    private static Run run(final long seed, final double q) {
        final TaskEngine engine = TaskEngine.create("verify", CONFIG.withSeed(seed));
        final SyntheticIntents data = new SyntheticIntents(CLASSES, 32, SPREAD, seed);
        final Random llm = new Random(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < BACKFILL; i++) {
            final int c = data.nextClass();
            engine.learn("b" + i, null, data.sample(c), SyntheticIntents.label(c), null, i);
        }
        assertThat(engine.gateOpen()).as("the gate opened on the backfill").isTrue();
        assertThat(engine.verifying()).as("and verifies it on live traffic").isTrue();
        long audits = 0;
        long handled = 0;
        long agreed = 0;
        long above = 0;
        long served = 0;
        double during = Double.NaN;
        boolean closed = false;
        for (int i = 0; i < REQUESTS && engine.verifying(); i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final String truth = llm.nextDouble() < q ? SyntheticIntents.label((c + 1 + llm.nextInt(CLASSES - 1)) % CLASSES)
                    : SyntheticIntents.label(c);
            final GateSnapshot gate = engine.gateSnapshot();
            final RoutingDecision d = engine.route("r" + i, null, x, BACKFILL + i);
            if (d.getDecision() == Decision.HANDLED) {
                handled++;
                agreed += truth.equals(d.getLabel()) ? 1 : 0;
                audits += d.getAudit() ? 1 : 0;
                served++;
                above += gate.threshold() > gate.deployableThreshold() ? 1 : 0;
                during = gate.threshold();
            }
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                engine.learn("r" + i, null, x, truth, d, BACKFILL + i);
                closed |= !engine.gateOpen();
            }
        }
        final long[] counts = engine.verifications();
        return new Run(counts[1] > 0, counts[2] > 0, closed, audits, handled, agreed, above, served, during,
                engine.gateOpen() ? engine.gateSnapshot().threshold() : Double.NaN);
    }

    private static List<Run> runs(final double q) {
        final List<Run> out = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            out.add(run(31L * r + 7, q));
        }
        return out;
    }

    @Test
    void shouldConfirmAtMostADeltaShareOfVerificationsWhereTheServedTrafficAgreesBelowAlpha() {
        // the log's labels flatter the surrogate: live, 15% of the LLM's answers differ from them, so the handled
        // traffic agrees below alpha at every threshold, t_v included (the boundary case: just below alpha)
        int confirmed = 0;
        int belowAlpha = 0;
        for (final Run r : runs(0.15)) {
            assertThat(r.handled()).as("not vacuous: requests were handled while verifying").isPositive();
            belowAlpha += r.truth() < ALPHA ? 1 : 0;
            confirmed += r.confirmed() ? 1 : 0;
        }
        assertThat(belowAlpha).as("the scenario is under the null in most runs").isGreaterThanOrEqualTo(RUNS * 9 / 10);
        assertThat((double) confirmed / RUNS).isLessThanOrEqualTo(DELTA);
    }

    @Test
    void shouldRefuteAndCloseWhenTheLiveTrafficAgreesWellBelowAlpha() {
        int closed = 0;
        for (final Run r : runs(0.25)) {
            assertThat(r.confirmed()).isFalse();
            // the sequential test refutes, or the window's own rules (upper bound, drift) close first
            closed += r.refuted() || r.closed() ? 1 : 0;
        }
        assertThat(closed).isGreaterThanOrEqualTo(RUNS * 9 / 10);
    }

    @Test
    void shouldConfirmATrueLogInAFewHundredAuditsServingAboveTStarThenReturnToTStar() {
        final List<Run> runs = runs(0.0);
        final List<Long> audits = new ArrayList<>();
        int stricter = 0;
        int lowered = 0;
        for (final Run r : runs) {
            assertThat(r.confirmed()).as("a true log is confirmed").isTrue();
            assertThat(r.truth()).isGreaterThanOrEqualTo(ALPHA);
            audits.add(r.audits());
            // the new path is taken: most handled requests of the verification were served above t*
            stricter += r.aboveTStar() * 2 > r.servedWhileVerifying() ? 1 : 0;
            lowered += r.thresholdAfter() < r.thresholdDuring() ? 1 : 0;
        }
        audits.sort(null);
        // N/2 = 1,000 audits is the worst case; at t_v the test settles in a few hundred at most
        assertThat(audits.get(RUNS / 2)).isLessThan(300L);
        assertThat(stricter).isGreaterThanOrEqualTo(RUNS * 3 / 4);
        assertThat(lowered).as("after the confirmation the gate serves t* again").isGreaterThanOrEqualTo(RUNS * 3 / 4);
    }
}
