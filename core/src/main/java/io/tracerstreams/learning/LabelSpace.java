/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.LabelSpaceState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels of one task, mapped to dense slots {@code 0, 1, 2, ...} in order of first appearance, with a
 * capacity cap.
 *
 * <p>The first {@link #capacity()} distinct labels get their own slot. Every label registered after that
 * maps to one extra <em>overflow slot</em> (slot number {@code capacity}): learners learn it like any
 * class, so "something beyond the cap" is a class they can predict, and the engine answers
 * {@code UNKNOWN_LABEL} (defers) whenever the predicted slot {@link #isOverflow(int) is the overflow slot}.
 * The overflow labels themselves are not stored (memory stays bounded); only how many traces mapped
 * there is counted.
 *
 * <p>Slots never move, so a learner trained on slot numbers stays valid as the space grows.
 * {@link #size()} is the number of slots in use (including the overflow slot once used) and is what the
 * engine passes as {@code numSlots} to {@link EmbeddingClassifier#probabilities(float[], int)}.
 * Not thread-safe.
 */
public final class LabelSpace implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What {@link #label(int)} returns for the overflow slot. */
    public static final String OVERFLOW_LABEL = "<overflow>";

    /** Returned by {@link #slotOf(String)} for a label that has no slot. */
    public static final int UNSEEN = -1;

    private final int capacity;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<String> labels = new ArrayList<>();
    private long overflowRegistrations;

    /**
     * @param capacity the most distinct labels with their own slot, at least 1
     */
    public LabelSpace(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The slot of a label, or {@link #UNSEEN} (-1) when it has none (never registered, or beyond the cap). */
    public int slotOf(final String label) {
        final Integer slot = label == null ? null : slots.get(label);
        return slot == null ? UNSEEN : slot;
    }

    /**
     * The slot of a label, giving it the next free slot on first sight. When the cap is reached a new label
     * gets {@link #overflowSlot()}.
     *
     * @throws IllegalArgumentException when the label is null (the engine validates labels first)
     */
    public int register(final String label) {
        if (label == null) {
            throw new IllegalArgumentException("label must not be null");
        }
        final Integer known = slots.get(label);
        if (known != null) {
            return known;
        }
        if (labels.size() < capacity) {
            final int slot = labels.size();
            labels.add(label);
            slots.put(label, slot);
            return slot;
        }
        overflowRegistrations++;
        return capacity;
    }

    /** The label of a slot, {@link #OVERFLOW_LABEL} for the overflow slot. */
    public String label(final int slot) {
        if (isOverflow(slot)) {
            return OVERFLOW_LABEL;
        }
        if (slot < 0 || slot >= labels.size()) {
            throw new IndexOutOfBoundsException("slot " + slot + " is not in use (size " + size() + ")");
        }
        return labels.get(slot);
    }

    /** True for the overflow slot (number {@link #capacity()}), whether used yet or not. */
    public boolean isOverflow(final int slot) {
        return slot == capacity;
    }

    /** The overflow slot's number: {@link #capacity()}. */
    public int overflowSlot() {
        return capacity;
    }

    /** Slots in use: distinct labels with their own slot, plus 1 once a label went to the overflow slot. */
    public int size() {
        return labels.size() + (overflowRegistrations > 0 ? 1 : 0);
    }

    /** The most labels with their own slot. */
    public int capacity() {
        return capacity;
    }

    /** True when every own slot is taken (new labels go to the overflow slot). */
    public boolean isFull() {
        return labels.size() >= capacity;
    }

    /** How many {@link #register} calls went to the overflow slot (traces with labels beyond the cap). */
    public long overflowRegistrations() {
        return overflowRegistrations;
    }

    /** The labels with their own slot, in slot order (unmodifiable). */
    public List<String> labels() {
        return Collections.unmodifiableList(new ArrayList<>(labels));
    }

    /** The label space's state, for a snapshot ({@link #fromState}). */
    public LabelSpaceState toState() {
        return LabelSpaceState.newBuilder().setCapacity(capacity).setLabels(new ArrayList<>(labels))
                .setOverflowRegistrations(overflowRegistrations).build();
    }

    /**
     * The label space a snapshot holds: the same labels in the same slots.
     *
     * @throws IllegalArgumentException naming the field when the labels exceed the capacity or repeat
     */
    public static LabelSpace fromState(final LabelSpaceState s) {
        final LabelSpace space = new LabelSpace(s.getCapacity());
        if (s.getLabels().size() > s.getCapacity()) {
            throw new IllegalArgumentException("snapshot field 'labels' holds " + s.getLabels().size()
                    + " labels, more than the capacity " + s.getCapacity());
        }
        for (final String label : s.getLabels()) {
            final int before = space.labels.size();
            if (label == null || space.register(label) != before) {
                throw new IllegalArgumentException("snapshot field 'labels' repeats '" + label + "'");
            }
        }
        if (s.getOverflowRegistrations() < 0) {
            throw new IllegalArgumentException("snapshot field 'overflow_registrations' must be >= 0, was "
                    + s.getOverflowRegistrations());
        }
        space.overflowRegistrations = s.getOverflowRegistrations();
        return space;
    }

    @Override
    public String toString() {
        return "LabelSpace{size=" + size() + ", capacity=" + capacity + ", overflow=" + overflowRegistrations + "}";
    }
}
