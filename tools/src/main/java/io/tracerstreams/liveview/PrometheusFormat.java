/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Renders a {@link LiveState} in the Prometheus text exposition format (version 0.0.4): one
 * {@code # HELP} and one {@code # TYPE} line per metric family, then one sample per task, with label
 * values escaped (backslash, double quote, line feed).
 */
public final class PrometheusFormat {

    /** The Content-Type of the format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusFormat() {
    }

    /** The exposition text for every task of the state. */
    public static String render(final LiveState state) {
        final List<LiveState.TaskSummary> tasks = state.summaries();
        final StringBuilder out = new StringBuilder(4096);
        gauge(out, tasks, "tracer_llm_calls_saved_ratio", "LLM calls saved = 1 - LLM calls / requests, a fraction "
                + "(the headline figure).", LiveState.TaskSummary::llmCallsSaved);
        counter(out, tasks, "tracer_requests_total", "Requests the task has routed.", LiveState.TaskSummary::requests);
        counter(out, tasks, "tracer_traces_total", "Traces (LLM answers) the task has learned.",
                LiveState.TaskSummary::traces);
        counter(out, tasks, "tracer_handled_total", "Requests answered by the surrogate.", LiveState.TaskSummary::handled);
        counter(out, tasks, "tracer_deferred_total", "Requests deferred to the LLM.", LiveState.TaskSummary::deferred);
        counter(out, tasks, "tracer_audited_total", "Handled requests also sent to the LLM as audits.",
                LiveState.TaskSummary::audited);
        counter(out, tasks, "tracer_llm_calls_total", "Requests the LLM answered: deferred + audited.",
                LiveState.TaskSummary::llmCalls);
        counter(out, tasks, "tracer_llm_calls_avoided_total", "Handled requests that were not audited: LLM calls "
                + "avoided, a count.", LiveState.TaskSummary::llmCallsAvoided);
        counter(out, tasks, "tracer_gate_flips_total", "Parity gate state changes observed by the live view.",
                LiveState.TaskSummary::gateFlips);
        gauge(out, tasks, "tracer_gate_open", "1 while the parity gate is OPEN, 0 while CLOSED.",
                t -> "OPEN".equals(t.gate()) ? 1 : 0);
        gauge(out, tasks, "tracer_alpha", "Target agreement with the LLM on handled traffic.", LiveState.TaskSummary::alpha);
        gauge(out, tasks, "tracer_coverage", "Estimated share of requests at or above the served threshold.",
                LiveState.TaskSummary::coverage);
        gauge(out, tasks, "tracer_agreement_estimate", "Weighted agreement with the LLM at the served threshold.",
                LiveState.TaskSummary::agreement);
        gauge(out, tasks, "tracer_agreement_lower_bound", "Anytime-valid lower confidence bound on the agreement.",
                LiveState.TaskSummary::agreementLower);
        gauge(out, tasks, "tracer_agreement_upper_bound", "Anytime-valid upper confidence bound on the agreement.",
                LiveState.TaskSummary::agreementUpper);
        gauge(out, tasks, "tracer_threshold", "The served score threshold (NaN while the gate is closed).",
                LiveState.TaskSummary::threshold);

        out.append("# HELP tracer_decisions_total Routing decisions observed by the live view, by reason.\n");
        out.append("# TYPE tracer_decisions_total counter\n");
        for (final LiveState.TaskSummary t : tasks) {
            for (final Map.Entry<String, Long> e : new java.util.TreeMap<>(t.decisionsByReason()).entrySet()) {
                out.append("tracer_decisions_total{task=\"").append(escape(t.task())).append("\",reason=\"")
                        .append(escape(e.getKey())).append("\"} ").append(e.getValue()).append('\n');
            }
        }
        out.append("# HELP tracer_live_rejected_records_total Records the live view could not use.\n");
        out.append("# TYPE tracer_live_rejected_records_total counter\n");
        out.append("tracer_live_rejected_records_total ").append(state.rejected()).append('\n');
        return out.toString();
    }

    /** Escapes a label value: backslash, double quote and line feed. */
    public static String escape(final String value) {
        final StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A sample value: integers without a fraction, NaN and infinities as Prometheus spells them. */
    static String number(final double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static void counter(final StringBuilder out, final List<LiveState.TaskSummary> tasks, final String name,
                                final String help, final ToDoubleFunction<LiveState.TaskSummary> value) {
        family(out, tasks, name, help, "counter", value);
    }

    private static void gauge(final StringBuilder out, final List<LiveState.TaskSummary> tasks, final String name,
                              final String help, final ToDoubleFunction<LiveState.TaskSummary> value) {
        family(out, tasks, name, help, "gauge", value);
    }

    private static void family(final StringBuilder out, final List<LiveState.TaskSummary> tasks, final String name,
                               final String help, final String type,
                               final ToDoubleFunction<LiveState.TaskSummary> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        final TreeSet<String> seen = new TreeSet<>();
        for (final LiveState.TaskSummary t : tasks) {
            if (seen.add(t.task())) {
                out.append(name).append("{task=\"").append(escape(t.task())).append("\"} ")
                        .append(number(value.applyAsDouble(t))).append('\n');
            }
        }
    }
}
