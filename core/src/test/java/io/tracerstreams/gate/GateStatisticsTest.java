/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GateStatisticsTest {

    @Test
    void shouldMatchTheBinomialTailsOnIntegerCounts() {
        for (final int n : new int[] {1, 7, 40, 300}) {
            for (final double p : new double[] {0.05, 0.5, 0.9, 0.97}) {
                final double[] pmf = new double[n + 1];
                for (int k = 0; k <= n; k++) {
                    pmf[k] = Math.exp(GateStatistics.logGamma(n + 1.0) - GateStatistics.logGamma(k + 1.0)
                            - GateStatistics.logGamma(n - k + 1.0) + k * Math.log(p) + (n - k) * Math.log1p(-p));
                }
                for (int k = 0; k <= n; k += Math.max(1, n / 9)) {
                    double atLeast = 0;
                    double atMost = 0;
                    for (int j = 0; j <= n; j++) {
                        if (j >= k) {
                            atLeast += pmf[j];
                        }
                        if (j <= k) {
                            atMost += pmf[j];
                        }
                    }
                    assertThat(GateStatistics.binomialTailAtLeast(n, k, p)).isCloseTo(atLeast, within(1e-9));
                    assertThat(GateStatistics.binomialTailAtMost(n, k, p)).isCloseTo(atMost, within(1e-9));
                }
            }
        }
    }

    @Test
    void shouldGiveTheClosedFormClopperPearsonBoundsAtTheEdges() {
        for (final int n : new int[] {5, 50, 500}) {
            assertThat(GateStatistics.clopperPearsonLower(n, n, 0.05)).isCloseTo(Math.pow(0.05, 1.0 / n), within(1e-7));
            assertThat(GateStatistics.clopperPearsonUpper(0, n, 0.05)).isCloseTo(1 - Math.pow(0.05, 1.0 / n), within(1e-7));
            assertThat(GateStatistics.clopperPearsonLower(0, n, 0.05)).isZero();
            assertThat(GateStatistics.clopperPearsonUpper(n, n, 0.05)).isEqualTo(1.0);
        }
    }

    @Test
    void shouldComputeKishEffectiveSize() {
        assertThat(GateStatistics.kishEffectiveSize(100, 100)).isEqualTo(100.0);
        // 100 entries of weight 1 and 10 of weight 20: (100 + 200)^2 / (100 + 4000)
        assertThat(GateStatistics.kishEffectiveSize(300, 4100)).isCloseTo(90_000.0 / 4100, within(1e-12));
        assertThat(GateStatistics.kishEffectiveSize(0, 0)).isZero();
        final SplittableRandom rnd = new SplittableRandom(1);
        for (int k = 0; k < 1000; k++) {
            double w = 0;
            double w2 = 0;
            final int n = 1 + rnd.nextInt(50);
            for (int i = 0; i < n; i++) {
                final double x = 0.01 + rnd.nextDouble() * 30;
                w += x;
                w2 += x * x;
            }
            assertThat(GateStatistics.kishEffectiveSize(w, w2)).isBetween(1.0 - 1e-9, n + 1e-9);
        }
    }

    @Test
    void shouldBeMonotoneInSuccessesSampleSizeAndLevel() {
        final SplittableRandom rnd = new SplittableRandom(2);
        for (int k = 0; k < 500; k++) {
            final double n = 5 + rnd.nextDouble() * 2000;
            final double p = rnd.nextDouble();
            final double s = p * n;
            final double lower = GateStatistics.clopperPearsonLower(s, n, 0.05);
            final double upper = GateStatistics.clopperPearsonUpper(s, n, 0.05);
            assertThat(lower).isLessThanOrEqualTo(p + 1e-9);
            assertThat(upper).isGreaterThanOrEqualTo(p - 1e-9);
            assertThat(GateStatistics.clopperPearsonLower(Math.min(n, s + 1), n, 0.05)).isGreaterThanOrEqualTo(lower - 1e-9);
            assertThat(GateStatistics.clopperPearsonLower(s, n, 0.001)).isLessThanOrEqualTo(lower + 1e-9);
            assertThat(GateStatistics.clopperPearsonUpper(s, n, 0.001)).isGreaterThanOrEqualTo(upper - 1e-9);
            // the same estimate on four times the sample is tighter
            assertThat(GateStatistics.clopperPearsonLower(4 * s, 4 * n, 0.05)).isGreaterThanOrEqualTo(lower - 1e-9);
            assertThat(GateStatistics.clopperPearsonUpper(4 * s, 4 * n, 0.05)).isLessThanOrEqualTo(upper + 1e-9);
        }
    }

    @Test
    void shouldNeverPassWithTheCriticalTableWhatTheExactTestFails() {
        final GateConfig config = GateConfig.DEFAULTS.withWindowSize(600);
        final GateStatistics stats = new GateStatistics(config);
        final SplittableRandom rnd = new SplittableRandom(12);
        int agree = 0;
        final int trials = 20_000;
        for (final double alpha : new double[] {0.85, 0.95}) {
            final double[] table = stats.criticalTable(alpha);
            for (int k = 0; k < trials / 2; k++) {
                final double n = 1 + rnd.nextDouble() * 599;
                final double p = alpha + rnd.nextDouble() * (1 - alpha);
                final boolean tablePass = GateStatistics.passes(table, p, n);
                final boolean exactPass = stats.lowerBoundAtLeast(p * n, n, alpha);
                if (tablePass) {
                    assertThat(exactPass).as("n %s p %s alpha %s", n, p, alpha).isTrue();
                }
                agree += tablePass == exactPass ? 1 : 0;
            }
        }
        // rounding n_eff down costs little: the two tests agree almost everywhere
        assertThat((double) agree / trials).isGreaterThan(0.97);
    }

    @Test
    void shouldSolveTheLookAdjustment() {
        for (final int h : new int[] {1, 6, 100}) {
            final double d = GateStatistics.lookAdjustedDelta(0.05, h);
            final double z = GateStatistics.normalQuantile(1 - d);
            assertThat(d).isLessThan(0.05 / h);
            assertThat(d * h * (1 + z * z)).isCloseTo(0.05, within(1e-9));
        }
        assertThat(GateStatistics.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-5));
        assertThat(GateStatistics.normalQuantile(1e-6)).isCloseTo(-4.753424, within(1e-4));
    }

    @Test
    void shouldContainTheTruthAtTheStatedRateOnWeightedSamplesAtOneLook() {
        // audited entries weigh 20, deferred ones 1; bounds are computed on Kish's effective size
        final SplittableRandom rnd = new SplittableRandom(42);
        final double p = 0.9;
        final int sims = 4_000;
        int lowerAbove = 0;
        int upperBelow = 0;
        for (int k = 0; k < sims; k++) {
            double w = 0;
            double w2 = 0;
            double wa = 0;
            for (int i = 0; i < 400; i++) {
                final double weight = rnd.nextDouble() < 0.2 ? 20.0 : 1.0;
                w += weight;
                w2 += weight * weight;
                if (rnd.nextDouble() < p) {
                    wa += weight;
                }
            }
            final double n = GateStatistics.kishEffectiveSize(w, w2);
            final double hat = wa / w;
            if (GateStatistics.clopperPearsonLower(hat * n, n, 0.05) > p) {
                lowerAbove++;
            }
            if (GateStatistics.clopperPearsonUpper(hat * n, n, 0.05) < p) {
                upperBelow++;
            }
        }
        // nominal 5% each; Monte Carlo standard error ~0.35%
        assertThat((double) lowerAbove / sims).isLessThan(0.065);
        assertThat((double) upperBelow / sims).isLessThan(0.065);
        // and not vacuous: a bound that never errs would be useless
        assertThat((double) lowerAbove / sims).isGreaterThan(0.01);
    }

    /**
     * The repeated-look property the gate needs: on a stationary stream, with t* recomputed after every outcome of
     * a sliding window, the share of window-length stretches in which t* ever lands on a threshold whose true
     * agreement is below alpha stays near delta. The naive fixed-n level (delta at every look, no correction for
     * the threshold search) fails the same check.
     */
    @Test
    void shouldStayHonestUnderContinuousRecheckingWhereTheNaiveBoundDoesNot() {
        final GateConfig config = GateConfig.DEFAULTS.withWindowSize(500).withAlpha(0.9);
        final GateSimulation.Scenario sc = GateScenarios.calibrated();
        final boolean[] belowAlpha = new boolean[config.gridSize()];
        for (int i = 0; i < config.gridSize(); i++) {
            belowAlpha[i] = sc.trueAgreement(config.thresholdAt(i)) < config.alpha();
        }
        final GateStatistics honest = new GateStatistics(config);
        final GateStatistics naive = new GateStatistics(config.withSearch(ThresholdSearch.UNION_BOUND),
                config.delta(), config.delta());
        final int runs = 200;
        int honestViolations = 0;
        int naiveViolations = 0;
        int honestFound = 0;
        for (int r = 0; r < runs; r++) {
            final SplittableRandom rnd = new SplittableRandom(9_000 + r);
            final AgreementWindow window = new AgreementWindow(config);
            boolean honestWrong = false;
            boolean naiveWrong = false;
            boolean found = false;
            for (int k = 0; k < 2 * config.windowSize(); k++) {
                final double s = sc.quantile().applyAsDouble(rnd.nextDouble());
                window.add(s, rnd.nextDouble() < sc.agreement().applyAsDouble(s), 1.0);
                if (k >= config.windowSize()) {
                    final int h = honest.deployableIndex(window, config.alpha());
                    final int n = naive.deployableIndex(window, config.alpha());
                    found |= h >= 0;
                    honestWrong |= h >= 0 && belowAlpha[h];
                    naiveWrong |= n >= 0 && belowAlpha[n];
                }
            }
            honestViolations += honestWrong ? 1 : 0;
            naiveViolations += naiveWrong ? 1 : 0;
            honestFound += found ? 1 : 0;
        }
        assertThat((double) honestViolations / runs).isLessThanOrEqualTo(config.delta());
        assertThat((double) naiveViolations / runs).isGreaterThan(2 * config.delta());
        assertThat(honestFound).as("the honest bound must still find a deployable threshold").isGreaterThan(runs / 2);
    }

    @Test
    void shouldFindNoDeployableThresholdWhenAgreementIsBelowAlphaEverywhere() {
        final GateConfig config = GateConfig.DEFAULTS.withAlpha(0.9);
        final GateStatistics stats = new GateStatistics(config);
        final AgreementWindow window = new AgreementWindow(config);
        final SplittableRandom rnd = new SplittableRandom(4);
        for (int k = 0; k < 20_000; k++) {
            window.add(rnd.nextDouble(), rnd.nextDouble() < 0.80, 1.0);
            assertThat(stats.deployableIndex(window, config.alpha())).isEqualTo(-1);
        }
        assertThat(stats.deployable(window, config.alpha()).index()).isEqualTo(-1);
        assertThat(stats.frontier(window, java.util.List.of(0.7, 0.9)))
                .extracting(GateStatistics.FrontierEntry::coverage).containsExactly(1.0, 0.0);
    }

    @Test
    void shouldGiveAFrontierWhoseCoverageFallsAsAlphaRises() {
        final GateConfig config = GateConfig.DEFAULTS;
        final GateStatistics stats = new GateStatistics(config);
        final AgreementWindow window = new AgreementWindow(config);
        final GateSimulation.Scenario sc = GateScenarios.calibrated();
        final SplittableRandom rnd = new SplittableRandom(8);
        for (int k = 0; k < config.windowSize(); k++) {
            final double s = sc.quantile().applyAsDouble(rnd.nextDouble());
            window.add(s, rnd.nextDouble() < s, 1.0);
        }
        final var frontier = stats.frontier(window, java.util.List.of(0.70, 0.80, 0.85, 0.90, 0.95));
        for (int i = 1; i < frontier.size(); i++) {
            assertThat(frontier.get(i).coverage()).isLessThanOrEqualTo(frontier.get(i - 1).coverage());
        }
        assertThat(frontier.get(0).coverage()).isEqualTo(1.0);
        for (final var e : frontier) {
            if (e.coverage() > 0) {
                assertThat(e.lower()).isGreaterThanOrEqualTo(e.alpha());
                assertThat(e.toAvro().getThreshold()).isEqualTo(e.threshold());
            } else {
                assertThat(e.toAvro().getThreshold()).isNull();
            }
        }
    }

    /**
     * The same repeated-look property on the window of an OPEN gate: requests at or above the served threshold are
     * audited with probability epsilon and weigh 1/epsilon, deferred ones weigh 1. n_eff then stays far below N
     * and is not monotone in the threshold; the walk skips thresholds with too few effective outcomes and splits
     * its level over the start levels that exist, and must stay honest doing so.
     */
    @Test
    void shouldStayHonestUnderContinuousRecheckingWithAuditWeights() {
        // calibrated acceptor: true agreement crosses 0.85 near t = 0.61, below the served threshold
        final GateConfig config = GateConfig.DEFAULTS.withWindowSize(500).withAlpha(0.85);
        final GateSimulation.Scenario sc = GateScenarios.calibrated();
        final boolean[] belowAlpha = new boolean[config.gridSize()];
        for (int i = 0; i < config.gridSize(); i++) {
            belowAlpha[i] = sc.trueAgreement(config.thresholdAt(i)) < config.alpha();
        }
        final GateStatistics stats = new GateStatistics(config);
        final double served = 0.85;
        final double epsilon = 0.2;
        final int runs = 200;
        int violations = 0;
        int found = 0;
        for (int r = 0; r < runs; r++) {
            final SplittableRandom rnd = new SplittableRandom(31_000 + r);
            final AgreementWindow window = new AgreementWindow(config);
            boolean wrong = false;
            boolean any = false;
            int outcomes = 0;
            while (outcomes < 2 * config.windowSize()) {
                final double s = sc.quantile().applyAsDouble(rnd.nextDouble());
                final boolean agreed = rnd.nextDouble() < sc.agreement().applyAsDouble(s);
                if (s >= served) {
                    if (rnd.nextDouble() >= epsilon) {
                        continue; // handled and not audited: no outcome
                    }
                    window.add(s, agreed, 1.0 / epsilon);
                } else {
                    window.add(s, agreed, 1.0);
                }
                outcomes++;
                if (outcomes > config.windowSize()) {
                    final int h = stats.deployableIndex(window, config.alpha());
                    any |= h >= 0;
                    wrong |= h >= 0 && belowAlpha[h];
                }
            }
            violations += wrong ? 1 : 0;
            found += any ? 1 : 0;
        }
        assertThat((double) violations / runs).isLessThanOrEqualTo(config.delta());
        assertThat(found).as("the walk must still find a deployable threshold").isGreaterThan(runs / 4);
    }

    /**
     * A threshold with too few effective outcomes is skipped, not failed: a dip of n_eff below minAccepted near
     * the top of the grid (a few heavy audited outcomes) must not stop the walk above strong evidence below it.
     */
    @Test
    void shouldSkipThresholdsWithTooFewEffectiveOutcomesInsteadOfStopping() {
        final GateConfig config = GateConfig.DEFAULTS.withAlpha(0.8);
        final GateStatistics stats = new GateStatistics(config);
        final AgreementWindow window = new AgreementWindow(config);
        // 60 unit-weight agreeing outcomes at the very top, then 4 heavy audited ones, then 60 heavy audited
        // outcomes (57 agree) and 100 deferred unit-weight ones (96 agree) further down
        for (int k = 0; k < 60; k++) {
            window.add(0.995, true, 1.0);
        }
        for (int k = 0; k < 4; k++) {
            window.add(0.975, true, 20.0);
        }
        for (int k = 0; k < 60; k++) {
            window.add(0.90, k >= 3, 20.0);
        }
        for (int k = 0; k < 100; k++) {
            window.add(0.70, k >= 4, 1.0);
        }
        final int dip = config.gridIndex(0.975);
        assertThat(stats.estimate(window, dip, false).effectiveSize())
                .as("precondition: n_eff dips below minAccepted").isLessThan(config.minAccepted());
        assertThat(stats.estimate(window, config.gridIndex(0.995), false).effectiveSize())
                .as("precondition: a walk starts above the dip").isGreaterThanOrEqualTo(config.minAccepted());
        final int deployable = stats.deployableIndex(window, config.alpha());
        assertThat(deployable).isGreaterThanOrEqualTo(0).isLessThan(dip);
        assertThat(stats.estimate(window, deployable).lower()).isGreaterThanOrEqualTo(config.alpha());
    }

    @Test
    void shouldSplitTheLevelOverTheStartLevelsThatExist() {
        final GateStatistics stats = new GateStatistics(GateConfig.DEFAULTS);
        assertThat(stats.reachableStarts(49.9)).isZero();
        assertThat(stats.reachableStarts(50)).isEqualTo(1);
        assertThat(stats.reachableStarts(399)).isEqualTo(3);
        assertThat(stats.reachableStarts(1e9)).isEqualTo(GateStatistics.sequenceStarts(GateConfig.DEFAULTS));
        for (int walks = 1; walks <= 6; walks++) {
            double sum = 0;
            for (int j = 0; j < walks; j++) {
                sum += GateStatistics.startShare(j, walks);
            }
            assertThat(sum).isCloseTo(1.0, within(1e-12));
        }
    }
}
