/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.demo.DemoDatasets;
import io.tracerstreams.demo.DemoOptions;
import io.tracerstreams.demo.DemoRunner;
import io.tracerstreams.demo.DemoSummary;
import io.tracerstreams.liveview.LiveState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole demo on the embedded broker: requests, tracer's topology, the simulated LLM, the live view and
 * the summary. Uses the hashing featurizer (no model load) and a small limit to stay fast; what it checks
 * is the plumbing and the harness's bookkeeping, not the learning quality (the learning tests do that).
 */
class DemoRunnerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 600;

    @Test
    void shouldRunBothShippedTasksEndToEndAndSummariseEveryRequest() throws Exception {
        final DemoOptions d = DemoOptions.DEFAULTS;
        final DemoOptions options = new DemoOptions(null, DemoDatasets.shippedTasks(), 150, LIMIT, null, "127.0.0.1", 0,
                0.9, 0.05, 0.0, 20, 7L, "hashing", false, true);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final DemoRunner runner = new DemoRunner(options, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        final CompletableFuture<DemoSummary> run = CompletableFuture.supplyAsync(runner::run);

        // while it runs, the live view answers
        final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (runner.livePort() < 0 && !run.isDone() && System.nanoTime() < giveUp) {
            Thread.sleep(50);
        }
        assertThat(runner.livePort()).as("live view port; stderr: %s", err).isPositive();
        final HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + runner.livePort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");

        final DemoSummary summary = run.get(5, TimeUnit.MINUTES);
        assertThat(summary.stopReason()).isEqualTo("limit");
        assertThat(summary.requests()).isEqualTo(LIMIT);
        assertThat(summary.tasks()).extracting(DemoSummary.TaskResult::task)
                .containsExactly("support-intents", "ticket-priority");
        assertThat(summary.tasks().stream().mapToLong(DemoSummary.TaskResult::requests).sum())
                .as("every request got a decision").isEqualTo(LIMIT);
        for (final DemoSummary.TaskResult t : summary.tasks()) {
            assertThat(t.llmCalls()).isBetween(t.requests() - t.handled(), t.requests());
            assertThat(t.coverage()).isEqualTo((double) t.handled() / t.requests());
        }
        final DemoSummary.TaskResult priority = summary.tasks().get(1);
        assertThat(priority.gateOpened()).as("the text cannot predict ticket priority at alpha 0.9").isFalse();
        assertThat(priority.handled()).isZero();

        // the JSON summary on stdout
        final JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8).trim());
        assertThat(json.get("tasks")).hasSize(2);
        for (final JsonNode t : json.get("tasks")) {
            assertThat(t.has("task") && t.has("requests") && t.has("coverage") && t.has("realised_agreement")
                    && t.has("gate_opened") && t.has("gate_flips") && t.has("llm_calls")).as("fields of %s", t).isTrue();
            // the headline: a fraction of the requests, and the count under its own name
            assertThat(t.get("llm_calls_saved").asDouble())
                    .isEqualTo(1.0 - t.get("llm_calls").asDouble() / t.get("requests").asDouble());
            assertThat(t.get("llm_calls_avoided").asLong())
                    .isEqualTo(t.get("requests").asLong() - t.get("llm_calls").asLong());
        }
        assertThat(json.get("requests").asLong()).isEqualTo(LIMIT);

        // the live view saw tracer's own statistics, and they match the harness's count
        final LiveState state = runner.liveState();
        assertThat(state.taskNames()).containsExactly("support-intents", "ticket-priority");
        for (final DemoSummary.TaskResult t : summary.tasks()) {
            final LiveState.TaskSummary s = state.summary(t.task());
            assertThat(s.requests()).isEqualTo(t.requests());
            assertThat(s.traces()).as("traces of %s learned from the simulated LLM", t.task()).isPositive();
        }
    }
}
