/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.GateReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * The closed loop of the gate as the task engine runs it, on synthetic traffic with a known agreement
 * function: used by the gate's simulation tests and by {@code GateBenchmark}.
 *
 * <p>Per request: draw u ~ U(0, 1), the acceptor score s = quantile(u) and the hidden outcome
 * agreed ~ Bernoulli(p(s)). If the gate is open and accepts s, the request is HANDLED (its outcome counts in
 * the realised agreement, which the system never sees) and with probability q it is audited (q = epsilon, or
 * the gate's audit probability when adaptive): the outcome enters the window with weight 1/q. Otherwise it is
 * DEFERRED and the outcome enters with weight 1. The gate is evaluated after every outcome that enters the window. From request
 * {@code driftAt} on, p is replaced by {@code agreementAfterDrift}.
 */
public final class GateSimulation {

    private GateSimulation() {
    }

    /**
     * A synthetic traffic model.
     *
     * @param name                for reports
     * @param quantile            the score distribution as an increasing quantile function u -&gt; s on (0, 1)
     * @param agreement           p(s): probability that the surrogate agrees with the LLM at score s
     * @param agreementAfterDrift p(s) from request {@code driftAt} on; null for no drift
     * @param driftAt             request index of the drift (ignored without drift)
     */
    public record Scenario(String name, DoubleUnaryOperator quantile, DoubleUnaryOperator agreement,
                           DoubleUnaryOperator agreementAfterDrift, int driftAt) {

        public Scenario {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(quantile, "quantile");
            Objects.requireNonNull(agreement, "agreement");
        }

        /** A stationary scenario. */
        public static Scenario stationary(final String name, final DoubleUnaryOperator quantile,
                                          final DoubleUnaryOperator agreement) {
            return new Scenario(name, quantile, agreement, null, Integer.MAX_VALUE);
        }

        /** True agreement on the traffic with score &gt;= t before drift: E[p(s) | s &gt;= t] (numerical integral). */
        public double trueAgreement(final double t) {
            return conditional(agreement, t)[0];
        }

        /** True coverage of threshold t: P(s &gt;= t). */
        public double trueCoverage(final double t) {
            return conditional(agreement, t)[1];
        }

        private double[] conditional(final DoubleUnaryOperator p, final double t) {
            final int m = 40_000;
            double sum = 0;
            int n = 0;
            for (int i = 0; i < m; i++) {
                final double s = quantile.applyAsDouble((i + 0.5) / m);
                if (s >= t) {
                    sum += p.applyAsDouble(s);
                    n++;
                }
            }
            return new double[] {n == 0 ? Double.NaN : sum / n, (double) n / m};
        }
    }

    /**
     * The outcome of one run.
     *
     * @param requests           requests routed
     * @param handled            requests HANDLED
     * @param handledAgreed      HANDLED requests whose hidden outcome was an agreement
     * @param audited            HANDLED requests that were audited
     * @param firstOpenAt        request index of the first opening, -1 if never
     * @param flips              open/close flips
     * @param closes             closes per reason
     * @param firstCloseAfterDrift requests between the drift and the first close after it, -1 if none
     * @param tracesToCloseAfterDrift labelled outcomes (traces) that entered the window between the drift and the
     *                           first close after it, -1 if none
     * @param finalOpen          whether the gate was open at the end
     * @param finalThreshold     the served threshold at the end (NaN if closed)
     * @param finalAgreement     the window's weighted agreement at the final threshold (NaN if closed)
     * @param finalCoverage      the window's weighted coverage at the final threshold (NaN if closed)
     * @param handledAfterOpen   HANDLED requests in the last 20% of the stream
     * @param lastFifthRequests  requests in the last 20% of the stream
     */
    public record Run(long requests, long handled, long handledAgreed, long audited, long firstOpenAt, long flips,
                      Map<GateReason, Integer> closes, long firstCloseAfterDrift, long tracesToCloseAfterDrift,
                      boolean finalOpen,
                      double finalThreshold, double finalAgreement, double finalCoverage, long handledAfterOpen,
                      long lastFifthRequests) {

        /** Realised agreement of the HANDLED requests; NaN if none. */
        public double realisedAgreement() {
            return handled == 0 ? Double.NaN : (double) handledAgreed / handled;
        }

        /** HANDLED / requests. */
        public double coverage() {
            return requests == 0 ? 0.0 : (double) handled / requests;
        }

        /** HANDLED / requests over the last 20% of the stream. */
        public double lastFifthCoverage() {
            return lastFifthRequests == 0 ? 0.0 : (double) handledAfterOpen / lastFifthRequests;
        }
    }

    /** Runs one seeded closed loop of {@code requests} requests, auditing at {@link ParityGate#auditProbability()}. */
    public static Run run(final GateConfig config, final Scenario scenario, final int requests, final long seed) {
        return run(config, scenario, requests, seed, true);
    }

    /**
     * Runs one seeded closed loop of {@code requests} requests.
     *
     * @param adaptiveAudit audit at {@link ParityGate#auditProbability()} (true) or at the fixed epsilon (false)
     */
    public static Run run(final GateConfig config, final Scenario scenario, final int requests, final long seed,
                          final boolean adaptiveAudit) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final AgreementWindow window = new AgreementWindow(config);
        final ParityGate gate = new ParityGate(config);
        final Map<GateReason, Integer> closes = new EnumMap<>(GateReason.class);
        long handled = 0;
        long handledAgreed = 0;
        long audited = 0;
        long firstOpenAt = -1;
        long firstCloseAfterDrift = -1;
        long tracesToClose = -1;
        long tracesAfterDrift = 0;
        long lastFifthHandled = 0;
        final int lastFifthStart = requests - requests / 5;
        for (int r = 0; r < requests; r++) {
            final double s = scenario.quantile().applyAsDouble(rnd.nextDouble());
            final DoubleUnaryOperator p = r >= scenario.driftAt() && scenario.agreementAfterDrift() != null
                    ? scenario.agreementAfterDrift() : scenario.agreement();
            final boolean agreed = rnd.nextDouble() < p.applyAsDouble(s);
            final boolean entered;
            if (gate.accepts(s)) {
                handled++;
                if (agreed) {
                    handledAgreed++;
                }
                if (r >= lastFifthStart) {
                    lastFifthHandled++;
                }
                final double auditP = adaptiveAudit ? gate.auditProbability() : config.epsilon();
                if (rnd.nextDouble() < auditP) {
                    audited++;
                    entered = window.add(s, agreed, 1.0 / auditP);
                } else {
                    entered = false;
                }
            } else {
                entered = window.add(s, agreed, 1.0);
            }
            if (entered) {
                if (r >= scenario.driftAt()) {
                    tracesAfterDrift++;
                }
                final Optional<GateTransition> t = gate.evaluate(window);
                if (t.isPresent()) {
                    if (t.get().opened()) {
                        if (firstOpenAt < 0) {
                            firstOpenAt = r;
                        }
                    } else {
                        closes.merge(t.get().reason(), 1, Integer::sum);
                        if (r >= scenario.driftAt() && firstCloseAfterDrift < 0) {
                            firstCloseAfterDrift = r - scenario.driftAt();
                            tracesToClose = tracesAfterDrift;
                        }
                    }
                }
            }
        }
        final boolean open = gate.isOpen();
        final GateStatistics.Estimate e = open ? gate.statistics().estimate(window, gate.thresholdIndex(), false) : null;
        return new Run(requests, handled, handledAgreed, audited, firstOpenAt, gate.flips(), closes,
                firstCloseAfterDrift, tracesToClose, open, gate.threshold(), open ? e.agreement() : Double.NaN,
                open ? e.coverage() : Double.NaN, lastFifthHandled, requests - lastFifthStart);
    }
}
