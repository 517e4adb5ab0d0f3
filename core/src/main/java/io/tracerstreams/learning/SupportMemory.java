/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.SupportMemoryState;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How well the traces seen so far support a prediction: the cosine distance from an input to the nearest
 * recent example <em>of the predicted label</em>. It is the acceptor's {@link Acceptor#NN_DISTANCE} feature
 * (DESIGN section 4: "optionally the distance to the nearest training examples").
 *
 * <p>Why the acceptor needs it: a surrogate's confidence says how sure it is among the labels it knows, not
 * how far the input lies from anything it learned. When live traffic drifts away from the traces the gate
 * was calibrated on (a backfilled log from a different population, a new phrasing), confidences stay high
 * while agreement drops; the distance to the supporting examples grows, so an acceptor that learned
 * "agreement falls with distance" on the window scores the new traffic lower and the gate's threshold, chosen
 * in score space, hands less of it to the surrogate. On CLINC150 the test utterances lie measurably farther
 * from the train utterances than train utterances from each other (median nearest cosine 0.84 against 0.88),
 * and the agreement of a served surrogate falls with that distance in both splits.
 *
 * <p>Storage: a ring buffer of the last {@code window} examples (unit vectors, int8: {@link QuantizedRows}), each
 * linked to the previous stored example of its label by sequence number, so a query walks only its label's
 * examples, newest first, at most {@code maxScan} of them. Cost: O(maxScan x d) per query, O(d) per example;
 * memory: window x (d + 4) bytes. Deterministic; not thread-safe; Serializable.
 */
public final class SupportMemory implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The distance reported for a label with no stored example: as far as unit vectors get while not opposite. */
    public static final double NO_SUPPORT = 1.0;

    /** Settings; see {@link #defaults()}. */
    public record Settings(int window, int maxScan) implements Serializable {
        public Settings {
            if (window < 1) {
                throw new IllegalArgumentException("support memory 'window' must be >= 1, was " + window);
            }
            if (maxScan < 1) {
                throw new IllegalArgumentException("support memory 'maxScan' must be >= 1, was " + maxScan);
            }
        }

        /** The last 4,000 examples; at most the 128 newest of a label are scanned per query. */
        public static Settings defaults() {
            return new Settings(4_000, 128);
        }
    }

    private final Settings settings;
    private int dim = -1;
    private QuantizedRows rows;
    private long[] previousOfSlot; // per row: sequence number of the previous row of its slot, or -1
    private long[] newestOfSlot = new long[0]; // per slot: sequence number of its newest row, or -1
    private long added;
    private transient float[] query;

    /** A memory with the default settings. */
    public SupportMemory() {
        this(Settings.defaults());
    }

    /** A memory with explicit settings. */
    public SupportMemory(final Settings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** Examples stored now (at most the window). */
    public int stored() {
        return (int) Math.min(added, settings.window());
    }

    /**
     * Cosine distance ({@code 1 - cos}, clamped to [0, 2]) from {@code x} to the nearest stored example of
     * {@code slot}; {@link #NO_SUPPORT} when the label has none in the window, or the vector is unusable.
     */
    public double distance(final float[] x, final int slot) {
        if (dim < 0 || x == null || x.length != dim || slot < 0 || slot >= newestOfSlot.length) {
            return NO_SUPPORT;
        }
        final float[] z = normalized(x);
        if (z == null) {
            return NO_SUPPORT;
        }
        float best = Float.NEGATIVE_INFINITY;
        long seq = newestOfSlot[slot];
        for (int scanned = 0; scanned < settings.maxScan() && live(seq); scanned++) {
            final int row = (int) (seq % settings.window());
            best = Math.max(best, rows.dot(row, z));
            seq = previousOfSlot[row];
        }
        return best == Float.NEGATIVE_INFINITY ? NO_SUPPORT : Math.min(2.0, Math.max(0.0, 1.0 - best));
    }

    /** Stores an example of {@code slot} (after it was measured: the measurement must not see itself). */
    public void add(final float[] x, final int slot) {
        if (x == null || x.length == 0 || slot < 0) {
            return;
        }
        if (dim < 0) {
            dim = x.length;
            rows = new QuantizedRows(settings.window(), dim);
            previousOfSlot = new long[settings.window()];
        } else if (x.length != dim) {
            return;
        }
        final float[] z = normalized(x);
        if (z == null) {
            return;
        }
        if (slot >= newestOfSlot.length) {
            final int old = newestOfSlot.length;
            newestOfSlot = Arrays.copyOf(newestOfSlot, Math.max(slot + 1, old * 2));
            Arrays.fill(newestOfSlot, old, newestOfSlot.length, -1L);
        }
        final long seq = added++;
        final int row = (int) (seq % settings.window());
        rows.set(row, z);
        previousOfSlot[row] = newestOfSlot[slot];
        newestOfSlot[slot] = seq;
    }

    /**
     * Forgets the slot's examples older than the {@code keepNewest} most recent examples stored (of any slot): the
     * LLM now contradicts them, so they must not support a prediction of this label any more.
     */
    public void forget(final int slot, final long keepNewest) {
        if (slot < 0 || slot >= newestOfSlot.length) {
            return;
        }
        final long oldest = added - Math.max(0L, keepNewest); // sequence numbers >= oldest stay
        long seq = newestOfSlot[slot];
        if (seq < oldest) {
            newestOfSlot[slot] = -1L;
            return;
        }
        while (live(seq)) {
            final int row = (int) (seq % settings.window());
            final long previous = previousOfSlot[row];
            if (previous < oldest) {
                previousOfSlot[row] = -1L;
                return;
            }
            seq = previous;
        }
    }

    /** The memory's state, for a snapshot ({@link #fromState}). */
    public SupportMemoryState toState() {
        return SupportMemoryState.newBuilder().setWindow(settings.window()).setMaxScan(settings.maxScan()).setDim(dim)
                .setRows(rows == null ? null : rows.toState())
                .setPreviousOfSlot(previousOfSlot == null ? null : States.longs(previousOfSlot))
                .setNewestOfSlot(States.longs(newestOfSlot)).setAdded(added).build();
    }

    /**
     * The memory a snapshot holds; it measures and stores exactly like the one that wrote it.
     *
     * @throws IllegalArgumentException naming the field when the state is inconsistent
     */
    public static SupportMemory fromState(final SupportMemoryState s) {
        final SupportMemory m = new SupportMemory(new Settings(s.getWindow(), s.getMaxScan()));
        m.dim = s.getDim();
        if (s.getRows() != null) {
            m.rows = QuantizedRows.fromState(s.getRows(), s.getWindow(), m.dim, "support.rows");
            if (s.getPreviousOfSlot() == null) {
                throw new IllegalArgumentException("snapshot field 'support.previous_of_slot' is null while 'rows' is not");
            }
            m.previousOfSlot = States.longs(s.getPreviousOfSlot());
            States.length(m.previousOfSlot.length, s.getWindow(), "support.previous_of_slot");
        } else if (m.dim >= 0) {
            throw new IllegalArgumentException("snapshot field 'support.rows' is null while 'dim' is " + m.dim);
        }
        m.newestOfSlot = States.longs(s.getNewestOfSlot());
        m.added = s.getAdded();
        sequences(m.newestOfSlot, m.added, "support.newest_of_slot");
        if (m.previousOfSlot != null) {
            sequences(m.previousOfSlot, m.added, "support.previous_of_slot");
        }
        return m;
    }

    private static void sequences(final long[] seqs, final long added, final String field) {
        for (int i = 0; i < seqs.length; i++) {
            if (seqs[i] < -1 || seqs[i] >= added) {
                throw new IllegalArgumentException("snapshot field '" + field + "[" + i + "]' is sequence number "
                        + seqs[i] + ", not -1 or below " + added);
            }
        }
    }

    /** A sequence number still in the ring (not yet overwritten). */
    private boolean live(final long seq) {
        return seq >= 0 && seq >= added - settings.window();
    }

    private float[] normalized(final float[] x) {
        if (query == null || query.length != dim) {
            query = new float[dim];
        }
        return Vectors.sanitizeAndNormalize(x, query) ? query : null;
    }
}
