/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.replay.LabelledText;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The demo's traffic, per section 7 of the design: each task's dataset streamed in a seeded order (a new
 * permutation for every pass over it), tasks interleaved at random (seeded), and the label each request's
 * LLM would answer. The LLM's label is the dataset's, except with probability {@code teacherNoise} a
 * random other label of the task; it is a pure function of the seed and the request id, so the simulated
 * LLM and the scoring agree on it without sharing state.
 *
 * <p>After a pass over a dataset, the next pass repeats its texts with the same labels: a memorising
 * learner may then answer repeats correctly even on a task whose labels the text cannot predict (the
 * ticket-priority set's labels are fixed per row). The demo's defaults stay within one pass.
 *
 * <p>Request ids are {@code TASK#PASS#ROW}. Not thread-safe for {@link #next()}; {@link #lookup(String)}
 * is safe from any thread.
 */
public final class DemoTraffic {

    /** One request of the traffic and its hidden answers. */
    public record Request(String requestId, String task, String text, String datasetLabel, String teacherLabel) {
    }

    private final Map<String, List<LabelledText>> rows;
    private final Map<String, List<String>> labels = new LinkedHashMap<>();
    private final Map<String, int[]> order = new LinkedHashMap<>();
    private final Map<String, int[]> cursor = new LinkedHashMap<>();
    private final List<String> taskNames;
    private final long seed;
    private final double teacherNoise;
    private final Random pick;

    /**
     * @param rows         each task's rows, in file order
     * @param seed         the seed of the order and of the noise
     * @param teacherNoise probability of a wrong teacher label, in [0, 1)
     */
    public DemoTraffic(final Map<String, List<LabelledText>> rows, final long seed, final double teacherNoise) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("demo traffic needs at least one task");
        }
        this.rows = new LinkedHashMap<>(rows);
        this.taskNames = List.copyOf(rows.keySet());
        this.seed = seed;
        this.teacherNoise = teacherNoise;
        this.pick = new Random(seed);
        for (final Map.Entry<String, List<LabelledText>> e : rows.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("demo task '" + e.getKey() + "' has no rows");
            }
            final TreeSet<String> set = new TreeSet<>();
            e.getValue().forEach(r -> set.add(r.label()));
            labels.put(e.getKey(), List.copyOf(set));
            cursor.put(e.getKey(), new int[] {0, 0}); // pass, position
            order.put(e.getKey(), permutation(e.getKey(), 0, e.getValue().size()));
        }
    }

    /** Rows of a task's dataset: requests of that task beyond it start repeating texts. */
    public int rows(final String task) {
        final List<LabelledText> r = rows.get(task);
        return r == null ? 0 : r.size();
    }

    /** The task names. */
    public List<String> tasks() {
        return taskNames;
    }

    /** The next request: a task drawn at random, its next row in this pass's order. */
    public Request next() {
        final String task = taskNames.get(pick.nextInt(taskNames.size()));
        final int[] c = cursor.get(task);
        final List<LabelledText> taskRows = rows.get(task);
        if (c[1] == taskRows.size()) {
            c[0]++;
            c[1] = 0;
            order.put(task, permutation(task, c[0], taskRows.size()));
        }
        final int row = order.get(task)[c[1]++];
        return request(task, c[0], row);
    }

    /** The request behind an id of this traffic, or null when the id is not one. */
    public Request lookup(final String requestId) {
        final int b = requestId.lastIndexOf('#');
        final int a = b <= 0 ? -1 : requestId.lastIndexOf('#', b - 1);
        if (a <= 0) {
            return null;
        }
        final String task = requestId.substring(0, a);
        final List<LabelledText> taskRows = rows.get(task);
        if (taskRows == null) {
            return null;
        }
        try {
            final int pass = Integer.parseInt(requestId.substring(a + 1, b));
            final int row = Integer.parseInt(requestId.substring(b + 1));
            return row >= 0 && row < taskRows.size() && pass >= 0 ? request(task, pass, row) : null;
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    private Request request(final String task, final int pass, final int row) {
        final LabelledText r = rows.get(task).get(row);
        final String id = task + "#" + pass + "#" + row;
        return new Request(id, task, r.text(), r.label(), teacherLabel(task, id, r.label()));
    }

    private String teacherLabel(final String task, final String requestId, final String label) {
        if (teacherNoise <= 0) {
            return label;
        }
        final SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + requestId.hashCode());
        if (rnd.nextDouble() >= teacherNoise) {
            return label;
        }
        final List<String> all = labels.get(task);
        if (all.size() < 2) {
            return label;
        }
        final List<String> others = new ArrayList<>(all);
        others.remove(label);
        return others.get(rnd.nextInt(others.size()));
    }

    private int[] permutation(final String task, final int pass, final int n) {
        final List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed * 31 + task.hashCode() * 17L + pass));
        final int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx.get(i);
        }
        return out;
    }
}
