/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under at_least_once every store has its own changelog, and a SIGKILL keeps of each a prefix of its writes, cut at
 * its own place. A response learned just before the kill is processed again after the restart (its offset was not
 * committed); it must then be learned, whichever changelogs kept its writes: never skipped as a duplicate because
 * the dedupe mark survived while the learn itself (the journal entry) did not, and never dead-lettered because the
 * delete of its pending request survived. A restart is simulated as Kafka Streams does it: the router's stores of
 * one driver, as their changelogs would restore them, copied into a new driver.
 */
class LearnedAfterCrashTest {

    @TempDir
    Path dir;

    private static final String TASK = "t";

    @Test
    void shouldLearnAgainAResponseWhoseJournalEntryTheCrashLostWhileItsOtherWritesSurvived() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")))) {
            final SyntheticIntents intents = new SyntheticIntents(4, 11L);
            a.closedLoop(TASK, intents, "a-", 400);
            // the next request the LLM answers whose learn does not also write a snapshot
            Map<String, Map<String, byte[]>> beforeLearn = null;
            Map<String, Map<String, byte[]>> afterLearn = null;
            Instant beforeResponse = null;
            String id = null;
            String label = null;
            for (int i = 0; afterLearn == null; i++) {
                assertThat(i).as("a deferred or audited request within 200").isLessThan(200);
                final SyntheticIntents.Example ex = intents.next();
                final String candidate = "x-" + i;
                a.request(TASK, candidate, ex.text());
                final RoutingDecision d = a.decisions.readValuesToList().get(0);
                if (d.getDecision() != Decision.DEFERRED && !d.getAudit()) {
                    continue;
                }
                final Map<String, Map<String, byte[]>> before = a.routerStores();
                final long snapshots = a.counters.get(Counter.SNAPSHOTS);
                final Instant clock = a.now();
                a.response(TASK, candidate, ex.label(), null);
                if (a.counters.get(Counter.SNAPSHOTS) == snapshots) {
                    beforeLearn = before;
                    afterLearn = a.routerStores();
                    beforeResponse = clock;
                    id = candidate;
                    label = ex.label();
                }
            }
            assertThat(a.dlq.readValuesToList()).isEmpty();

            // the crash: the journal store's changelog ends before the learn; every other changelog after it
            final Map<String, Map<String, byte[]>> crashed = new HashMap<>(afterLearn);
            crashed.put(EngineStore.JOURNAL_STORE, beforeLearn.get(EngineStore.JOURNAL_STORE));

            try (TopologyHarness b = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("b")))) {
                b.restoreRouterStores(crashed);
                b.clockAt(beforeResponse);
                b.response(TASK, id, label, null); // processed again: its offset was not committed
                assertThat(b.dlq.readValuesToList()).as("dead letters of the response processed again").isEmpty();
                assertThat(b.counters.get(Counter.TRACES_LEARNED)).isEqualTo(1);

                final List<RoutingDecision> nextA = a.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 200);
                final List<RoutingDecision> nextB = b.closedLoop(TASK, new SyntheticIntents(4, 12L), "b-", 200);
                assertThat(nextB).isEqualTo(nextA);
                assertThat(b.lastStats().getTracesSeen()).isEqualTo(a.lastStats().getTracesSeen());
            }
        }
    }

    /**
     * The request record read again from its source position after a crash whose changelogs kept its pending entry
     * while its decision never reached the decisions topic: under at_least_once it is answered again with the same
     * decision (counted), under exactly_once_v2 (where this crash cannot happen) it stays a dead letter; a repeat read
     * from another offset is a dead letter either way.
     */
    @Test
    void shouldAnswerARequestReadAgainFromItsSourcePositionWithItsDecisionUnderAtLeastOnce() {
        for (final boolean exactlyOnce : new boolean[] {false, true}) {
            final Map<String, Object> settingsA = exactlyOnce ? TopologyHarness.settings(dir.resolve("eos-a")) : TopologyHarness.atLeastOnce(dir.resolve("a"));
            final Map<String, Object> settingsB = exactlyOnce ? TopologyHarness.settings(dir.resolve("eos-b")) : TopologyHarness.atLeastOnce(dir.resolve("b"));
            final Map<String, Map<String, byte[]>> crashed;
            final RoutingDecision decided;
            final Instant start;
            try (TopologyHarness a = new TopologyHarness(settingsA)) {
                start = a.now();
                a.request(TASK, "r-0", "the first request of the topic, at offset 0");
                decided = a.decisions.readValuesToList().get(0);
                crashed = a.routerStores();
            }
            try (TopologyHarness b = new TopologyHarness(settingsB)) {
                b.restoreRouterStores(crashed);
                b.clockAt(start);
                b.request(TASK, "r-0", "the first request of the topic, at offset 0"); // offset 0 again: read again
                if (exactlyOnce) {
                    assertThat(b.decisions.readValuesToList()).isEmpty();
                    assertThat(b.counters.deadLetters(DeadLetterReason.DUPLICATE_REQUEST)).isEqualTo(1);
                } else {
                    assertThat(b.decisions.readValuesToList()).containsExactly(decided);
                    assertThat(b.counters.get(Counter.DECISIONS_REPEATED)).isEqualTo(1);
                    assertThat(b.dlq.readValuesToList()).isEmpty();
                }
                b.request(TASK, "r-0", "a repeat at offset 1");
                assertThat(b.decisions.readValuesToList()).isEmpty();
                assertThat(b.counters.deadLetters(DeadLetterReason.DUPLICATE_REQUEST)).isEqualTo(exactlyOnce ? 2 : 1);
            }
        }
    }

    @Test
    void shouldStillDeadLetterADuplicateResponseAndDropThePendingRequestLater() {
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.atLeastOnce(dir.resolve("a")))) {
            final List<RoutingDecision> decisions = a.closedLoop(TASK, new SyntheticIntents(4, 11L), "a-", 50);
            final RoutingDecision answered = decisions.stream()
                    .filter(d -> d.getDecision() == Decision.DEFERRED || d.getAudit()).findFirst().orElseThrow();
            final KeyValueStore<String, byte[]> pending = a.driver.getKeyValueStore(TaskRouter.PENDING_STORE);
            // under at_least_once the pending request stays until the learn is surely committed
            assertThat(pending.get(answered.getRequestId())).isNotNull();
            a.response(TASK, answered.getRequestId(), "again", null);
            assertThat(a.counters.deadLetters(DeadLetterReason.DUPLICATE_RESPONSE)).isEqualTo(1);
            a.request(TASK, answered.getRequestId(), "again");
            assertThat(a.counters.deadLetters(DeadLetterReason.DUPLICATE_REQUEST)).isEqualTo(1);

            // the settle punctuation arms the drop at one run and does it at the next (a commit lies between)
            a.driver.advanceWallClockTime(TaskRouter.SETTLE_INTERVAL);
            assertThat(pending.get(answered.getRequestId())).isNotNull();
            a.driver.advanceWallClockTime(TaskRouter.SETTLE_INTERVAL);
            assertThat(pending.get(answered.getRequestId())).isNull();
            a.response(TASK, answered.getRequestId(), "again", null);
            assertThat(a.counters.deadLetters(DeadLetterReason.DUPLICATE_RESPONSE)).isEqualTo(2);
            assertThat(a.counters.get(Counter.PENDING_EXPIRED)).isZero();
        }
    }
}
