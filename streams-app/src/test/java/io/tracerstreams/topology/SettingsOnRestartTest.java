/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.ConfigChange;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart applies the settings of now, not those frozen in the engine's snapshot (issue 12, defect 1), and a
 * snapshot that cannot be read resets the task instead of killing it (defect 5). A restart is simulated as Kafka
 * Streams does it: the router's stores of one driver (what their changelogs hold) are copied into a new driver
 * built with other settings.
 */
class SettingsOnRestartTest {

    @TempDir
    Path dir;

    private static final String TASK = "t";

    private Map<String, Object> settings(final String key, final String value) {
        final Map<String, Object> m = TopologyHarness.settings(dir.resolve(key + "-" + value));
        m.put(key, value);
        return m;
    }

    /** Runs the task under the harness defaults until its gate is open and a snapshot holds it; returns the stores. */
    private Map<String, Map<String, byte[]>> openGateUnderDefaults() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.settings(dir.resolve("a")))) {
            final List<RoutingDecision> decisions = a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 1_500);
            assertThat(decisions).anySatisfy(d -> assertThat(d.getDecision()).isEqualTo(Decision.HANDLED));
            assertThat(a.counters.get(Counter.SNAPSHOTS)).isPositive();
            assertThat(a.gateState.readKeyValuesToMap().get(TASK).getState()).isEqualTo(GateState.OPEN);
            return a.routerStores();
        }
    }

    @Test
    void shouldApplyANewAlphaAfterARestartWithAConfigChangedEventAndOnlyOnce() {
        final Map<String, Map<String, byte[]>> stores = openGateUnderDefaults();
        final Map<String, Map<String, byte[]>> after;
        try (TopologyHarness b = new TopologyHarness(settings(TracerConfig.ALPHA_CONFIG, "0.9"))) {
            b.restoreRouterStores(stores);
            b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 50);
            final List<GateEvent> events = b.gateEvents.readValuesToList();
            assertThat(events).isNotEmpty();
            final GateEvent first = events.get(0);
            assertThat(first.getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
            assertThat(first.getPrevious()).isEqualTo(GateState.OPEN);
            assertThat(first.getAlpha()).isEqualTo(0.9);
            assertThat(first.getConfigChanges()).singleElement().satisfies(c -> {
                assertThat(c.getKey()).isEqualTo(TracerConfig.ALPHA_CONFIG);
                assertThat(c.getOldValue()).isEqualTo("0.8");
                assertThat(c.getNewValue()).isEqualTo("0.9");
                assertThat(c.getLive()).isTrue();
            });
            assertThat(events).filteredOn(e -> e.getReason() == GateReason.CONFIG_CHANGED).hasSize(1);
            assertThat(events).allSatisfy(e -> assertThat(e.getAlpha()).isEqualTo(0.9));
            b.driver.advanceWallClockTime(Duration.ofSeconds(2));
            final List<TaskStats> stats = b.stats.readValuesToList();
            assertThat(stats).isNotEmpty().allSatisfy(s -> assertThat(s.getAlpha()).isEqualTo(0.9));
            assertThat(b.counters.get(Counter.CONFIG_CHANGES)).isEqualTo(1);
            after = b.routerStores();
        }
        // the change was made durable with its event: a further restart under the same settings says nothing
        try (TopologyHarness c = new TopologyHarness(settings(TracerConfig.ALPHA_CONFIG, "0.9"))) {
            c.restoreRouterStores(after);
            c.closedLoop(TASK, new SyntheticIntents(4, 13L), "c-", 20);
            assertThat(c.gateEvents.readValuesToList()).noneSatisfy(e ->
                    assertThat(e.getReason()).isEqualTo(GateReason.CONFIG_CHANGED));
            assertThat(c.counters.get(Counter.ENGINE_LOADS)).isEqualTo(1);
        }
    }

    @Test
    void shouldResetTheTaskWhenTheLearnersChangeAcrossARestart() {
        final Map<String, Map<String, byte[]>> stores = openGateUnderDefaults();
        try (TopologyHarness b = new TopologyHarness(settings(TracerConfig.LEARNERS_CONFIG, "softmax"))) {
            b.restoreRouterStores(stores);
            final List<RoutingDecision> decisions = b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 5);
            final List<GateEvent> events = b.gateEvents.readValuesToList();
            assertThat(events.get(0).getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
            assertThat(events.get(0).getState()).isEqualTo(GateState.CLOSED);
            assertThat(events.get(0).getConfigChanges()).extracting(ConfigChange::getKey).containsExactly("learners");
            assertThat(events.get(0).getConfigChanges().get(0).getLive()).isFalse();
            assertThat(decisions).allSatisfy(d -> assertThat(d.getDecision()).isEqualTo(Decision.DEFERRED));
            assertThat(decisions.get(0).getModelVersion()).startsWith("softmax@");
            assertThat(b.counters.get(Counter.ENGINE_RESETS)).isEqualTo(1);
            assertThat(b.gateState.readKeyValuesToMap().get(TASK).getState()).isEqualTo(GateState.CLOSED);
        }
    }

    @Test
    void shouldHashReportTextsFromTheRestartOnWhenThePrivacySwitchIsTurnedOn() {
        final Map<String, Map<String, byte[]>> stores = openGateUnderDefaults();
        try (TopologyHarness b = new TopologyHarness(settings(TracerConfig.REPORTS_HASH_TEXTS_CONFIG, "true"))) {
            b.restoreRouterStores(stores);
            b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 30);
            assertThat(b.gateEvents.readValuesToList().get(0).getConfigChanges()).extracting(ConfigChange::getKey)
                    .containsExactly(TracerConfig.REPORTS_HASH_TEXTS_CONFIG);
            b.driver.advanceWallClockTime(Duration.ofSeconds(6));
            final List<io.tracerstreams.schema.BoundaryReport> reports = b.reports.readValuesToList();
            assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.getTextsHashed()).isTrue());
        }
    }

    @Test
    void shouldResetATaskWhoseSnapshotCannotBeReadAndKeepServingIt() {
        final Map<String, Map<String, byte[]>> stores = openGateUnderDefaults();
        final Map<String, byte[]> chunks = stores.get(EngineStore.SNAPSHOT_STORE);
        assertThat(chunks).isNotEmpty();
        chunks.replaceAll((key, chunk) -> {
            final byte[] garbage = chunk.clone();
            for (int i = 16; i < garbage.length; i += 7) {
                garbage[i] ^= 0x5A;
            }
            return garbage;
        });
        try (TopologyHarness b = new TopologyHarness(TopologyHarness.settings(dir.resolve("b")))) {
            b.restoreRouterStores(stores);
            final List<RoutingDecision> decisions = b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 100);
            assertThat(decisions).hasSize(100);
            assertThat(decisions.get(0).getReason()).isEqualTo(Reason.WARMING_UP);
            final List<GateEvent> events = b.gateEvents.readValuesToList();
            assertThat(events.get(0).getReason()).isEqualTo(GateReason.STATE_RESET);
            assertThat(events.get(0).getState()).isEqualTo(GateState.CLOSED);
            assertThat(events.get(0).getPrevious()).isEqualTo(GateState.CLOSED);
            assertThat(b.counters.get(Counter.ENGINE_LOADS)).isEqualTo(1);
            assertThat(b.counters.get(Counter.ENGINE_RESETS)).isEqualTo(1);
            assertThat(b.counters.deadLetters(DeadLetterReason.ENGINE_ERROR)).isZero();
            final List<KeyValue<byte[], byte[]>> dead = b.dlq.readKeyValuesToList();
            assertThat(dead).isEmpty();
        }
    }
}
