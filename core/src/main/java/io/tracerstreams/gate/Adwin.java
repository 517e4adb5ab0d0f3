/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.AdwinRowState;
import io.tracerstreams.schema.state.AdwinState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ADWIN, the adaptive sliding window of Bifet and Gavaldà (SDM 2007), as MOA 2024.07 runs it
 * ({@code moa.classifiers.core.driftdetection.ADWIN}), with its state in plain arrays so that a snapshot can store
 * it ({@link #toState()}). The gate uses it on the agree/disagree stream of accepted outcomes; it cuts exactly where
 * MOA's ADWIN cuts on the same inputs (AdwinTest checks it against MOA on random Bernoulli streams, with and without
 * a change), so replacing MOA's class changed no decision.
 *
 * <h2>The algorithm</h2>
 * The window is kept as an exponential histogram: row r holds up to {@value #MAX_BUCKETS} buckets of 2^r
 * items each (row 0 the newest, single items), each bucket with the sum of its items and their variance
 * (sum of squared deviations). A new item enters row 0; a row holding {@value #MAX_BUCKETS} + 1 buckets merges its
 * two oldest into one bucket of the next row (the merge may cascade). Every {@value #CLOCK} inputs, when the window
 * holds more than {@value #MIN_WINDOW} items, the window is split at each bucket boundary from the oldest on into an
 * older part W0 (n0 items, mean m0) and a newer part W1 (n1, m1); where both parts hold more than
 * {@value #MIN_SUBWINDOW} + 1 items and
 * <pre>
 *   |m0 - m1| &gt; sqrt(2 m v d) + 2/3 d m,   d = ln(2 ln(n) / delta),
 *   m = 1 / (n0 - {@value #MIN_SUBWINDOW} + 1) + 1 / (n1 - {@value #MIN_SUBWINDOW} + 1),   v = the window's variance,
 * </pre>
 * the oldest bucket is dropped and the check starts again from the oldest bucket, until no split cuts. The
 * arithmetic (order of operations included) is MOA's, so that the cuts agree bit for bit.
 *
 * <p>Not thread-safe; deterministic. Serializable only for snapshots of the previous formats (which held MOA's
 * class: {@link #fromMoa}).
 */
public final class Adwin implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Buckets per row (MOA's MAXBUCKETS). */
    static final int MAX_BUCKETS = 5;
    /** Inputs between two checks for a cut (MOA's default clock). */
    static final int CLOCK = 32;
    /** The window must hold more than this many items to be checked (MOA's mintMinimLongitudWindow). */
    static final int MIN_WINDOW = 10;
    /** Each part of a cut must hold more than this + 1 items (MOA's mintMinWinLength). */
    static final int MIN_SUBWINDOW = 5;

    private final double delta;
    private int time;
    private int width;
    private double total;
    private double variance;
    // row r (0 = newest, size-1 items) : bucket totals and variances, oldest bucket first; counts[r] buckets in use
    private double[][] totals;
    private double[][] variances;
    private int[] counts;
    private int rows;

    /**
     * An empty window.
     *
     * @param delta the confidence of a cut, in (0, 1)
     * @throws IllegalArgumentException when delta is outside (0, 1)
     */
    public Adwin(final double delta) {
        if (!(delta > 0.0 && delta < 1.0)) {
            throw new IllegalArgumentException("ADWIN field 'delta' must be in (0, 1) (got " + delta + ")");
        }
        this.delta = delta;
        this.totals = new double[4][MAX_BUCKETS + 1];
        this.variances = new double[4][MAX_BUCKETS + 1];
        this.counts = new int[4];
        this.rows = 1;
    }

    /** Items in the window. */
    public int width() {
        return width;
    }

    /** Sum of the items in the window. */
    public double total() {
        return total;
    }

    /** Mean of the window (NaN when empty). */
    public double estimate() {
        return total / width;
    }

    /** Variance of the window's items (NaN when empty). */
    public double variance() {
        return variance / width;
    }

    /** The confidence of a cut. */
    public double delta() {
        return delta;
    }

    /**
     * Adds one item and checks for a cut (every {@value #CLOCK} inputs).
     *
     * @return whether the window was cut (its oldest part dropped)
     */
    public boolean add(final double value) {
        time++;
        insert(value);
        if (time % CLOCK != 0 || width <= MIN_WINDOW) {
            return false;
        }
        boolean changed = false;
        boolean again = true;
        while (again) {
            again = cutOnce();
            changed |= again;
        }
        return changed;
    }

    /** One pass over the splits from the oldest bucket on; drops the oldest bucket and returns true at a cut. */
    private boolean cutOnce() {
        int n0 = 0;
        int n1 = width;
        double u0 = 0;
        double u1 = total;
        for (int r = rows - 1; r >= 0; r--) {
            final int size = 1 << r;
            for (int k = 0; k < counts[r]; k++) {
                n0 += size;
                n1 -= size;
                u0 += totals[r][k];
                u1 -= totals[r][k];
                if (r == 0 && k == counts[r] - 1) {
                    return false;
                }
                final double difference = (double) (u0 / n0) - (u1 / n1);
                if (n1 > MIN_SUBWINDOW + 1 && n0 > MIN_SUBWINDOW + 1 && cuts(n0, n1, difference)) {
                    if (width > 0) {
                        dropOldest();
                    }
                    return true;
                }
            }
        }
        return false;
    }

    private boolean cuts(final int n0, final int n1, final double difference) {
        final double d = Math.log(2 * Math.log(width) / delta);
        final double v = variance();
        final double m = ((double) 1 / ((n0 - MIN_SUBWINDOW + 1))) + ((double) 1 / ((n1 - MIN_SUBWINDOW + 1)));
        final double epsilon = Math.sqrt(2 * m * v * d) + (double) 2 / 3 * d * m;
        return Math.abs(difference) > epsilon;
    }

    private void insert(final double value) {
        width++;
        append(0, value, 0.0);
        double increment = 0;
        if (width > 1) {
            increment = (width - 1) * (value - total / (width - 1)) * (value - total / (width - 1)) / width;
        }
        variance += increment;
        total += value;
        compress();
    }

    private void append(final int row, final double bucketTotal, final double bucketVariance) {
        final int k = counts[row]++;
        totals[row][k] = bucketTotal;
        variances[row][k] = bucketVariance;
    }

    /** Merges the two oldest buckets of a full row into the next row, cascading while rows overflow. */
    private void compress() {
        for (int r = 0; r < rows && counts[r] == MAX_BUCKETS + 1; r++) {
            if (r + 1 == rows) {
                addRow();
            }
            final int n = 1 << r;
            final double u1 = totals[r][0] / n;
            final double u2 = totals[r][1] / n;
            final double increment = n * n * (u1 - u2) * (u1 - u2) / (n + n);
            append(r + 1, totals[r][0] + totals[r][1], variances[r][0] + variances[r][1] + increment);
            shift(r, 2);
            if (counts[r + 1] <= MAX_BUCKETS) {
                break;
            }
        }
    }

    private void addRow() {
        if (rows == counts.length) {
            final int grown = 2 * rows;
            totals = Arrays.copyOf(totals, grown);
            variances = Arrays.copyOf(variances, grown);
            counts = Arrays.copyOf(counts, grown);
            for (int r = rows; r < grown; r++) {
                totals[r] = new double[MAX_BUCKETS + 1];
                variances[r] = new double[MAX_BUCKETS + 1];
            }
        }
        counts[rows] = 0;
        rows++;
    }

    /** Drops the first {@code n} (oldest) buckets of a row. */
    private void shift(final int row, final int n) {
        System.arraycopy(totals[row], n, totals[row], 0, MAX_BUCKETS + 1 - n);
        System.arraycopy(variances[row], n, variances[row], 0, MAX_BUCKETS + 1 - n);
        Arrays.fill(totals[row], MAX_BUCKETS + 1 - n, MAX_BUCKETS + 1, 0.0);
        Arrays.fill(variances[row], MAX_BUCKETS + 1 - n, MAX_BUCKETS + 1, 0.0);
        counts[row] -= n;
    }

    /** Drops the oldest bucket (the first of the last row). */
    private void dropOldest() {
        final int r = rows - 1;
        final int n1 = 1 << r;
        width -= n1;
        total -= totals[r][0];
        final double u1 = totals[r][0] / n1;
        final double increment = variances[r][0] + n1 * width * (u1 - total / width) * (u1 - total / width) / (n1 + width);
        variance -= increment;
        shift(r, 1);
        if (counts[r] == 0 && rows > 1) {
            rows--;
        }
    }

    /** The state, for a snapshot. */
    public AdwinState toState() {
        final List<AdwinRowState> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            final List<Double> t = new ArrayList<>(counts[r]);
            final List<Double> v = new ArrayList<>(counts[r]);
            for (int k = 0; k < counts[r]; k++) {
                t.add(totals[r][k]);
                v.add(variances[r][k]);
            }
            out.add(AdwinRowState.newBuilder().setTotals(t).setVariances(v).build());
        }
        return AdwinState.newBuilder().setDelta(delta).setTime(time).setWidth(width).setTotal(total)
                .setVariance(variance).setRows(out).build();
    }

    /**
     * The window a snapshot holds.
     *
     * @throws IllegalArgumentException when the state is inconsistent (a row with more than {@value #MAX_BUCKETS}
     *                                  buckets, totals and variances of different lengths, widths that do not add up)
     */
    public static Adwin fromState(final AdwinState state) {
        final Adwin a = new Adwin(state.getDelta());
        a.time = state.getTime();
        a.width = state.getWidth();
        a.total = state.getTotal();
        a.variance = state.getVariance();
        final List<AdwinRowState> rows = state.getRows();
        if (rows.isEmpty() || rows.size() > 31) {
            throw new IllegalArgumentException("ADWIN state has " + rows.size() + " rows (expected 1 to 31)");
        }
        long items = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                a.addRow();
            }
            final List<Double> t = rows.get(r).getTotals();
            final List<Double> v = rows.get(r).getVariances();
            if (t.size() != v.size() || t.size() > MAX_BUCKETS) {
                throw new IllegalArgumentException("ADWIN state row " + r + " has " + t.size() + " totals and "
                        + v.size() + " variances (at most " + MAX_BUCKETS + " each, as many of both)");
            }
            for (int k = 0; k < t.size(); k++) {
                a.append(r, t.get(k), v.get(k));
            }
            items += (long) t.size() << r;
        }
        if (items != a.width) {
            throw new IllegalArgumentException("ADWIN state holds buckets of " + items + " items but width " + a.width);
        }
        return a;
    }

    /** Loads the state of the rows, for {@link #fromMoa} (row 0 first, oldest bucket first). */
    static Adwin of(final double delta, final int time, final int width, final double total, final double variance,
                    final List<double[]> rowTotals, final List<double[]> rowVariances) {
        final List<AdwinRowState> rows = new ArrayList<>(rowTotals.size());
        for (int r = 0; r < rowTotals.size(); r++) {
            rows.add(AdwinRowState.newBuilder().setTotals(Arrays.stream(rowTotals.get(r)).boxed().toList())
                    .setVariances(Arrays.stream(rowVariances.get(r)).boxed().toList()).build());
        }
        return fromState(AdwinState.newBuilder().setDelta(delta).setTime(time).setWidth(width).setTotal(total)
                .setVariance(variance).setRows(rows).build());
    }

    /**
     * The same window as one of MOA's ADWIN (as held by a gate in a snapshot of an earlier format): its buckets are
     * copied out of MOA's private fields once, on restore.
     *
     * @throws IllegalArgumentException when MOA's class does not have the fields of version 2024.07 or its clock is
     *                                  not the default
     */
    public static Adwin fromMoa(final Object moaAdwin) {
        return MoaAdwinState.copy(moaAdwin);
    }
}
