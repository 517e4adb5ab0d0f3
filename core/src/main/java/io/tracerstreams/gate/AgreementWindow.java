/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.AgreementWindowState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The weighted sliding window of the last N labelled outcomes of one learner: per outcome the acceptor score
 * in [0, 1], whether the surrogate agreed with the LLM, and a weight (1/p for a handled request audited with
 * probability p, see {@link ParityGate#auditProbability()}; 1 for a deferred or backfilled one).
 *
 * <p>Besides the ring buffer of entries, the window keeps per-grid-cell sums (weight, squared weight,
 * weight of agreements, count) for the candidate thresholds of {@link GateConfig}, updated in O(1) per
 * added or evicted entry. {@link GateStatistics} evaluates every candidate threshold from these sums in
 * O(gridSize), independent of N. The sums are recomputed from the entries once per N evictions so that
 * floating-point drift of add/subtract cannot accumulate.
 *
 * <p>Bad input never throws: a score outside [0, 1] (or NaN) or a weight that is not finite and positive is
 * rejected, counted in {@link #rejected()} and leaves the window unchanged. Not thread-safe.
 */
public final class AgreementWindow implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final int gridSize;
    private final double[] scores;
    private final double[] weights;
    private final boolean[] agreed;
    private int head;
    private int size;
    private long added;
    private long rejected;
    private int evictionsSinceRebuild;

    private final double[] cellWeight;
    private final double[] cellWeight2;
    private final double[] cellAgreeWeight;
    private final int[] cellCount;

    /** A window shaped by a gate config: capacity {@code windowSize}, cells {@code gridSize}. */
    public AgreementWindow(final GateConfig config) {
        this(Objects.requireNonNull(config, "config").windowSize(), config.gridSize());
    }

    /**
     * A window of {@code capacity} outcomes over {@code gridSize} threshold cells.
     *
     * @throws IllegalArgumentException if capacity &lt; 1 or gridSize &lt; 1 (naming the field)
     */
    public AgreementWindow(final int capacity, final int gridSize) {
        if (capacity < 1) {
            throw new IllegalArgumentException("agreement window field 'capacity' must be at least 1 (got " + capacity + ")");
        }
        if (gridSize < 1) {
            throw new IllegalArgumentException("agreement window field 'gridSize' must be at least 1 (got " + gridSize + ")");
        }
        this.capacity = capacity;
        this.gridSize = gridSize;
        this.scores = new double[capacity];
        this.weights = new double[capacity];
        this.agreed = new boolean[capacity];
        this.cellWeight = new double[gridSize];
        this.cellWeight2 = new double[gridSize];
        this.cellAgreeWeight = new double[gridSize];
        this.cellCount = new int[gridSize];
    }

    /**
     * Adds one labelled outcome, evicting the oldest when full.
     *
     * @return false (and counted in {@link #rejected()}) if the score is not in [0, 1] or the weight is not finite and &gt; 0
     */
    public boolean add(final double score, final boolean agreedWithLlm, final double weight) {
        if (!(score >= 0.0 && score <= 1.0) || !(weight > 0.0) || Double.isInfinite(weight)) {
            rejected++;
            return false;
        }
        final int slot;
        if (size == capacity) {
            slot = head;
            evict(slot);
            head = (head + 1) % capacity;
        } else {
            slot = (head + size) % capacity;
            size++;
        }
        scores[slot] = score;
        weights[slot] = weight;
        agreed[slot] = agreedWithLlm;
        final int c = cell(score);
        cellWeight[c] += weight;
        cellWeight2[c] += weight * weight;
        if (agreedWithLlm) {
            cellAgreeWeight[c] += weight;
        }
        cellCount[c]++;
        added++;
        if (evictionsSinceRebuild >= capacity) {
            rebuild();
        }
        return true;
    }

    private void evict(final int slot) {
        final int c = cell(scores[slot]);
        final double w = weights[slot];
        cellWeight[c] -= w;
        cellWeight2[c] -= w * w;
        if (agreed[slot]) {
            cellAgreeWeight[c] -= w;
        }
        cellCount[c]--;
        evictionsSinceRebuild++;
    }

    private void rebuild() {
        java.util.Arrays.fill(cellWeight, 0.0);
        java.util.Arrays.fill(cellWeight2, 0.0);
        java.util.Arrays.fill(cellAgreeWeight, 0.0);
        java.util.Arrays.fill(cellCount, 0);
        for (int i = 0; i < size; i++) {
            final int slot = (head + i) % capacity;
            final int c = cell(scores[slot]);
            final double w = weights[slot];
            cellWeight[c] += w;
            cellWeight2[c] += w * w;
            if (agreed[slot]) {
                cellAgreeWeight[c] += w;
            }
            cellCount[c]++;
        }
        evictionsSinceRebuild = 0;
    }

    /** The grid cell of a score; consistent with {@link GateConfig#gridIndex(double)}. */
    int cell(final double score) {
        return GateConfig.gridIndex(score, gridSize);
    }

    /** Removes every entry (counters of added and rejected outcomes are kept). */
    public void clear() {
        head = 0;
        size = 0;
        rebuild();
    }

    /**
     * Keeps only the {@code newest} most recent outcomes and drops the older ones (e.g. the outcomes from before
     * a change of the LLM that live evidence confirmed). Does nothing when the window holds no more than that.
     */
    public void keepNewest(final int newest) {
        final int keep = Math.max(0, newest);
        if (keep >= size) {
            return;
        }
        head = (head + size - keep) % capacity;
        size = keep;
        rebuild();
    }

    /** The window's state, for a snapshot ({@link #fromState}): the ring as stored and its cell sums. */
    public AgreementWindowState toState() {
        final List<Boolean> agreedList = new ArrayList<>(capacity);
        for (final boolean a : agreed) {
            agreedList.add(a);
        }
        return AgreementWindowState.newBuilder().setCapacity(capacity).setGridSize(gridSize)
                .setScores(Arrays.stream(scores).boxed().toList()).setWeights(Arrays.stream(weights).boxed().toList())
                .setAgreed(agreedList).setHead(head).setSize(size).setAdded(added).setRejected(rejected)
                .setEvictionsSinceRebuild(evictionsSinceRebuild)
                .setCellWeight(Arrays.stream(cellWeight).boxed().toList())
                .setCellWeight2(Arrays.stream(cellWeight2).boxed().toList())
                .setCellAgreeWeight(Arrays.stream(cellAgreeWeight).boxed().toList())
                .setCellCount(Arrays.stream(cellCount).boxed().toList()).build();
    }

    /**
     * The window a snapshot holds; it adds, evicts and sums exactly like the one that wrote it.
     *
     * @throws IllegalArgumentException naming the field when the state is inconsistent
     */
    public static AgreementWindow fromState(final AgreementWindowState s) {
        // sizes first: the arrays are allocated only as large as the record's own lists
        length(s.getScores().size(), s.getCapacity(), "window.scores");
        length(s.getCellWeight().size(), s.getGridSize(), "window.cell_weight");
        final AgreementWindow w = new AgreementWindow(s.getCapacity(), s.getGridSize());
        copy(s.getScores(), w.scores, "window.scores");
        copy(s.getWeights(), w.weights, "window.weights");
        length(s.getAgreed().size(), w.capacity, "window.agreed");
        for (int i = 0; i < w.capacity; i++) {
            w.agreed[i] = s.getAgreed().get(i);
        }
        copy(s.getCellWeight(), w.cellWeight, "window.cell_weight");
        copy(s.getCellWeight2(), w.cellWeight2, "window.cell_weight2");
        copy(s.getCellAgreeWeight(), w.cellAgreeWeight, "window.cell_agree_weight");
        length(s.getCellCount().size(), w.gridSize, "window.cell_count");
        for (int c = 0; c < w.gridSize; c++) {
            w.cellCount[c] = s.getCellCount().get(c);
        }
        if (s.getHead() < 0 || s.getHead() >= w.capacity || s.getSize() < 0 || s.getSize() > w.capacity) {
            throw new IllegalArgumentException("snapshot fields 'window.head' and 'window.size' must be in [0, "
                    + w.capacity + ") and [0, " + w.capacity + "], were " + s.getHead() + " and " + s.getSize());
        }
        w.head = s.getHead();
        w.size = s.getSize();
        w.added = s.getAdded();
        w.rejected = s.getRejected();
        w.evictionsSinceRebuild = s.getEvictionsSinceRebuild();
        return w;
    }

    private static void copy(final List<Double> from, final double[] to, final String field) {
        length(from.size(), to.length, field);
        for (int i = 0; i < to.length; i++) {
            to[i] = from.get(i);
        }
    }

    private static void length(final int actual, final int expected, final String field) {
        if (actual != expected) {
            throw new IllegalArgumentException("snapshot field '" + field + "' holds " + actual + " values, expected "
                    + expected);
        }
    }

    /** Outcomes currently in the window (at most the capacity). */
    public int size() {
        return size;
    }

    /** The maximum number of outcomes kept (N). */
    public int capacity() {
        return capacity;
    }

    /** Number of threshold cells. */
    public int gridSize() {
        return gridSize;
    }

    /** Outcomes ever accepted by {@link #add}; a sequence number for "new since I last looked". */
    public long added() {
        return added;
    }

    /** Outcomes refused as bad input. */
    public long rejected() {
        return rejected;
    }

    /** Score of the outcome added {@code ago} additions before the newest (0 = newest). */
    public double scoreAgo(final int ago) {
        return scores[slotAgo(ago)];
    }

    /** Whether the outcome {@code ago} additions before the newest agreed (0 = newest). */
    public boolean agreedAgo(final int ago) {
        return agreed[slotAgo(ago)];
    }

    /** Weight of the outcome {@code ago} additions before the newest (0 = newest). */
    public double weightAgo(final int ago) {
        return weights[slotAgo(ago)];
    }

    private int slotAgo(final int ago) {
        if (ago < 0 || ago >= size) {
            throw new IndexOutOfBoundsException("ago " + ago + " outside window of " + size);
        }
        return (head + size - 1 - ago) % capacity;
    }

    // package-private views for GateStatistics (no copies)
    double cellWeight(final int c) {
        return Math.max(0.0, cellWeight[c]);
    }

    double cellWeight2(final int c) {
        return Math.max(0.0, cellWeight2[c]);
    }

    double cellAgreeWeight(final int c) {
        return Math.max(0.0, cellAgreeWeight[c]);
    }

    int cellCount(final int c) {
        return cellCount[c];
    }

    /**
     * Exact sums over the entries with score &gt;= t, by a scan of the ring (O(N)); for thresholds off the grid.
     * Returns {weight, squared weight, weight of agreements, count, total weight}.
     */
    double[] scanAtOrAbove(final double t) {
        double w = 0;
        double w2 = 0;
        double wa = 0;
        double n = 0;
        double total = 0;
        for (int i = 0; i < size; i++) {
            final int slot = (head + i) % capacity;
            final double wi = weights[slot];
            total += wi;
            if (scores[slot] >= t) {
                w += wi;
                w2 += wi * wi;
                if (agreed[slot]) {
                    wa += wi;
                }
                n++;
            }
        }
        return new double[] {w, w2, wa, n, total};
    }
}
