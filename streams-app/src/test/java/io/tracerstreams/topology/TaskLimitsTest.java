/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** tasks.max, tasks.allowed, tasks.idle.ms and tasks.loaded.max on the topology (issue 12, defect 3). */
class TaskLimitsTest {

    @TempDir
    Path stateDir;

    private static String header(final TestRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static RoutingDecision onlyDecision(final TopologyHarness h) {
        final List<KeyValue<String, RoutingDecision>> out = h.decisions.readKeyValuesToList();
        assertThat(out).hasSize(1);
        return out.get(0).value;
    }

    private static TreeSet<String> tasksInStores(final TopologyHarness h) {
        final KeyValueStore<String, byte[]> meta = h.driver.getKeyValueStore(EngineStore.META_STORE);
        final TreeSet<String> out = new TreeSet<>();
        try (KeyValueIterator<String, byte[]> it = meta.all()) {
            it.forEachRemaining(kv -> out.add(kv.key));
        }
        return out;
    }

    @Test
    void shouldAnswerNewTasksBeyondTasksMaxDeferredTaskLimitStoreNothingForThemAndDeadLetterTheirResponses() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        settings.put(TracerConfig.TASKS_MAX_CONFIG, "3");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            for (int i = 0; i < 500; i++) {
                final String task = "task-" + i;
                h.request(task, "r-" + i, "some input " + i);
                final RoutingDecision d = onlyDecision(h);
                assertThat(d.getDecision()).isEqualTo(Decision.DEFERRED);
                assertThat(d.getReason()).as("request to %s", task).isEqualTo(i < 3 ? Reason.WARMING_UP : Reason.TASK_LIMIT);
            }
            h.response("task-7", "r-7", "yes", "some input 7");
            h.response("task-1", "r-1", "yes", "some input 1");

            assertThat(tasksInStores(h)).containsExactly("task-0", "task-1", "task-2");
            assertThat(h.counters.get(Counter.REQUESTS_TASK_LIMIT)).isEqualTo(497);
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(1);
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetter.REASON)).isEqualTo("task-limit");
            assertThat(header(dead.get(0), DeadLetter.TASK)).isEqualTo("task-7");
            assertThat(h.counters.deadLetters(DeadLetterReason.TASK_LIMIT)).isEqualTo(1);

            // a known task keeps working at the cap
            h.request("task-2", "r-again", "another input");
            assertThat(onlyDecision(h).getReason()).isEqualTo(Reason.WARMING_UP);
        }
    }

    @Test
    void shouldAnswerTasksOutsideTheAllowListDeferredWithoutEmbeddingThem() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        settings.put(TracerConfig.TASKS_ALLOWED_CONFIG, "intents, moderation");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            h.request("intents", "r-1", "hello");
            assertThat(onlyDecision(h).getReason()).isEqualTo(Reason.WARMING_UP);
            h.request("other", "r-2", "hello");
            assertThat(onlyDecision(h).getReason()).isEqualTo(Reason.TASK_NOT_ALLOWED);
            h.request("other", "r-3", "");                   // invalid input, but the task is the first problem
            assertThat(onlyDecision(h).getReason()).isEqualTo(Reason.TASK_NOT_ALLOWED);
            h.response("other", "r-2", "label", "hello");

            assertThat(h.counters.get(Counter.EMBEDDINGS)).isEqualTo(1);
            assertThat(h.counters.get(Counter.REQUESTS_TASK_NOT_ALLOWED)).isEqualTo(2);
            assertThat(tasksInStores(h)).containsExactly("intents");
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetter.REASON)).isEqualTo("task-not-allowed");
        }
    }

    /** Requests of several tasks in turn, with a response for every deferred or audited one; the decisions in order. */
    private static List<String> loop(final TopologyHarness h, final int tasks, final int n, final Runnable between) {
        final List<SyntheticIntents> intents = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            intents.add(new SyntheticIntents(5, 11L + t));
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int t = i % tasks;
            final String task = "task-" + t;
            final SyntheticIntents.Example ex = intents.get(t).next();
            final String id = task + "-" + i;
            h.request(task, id, ex.text());
            final RoutingDecision d = onlyDecision(h);
            out.add(id + " " + d.getDecision() + " " + d.getReason() + " " + d.getLabel() + " " + d.getAudit());
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                h.response(task, id, ex.label(), null);
            }
            between.run();
        }
        return out;
    }

    @Test
    void shouldDecideExactlyAsWithoutEvictionWhenFewerEnginesStayInMemoryThanTasksAreActive() {
        final List<String> unbounded;
        final long learned;
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir.resolve("a")))) {
            unbounded = loop(h, 3, 450, () -> { });
            assertThat(h.counters.get(Counter.ENGINES_EVICTED)).isZero();
            learned = h.counters.get(Counter.TRACES_LEARNED);
        }
        final Map<String, Object> settings = TopologyHarness.settings(stateDir.resolve("b"));
        settings.put(TracerConfig.TASKS_LOADED_MAX_CONFIG, "2");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            final List<String> bounded = loop(h, 3, 450, () -> { });

            assertThat(bounded).isEqualTo(unbounded);
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(learned).isGreaterThan(200);
            assertThat(h.counters.get(Counter.ENGINES_EVICTED)).isGreaterThan(350);
            assertThat(h.counters.get(Counter.ENGINE_LOADS)).isGreaterThan(350);
        }
    }

    @Test
    void shouldDropIdleEnginesFromMemoryAndReloadThemOnTheNextRecordWithTheSameDecisions() {
        final List<String> steady;
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir.resolve("a")))) {
            steady = loop(h, 2, 800, () -> { });
        }
        final Map<String, Object> settings = TopologyHarness.settings(stateDir.resolve("b"));
        settings.put(TracerConfig.TASKS_IDLE_MS_CONFIG, "1000");
        settings.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "100000");
        settings.put(TracerConfig.REPORTS_INTERVAL_MS_CONFIG, "100000");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            final int[] calls = {0};
            final List<String> idle = loop(h, 2, 800, () -> {
                if (++calls[0] % 100 == 0) {
                    h.driver.advanceWallClockTime(Duration.ofMillis(2_500));   // both engines idle: dropped
                }
            });

            assertThat(idle).isEqualTo(steady);
            assertThat(h.counters.get(Counter.ENGINES_EVICTED)).isEqualTo(16);
            assertThat(h.counters.get(Counter.ENGINE_LOADS)).isEqualTo(14);     // reloaded after 7 of the 8 drops
            h.driver.advanceWallClockTime(Duration.ofMillis(100_000));
            final List<TaskStats> stats = h.stats.readValuesToList();
            assertThat(stats).as("stats only of engines in memory: none after the last drop").isEmpty();
        }
    }
}
