/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import io.tracerstreams.schema.state.PerLabelThresholdsState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-label thresholds under one alpha, by a per-label recalibration of the acceptor's score: the gate keeps one
 * threshold t on the recalibrated score s' = clamp(s + b_label, 0, 1), which is a threshold of t - b_label on the raw
 * score s for each label. A label on which the surrogate agrees more often than its scores say (b &gt; 0) gets a
 * lower raw threshold, a weak one (b &lt; 0) a higher one, or none when t - b &gt; 1.
 *
 * <h2>The offsets</h2>
 * Over the last {@code capacity} outcomes (label, raw score s, agreed a, weight w), per label:
 * b = (sum w a - sum w s) / (sum w + m), the weighted gap between how often the surrogate agreed and how often its
 * scores said it would, shrunk toward 0 by a prior of m weight units ({@code priorWeight}): a label with few outcomes
 * keeps the raw score. The weights are those of the agreement window (1/p for an audited handled request), so the
 * gaps are those of live traffic.
 *
 * <h2>Why the gate's error control still holds (the multiplicity of K thresholds)</h2>
 * Searching K thresholds, one per label, would need a test per label or a search over a K-dimensional grid, each
 * with its own multiplicity. Here the K thresholds are one parameter: the handled sets {s' &gt;= t} are nested in t,
 * so the gate's fixed-sequence walk over t ({@link GateStatistics#deployableIndex}) tests one hypothesis per grid
 * threshold, exactly as with the raw score, and the family-wise error argument of {@link GateStatistics} carries
 * over unchanged. What it needs is that the score an outcome enters the window with was fixed before its outcome
 * was known: {@link #score} is called at routing (and in test-then-train order when the outcome is learned, before
 * {@link #learn} takes it), so the offset of an outcome's own score never saw that outcome. This is the same
 * prequential condition the acceptor itself meets (it refits on the outcomes of the window too); the agreement
 * indicators are then martingale differences around the agreement their scores stand for, which is what the
 * binomial bounds need. The closed-loop check is {@code PerLabelThresholdsTest}: with labels of unequal quality the
 * handled set's true agreement stays &gt;= alpha at a rate &gt;= 1 - delta over repeated looks, with more coverage
 * than one raw threshold.
 *
 * <p>Serializable (for snapshots); not thread-safe; deterministic.
 */
public final class PerLabelThresholds implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final double priorWeight;
    private final int[] labels;
    private final double[] scores;
    private final double[] weights;
    private final boolean[] agreed;
    private int head;
    private int size;
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<double[]> sums = new ArrayList<>(); // per label id: {sum w, sum w a, sum w s, count}

    /**
     * @param capacity    outcomes the offsets are fitted on (the window size N of the gate)
     * @param priorWeight weight units m that shrink a label's offset toward 0
     * @throws IllegalArgumentException when capacity &lt; 1 or priorWeight is not finite and &gt;= 0
     */
    public PerLabelThresholds(final int capacity, final double priorWeight) {
        if (capacity < 1) {
            throw new IllegalArgumentException("per-label thresholds field 'capacity' must be at least 1 (got "
                    + capacity + ")");
        }
        if (!(priorWeight >= 0.0) || Double.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("per-label thresholds field 'priorWeight' must be finite and >= 0 (got "
                    + priorWeight + ")");
        }
        this.capacity = capacity;
        this.priorWeight = priorWeight;
        this.labels = new int[capacity];
        this.scores = new double[capacity];
        this.weights = new double[capacity];
        this.agreed = new boolean[capacity];
    }

    /** The offset b of a label: 0 for a label never seen. */
    public double offset(final String label) {
        final Integer id = label == null ? null : ids.get(label);
        if (id == null) {
            return 0.0;
        }
        final double[] s = sums.get(id);
        return s[0] <= 0.0 ? 0.0 : (s[1] - s[2]) / (s[0] + priorWeight);
    }

    /** The recalibrated score s' = clamp(s + b_label, 0, 1) the gate's threshold applies to; s when label is null. */
    public double score(final String label, final double rawScore) {
        if (label == null || !(rawScore >= 0.0 && rawScore <= 1.0)) {
            return rawScore;
        }
        final double v = rawScore + offset(label);
        return v < 0.0 ? 0.0 : Math.min(1.0, v);
    }

    /**
     * Takes one outcome (after its recalibrated score entered the agreement window), evicting the oldest when full.
     * A null label, a score outside [0, 1] or a weight that is not finite and positive is ignored.
     */
    public void learn(final String label, final double rawScore, final boolean agreedWithLlm, final double weight) {
        if (label == null || !(rawScore >= 0.0 && rawScore <= 1.0) || !(weight > 0.0) || Double.isInfinite(weight)) {
            return;
        }
        final int id = ids.computeIfAbsent(label, l -> {
            names.add(l);
            sums.add(new double[4]);
            return names.size() - 1;
        });
        final int slot;
        if (size == capacity) {
            slot = head;
            apply(labels[slot], scores[slot], agreed[slot], weights[slot], -1.0);
            head = (head + 1) % capacity;
        } else {
            slot = (head + size) % capacity;
            size++;
        }
        labels[slot] = id;
        scores[slot] = rawScore;
        weights[slot] = weight;
        agreed[slot] = agreedWithLlm;
        apply(id, rawScore, agreedWithLlm, weight, 1.0);
    }

    private void apply(final int id, final double s, final boolean a, final double w, final double sign) {
        final double[] sum = sums.get(id);
        sum[0] += sign * w;
        sum[1] += a ? sign * w : 0.0;
        sum[2] += sign * w * s;
        sum[3] += sign;
        if (sum[3] <= 0.0) {
            sum[0] = 0.0;
            sum[1] = 0.0;
            sum[2] = 0.0;
            sum[3] = 0.0;
        }
    }

    /** Drops all but the {@code newest} most recent outcomes (as the agreement windows do after a change). */
    public void keepNewest(final int newest) {
        final int keep = Math.max(0, newest);
        while (size > keep) {
            apply(labels[head], scores[head], agreed[head], weights[head], -1.0);
            head = (head + 1) % capacity;
            size--;
        }
    }

    /**
     * One row of the per-label table.
     *
     * @param label        the label
     * @param offset       b, the recalibration of its scores
     * @param rawThreshold the raw-score threshold t - b it is handled at, clamped to [0, 1]; NaN when none ("none":
     *                     t - b &gt; 1, or the gate is closed)
     * @param outcomes     outcomes of this label among the last {@code capacity}
     * @param agreement    weighted agreement of those outcomes, NaN when none
     */
    public record Row(String label, double offset, double rawThreshold, long outcomes, double agreement)
            implements Serializable {

        private static final long serialVersionUID = 1L;
    }

    /** The table at served threshold t (NaN when the gate is closed), labels in the order first seen. */
    public List<Row> table(final double servedThreshold) {
        final List<Row> out = new ArrayList<>(names.size());
        for (int id = 0; id < names.size(); id++) {
            final double[] s = sums.get(id);
            final double b = offset(names.get(id));
            final double raw = servedThreshold - b;
            out.add(new Row(names.get(id), b, Double.isNaN(servedThreshold) || raw > 1.0 ? Double.NaN : Math.max(0.0, raw),
                    Math.round(s[3]), s[0] > 0.0 ? s[1] / s[0] : Double.NaN));
        }
        return out;
    }

    /** The thresholds' state, for a snapshot ({@link #fromState}). */
    public PerLabelThresholdsState toState() {
        final List<Boolean> agreedList = new ArrayList<>(capacity);
        for (final boolean a : agreed) {
            agreedList.add(a);
        }
        final List<List<Double>> sumList = new ArrayList<>(sums.size());
        for (final double[] s : sums) {
            sumList.add(Arrays.stream(s).boxed().toList());
        }
        return PerLabelThresholdsState.newBuilder().setCapacity(capacity).setPriorWeight(priorWeight)
                .setLabels(Arrays.stream(labels).boxed().toList()).setScores(Arrays.stream(scores).boxed().toList())
                .setWeights(Arrays.stream(weights).boxed().toList()).setAgreed(agreedList).setHead(head).setSize(size)
                .setNames(new ArrayList<>(names)).setSums(sumList).build();
    }

    /**
     * The thresholds a snapshot holds; they recalibrate and learn exactly like the ones that wrote them.
     *
     * @throws IllegalArgumentException naming the field when the state is inconsistent
     */
    public static PerLabelThresholds fromState(final PerLabelThresholdsState s) {
        // sizes first: the arrays are allocated only as large as the record's own lists
        final int n = s.getCapacity();
        if (s.getLabels().size() != n || s.getScores().size() != n || s.getWeights().size() != n
                || s.getAgreed().size() != n) {
            throw new IllegalArgumentException("snapshot fields 'per_label.labels', 'scores', 'weights', 'agreed' must"
                    + " hold " + n + " values each");
        }
        final PerLabelThresholds t = new PerLabelThresholds(s.getCapacity(), s.getPriorWeight());
        if (s.getNames().size() != s.getSums().size()) {
            throw new IllegalArgumentException("snapshot field 'per_label.sums' holds " + s.getSums().size()
                    + " rows for " + s.getNames().size() + " names");
        }
        for (int i = 0; i < n; i++) {
            t.labels[i] = s.getLabels().get(i);
            t.scores[i] = s.getScores().get(i);
            t.weights[i] = s.getWeights().get(i);
            t.agreed[i] = s.getAgreed().get(i);
        }
        for (int id = 0; id < s.getNames().size(); id++) {
            final String name = s.getNames().get(id);
            if (t.ids.put(name, id) != null) {
                throw new IllegalArgumentException("snapshot field 'per_label.names' repeats '" + name + "'");
            }
            t.names.add(name);
            final List<Double> sum = s.getSums().get(id);
            if (sum.size() != 4) {
                throw new IllegalArgumentException("snapshot field 'per_label.sums[" + id + "]' holds " + sum.size()
                        + " values, expected 4");
            }
            t.sums.add(sum.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (s.getHead() < 0 || s.getHead() >= n || s.getSize() < 0 || s.getSize() > n) {
            throw new IllegalArgumentException("snapshot fields 'per_label.head' and 'per_label.size' must be in [0, "
                    + n + ") and [0, " + n + "], were " + s.getHead() + " and " + s.getSize());
        }
        t.head = s.getHead();
        t.size = s.getSize();
        for (int i = 0; i < t.size; i++) {
            final int label = t.labels[(t.head + i) % n];
            if (label < 0 || label >= t.names.size()) {
                throw new IllegalArgumentException("snapshot field 'per_label.labels' holds label id " + label + ", not"
                        + " one of the " + t.names.size() + " names");
            }
        }
        return t;
    }

    /** Outcomes held (at most the capacity). */
    public int size() {
        return size;
    }

    /** The prior weight m. */
    public double priorWeight() {
        return priorWeight;
    }

    @Override
    public String toString() {
        return "PerLabelThresholds[capacity=" + capacity + ", priorWeight=" + priorWeight + ", labels=" + names.size()
                + ", size=" + size + "]";
    }
}
