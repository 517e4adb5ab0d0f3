/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.state.RelabelWatchState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * After live evidence refuted the gate (the LLM changed its mind), finds the labels whose old examples the LLM now
 * contradicts, so that the surrogates forget them instead of answering renamed or redefined intents with their old
 * names until the old examples age out of every memory.
 *
 * <p>An episode starts at a refutation, with the estimated age of the change. For the next {@code length} traces,
 * every trace the served surrogate predicted as label p counts for p, and as a contradiction of p when the LLM
 * answered something else. A label is <em>contradicted</em> once at least {@value #MIN_CONTRADICTIONS} of its
 * predictions were contradicted and contradictions are more than half of them: the old meaning of p is then
 * more often wrong than right on live traffic after the change, which a label the LLM kept does not show (its
 * agreement stays far above one half on the window the gate opened on). Each label is reported once per
 * episode; the caller forgets its examples older than the change ({@link #keepNewest()}), keeping what was learned
 * of it since.
 *
 * <p>Stationary traffic never starts an episode unless the sequential test refutes alpha (its error is at most
 * delta); an episode then costs only the old examples of labels that disagreed more than half the time anyway.
 * Plain fields, serializable; not thread-safe.
 */
final class RelabelWatch implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Contradicted predictions a label needs before it is forgotten. */
    static final int MIN_CONTRADICTIONS = 3;

    private long remaining;        // traces left in the episode; 0 = no episode
    private long sinceChange;      // traces learned since the estimated change point
    private int[] predicted = new int[0];
    private int[] contradicted = new int[0];
    private boolean[] forgotten = new boolean[0];
    private long episodes;
    private long labelsForgotten;

    /**
     * Starts an episode (a running one starts afresh).
     *
     * @param tracesSinceChange traces learned since the estimated change point
     * @param length            traces the episode watches
     */
    void start(final long tracesSinceChange, final long length) {
        remaining = Math.max(1L, length);
        sinceChange = Math.max(0L, tracesSinceChange);
        predicted = new int[0];
        contradicted = new int[0];
        forgotten = new boolean[0];
        episodes++;
    }

    /** Whether an episode runs. */
    boolean active() {
        return remaining > 0;
    }

    /**
     * Takes one learned trace.
     *
     * @param predictedSlot the served surrogate's prediction of it (before learning it), or -1 for none
     * @param llmSlot       the slot of the LLM's label, or -1 when the label was new
     * @return the slot whose old examples are to be forgotten now, or -1
     */
    int observe(final int predictedSlot, final int llmSlot) {
        if (remaining <= 0) {
            return -1;
        }
        remaining--;
        sinceChange++;
        if (predictedSlot < 0) {
            return -1;
        }
        grow(predictedSlot + 1);
        if (forgotten[predictedSlot]) {
            return -1;
        }
        predicted[predictedSlot]++;
        if (llmSlot != predictedSlot) {
            contradicted[predictedSlot]++;
        }
        if (contradicted[predictedSlot] >= MIN_CONTRADICTIONS && 2 * contradicted[predictedSlot] > predicted[predictedSlot]) {
            forgotten[predictedSlot] = true;
            labelsForgotten++;
            return predictedSlot;
        }
        return -1;
    }

    /** Traces learned since the estimated change point, this one included: what a forgotten label keeps. */
    long keepNewest() {
        return sinceChange;
    }

    /** Episodes started so far. */
    long episodes() {
        return episodes;
    }

    /** Labels forgotten so far, over all episodes. */
    long labelsForgotten() {
        return labelsForgotten;
    }

    /** The watch's state, for a snapshot ({@link #fromState}). */
    RelabelWatchState toState() {
        final List<Boolean> forgottenList = new ArrayList<>(forgotten.length);
        for (final boolean f : forgotten) {
            forgottenList.add(f);
        }
        return RelabelWatchState.newBuilder().setRemaining(remaining).setSinceChange(sinceChange)
                .setPredicted(Arrays.stream(predicted).boxed().toList())
                .setContradicted(Arrays.stream(contradicted).boxed().toList()).setForgotten(forgottenList)
                .setEpisodes(episodes).setLabelsForgotten(labelsForgotten).build();
    }

    /**
     * The watch a snapshot holds.
     *
     * @throws IllegalArgumentException naming the field when its per-slot arrays differ in length
     */
    static RelabelWatch fromState(final RelabelWatchState s) {
        final int n = s.getPredicted().size();
        if (s.getContradicted().size() != n || s.getForgotten().size() != n) {
            throw new IllegalArgumentException("snapshot fields 'relabel.predicted', 'contradicted', 'forgotten' differ"
                    + " in length (" + n + ", " + s.getContradicted().size() + ", " + s.getForgotten().size() + ")");
        }
        final RelabelWatch w = new RelabelWatch();
        w.remaining = s.getRemaining();
        w.sinceChange = s.getSinceChange();
        w.predicted = s.getPredicted().stream().mapToInt(Integer::intValue).toArray();
        w.contradicted = s.getContradicted().stream().mapToInt(Integer::intValue).toArray();
        w.forgotten = new boolean[n];
        for (int i = 0; i < n; i++) {
            w.forgotten[i] = s.getForgotten().get(i);
        }
        w.episodes = s.getEpisodes();
        w.labelsForgotten = s.getLabelsForgotten();
        return w;
    }

    private void grow(final int slots) {
        if (predicted.length < slots) {
            final int n = Math.max(slots, 2 * predicted.length);
            predicted = Arrays.copyOf(predicted, n);
            contradicted = Arrays.copyOf(contradicted, n);
            forgotten = Arrays.copyOf(forgotten, n);
        }
    }
}
