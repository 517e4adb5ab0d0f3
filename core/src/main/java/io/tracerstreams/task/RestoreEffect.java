/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import java.util.Map;

/**
 * What a changed setting does to a task's saved state when the task is restored under it (after a restart, a
 * rebalance or a reload). The keys are those of {@code tracer run --list-config}; a setting not listed here does not
 * touch a task's saved state.
 */
public enum RestoreEffect {

    /** Applies at once to the saved state, with a gate event CONFIG_CHANGED; the gate keeps only evidence that applies. */
    IN_PLACE("applies in place to each task's saved state (gate event CONFIG_CHANGED)"),
    /** The saved state cannot carry over: each task starts afresh, gate closed, with a gate event CONFIG_CHANGED. */
    RESETS_TASK("resets each task's saved state: learning starts afresh, gate closed (gate event CONFIG_CHANGED)");

    /** Every setting a task's saved state depends on, by key. */
    public static final Map<String, RestoreEffect> BY_KEY = Map.ofEntries(
            Map.entry("alpha", IN_PLACE),
            Map.entry("delta", IN_PLACE),
            Map.entry("epsilon", IN_PLACE),
            Map.entry("verify.rate", IN_PLACE),
            Map.entry("min.accepted", IN_PLACE),
            Map.entry("min.coverage", IN_PLACE),
            Map.entry("frontier.alphas", IN_PLACE),
            Map.entry("cost.per.call", IN_PLACE),
            Map.entry("seed", IN_PLACE),
            Map.entry("reports.hash.texts", IN_PLACE),
            Map.entry("window.size", RESETS_TASK),
            Map.entry("learners", RESETS_TASK),
            Map.entry("label.cap", RESETS_TASK),
            Map.entry("gate.thresholds", RESETS_TASK),
            Map.entry("embedding.model", RESETS_TASK));

    private final String description;

    RestoreEffect(final String description) {
        this.description = description;
    }

    /** The effect in words, for the settings listing. */
    public String description() {
        return description;
    }

    /** Whether a change of this key applies in place (a key not listed, like the report settings, does). */
    static boolean live(final String key) {
        return BY_KEY.getOrDefault(key, IN_PLACE) == IN_PLACE;
    }
}
