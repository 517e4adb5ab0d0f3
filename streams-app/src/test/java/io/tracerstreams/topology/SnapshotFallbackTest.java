/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerCounters.Counter;

import io.tracerstreams.config.TracerConfig;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under at_least_once a SIGKILL can tear a snapshot write apart: the meta store's changelog may hold the meta entry
 * of generation g+1 while the snapshot store's changelog lacks a chunk of it, or holds other bytes. A restart is
 * simulated as Kafka Streams does it (the router's stores of one driver, as their changelogs would restore them,
 * copied into a new driver), with the torn write applied to the copy. The restarted task must continue from
 * generation g and the journal exactly as an uncrashed twin does: the same decisions, the same traces learned.
 */
class SnapshotFallbackTest {

    @TempDir
    Path dir;

    private static final String TASK = "t";

    /**
     * Runs twin a until its gate is open, copies its stores, tears them with {@code tear}, restores the copy into
     * twin b, and runs both on the same traffic; returns b for its counters and outputs after checking that it
     * decided and learned as a did.
     */
    private TopologyHarness crashAndCompare(final TopologyHarness a, final Consumer<Map<String, Map<String, byte[]>>> tear) {
        final List<RoutingDecision> before = a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 1_500);
        assertThat(before).anySatisfy(d -> assertThat(d.getDecision()).isEqualTo(Decision.HANDLED));
        assertThat(a.gateState.readKeyValuesToMap().get(TASK).getState()).isEqualTo(GateState.OPEN);
        final Map<String, Map<String, byte[]>> stores = a.routerStores();
        tear.accept(stores);
        final TopologyHarness b = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("b")));
        try {
            b.restoreRouterStores(stores);
            b.clockAt(a.now());
            final List<RoutingDecision> afterA = a.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 300);
            final List<RoutingDecision> afterB = b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 300);
            assertThat(afterB).isEqualTo(afterA);
            final TaskStats statsA = a.lastStats();
            final TaskStats statsB = b.lastStats();
            assertThat(statsB.getTracesSeen()).isEqualTo(statsA.getTracesSeen());
            assertThat(statsB.getRequestsSeen()).isEqualTo(statsA.getRequestsSeen());
            assertThat(statsB.getGateState()).isEqualTo(GateState.OPEN);
            return b;
        } catch (final RuntimeException | AssertionError e) {
            b.close();
            throw e;
        }
    }

    private static EngineStore.Meta meta(final Map<String, Map<String, byte[]>> stores) {
        return EngineStore.Meta.fromBytes(stores.get(EngineStore.META_STORE).get(TASK));
    }

    private static void assertFellBackWithoutReset(final TopologyHarness b) {
        assertThat(b.counters.get(Counter.SNAPSHOT_FALLBACKS)).isEqualTo(1);
        assertThat(b.counters.get(Counter.ENGINE_RESETS)).isZero();
        assertThat(b.gateEvents.readValuesToList()).extracting(GateEvent::getReason).doesNotContain(GateReason.STATE_RESET);
        assertThat(b.dlq.readValuesToList()).isEmpty();
    }

    @Test
    void shouldKeepThePreviousGenerationAndItsJournalUnderAtLeastOnce() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")))) {
            a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 200);
            final Map<String, Map<String, byte[]>> stores = a.routerStores();
            final EngineStore.Meta m = meta(stores);
            assertThat(m.previous()).isNotNull();
            assertThat(m.previous().generation()).isEqualTo(m.generation() - 1);
            for (final EngineStore.Generation g : List.of(m.current(), m.previous())) {
                for (int i = 0; i < g.chunks(); i++) {
                    assertThat(stores.get(EngineStore.SNAPSHOT_STORE)).containsKey(EngineStore.snapshotKey(TASK, g.generation(), i));
                }
            }
            assertThat(stores.get(EngineStore.SNAPSHOT_STORE)).hasSize(m.chunks() + m.previous().chunks());
            final Map<String, byte[]> journal = stores.get(EngineStore.JOURNAL_STORE);
            assertThat(journal).containsKey(EngineStore.journalKey(TASK, m.previous().journalFrom()));
            // older entries are obsolete (no load reads them): what is left of them lies just before, at most one
            // snapshot interval, and goes a few per later call
            long obsolete = 0;
            while (journal.containsKey(EngineStore.journalKey(TASK, m.previous().journalFrom() - 1 - obsolete))) {
                obsolete++;
            }
            assertThat(obsolete).isLessThanOrEqualTo(37);
            assertThat(journal.keySet().stream().filter(k -> k.startsWith(TASK + '\u0000'))
                    .filter(k -> Long.parseLong(k.substring(TASK.length() + 1), 16) < m.previous().journalFrom()))
                    .hasSize((int) obsolete);
        }
    }

    @Test
    void shouldNeverReadAndEventuallyDeleteTheObsoleteJournalEntriesACrashLeftBehind() {
        final List<String> left = new java.util.ArrayList<>();
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")));
             TopologyHarness b = crashAndCompare(a, stores -> {
                 final EngineStore.Meta m = meta(stores);
                 final long keptFrom = m.previous() == null ? m.journalFrom()
                         : Math.min(m.journalFrom(), m.previous().journalFrom());
                 // what a crash right after a snapshot leaves: obsolete entries just before the kept journal (here
                 // unreadable bytes, so that replaying one would show)
                 for (long seq = Math.max(0, keptFrom - 20); seq < keptFrom; seq++) {
                     stores.get(EngineStore.JOURNAL_STORE).put(EngineStore.journalKey(TASK, seq), new byte[] {9, 9, 9});
                     left.add(EngineStore.journalKey(TASK, seq));
                 }
             })) {
            assertThat(left).isNotEmpty();
            assertThat(b.counters.get(Counter.JOURNAL_ENTRIES_SKIPPED)).as("no load read them").isZero();
            assertThat(b.routerStores().get(EngineStore.JOURNAL_STORE)).as("deleted a few per call after the load")
                    .doesNotContainKeys(left.toArray(String[]::new));
        }
    }

    @Test
    void shouldFallBackToThePreviousGenerationWhenAChunkOfTheCurrentOneIsMissing() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")));
             TopologyHarness b = crashAndCompare(a, stores -> {
                 final EngineStore.Meta m = meta(stores);
                 assertThat(m.chunks()).isGreaterThan(1);
                 assertThat(stores.get(EngineStore.SNAPSHOT_STORE).remove(EngineStore.snapshotKey(TASK, m.generation(), 1)))
                         .isNotNull();
             })) {
            assertFellBackWithoutReset(b);
        }
    }

    @Test
    void shouldFallBackToThePreviousGenerationWhenTheCurrentOneFailsItsCrc() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")));
             TopologyHarness b = crashAndCompare(a, stores -> {
                 final EngineStore.Meta m = meta(stores);
                 // bytes of another attempt at this generation: same length, other content
                 final byte[] chunk = stores.get(EngineStore.SNAPSHOT_STORE).get(EngineStore.snapshotKey(TASK, m.generation(), 0));
                 chunk[chunk.length / 2] ^= 0x01;
             })) {
            assertFellBackWithoutReset(b);
        }
    }

    @Test
    void shouldResetWhenNeitherGenerationCanBeRead() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")))) {
            a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 1_500);
            final Map<String, Map<String, byte[]>> stores = a.routerStores();
            final EngineStore.Meta m = meta(stores);
            stores.get(EngineStore.SNAPSHOT_STORE).remove(EngineStore.snapshotKey(TASK, m.generation(), 0));
            stores.get(EngineStore.SNAPSHOT_STORE).remove(EngineStore.snapshotKey(TASK, m.previous().generation(), 0));
            try (TopologyHarness b = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("b")))) {
                b.restoreRouterStores(stores);
                b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 10);
                assertThat(b.counters.get(Counter.ENGINE_RESETS)).isEqualTo(1);
                assertThat(b.counters.get(Counter.SNAPSHOT_FALLBACKS)).isZero();
                assertThat(b.gateEvents.readValuesToList().get(0).getReason()).isEqualTo(GateReason.STATE_RESET);
            }
        }
    }

    @Test
    void shouldStillLoadAMetaEntryOfFormat1() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.settings(dir.resolve("a")));
             TopologyHarness b = crashAndCompareUnderExactlyOnce(a)) {
            assertThat(b.counters.get(Counter.ENGINE_LOADS)).isEqualTo(1);
            assertThat(b.counters.get(Counter.ENGINE_RESETS)).isZero();
            assertThat(b.counters.get(Counter.SNAPSHOT_FALLBACKS)).isZero();
        }
    }

    /** As {@link #crashAndCompare} under exactly_once_v2, with the meta entry rewritten in format 1 (no CRC, no previous). */
    private TopologyHarness crashAndCompareUnderExactlyOnce(final TopologyHarness a) {
        final List<RoutingDecision> before = a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 1_500);
        assertThat(before).anySatisfy(d -> assertThat(d.getDecision()).isEqualTo(Decision.HANDLED));
        final Map<String, Map<String, byte[]>> stores = a.routerStores();
        final EngineStore.Meta m = meta(stores);
        assertThat(m.previous()).isNull();
        stores.get(EngineStore.META_STORE).put(TASK, new BinaryCodec.Writer().writeByte(1).writeLong(m.generation())
                .writeInt(m.chunks()).writeLong(m.bytes()).writeLong(m.journalFrom()).toBytes());
        final TopologyHarness b = new TopologyHarness(TopologyHarness.settings(dir.resolve("b")));
        b.restoreRouterStores(stores);
        b.clockAt(a.now());
        assertThat(b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 300)).isEqualTo(a.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 300));
        assertThat(b.lastStats().getTracesSeen()).isEqualTo(a.lastStats().getTracesSeen());
        return b;
    }

    @Test
    void shouldAskForACommitAfterEachSnapshotUnderAtLeastOnceOnly() {
        assertThat(commitRequestsAfterTwoSnapshots(TopologyHarness.atLeastOnce(dir.resolve("alos")))).isEqualTo(2);
        assertThat(commitRequestsAfterTwoSnapshots(TopologyHarness.settings(dir.resolve("eos")))).isZero();
    }

    /** The engine stores (meta, snapshots, journal), in memory. */
    private static List<KeyValueStore<String, byte[]>> engineStores(final Map<String, Object> settings) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "snapshot-fallback-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.get(TracerConfig.STATE_DIR_CONFIG).toString());
        final MockProcessorContext<String, Emitted> context = new MockProcessorContext<>(props);
        final List<KeyValueStore<String, byte[]>> stores = new ArrayList<>();
        for (final String name : List.of(EngineStore.META_STORE, EngineStore.SNAPSHOT_STORE, EngineStore.JOURNAL_STORE)) {
            final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                    Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            stores.add(store);
        }
        return stores;
    }

    @Test
    void shouldHoldTheNextSnapshotBackUntilTwoSettlesFollowedTheLastOne() {
        final Map<String, Object> settings = TopologyHarness.atLeastOnce(dir.resolve("settle"));
        final List<KeyValueStore<String, byte[]>> stores = engineStores(settings);
        final TracerConfig config = new TracerConfig(settings);
        final int interval = config.snapshotIntervalCalls();
        final EngineStore engines = new EngineStore(config, RouterEngine.TASK_ENGINE, new TracerCounters(), stores.get(0),
                stores.get(1), stores.get(2), () -> 0L, (task, events) -> { }, () -> { });
        engines.engine(TASK);
        engines.settle();
        int call = 0;
        for (; call < interval; call++) {
            engines.journalReject(TASK, "r" + call, "empty", call);
        }
        // the first snapshot keeps the fresh generation read from the stores: not held back
        assertThat(EngineStore.Meta.fromBytes(stores.get(0).get(TASK)).generation()).isEqualTo(1);
        for (; call < 3 * interval; call++) {
            engines.journalReject(TASK, "r" + call, "empty", call);
        }
        // generation 1 was written after the last settle: the second snapshot waits, the journal grows
        assertThat(EngineStore.Meta.fromBytes(stores.get(0).get(TASK)).generation()).isEqualTo(1);
        engines.settle();
        engines.journalReject(TASK, "r" + call++, "empty", call);
        assertThat(EngineStore.Meta.fromBytes(stores.get(0).get(TASK)).generation()).isEqualTo(1);
        engines.settle();
        engines.journalReject(TASK, "r" + call++, "empty", call);
        final EngineStore.Meta m = EngineStore.Meta.fromBytes(stores.get(0).get(TASK));
        assertThat(m.generation()).isEqualTo(2);
        assertThat(m.previous().generation()).isEqualTo(1);
        assertThat(m.journalFrom()).isEqualTo(call);
        stores.forEach(KeyValueStore::close);
    }

    private int commitRequestsAfterTwoSnapshots(final Map<String, Object> settings) {
        final List<KeyValueStore<String, byte[]>> stores = engineStores(settings);
        final AtomicInteger commits = new AtomicInteger();
        final TracerConfig config = new TracerConfig(settings);
        final EngineStore engines = new EngineStore(config, RouterEngine.TASK_ENGINE, new TracerCounters(), stores.get(0),
                stores.get(1), stores.get(2), () -> 0L, (task, events) -> { }, commits::incrementAndGet);
        final EngineStore.Loaded loaded = engines.engine(TASK);
        engines.snapshot(TASK, loaded);
        engines.snapshot(TASK, loaded);
        final EngineStore.Meta m = EngineStore.Meta.fromBytes(stores.get(0).get(TASK));
        assertThat(m.generation()).isEqualTo(2);
        if (config.exactlyOnce()) {
            assertThat(m.previous()).isNull();
            assertThat(stores.get(1).get(EngineStore.snapshotKey(TASK, 1, 0))).isNull();
        } else {
            assertThat(m.previous().generation()).isEqualTo(1);
            assertThat(stores.get(1).get(EngineStore.snapshotKey(TASK, 1, 0))).isNotNull();
        }
        stores.forEach(KeyValueStore::close);
        return commits.get();
    }
}
