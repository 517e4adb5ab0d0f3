/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/**
 * What a demo run measured, per task, and how it ended.
 *
 * @param tasks      per-task results
 * @param requests   requests sent
 * @param seconds    wall-clock length of the run
 * @param stopReason why it stopped: {@code limit}, {@code duration} or {@code interrupted}
 * @param liveViewUrl the live view's address, or null
 */
public record DemoSummary(List<TaskResult> tasks, long requests, double seconds, String stopReason, String liveViewUrl) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DemoSummary {
        tasks = List.copyOf(tasks);
    }

    /**
     * One task's results, measured by the harness (design section 7). Ratios are null when undefined.
     *
     * @param task                 the task
     * @param requests             requests that got a decision
     * @param handled              requests answered by the surrogate
     * @param coverage             handled / requests
     * @param realisedAgreement    share of handled whose label equals the (hidden) LLM label
     * @param datasetAgreement     share of handled whose label equals the dataset's label (differs from the
     *                             above only with teacher noise)
     * @param coverageLast20       coverage over the last 20% of the task's requests
     * @param agreementLast20      realised agreement over the last 20% of the task's requests
     * @param gateOpened           whether the gate was ever OPEN
     * @param gateFlips            gate state changes
     * @param llmCalls             requests the LLM answered: deferred + audited
     * @param audited              handled requests also sent to the LLM
     */
    public record TaskResult(String task, long requests, long handled, Double coverage, Double realisedAgreement,
                             Double datasetAgreement, Double coverageLast20, Double agreementLast20,
                             boolean gateOpened, long gateFlips, long llmCalls, long audited) {
    }

    /**
     * The summary as one JSON object: {@code {"tasks":[{"task","requests","coverage","realised_agreement",
     * "gate_opened","gate_flips","llm_calls",...}],"requests","seconds","stop_reason","live_view"}}.
     */
    public String toJson() {
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode list = root.putArray("tasks");
        for (final TaskResult t : tasks) {
            final ObjectNode n = list.addObject();
            n.put("task", t.task());
            n.put("requests", t.requests());
            n.put("coverage", t.coverage());
            n.put("realised_agreement", t.realisedAgreement());
            n.put("gate_opened", t.gateOpened());
            n.put("gate_flips", t.gateFlips());
            n.put("llm_calls", t.llmCalls());
            n.put("handled", t.handled());
            n.put("audited", t.audited());
            n.put("llm_calls_saved", t.requests() - t.llmCalls());
            n.put("dataset_agreement", t.datasetAgreement());
            n.put("coverage_last20", t.coverageLast20());
            n.put("realised_agreement_last20", t.agreementLast20());
        }
        root.put("requests", requests);
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        root.put("stop_reason", stopReason);
        root.put("live_view", liveViewUrl);
        return root.toString();
    }

    /** The summary as a small table for people. */
    public String toText() {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "tracer demo: %,d requests in %.1f s (stopped: %s)%n", requests, seconds,
                stopReason));
        out.append(String.format(Locale.ROOT, "%-18s %9s %9s %10s %9s %10s %7s %6s %10s %10s%n", "task", "requests",
                "coverage", "agreement", "cov-last", "agree-last", "gate", "flips", "LLM calls", "saved"));
        for (final TaskResult t : tasks) {
            out.append(String.format(Locale.ROOT, "%-18s %,9d %9s %10s %9s %10s %7s %6d %,10d %,10d%n", t.task(),
                    t.requests(), pct(t.coverage()), pct(t.realisedAgreement()), pct(t.coverageLast20()),
                    pct(t.agreementLast20()), t.gateOpened() ? "opened" : "closed", t.gateFlips(), t.llmCalls(),
                    t.requests() - t.llmCalls()));
        }
        out.append("coverage = handled / requests; agreement = share of handled requests whose label equals the "
                + "LLM's;\n-last = the same over the last 20% of each task's requests; saved = requests the LLM did "
                + "not answer.\n");
        return out.toString();
    }

    private static String pct(final Double x) {
        return x == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
