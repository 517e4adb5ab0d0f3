/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.FrontierPoint;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statistics of the parity gate, all in one place: weighted agreement and coverage at a threshold, Kish
 * effective sample size, lower and upper confidence bounds, the deployable threshold t* and the frontier.
 *
 * <h2>Estimates</h2>
 * Over the agreement window (entries: score s, agreed a, weight w), for a threshold t with
 * accepted(t) = {s &gt;= t}:
 * <ul>
 *   <li>Agreement(t) = sum over accepted(t) of w*a / sum over accepted(t) of w (a ratio, Hajek, estimator);</li>
 *   <li>Coverage(t) = sum over accepted(t) of w / sum over the window of w;</li>
 *   <li>n_eff(t) = (sum w)^2 / sum w^2 over accepted(t) (Kish's effective sample size).</li>
 * </ul>
 * Audited handled outcomes carry w = 1/p, p their audit probability (at least epsilon, see
 * {@link ParityGate#auditProbability()}), and deferred ones w = 1, so both estimates are (ratio-)unbiased for
 * live traffic even though the LLM only sees a share of the handled requests. The weights
 * inflate the variance; n_eff says how many unweighted outcomes the accepted set is worth, and every bound
 * below is computed on n_eff with k = Agreement(t) * n_eff "successes".
 *
 * <h2>Bounds</h2>
 * Exact binomial (Clopper-Pearson) tail inversion on (k, n_eff), extended to non-integer counts through the
 * regularised incomplete beta function: lower(t) solves P(Bin(n_eff, p) &gt;= k) = delta', upper(t) solves
 * P(Bin(n_eff, p) &lt;= k) = delta'. The opening test "lower(t) &gt;= alpha" is evaluated directly as
 * P(Bin(n_eff, alpha) &gt;= k) &lt;= delta' (one incomplete-beta evaluation, no inversion).
 *
 * <h2>Why the level is not simply delta: the two multiplicities</h2>
 * A fixed-n bound at level delta is honest for one look at one threshold. The gate does neither.
 * <ol>
 *   <li><b>Threshold search: fixed-sequence testing</b> ({@link ThresholdSearch#FIXED_SEQUENCE}, the default; the
 *   procedure of Learn-then-Test, Angelopoulos et al. 2021). Candidates are a grid of G thresholds fixed before
 *   any data ({@link GateConfig#thresholdAt}). They are tested from the top down and a walk stops at its first
 *   failure; t* is the lowest threshold any walk reached. A wrong t* needs a walk to reject the first null
 *   hypothesis on its way down, one specific threshold, so no union bound over the G thresholds is paid. A walk
 *   starts where the test has power, at the highest threshold whose effective size reaches
 *   L_j = minAccepted * 2^j; the J start levels (J = {@link #sequenceStarts}, 6 for N = 2,000 and n_min = 50)
 *   are fixed in advance, depend on scores and weights only (never on outcomes), and share the level by a
 *   weighted Bonferroni split over the J' &lt;= J levels that some threshold of the window reaches, walk j
 *   getting delta' * 2^j / (2^J' - 1). The budget thus goes where the power is: a walk starting on a few dozen
 *   outcomes at the top of the grid is tested strictly (this is what keeps a gate from opening on a lucky small
 *   slice when agreement is alpha - 0.05 everywhere), the walk starting at the largest reachable size gets half
 *   of delta'. Valid whatever the shape of Agreement(t).
 *   <p><b>What a walk tests, and why skipping keeps the error control.</b> Which thresholds a walk tests, and
 *   where it starts, are functions of the scores and weights of the window (Kish's n_eff, J'), never of the
 *   outcomes; conditionally on them each walk is a sequence fixed before its outcomes are looked at, which is
 *   all fixed-sequence testing needs (its family-wise error is at most its level, whatever the order), and the
 *   Bonferroni split over the J' walks that exist is a union bound over a family fixed by the same data. So a
 *   threshold whose effective size is below minAccepted is <em>skipped</em> (it is no member of the sequence),
 *   not failed. Two things used to cost coverage with unequal weights (audited handled outcomes weigh 1/epsilon,
 *   deferred ones 1): n_eff is not monotone in the threshold, so a walk stopped at the first dip below
 *   minAccepted near the top of the grid however strong the evidence below it; and the large start levels were
 *   never reached (n_eff of an open gate's window is a few hundred, not N), so their half of the level was spent
 *   on walks that did not exist. In the demo (support-intents, alpha 0.90, about 1,400 requests) the fresh walk
 *   reached 15% coverage at 0.80, 0.85 and 0.90 alike, the mark of a stop that does not depend on alpha.
 *   The assumption under all of this, as for the bounds themselves, is that an outcome is independent of the
 *   weight its request got given its score (audit probabilities follow the gate's state, not the request's
 *   label); {@code GateStatisticsTest} checks the rate under continuous re-checking with audit weights.
 *   {@link ThresholdSearch#UNION_BOUND} is the literal alternative: every grid threshold at delta' / G, t* the
 *   lowest that passes; it costs coverage (measured in {@code GateBenchmark}).</li>
 *   <li><b>Continuous re-checking.</b> The gate is re-evaluated after every outcome on a sliding window of the
 *   last N. For one threshold, the standardised window sum is (to a Gaussian approximation) a Slepian
 *   process, with correlation 1 - |lag|/N between looks. By Pickands' theorem the probability that it
 *   crosses a level u at <em>any</em> of the looks during a stretch of N outcomes is about (1 + u^2) times the
 *   single-look probability Psi(u). The per-look level is therefore
 *   delta' = delta / (H (1 + z^2)) with z = Phi^-1(1 - delta'), solved by fixed-point iteration
 *   ({@link #lookAdjustedDelta}; H = 1 for the fixed sequence, whose own split is above, G for the union
 *   bound). For delta = 0.05 this gives delta' = 0.0071 (z = 2.45) instead of 0.05 (z = 1.64) for a naive look,
 *   or ~ 1e-5 (z ~ 4.3) for a union bound over the N looks of a window.</li>
 * </ol>
 * The resulting guarantee is a <em>rate</em>, which is what a sliding window can honestly offer (a bound valid
 * over an unbounded lifetime must widen without limit, as a confidence sequence over a growing sample does):
 * on stationary traffic, the probability that at some look during a stretch of N outcomes t* lands on a
 * threshold whose true agreement is below alpha is at most about delta. The unit tests check exactly this
 * with t* recomputed after every outcome on a calibrated acceptor whose agreement crosses alpha smoothly (the
 * hardest case; measured at most 0.055 at delta 0.05 for N = 500 to 2,000 before the weighted split, which only
 * lowers it), and that the naive fixed-n level fails it (0.18 to 0.20).
 *
 * <p>Why not a betting confidence sequence: hedged-capital CSs are tighter on a growing sample, but they
 * are defined for a sample that only grows (a sliding window drops the oldest outcome at every step), and
 * evaluating one per candidate threshold and per candidate mean costs O(N * G * grid of means) per trace,
 * far above the budget of a per-trace gate with four learners. Here an evaluation costs O(G * J) at most: the
 * window keeps per-grid-cell sums, and the opening test is a lookup in a table of critical agreements on a
 * geometric grid of effective sizes ({@link #criticalTable}), computed once per (alpha, level, N).
 *
 * <h2>Closing and hysteresis</h2>
 * The closing test uses the upper bound at the served threshold with delta'' = lookAdjustedDelta(closeDelta,
 * 1) (one threshold, re-checked continuously). The band between "lower &gt;= alpha" (open) and
 * "upper &lt; alpha" (close) is the hysteresis that prevents flapping on noise.
 *
 * <h2>The sequential statistics beside these (sibling classes)</h2>
 * Two statistics of the gate run on the stream of outcomes rather than on the window, each in a small class of
 * its own: {@link SequentialAgreementCheck}, the anytime-valid test (testing by betting) that confirms or refutes
 * alpha on audited handled requests and ends a verification; {@link ChangeDetector}, the e-detector on every
 * LLM answer that starts one when the LLM seems to have changed its mind.
 *
 * <p>Instances are immutable and cheap; all methods are pure functions of their arguments.
 */
public final class GateStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private final GateConfig config;
    private final double openLevel;
    private final double closeLevel;
    private final double openLogLevel;
    private final int sequenceStarts;

    /** Statistics for a gate config: precomputes the per-look levels of the opening and closing tests. */
    public GateStatistics(final GateConfig config) {
        this(config, lookAdjustedDelta(Objects.requireNonNull(config, "config").delta(),
                        config.search() == ThresholdSearch.UNION_BOUND ? config.gridSize() : 1),
                lookAdjustedDelta(config.closeDelta(), 1));
    }

    /**
     * Statistics with explicit per-look levels, bypassing the corrections (for comparisons in tests and
     * benchmarks, e.g. the naive fixed-n level delta).
     */
    GateStatistics(final GateConfig config, final double openLevel, final double closeLevel) {
        this.config = Objects.requireNonNull(config, "config");
        this.openLevel = openLevel;
        this.closeLevel = closeLevel;
        this.openLogLevel = Math.log(1.0 / openLevel);
        this.sequenceStarts = sequenceStarts(config);
    }

    /** The config these statistics follow. */
    public GateConfig config() {
        return config;
    }

    /** Per-look, per-threshold level delta' of the lower bound (opening test and deployable threshold). */
    public double openLevel() {
        return openLevel;
    }

    /** Per-look level of the upper bound at the served threshold (closing test). */
    public double closeLevel() {
        return closeLevel;
    }

    // ------------------------------------------------------------------ estimates at a threshold

    /**
     * The estimates at one threshold.
     *
     * @param index          grid index of the threshold, -1 when the threshold is off the grid
     * @param threshold      the threshold t (NaN when there is none)
     * @param agreement      weighted Agreement(t), NaN when nothing is accepted
     * @param coverage       weighted Coverage(t), 0 for an empty window
     * @param accepted       number of accepted entries (raw count)
     * @param effectiveSize  Kish effective size of the accepted entries
     * @param lower          lower confidence bound at the opening level (0 when nothing is accepted)
     * @param upper          upper confidence bound at the closing level (1 when nothing is accepted)
     * @param windowSize     entries in the window
     */
    public record Estimate(int index, double threshold, double agreement, double coverage, int accepted,
                           double effectiveSize, double lower, double upper, int windowSize) implements Serializable {

        private static final long serialVersionUID = 1L;

        /** An estimate with nothing in it (closed gate, empty window). */
        public static Estimate none(final int windowSize) {
            return new Estimate(-1, Double.NaN, Double.NaN, 0.0, 0, 0.0, 0.0, 1.0, windowSize);
        }
    }

    /** Estimates and both bounds at grid threshold number {@code index}. */
    public Estimate estimate(final AgreementWindow window, final int index) {
        return estimate(window, index, true);
    }

    /**
     * Estimates at grid threshold number {@code index}; with {@code withBounds} false the bounds are NaN and the
     * cost is O(gridSize) (no incomplete-beta inversion): for per-trace checks.
     */
    public Estimate estimate(final AgreementWindow window, final int index, final boolean withBounds) {
        checkWindow(window);
        if (index < 0 || index >= config.gridSize()) {
            throw new IndexOutOfBoundsException("grid index " + index + " outside [0, " + config.gridSize() + ")");
        }
        double w = 0;
        double w2 = 0;
        double wa = 0;
        int n = 0;
        double total = 0;
        for (int c = config.gridSize() - 1; c >= 0; c--) {
            final double cw = window.cellWeight(c);
            total += cw;
            if (c >= index) {
                w += cw;
                w2 += window.cellWeight2(c);
                wa += window.cellAgreeWeight(c);
                n += window.cellCount(c);
            }
        }
        return build(index, config.thresholdAt(index), w, w2, wa, n, total, window.size(), withBounds);
    }

    /** Estimates and both bounds at any threshold t in [0, 1] (exact scan of the window, O(N)). */
    public Estimate estimateAt(final AgreementWindow window, final double threshold) {
        checkWindow(window);
        final double[] s = window.scanAtOrAbove(threshold);
        return build(-1, threshold, s[0], s[1], s[2], (int) s[3], s[4], window.size(), true);
    }

    private Estimate build(final int index, final double threshold, final double w, final double w2, final double wa,
                           final int n, final double total, final int size, final boolean withBounds) {
        if (w <= 0.0) {
            return new Estimate(index, threshold, Double.NaN, 0.0, 0, 0.0, 0.0, 1.0, size);
        }
        final double agreement = clamp01(wa / w);
        final double nEff = kishEffectiveSize(w, w2);
        final double k = agreement * nEff;
        final double coverage = total > 0 ? w / total : 0.0;
        if (!withBounds) {
            return new Estimate(index, threshold, agreement, coverage, n, nEff, Double.NaN, Double.NaN, size);
        }
        return new Estimate(index, threshold, agreement, coverage, n, nEff,
                clopperPearsonLower(k, nEff, openLevel), clopperPearsonUpper(k, nEff, closeLevel), size);
    }

    // ------------------------------------------------------------------ deployable threshold and frontier

    /**
     * Grid index of the deployable threshold t* at {@code alpha}; -1 if none. With
     * {@link ThresholdSearch#FIXED_SEQUENCE}: the lowest threshold reached by walking down from the start
     * thresholds while every threshold passed has lower bound (at {@link #openLevel()}) &gt;= alpha and effective
     * accepted size &gt;= minAccepted. With {@link ThresholdSearch#UNION_BOUND}: the lowest grid threshold with
     * lower bound &gt;= alpha and effective size &gt;= minAccepted.
     */
    public int deployableIndex(final AgreementWindow window, final double alpha) {
        checkWindow(window);
        final int g = config.gridSize();
        final double[] sw = new double[g];
        final double[] sw2 = new double[g];
        final double[] swa = new double[g];
        double w = 0;
        double w2 = 0;
        double wa = 0;
        for (int c = g - 1; c >= 0; c--) {
            w += window.cellWeight(c);
            w2 += window.cellWeight2(c);
            wa += window.cellAgreeWeight(c);
            sw[c] = w;
            sw2[c] = w2;
            swa[c] = wa;
        }
        if (config.search() == ThresholdSearch.UNION_BOUND) {
            final double[] critical = criticalTable(alpha);
            for (int i = 0; i < g; i++) {
                if (sw[i] <= 0.0) {
                    return -1; // nothing at or above this threshold, nor any higher one
                }
                final double p = clamp01(swa[i] / sw[i]);
                if (p < alpha) {
                    continue; // the lower bound is below the point estimate
                }
                final double nEff = kishEffectiveSize(sw[i], sw2[i]);
                if (nEff < config.minAccepted()) {
                    continue; // Kish's size is not monotone in the threshold: a higher one may still qualify
                }
                if (passes(critical, p, nEff)) {
                    return i;
                }
            }
            return -1;
        }
        // fixed sequences: one per effective-size level L_j = minAccepted * 2^j (fixed in advance), starting at the
        // highest threshold with n_eff >= L_j (a function of scores and weights, not of outcomes) and walking down
        // while the lower bound stays >= alpha. Walks at the same level that meet continue identically, so each
        // threshold is tested at most once: a lower start only matters when it lies below everything passed so far.
        final double[] nEff = new double[g];
        for (int i = 0; i < g; i++) {
            nEff[i] = sw[i] > 0.0 ? kishEffectiveSize(sw[i], sw2[i]) : 0.0;
        }
        // one walk per start level L_j = minAccepted * 2^j that some threshold reaches (J' of the J levels, a function
        // of scores and weights only), walk j at level openLevel * 2^j / (2^J' - 1) (weighted Bonferroni over the
        // walks that exist: the budget goes where the power is, so small-sample starts at the top of the grid are
        // tested strictly, and no budget is left on a level the weights make unreachable). A threshold whose
        // effective size is below minAccepted is skipped, not failed: whether a threshold is tested is again
        // decided by scores and weights alone, so the walk stays a fixed sequence (see the class Javadoc).
        double maxEff = 0.0;
        for (int i = 0; i < g; i++) {
            maxEff = Math.max(maxEff, nEff[i]);
        }
        final int reachable = reachableStarts(maxEff);
        if (reachable == 0) {
            return -1;
        }
        final double[][] tables = walkTables(alpha)[reachable - 1];
        int best = -1;
        double startLevel = config.minAccepted();
        int from = g - 1;
        for (int j = 0; j < reachable; j++, startLevel *= 2) {
            int start = -1;
            for (int i = from; i >= 0; i--) {
                if (nEff[i] >= startLevel) {
                    start = i;
                    break;
                }
            }
            if (start < 0) {
                break; // cannot happen for j < reachable; kept as a guard
            }
            from = start; // the start of a higher level is never above the start of a lower one
            final double[] table = tables[j];
            for (int i = start; i >= 0; i--) {
                if (nEff[i] < config.minAccepted()) {
                    continue; // too few effective outcomes to test: not in this sequence
                }
                final double p = clamp01(swa[i] / sw[i]);
                if (p < alpha || !passes(table, p, nEff[i])) {
                    break;
                }
                if (best < 0 || i < best) {
                    best = i;
                }
            }
        }
        return best;
    }

    /**
     * The number J' of start levels minAccepted * 2^j (j &lt; J) that a threshold with effective size
     * {@code maxEffectiveSize} reaches: the walks that exist on this window. 0 below minAccepted.
     */
    int reachableStarts(final double maxEffectiveSize) {
        int count = 0;
        double level = config.minAccepted();
        for (int j = 0; j < sequenceStarts && level <= maxEffectiveSize; j++, level *= 2) {
            count++;
        }
        return count;
    }

    private transient double[][][] primaryTables;
    private transient Map<Double, double[][][]> otherTables;

    /**
     * The critical tables of the walks at {@code alpha}, indexed [J' - 1][j] for J' walks on the window (cached: the
     * gate's own alpha in a field).
     */
    private double[][][] walkTables(final double alpha) {
        if (alpha == config.alpha()) {
            if (primaryTables == null) {
                primaryTables = buildWalkTables(alpha);
            }
            return primaryTables;
        }
        if (otherTables == null) {
            otherTables = new java.util.HashMap<>();
        }
        return otherTables.computeIfAbsent(alpha, this::buildWalkTables);
    }

    private double[][][] buildWalkTables(final double alpha) {
        final double[][][] t = new double[sequenceStarts][][];
        for (int walks = 1; walks <= sequenceStarts; walks++) {
            t[walks - 1] = new double[walks][];
            for (int j = 0; j < walks; j++) {
                t[walks - 1][j] = criticalTable(alpha, startShare(j, walks) * openLevel);
            }
        }
        return t;
    }

    /** Share of the opening level given to start level j when all J levels exist: 2^j / (2^J - 1). */
    double startShare(final int j) {
        return startShare(j, sequenceStarts);
    }

    /** Share of the opening level given to start level j of {@code walks} existing ones: 2^j / (2^walks - 1). */
    static double startShare(final int j, final int walks) {
        return Math.pow(2, j) / (Math.pow(2, walks) - 1);
    }

    private static final Map<String, double[]> CRITICAL = new ConcurrentHashMap<>();
    private static final double GRID_RATIO = 1.02;
    private static final double LOG_GRID_RATIO = Math.log(GRID_RATIO);

    private static final double[] TABLE_SIZES = new double[1_100];

    static {
        for (int m = 0; m < TABLE_SIZES.length; m++) {
            TABLE_SIZES[m] = Math.floor(Math.pow(GRID_RATIO, m) + 1e-9);
        }
    }

    /** Effective size of table entry m: floor(1.02^m), a geometric grid (about 380 entries up to 2,000). */
    private static double tableSize(final int m) {
        return TABLE_SIZES[m];
    }

    /** The critical table at the opening level (the union-bound search and the exact-test comparison in tests). */
    double[] criticalTable(final double alpha) {
        return criticalTable(alpha, openLevel);
    }

    /**
     * Critical proportions of the opening test at {@code alpha} and {@code level}: entry m is the smallest agreement
     * q with P(Bin(n_m, alpha) &gt;= q n_m) &lt;= level at n_m = {@link #tableSize}(m) (2 when even q = 1 fails), made
     * non-increasing by a running maximum from the top. Looked up at the largest n_m &lt;= n_eff, which rounds the
     * sample down: the table never passes a threshold the exact test fails (checked by a unit test). Computed once
     * per (alpha, level, N) and shared.
     */
    double[] criticalTable(final double alpha, final double level) {
        final int maxN = config.windowSize();
        return CRITICAL.computeIfAbsent(alpha + "/" + level + "/" + maxN, key -> {
            final int size = (int) Math.ceil(Math.log(maxN) / LOG_GRID_RATIO) + 2;
            final double[] c = new double[size];
            for (int m = 0; m < size; m++) {
                final double n = tableSize(m);
                if (binomialTailAtLeast(n, n, alpha) > level) {
                    c[m] = 2.0;
                    continue;
                }
                double lo = alpha;
                double hi = 1.0;
                for (int it = 0; it < 40; it++) {
                    final double mid = 0.5 * (lo + hi);
                    if (binomialTailAtLeast(n, mid * n, alpha) <= level) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                c[m] = hi;
            }
            for (int m = size - 2; m >= 0; m--) {
                c[m] = Math.max(c[m], c[m + 1]);
            }
            return c;
        });
    }

    static boolean passes(final double[] critical, final double p, final double nEff) {
        if (nEff < 1.0) {
            return false;
        }
        int m = (int) Math.floor(Math.log(nEff) / LOG_GRID_RATIO + 1e-9);
        while (m > 0 && tableSize(m) > nEff) {
            m--;
        }
        while (m + 1 < critical.length && tableSize(m + 1) <= nEff) {
            m++;
        }
        return p >= critical[Math.min(m, critical.length - 1)];
    }

    /** Number of start levels minAccepted * 2^j (up to the window size) of {@link ThresholdSearch#FIXED_SEQUENCE}. */
    public static int sequenceStarts(final GateConfig config) {
        int j = 1;
        for (double level = 2.0 * config.minAccepted(); level <= config.windowSize(); level *= 2) {
            j++;
        }
        return j;
    }

    /** The deployable threshold t* at {@code alpha} with its estimates, or {@link Estimate#none} (index -1). */
    public Estimate deployable(final AgreementWindow window, final double alpha) {
        final int i = deployableIndex(window, alpha);
        return i < 0 ? Estimate.none(window.size()) : estimate(window, i);
    }

    /**
     * One point of the frontier.
     *
     * @param alpha     target agreement
     * @param threshold t* at this alpha, NaN when none qualifies
     * @param coverage  Coverage(t*), 0 when none qualifies
     * @param agreement Agreement(t*), NaN when none qualifies
     * @param lower     lower bound at t*, 0 when none qualifies
     */
    public record FrontierEntry(double alpha, double threshold, double coverage, double agreement, double lower)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        /** The Avro form (threshold null when none qualifies). */
        public FrontierPoint toAvro() {
            return new FrontierPoint(alpha, coverage, Double.isNaN(threshold) ? null : threshold);
        }
    }

    /** The coverage the window would give at each alpha (t* and Coverage(t*) per alpha). */
    public List<FrontierEntry> frontier(final AgreementWindow window, final List<Double> alphas) {
        Objects.requireNonNull(alphas, "alphas");
        final List<FrontierEntry> out = new ArrayList<>(alphas.size());
        for (final double a : alphas) {
            final int i = deployableIndex(window, a);
            if (i < 0) {
                out.add(new FrontierEntry(a, Double.NaN, 0.0, Double.NaN, 0.0));
            } else {
                final Estimate e = estimate(window, i);
                out.add(new FrontierEntry(a, e.threshold(), e.coverage(), e.agreement(), e.lower()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ tests without inversion

    /** Whether the lower bound (at {@link #openLevel()}) on k successes out of n is &gt;= alpha. */
    public boolean lowerBoundAtLeast(final double k, final double n, final double alpha) {
        if (n <= 0.0 || k <= 0.0) {
            return false;
        }
        final double q = Math.min(k / n, 1.0);
        if (q <= alpha) {
            return false;
        }
        // Chernoff: P(Bin(n, alpha) >= qn) <= exp(-n KL(q || alpha)); with a margin of one nat a pass here is a
        // pass of the exact test, and it spares the incomplete beta for thresholds far inside the band
        final double nkl = n * bernoulliKl(q, alpha);
        if (nkl >= openLogLevel + 1.0) {
            return true;
        }
        return binomialTailAtLeast(n, k, alpha) <= openLevel;
    }

    /** Whether the upper bound (at {@link #closeLevel()}) on k successes out of n is &lt; alpha. */
    public boolean upperBoundBelow(final double k, final double n, final double alpha) {
        if (n <= 0.0 || k >= n) {
            return false;
        }
        return binomialTailAtMost(n, k, alpha) < closeLevel;
    }

    // ------------------------------------------------------------------ static building blocks

    /** KL divergence between Bernoulli(q) and Bernoulli(p), in nats. */
    public static double bernoulliKl(final double q, final double p) {
        double kl = 0.0;
        if (q > 0.0) {
            kl += q * Math.log(q / p);
        }
        if (q < 1.0) {
            kl += (1.0 - q) * Math.log((1.0 - q) / (1.0 - p));
        }
        return kl;
    }

    /** Kish's effective sample size (sum w)^2 / sum w^2; 0 for an empty set. */
    public static double kishEffectiveSize(final double sumW, final double sumW2) {
        return sumW2 > 0.0 ? sumW * sumW / sumW2 : 0.0;
    }

    /**
     * The per-look level for {@code hypotheses} thresholds re-checked continuously on a sliding window:
     * delta' = delta / (hypotheses * (1 + z^2)) with z = Phi^-1(1 - delta') (Pickands' (1 + u^2) factor for the
     * maximum of a sliding-window sum over one window length, union bound over the thresholds).
     */
    public static double lookAdjustedDelta(final double delta, final int hypotheses) {
        if (!(delta > 0.0 && delta < 1.0) || hypotheses < 1) {
            throw new IllegalArgumentException("lookAdjustedDelta needs delta in (0, 1) and hypotheses >= 1 (got "
                    + delta + ", " + hypotheses + ")");
        }
        double d = delta / hypotheses;
        for (int it = 0; it < 100; it++) {
            final double z = normalQuantile(1.0 - d);
            final double next = delta / (hypotheses * (1.0 + z * z));
            if (Math.abs(next - d) <= 1e-15 * d) {
                return next;
            }
            d = next;
        }
        return d;
    }

    /**
     * One-sided lower Clopper-Pearson bound at level {@code delta} for k successes out of n (k, n may be
     * non-integer: effective counts): the p with P(Bin(n, p) &gt;= k) = delta. 0 when k &lt;= 0.
     */
    public static double clopperPearsonLower(final double k, final double n, final double delta) {
        if (!(n > 0.0) || !(k > 0.0)) {
            return 0.0;
        }
        final double kk = Math.min(k, n);
        double lo = 0.0;
        double hi = kk / n;
        for (int it = 0; it < 50 && hi - lo > 1e-9; it++) {
            final double mid = 0.5 * (lo + hi);
            if (binomialTailAtLeast(n, kk, mid) > delta) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo;
    }

    /**
     * One-sided upper Clopper-Pearson bound at level {@code delta} for k successes out of n: the p with
     * P(Bin(n, p) &lt;= k) = delta. 1 when k &gt;= n.
     */
    public static double clopperPearsonUpper(final double k, final double n, final double delta) {
        if (!(n > 0.0) || k >= n) {
            return 1.0;
        }
        final double kk = Math.max(k, 0.0);
        double lo = kk / n;
        double hi = 1.0;
        for (int it = 0; it < 50 && hi - lo > 1e-9; it++) {
            final double mid = 0.5 * (lo + hi);
            if (binomialTailAtMost(n, kk, mid) > delta) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** P(Bin(n, p) &gt;= k) = I_p(k, n - k + 1), continuous in k and n; 1 when k &lt;= 0. */
    public static double binomialTailAtLeast(final double n, final double k, final double p) {
        if (k <= 0.0) {
            return 1.0;
        }
        if (p <= 0.0) {
            return 0.0;
        }
        if (p >= 1.0) {
            return 1.0;
        }
        return regularizedBeta(p, k, n - Math.min(k, n) + 1.0);
    }

    /** P(Bin(n, p) &lt;= k) = 1 - I_p(k + 1, n - k), continuous in k and n; 1 when k &gt;= n. */
    public static double binomialTailAtMost(final double n, final double k, final double p) {
        if (k >= n) {
            return 1.0;
        }
        if (p <= 0.0) {
            return 1.0;
        }
        if (p >= 1.0) {
            return 0.0;
        }
        return 1.0 - regularizedBeta(p, Math.max(k, 0.0) + 1.0, n - Math.max(k, 0.0));
    }

    /** The regularised incomplete beta function I_x(a, b), by Lentz's continued fraction. */
    public static double regularizedBeta(final double x, final double a, final double b) {
        if (x <= 0.0) {
            return 0.0;
        }
        if (x >= 1.0) {
            return 1.0;
        }
        final double lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        if (x < (a + 1.0) / (a + b + 2.0)) {
            return Math.exp(lnFront) * betaContinuedFraction(x, a, b) / a;
        }
        return 1.0 - Math.exp(lnFront) * betaContinuedFraction(1.0 - x, b, a) / b;
    }

    private static double betaContinuedFraction(final double x, final double a, final double b) {
        final double tiny = 1e-300;
        final double qab = a + b;
        final double qap = a + 1.0;
        final double qam = a - 1.0;
        double c = 1.0;
        double d = 1.0 - qab * x / qap;
        if (Math.abs(d) < tiny) {
            d = tiny;
        }
        d = 1.0 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            final int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = 1.0 + aa / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1.0 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = 1.0 + aa / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1.0 / d;
            final double del = d * c;
            h *= del;
            if (Math.abs(del - 1.0) < 1e-13) {
                break;
            }
        }
        return h;
    }

    private static final double[] LANCZOS = {
        0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
        -0.49191381609762019978, 0.33994649984811888699e-4, 0.46523628927048575665e-4, -0.98374475304879564677e-4,
        0.15808870322491248884e-3, -0.21026444172410488319e-3, 0.21743961811521264320e-3, -0.16431810653676389022e-3,
        0.84418223983852743293e-4, -0.26190838401581408670e-4, 0.36899182659531622704e-5,
    };

    /** ln Gamma(x) for x &gt; 0 (Lanczos, g = 607/128), relative error ~1e-15. */
    public static double logGamma(final double x) {
        if (x < 0.5) {
            // reflection keeps accuracy for small arguments
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1.0 - x);
        }
        final double g = 607.0 / 128.0;
        double sum = LANCZOS[0];
        for (int i = LANCZOS.length - 1; i > 0; i--) {
            sum += LANCZOS[i] / (x - 1.0 + i);
        }
        final double t = x - 0.5 + g;
        return 0.5 * Math.log(2 * Math.PI) + (x - 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** The standard normal quantile Phi^-1(p), p in (0, 1) (Acklam's algorithm with one Newton step). */
    public static double normalQuantile(final double p) {
        if (!(p > 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("normalQuantile needs p in (0, 1) (got " + p + ")");
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        final double plow = 0.02425;
        double x;
        if (p < plow) {
            final double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - plow) {
            final double q = p - 0.5;
            final double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            final double q = Math.sqrt(-2 * Math.log1p(-p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        // one Halley refinement step against the complementary error function
        final double e = 0.5 * erfc(-x / Math.sqrt(2)) - p;
        final double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        x = x - u / (1 + x * u / 2);
        return x;
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit, relative error &lt; 1.2e-7). */
    static double erfc(final double z) {
        final double t = 1.0 / (1.0 + 0.5 * Math.abs(z));
        final double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? ans : 2.0 - ans;
    }

    private void checkWindow(final AgreementWindow window) {
        Objects.requireNonNull(window, "window");
        if (window.gridSize() != config.gridSize()) {
            throw new IllegalArgumentException("window has " + window.gridSize() + " grid cells, gate config gridSize is "
                    + config.gridSize());
        }
    }

    private static double clamp01(final double v) {
        return v < 0.0 ? 0.0 : Math.min(1.0, v);
    }
}
