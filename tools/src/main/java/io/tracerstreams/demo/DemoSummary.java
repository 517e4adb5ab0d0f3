/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run measured, per task, and how it ended.
 *
 * @param tasks      per-task results
 * @param requests   requests sent
 * @param seconds    wall-clock length of the run
 * @param stopReason why it stopped: {@code limit}, {@code duration} or {@code interrupted}
 * @param liveViewUrl the live view's address, or null
 * @param timings    where a user waits (time to the first decision, to each gate's first opening)
 */
public record DemoSummary(List<TaskResult> tasks, long requests, double seconds, String stopReason, String liveViewUrl,
                          Timings timings) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DemoSummary {
        tasks = List.copyOf(tasks);
        timings = timings == null ? Timings.NONE : timings;
    }

    /** A summary without timings. */
    public DemoSummary(final List<TaskResult> tasks, final long requests, final double seconds, final String stopReason,
                       final String liveViewUrl) {
        this(tasks, requests, seconds, stopReason, liveViewUrl, Timings.NONE);
    }

    /**
     * Where a user waits, in seconds from the start of the demo (broker start, model load and tracer's start
     * included), measured inside the demo; null where it did not happen.
     *
     * @param tracerRunning when tracer reached RUNNING
     * @param firstRequest  when the first request was sent
     * @param firstDecision when the first decision was read (read_committed)
     * @param gateOpen      per task, when its first OPEN gate event was read (null: never)
     */
    public record Timings(Double tracerRunning, Double firstRequest, Double firstDecision, Map<String, Double> gateOpen) {

        /** No timings (a summary built elsewhere than in a demo run). */
        public static final Timings NONE = new Timings(null, null, null, Map.of());

        public Timings {
            gateOpen = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gateOpen));
        }
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

        /** The headline: LLM calls saved = 1 - LLM calls / requests, a fraction (null before any request). */
        public Double llmCallsSaved() {
            return requests == 0 ? null : 1.0 - (double) llmCalls / requests;
        }

        /** LLM calls avoided, a count: requests - LLM calls (the handled requests that were not audited). */
        public long llmCallsAvoided() {
            return requests - llmCalls;
        }
    }

    /**
     * The summary as one JSON object: {@code {"tasks":[{"task","llm_calls_saved","requests","llm_calls",
     * "llm_calls_avoided","coverage","realised_agreement","gate_opened","gate_flips",...}],"requests","seconds",
     * "stop_reason","live_view","timings":{"tracer_running_s",
     * "first_request_s","first_decision_s","gate_open_s":{task: seconds or null}}}}; {@code llm_calls_saved} = 1 - llm_calls / requests is a fraction,
     * {@code llm_calls_avoided} = requests - llm_calls a count.
     */
    public String toJson() {
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode list = root.putArray("tasks");
        for (final TaskResult t : tasks) {
            final ObjectNode n = list.addObject();
            n.put("task", t.task());
            n.put("llm_calls_saved", t.llmCallsSaved());
            n.put("requests", t.requests());
            n.put("llm_calls", t.llmCalls());
            n.put("llm_calls_avoided", t.llmCallsAvoided());
            n.put("coverage", t.coverage());
            n.put("realised_agreement", t.realisedAgreement());
            n.put("gate_opened", t.gateOpened());
            n.put("gate_flips", t.gateFlips());
            n.put("handled", t.handled());
            n.put("audited", t.audited());
            n.put("dataset_agreement", t.datasetAgreement());
            n.put("coverage_last20", t.coverageLast20());
            n.put("realised_agreement_last20", t.agreementLast20());
        }
        root.put("requests", requests);
        root.put("seconds", Math.round(seconds * 10) / 10.0);
        root.put("stop_reason", stopReason);
        root.put("live_view", liveViewUrl);
        final ObjectNode time = root.putObject("timings");
        time.put("tracer_running_s", round2(timings.tracerRunning()));
        time.put("first_request_s", round2(timings.firstRequest()));
        time.put("first_decision_s", round2(timings.firstDecision()));
        final ObjectNode open = time.putObject("gate_open_s");
        timings.gateOpen().forEach((task, s) -> open.put(task, round2(s)));
        return root.toString();
    }

    /** The summary as a small table for people. */
    public String toText() {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "tracer demo: %,d requests in %.1f s (stopped: %s)%n", requests, seconds,
                stopReason));
        out.append(String.format(Locale.ROOT, "%-18s %11s %9s %10s %9s %10s %9s %10s %7s %6s%n", "task",
                "calls saved", "requests", "LLM calls", "coverage", "agreement", "cov-last", "agree-last", "gate",
                "flips"));
        for (final TaskResult t : tasks) {
            out.append(String.format(Locale.ROOT, "%-18s %11s %,9d %,10d %9s %10s %9s %10s %7s %6d%n", t.task(),
                    pct(t.llmCallsSaved()), t.requests(), t.llmCalls(), pct(t.coverage()), pct(t.realisedAgreement()),
                    pct(t.coverageLast20()), pct(t.agreementLast20()), t.gateOpened() ? "opened" : "closed",
                    t.gateFlips()));
        }
        if (timings.tracerRunning() != null) {
            final StringBuilder open = new StringBuilder();
            timings.gateOpen().forEach((task, s) -> open.append(open.length() == 0 ? "" : ", ").append(task).append(' ')
                    .append(s == null ? "never" : String.format(Locale.ROOT, "%.1f s", s)));
            out.append(String.format(Locale.ROOT, "seconds from the start: tracer running %s, first request %s, first decision "
                    + "%s; gate first open: %s%n", secs(timings.tracerRunning()), secs(timings.firstRequest()),
                    secs(timings.firstDecision()), open));
        }
        out.append("calls saved = 1 - LLM calls / requests (LLM calls = deferred + audited requests); coverage = "
                + "handled / requests\n(audited requests count as handled but still cost an LLM call); agreement = "
                + "share of handled requests whose\nlabel equals the LLM's; -last = the same over the last 20% of each "
                + "task's requests.\n");
        return out.toString();
    }

    private static Double round2(final Double x) {
        return x == null ? null : Math.round(x * 100) / 100.0;
    }

    private static String secs(final Double x) {
        return x == null ? "-" : String.format(Locale.ROOT, "%.1f s", x);
    }

    private static String pct(final Double x) {
        return x == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
