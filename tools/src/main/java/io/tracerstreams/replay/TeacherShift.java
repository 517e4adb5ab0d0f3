/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A teacher shift: from request {@code at} of the routed stream on, the LLM answers {@code b} where it used
 * to answer {@code a}, for K labels renamed in one rotation {@code a1 -> a2 -> ... -> aK -> a1}.
 *
 * <p>It models an LLM that changed its mind (a model upgrade, a prompt edit, a renamed label): the inputs
 * stay, K labels' answers move. The K labels are drawn from the sorted label set by a random generator
 * seeded with {@code seed} (its own generator: the stream's order and noise do not change with a shift),
 * so the same labels, seed and K give the same rotation. K = 0 is no shift.
 *
 * <p>Requests are counted from 0 over the routed stream: with {@code --train-as requests} the train split's
 * requests come first (0 .. train-1), then the test split's; with a backfilled train split the train rows
 * are traces, not requests, and request 0 is the first test request. Backfilled traces are never shifted.
 */
public final class TeacherShift {

    /** No shift. */
    public static final TeacherShift NONE = new TeacherShift(Map.of(), Long.MAX_VALUE);

    private final Map<String, String> rotation;
    private final long at;

    private TeacherShift(final Map<String, String> rotation, final long at) {
        this.rotation = rotation;
        this.at = at;
    }

    /**
     * A seeded rotation of {@code k} labels from request {@code at} on.
     *
     * @param labels the labels the LLM answers with (order does not matter)
     * @param k      how many labels rotate: 0 (no shift) or 2 .. number of labels
     * @param at     the first shifted request (0-based, >= 0)
     * @param seed   seeds the choice and order of the rotated labels
     * @throws IllegalArgumentException naming the option when k or at is out of range
     */
    public static TeacherShift rotation(final Collection<String> labels, final int k, final long at, final long seed) {
        final List<String> sorted = new ArrayList<>(new TreeSet<>(labels));
        if (k == 0) {
            return NONE;
        }
        if (k < 2 || k > sorted.size()) {
            throw new IllegalArgumentException("--shift-labels must be 0 (no shift) or between 2 and the number of "
                    + "labels (" + sorted.size() + "), got " + k);
        }
        if (at < 0) {
            throw new IllegalArgumentException("--shift-at must be >= 0 (got " + at + ")");
        }
        Collections.shuffle(sorted, new Random(seed ^ 0x5DEECE66DL));
        final Map<String, String> rotation = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            rotation.put(sorted.get(i), sorted.get((i + 1) % k));
        }
        return new TeacherShift(Collections.unmodifiableMap(rotation), at);
    }

    /** The LLM's answer for request {@code index} whose unshifted answer is {@code label}. */
    public String apply(final String label, final long index) {
        return index < at ? label : rotation.getOrDefault(label, label);
    }

    /** The renamed labels, each to its new name, in rotation order (empty when there is no shift). */
    public Map<String, String> rotation() {
        return rotation;
    }

    /** The first shifted request ({@link Long#MAX_VALUE} when there is no shift). */
    public long at() {
        return at;
    }

    /** Whether any label is renamed. */
    public boolean active() {
        return !rotation.isEmpty();
    }
}
