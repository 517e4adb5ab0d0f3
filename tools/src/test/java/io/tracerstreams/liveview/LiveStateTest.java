/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.TaskStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldKeepHistoryBoundedWhileCoveringTheWholeRun() throws Exception {
        final LiveState state = new LiveState(16, 3, 5);
        for (int r = 1; r <= 1_000; r++) {
            state.onTaskStats(Fixtures.stats("t", r, 0, GateState.CLOSED, 0.8, r));
            state.onDecision(Fixtures.decision("t", "r" + r, false, Reason.GATE_CLOSED, r));
            if (r % 100 == 0) {
                final boolean opening = (r / 100) % 2 == 1;
                state.onGateEvent(Fixtures.flip("t", opening ? GateState.CLOSED : GateState.OPEN,
                        opening ? GateState.OPEN : GateState.CLOSED, r, r));
            }
        }
        final JsonNode task = JSON.readTree(state.toJson()).get("tasks").get(0);
        final JsonNode requests = task.get("curve").get("requests");
        assertThat(requests.size()).isBetween(8, 16);
        assertThat(requests.get(0).asLong()).isEqualTo(1);
        assertThat(requests.get(requests.size() - 1).asLong()).as("the curve reaches the end of the run")
                .isGreaterThan(900);
        assertThat(task.get("timeline")).hasSize(3);
        assertThat(task.get("timeline").get(2).get("traces").asLong()).isEqualTo(1_000);
        assertThat(task.get("decisions")).hasSize(5);
        assertThat(task.get("decisions").get(0).get("request_id").asText()).isEqualTo("r1000");
        assertThat(state.summary("t").gateFlips()).isEqualTo(10);
        assertThat(state.summary("t").requests()).isEqualTo(1_000);
    }

    @Test
    void shouldNotCountARestatementOfTheSameStateAsAFlip() {
        final LiveState state = new LiveState();
        state.onGateEvent(Fixtures.flip("t", GateState.CLOSED, GateState.CLOSED, 10, 10));
        assertThat(state.summary("t").gateFlips()).isZero();
        assertThat(state.summary("t").gate()).isEqualTo("CLOSED");
    }

    @Test
    void shouldIgnoreAnOlderStatsSnapshotThanTheLatest() {
        final LiveState state = new LiveState();
        state.onTaskStats(Fixtures.stats("t", 500, 100, GateState.OPEN, 0.95, 2_000));
        state.onTaskStats(Fixtures.stats("t", 400, 0, GateState.CLOSED, 0.85, 1_000));
        assertThat(state.summary("t").requests()).isEqualTo(500);
        assertThat(state.summary("t").gate()).isEqualTo("OPEN");
    }

    @Test
    void shouldLeadTheStatsWithLlmCallsSavedAsAFractionOfRequests() throws Exception {
        final LiveState state = new LiveState();
        // 2,000 requests: 800 handled (40 of them audited), 1,200 deferred -> 1,240 LLM calls
        state.onTaskStats(Fixtures.stats("t", 2_000, 800, GateState.OPEN, 0.95, 1_000));
        final JsonNode stats = JSON.readTree(state.toJson()).get("tasks").get(0).get("stats");
        assertThat(stats.fieldNames().next()).isEqualTo("llm_calls_saved");
        assertThat(stats.get("llm_calls_saved").asDouble()).isCloseTo(1 - 1_240 / 2_000.0, within(1e-12));
        assertThat(stats.get("llm_calls").asLong()).isEqualTo(1_240);
        assertThat(stats.get("llm_calls_avoided").asLong()).isEqualTo(760);
        assertThat(state.summary("t").llmCallsSaved()).isCloseTo(0.38, within(1e-12));

        final LiveState empty = new LiveState();
        empty.onTaskStats(Fixtures.stats("e", 0, 0, GateState.CLOSED, 0.0, 1_000));
        assertThat(JSON.readTree(empty.toJson()).get("tasks").get(0).get("stats").get("llm_calls_saved").isNull())
                .as("undefined before the first request").isTrue();
    }

    @Test
    void shouldReportNoServedCoverageWhileTheGateIsClosed() throws Exception {
        final LiveState state = new LiveState();
        state.onTaskStats(TaskStats.newBuilder(Fixtures.stats("t", 500, 0, GateState.CLOSED, 0.6, 1_000))
                .setCoverageEstimate(1.0).build());
        assertThat(state.summary("t").coverage()).isZero();
        state.onTaskStats(TaskStats.newBuilder(Fixtures.stats("t", 600, 50, GateState.OPEN, 0.95, 2_000))
                .setCoverageEstimate(0.7).build());
        assertThat(state.summary("t").coverage()).isEqualTo(0.7);
        final JsonNode coverage = JSON.readTree(state.toJson()).get("tasks").get(0).get("curve").get("coverage");
        assertThat(coverage.get(0).asDouble()).isZero();
        assertThat(coverage.get(1).asDouble()).isEqualTo(0.7);
    }

    @Test
    void shouldCountUnusableRecordsInsteadOfThrowing() {
        final LiveState state = new LiveState();
        state.onDecision(null);
        state.onGateEvent(null);
        state.onTaskStats(null);
        assertThat(state.rejected()).isEqualTo(3);
        assertThat(state.taskNames()).isEmpty();
    }

    @Test
    void shouldStayConsistentUnderConcurrentFeedingAndReading() throws Exception {
        final LiveState state = new LiveState(64, 10, 10);
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                final String task = "t" + w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        state.onDecision(Fixtures.decision(task, task + i, i % 2 == 0, Reason.CONFIDENT, i));
                    }
                }));
            }
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    assertThat(PrometheusFormat.render(state)).startsWith("# HELP");
                    state.toJson();
                }
            }));
            for (final Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int w = 0; w < 3; w++) {
            assertThat(state.summary("t" + w).requests()).isEqualTo(2_000);
            assertThat(state.summary("t" + w).decisionsByReason().get("CONFIDENT")).isEqualTo(2_000L);
        }
        assertThat(state.version()).isEqualTo(6_000);
    }

    @Test
    void shouldRejectBadBoundsNamingTheField() {
        assertThatThrownBy(() -> new LiveState(2, 1, 1)).hasMessageContaining("'maxPoints'");
        assertThatThrownBy(() -> new LiveState(16, 0, 1)).hasMessageContaining("'maxGateEvents'");
        assertThatThrownBy(() -> new LiveState(16, 1, 0)).hasMessageContaining("'maxDecisions'");
    }
}
