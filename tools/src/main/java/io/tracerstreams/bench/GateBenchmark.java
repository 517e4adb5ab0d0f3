/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.gate.AgreementWindow;
import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.GateScenarios;
import io.tracerstreams.gate.GateSimulation;
import io.tracerstreams.gate.GateStatistics;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.gate.ThresholdSearch;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost of the parity gate at the default window (N = 2,000): {@link ParityGate#evaluate} after every added
 * outcome, {@link GateStatistics#frontier} and {@link ParityGate#current()}; then closed-loop simulations
 * (share of runs keeping alpha, mean coverage) per scenario and alpha.
 *
 * <p>Arguments: {@code [runs]} (default 100) simulation runs per scenario and alpha; {@code --cost-only}.
 */
public final class GateBenchmark {

    private GateBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void run(final String[] args) {
        int runs = 100;
        boolean costOnly = false;
        GateConfig base = GateConfig.DEFAULTS;
        for (final String a : args) {
            if ("--cost-only".equals(a)) {
                costOnly = true;
            } else if (a.startsWith("--search=")) {
                base = base.withSearch(ThresholdSearch.valueOf(a.substring("--search=".length())));
            } else if (a.startsWith("--min-window=")) {
                base = base.withMinWindow(Integer.parseInt(a.substring("--min-window=".length())));
            } else if (a.startsWith("--window=")) {
                base = base.withWindowSize(Integer.parseInt(a.substring("--window=".length())));
            } else {
                runs = Integer.parseInt(a);
            }
        }
        cost();
        if (!costOnly) {
            simulations(base, runs);
        }
    }

    /** Entry point. */
    public static void main(final String[] args) {
        run(args);
    }

    private static void cost() {
        final GateConfig config = GateConfig.DEFAULTS;
        final SplittableRandom rnd = new SplittableRandom(7);
        final AgreementWindow window = new AgreementWindow(config);
        final ParityGate gate = new ParityGate(config);
        final GateStatistics stats = gate.statistics();
        System.out.printf(Locale.ROOT, "gate config: alpha %.2f delta %.2f N %d grid %d; per-look levels: open %.3g, close %.3g%n",
                config.alpha(), config.delta(), config.windowSize(), config.gridSize(), stats.openLevel(), stats.closeLevel());
        final GateSimulation.Scenario sc = GateScenarios.bankingLike();
        final int warm = 30_000;
        final int measured = 20_000;
        final long[] evalNs = new long[measured];
        final long[] addNs = new long[measured];
        for (int i = 0; i < warm + measured; i++) {
            final double s = sc.quantile().applyAsDouble(rnd.nextDouble());
            final boolean agreed = rnd.nextDouble() < sc.agreement().applyAsDouble(s);
            final double w = gate.accepts(s) ? 1.0 / config.epsilon() : 1.0;
            final long t0 = System.nanoTime();
            window.add(s, agreed, w);
            final long t1 = System.nanoTime();
            gate.evaluate(window);
            final long t2 = System.nanoTime();
            if (i >= warm) {
                addNs[i - warm] = t1 - t0;
                evalNs[i - warm] = t2 - t1;
            }
        }
        print("window.add", addNs);
        print("gate.evaluate (N=2000, " + (gate.isOpen() ? "open" : "closed") + ")", evalNs);
        final List<Double> alphas = List.of(0.80, 0.85, 0.90, 0.95, 0.99);
        final long[] frontierNs = new long[2_000];
        final long[] currentNs = new long[2_000];
        for (int i = 0; i < 3_000 + frontierNs.length; i++) {
            final long t0 = System.nanoTime();
            final List<GateStatistics.FrontierEntry> f = stats.frontier(window, alphas);
            final long t1 = System.nanoTime();
            gate.current();
            final long t2 = System.nanoTime();
            if (i >= 3_000) {
                frontierNs[i - 3_000] = t1 - t0;
                currentNs[i - 3_000] = t2 - t1;
            }
            if (f.isEmpty()) {
                throw new IllegalStateException("empty frontier");
            }
        }
        print("statistics.frontier (5 alphas)", frontierNs);
        print("gate.current()", currentNs);
        for (final GateStatistics.FrontierEntry e : stats.frontier(window, alphas)) {
            System.out.printf(Locale.ROOT, "  frontier alpha %.2f: threshold %.4f coverage %.3f agreement %.4f lower %.4f%n",
                    e.alpha(), e.threshold(), e.coverage(), e.agreement(), e.lower());
        }
    }

    private static void print(final String what, final long[] ns) {
        final long[] s = ns.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-45s median %8.2f us  p99 %8.2f us  max %8.2f us%n", what,
                s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3);
    }

    private static void simulations(final GateConfig base, final int runs) {
        final int requests = 20_000;
        System.out.printf(Locale.ROOT, "%nclosed loop: %d runs x %d requests, %s%n", runs, requests, base);
        System.out.printf(Locale.ROOT, "%-22s %5s %8s %9s %9s %9s %9s %8s %6s %7s %s%n", "scenario", "alpha", "opened",
                "keep>=a", "realised", "coverage", "cov-last", "1st-open", "flips", "audits", "closes");
        final List<GateSimulation.Scenario> scenarios = List.of(GateScenarios.bankingLike(), GateScenarios.calibrated(),
                GateScenarios.topOnly(), GateScenarios.snliLike());
        for (final double alpha : new double[] {0.85, 0.90, 0.95}) {
            for (final GateSimulation.Scenario sc : scenarios) {
                simulate(base.withAlpha(alpha), sc, runs, requests);
            }
            simulate(base.withAlpha(alpha), GateScenarios.flat(alpha - 0.05), runs, requests);
            simulate(base.withAlpha(alpha), GateScenarios.flat(Math.min(0.99, alpha + 0.03)), runs, requests);
        }
    }

    private static void simulate(final GateConfig config, final GateSimulation.Scenario sc, final int runs,
                                 final int requests) {
        int opened = 0;
        int keep = 0;
        double realised = 0;
        double coverage = 0;
        double coverageLast = 0;
        double firstOpen = 0;
        double flips = 0;
        double audits = 0;
        final java.util.Map<io.tracerstreams.schema.GateReason, Integer> closes = new java.util.TreeMap<>();
        for (int r = 0; r < runs; r++) {
            final GateSimulation.Run run = GateSimulation.run(config, sc, requests, 1_000L + r);
            coverage += run.coverage();
            coverageLast += run.lastFifthCoverage();
            flips += run.flips();
            audits += (double) run.audited() / run.requests();
            run.closes().forEach((k, v) -> closes.merge(k, v, Integer::sum));
            if (run.handled() > 0) {
                opened++;
                realised += run.realisedAgreement();
                firstOpen += run.firstOpenAt();
                if (run.realisedAgreement() >= config.alpha()) {
                    keep++;
                }
            } else {
                keep++;
            }
        }
        System.out.printf(Locale.ROOT, "%-22s %5.2f %7.0f%% %8.1f%% %9.4f %9.3f %9.3f %8.0f %6.2f %7.4f %s%n", sc.name(),
                config.alpha(), 100.0 * opened / runs, 100.0 * keep / runs, opened == 0 ? Double.NaN : realised / opened,
                coverage / runs, coverageLast / runs, opened == 0 ? Double.NaN : firstOpen / opened, flips / runs,
                audits / runs, closes);
    }
}
