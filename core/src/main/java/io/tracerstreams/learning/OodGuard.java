/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.OodState;
import io.tracerstreams.schema.state.QuantizedRowsState;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Flags inputs far from everything seen: the out-of-distribution guard.
 *
 * <p>It keeps a bounded, seeded reservoir sample of the embeddings of learned traces (int8, {@link QuantizedRows}). For each new trace,
 * {@link #observe(float[])} first measures its cosine distance to the nearest reservoir member (an honest
 * in-distribution distance: the trace is not in the reservoir yet), keeps the last {@code distanceWindow}
 * such distances, and only then offers the trace to the reservoir. Measuring is a full scan of the
 * reservoir, so only every {@code measureEvery}-th trace is measured (the quantile needs a sample of
 * distances, not all of them); every trace is offered to the reservoir. While the reservoir is still
 * filling, nearest distances shrink as it grows: only distances measured against a reservoir at least half
 * its current size enter the quantile. The threshold is the {@code quantile}
 * (e.g. 0.99) of those distances times {@code slack}, recomputed every 16 observations.
 * {@link #isOutOfDistribution(float[])} is true when an input's nearest distance exceeds the threshold;
 * it stops scanning at the first reservoir member within the threshold, so in-distribution inputs (the
 * common case) cost a fraction of a full scan. Inactive (always false) until {@code minCount} traces
 * were observed. Inputs are sanitised like the learners' (NaN as 0, unit length). Deterministic given the
 * seed; not thread-safe.
 */
public final class OodGuard implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int RECOMPUTE_EVERY = 16;

    /** Settings; see {@link #defaults()}. */
    public record Settings(int reservoirSize, int distanceWindow, double quantile, double slack, int minCount,
                           int measureEvery) implements java.io.Serializable {
        public Settings {
            if (measureEvery < 1) {
                throw new IllegalArgumentException("measureEvery must be >= 1, was " + measureEvery);
            }
            if (reservoirSize < 1) {
                throw new IllegalArgumentException("reservoirSize must be >= 1, was " + reservoirSize);
            }
            if (distanceWindow < 10) {
                throw new IllegalArgumentException("distanceWindow must be >= 10, was " + distanceWindow);
            }
            if (!(quantile > 0 && quantile < 1)) {
                throw new IllegalArgumentException("quantile must be in (0,1), was " + quantile);
            }
            if (!(slack >= 1) || Double.isInfinite(slack)) {
                throw new IllegalArgumentException("slack must be finite and >= 1, was " + slack);
            }
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be >= 1, was " + minCount);
            }
        }

        /**
         * Reservoir 2,000, last 2,000 measured distances, quantile 0.995, slack 1.1, active after 200 traces,
         * every 4th trace measured. The guard is for inputs unlike anything seen, not a trim of the tail: the
         * bare 0.99 quantile defers 1% of in-distribution traffic by construction (and more when live inputs
         * lie a little farther from the traces than the traces from each other, as CLINC150's test split does:
         * 1.2% of its requests), which alone would cost a surrogate that agrees everywhere a point of coverage.
         */
        public static Settings defaults() {
            return new Settings(2000, 2000, 0.995, 1.1, 200, 4);
        }
    }

    private final Settings settings;
    private final SeededRandom random;
    private int dim = -1;
    private QuantizedRows reservoir;
    private int held;
    private long observed;
    private final double[] distances;
    private final int[] heldAtMeasure;
    private int distanceCount;
    private int distanceNext;
    private double threshold = Double.NaN;
    private int sinceRecompute;
    private transient float[] query;

    /** A guard with the default settings. */
    public OodGuard(final long seed) {
        this(seed, Settings.defaults());
    }

    /** A guard with explicit settings. */
    public OodGuard(final long seed, final Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = new SeededRandom(seed);
        this.distances = new double[settings.distanceWindow()];
        this.heldAtMeasure = new int[settings.distanceWindow()];
    }

    /**
     * Learns one in-distribution example (a learned trace): measures its distance to the reservoir, then
     * offers it to the reservoir. Vectors of another length than the first are ignored.
     */
    public void observe(final float[] x) {
        if (x == null || x.length == 0) {
            return;
        }
        if (dim < 0) {
            dim = x.length;
            reservoir = new QuantizedRows(settings.reservoirSize(), dim);
        }
        if (!prepare(x)) {
            return;
        }
        if (held > 0 && (observed < settings.minCount() || observed % settings.measureEvery() == 0)) {
            distances[distanceNext] = 1.0 - maxSimilarity(query, Float.POSITIVE_INFINITY);
            heldAtMeasure[distanceNext] = held;
            distanceNext = (distanceNext + 1) % distances.length;
            distanceCount = Math.min(distanceCount + 1, distances.length);
        }
        observed++;
        final int capacity = settings.reservoirSize();
        if (held < capacity) {
            reservoir.set(held, query);
            held++;
        } else {
            final long j = Math.floorMod(random.nextLong(), observed);
            if (j < capacity) {
                reservoir.set((int) j, query);
            }
        }
        if (++sinceRecompute >= RECOMPUTE_EVERY || observed == settings.minCount()) {
            recomputeThreshold();
        }
    }

    /**
     * True when the guard is active and the input's nearest reservoir distance exceeds the threshold. A
     * vector of the wrong length is out of distribution (once active).
     */
    public boolean isOutOfDistribution(final float[] x) {
        if (!isActive()) {
            return false;
        }
        if (!prepare(x)) {
            return true;
        }
        final float minSimilarity = (float) (1.0 - threshold);
        return maxSimilarity(query, minSimilarity) < minSimilarity;
    }

    /** The cosine distance (in [0, 2]) from an input to its nearest reservoir member; NaN when unusable. */
    public double nearestDistance(final float[] x) {
        if (held == 0 || !prepare(x)) {
            return Double.NaN;
        }
        return Math.max(0.0, 1.0 - maxSimilarity(query, Float.POSITIVE_INFINITY));
    }

    /** True once {@code minCount} traces were observed (and a threshold exists). */
    public boolean isActive() {
        return observed >= settings.minCount() && !Double.isNaN(threshold);
    }

    /** The current distance threshold (quantile x slack), NaN before the first estimate. */
    public double threshold() {
        return threshold;
    }

    /** Traces observed so far. */
    public long observedCount() {
        return observed;
    }

    /** The guard's state, for a snapshot ({@link #fromState}). */
    public OodState toState() {
        final QuantizedRowsState rows = reservoir == null ? null : reservoir.toState();
        return OodState.newBuilder().setReservoirSize(settings.reservoirSize()).setDistanceWindow(settings.distanceWindow())
                .setQuantile(settings.quantile()).setSlack(settings.slack()).setMinCount(settings.minCount())
                .setMeasureEvery(settings.measureEvery()).setRandom(random.state()).setDim(dim)
                .setReservoirCodes(rows == null ? null : rows.getCodes())
                .setReservoirScales(rows == null ? null : rows.getScales()).setHeld(held).setObserved(observed)
                .setDistances(States.doubles(distances)).setHeldAtMeasure(States.ints(heldAtMeasure))
                .setDistanceCount(distanceCount).setDistanceNext(distanceNext).setThreshold(threshold)
                .setSinceRecompute(sinceRecompute).build();
    }

    /**
     * The guard a snapshot holds; it flags and learns exactly like the one that wrote it.
     *
     * @throws IllegalArgumentException naming the field when the state is inconsistent
     */
    public static OodGuard fromState(final OodState s) {
        final Settings settings = new Settings(s.getReservoirSize(), s.getDistanceWindow(), s.getQuantile(), s.getSlack(),
                s.getMinCount(), s.getMeasureEvery());
        // sizes first: the arrays are allocated only as large as the record's own lists
        States.length(s.getDistances().size(), settings.distanceWindow(), "distances");
        final OodGuard g = new OodGuard(0L, settings);
        g.random.reset(s.getRandom());
        g.dim = s.getDim();
        if (s.getReservoirCodes() != null && s.getReservoirScales() != null) {
            g.reservoir = QuantizedRows.fromState(QuantizedRowsState.newBuilder().setDim(g.dim)
                    .setCodes(s.getReservoirCodes()).setScales(s.getReservoirScales()).build(),
                    settings.reservoirSize(), g.dim, "reservoir");
        } else if (g.dim >= 0) {
            throw new IllegalArgumentException("snapshot fields 'reservoir_codes' and 'reservoir_scales' are null while"
                    + " 'dim' is " + g.dim);
        }
        if (s.getHeld() < 0 || s.getHeld() > settings.reservoirSize()) {
            throw new IllegalArgumentException("snapshot field 'held' must be in [0, " + settings.reservoirSize()
                    + "], was " + s.getHeld());
        }
        g.held = s.getHeld();
        g.observed = s.getObserved();
        final double[] distances = States.doubles(s.getDistances());
        States.length(distances.length, g.distances.length, "distances");
        System.arraycopy(distances, 0, g.distances, 0, distances.length);
        final int[] heldAtMeasure = States.ints(s.getHeldAtMeasure());
        States.length(heldAtMeasure.length, g.heldAtMeasure.length, "held_at_measure");
        System.arraycopy(heldAtMeasure, 0, g.heldAtMeasure, 0, heldAtMeasure.length);
        final int window = settings.distanceWindow();
        if (s.getDistanceCount() < 0 || s.getDistanceCount() > window || s.getDistanceNext() < 0
                || s.getDistanceNext() >= window) {
            throw new IllegalArgumentException("snapshot fields 'distance_count' and 'distance_next' must be in [0, "
                    + window + "] and [0, " + window + "), were " + s.getDistanceCount() + " and " + s.getDistanceNext());
        }
        g.distanceCount = s.getDistanceCount();
        g.distanceNext = s.getDistanceNext();
        g.threshold = s.getThreshold();
        g.sinceRecompute = s.getSinceRecompute();
        return g;
    }

    private boolean prepare(final float[] x) {
        if (x == null || dim < 0 || x.length != dim) {
            return false;
        }
        if (query == null || query.length != dim) {
            query = new float[dim];
        }
        Vectors.sanitizeAndNormalize(x, query);
        return true;
    }

    /** The largest cosine to a reservoir member, stopping early once one reaches {@code enough}. */
    private float maxSimilarity(final float[] z, final float enough) {
        float best = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < held; r++) {
            final float s = reservoir.dot(r, z);
            if (s > best) {
                best = s;
                if (best >= enough) {
                    return best;
                }
            }
        }
        return best;
    }

    private void recomputeThreshold() {
        sinceRecompute = 0;
        if (distanceCount == 0) {
            return;
        }
        final double[] sorted = new double[distanceCount];
        int n = 0;
        for (int i = 0; i < distanceCount; i++) {
            if (2L * heldAtMeasure[i] >= held) {
                sorted[n++] = distances[i];
            }
        }
        if (n == 0) {
            return;
        }
        Arrays.sort(sorted, 0, n);
        final int index = Math.min(n - 1, (int) Math.ceil(settings.quantile() * n) - 1);
        threshold = Math.min(2.0, sorted[Math.max(0, index)] * settings.slack());
    }
}
