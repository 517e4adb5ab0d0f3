/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracerTopologyTest {

    @TempDir
    Path stateDir;

    private static String header(final Headers headers, final String name) {
        final Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The simulated LLM loop: request, decision, and a response for every deferred or audited request. */
    private static Map<String, Long> runLoop(final TopologyHarness h, final String task, final int n, final long seed,
                                             final List<RoutingDecision> out) {
        final SyntheticIntents intents = new SyntheticIntents(5, seed);
        final Map<String, Long> tally = new HashMap<>();
        for (int i = 0; i < n; i++) {
            final SyntheticIntents.Example ex = intents.next();
            final String id = task + "-" + seed + "-" + i;
            h.request(task, id, ex.text());
            final List<KeyValue<String, RoutingDecision>> ds = h.decisions.readKeyValuesToList();
            assertThat(ds).as(() -> "request " + id + ", dead letters " + h.dlq.readRecordsToList().stream()
                    .map(r -> header(r.headers(), DeadLetter.REASON) + ": " + header(r.headers(), DeadLetter.DETAIL)).toList())
                    .hasSize(1);
            final RoutingDecision d = ds.get(0).value;
            assertThat(ds.get(0).key).isEqualTo(id);
            out.add(d);
            if (d.getDecision() == Decision.HANDLED) {
                tally.merge(ex.label().equals(d.getLabel()) ? "handled-agree" : "handled-disagree", 1L, Long::sum);
            }
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                h.response(task, id, ex.label(), null);
            }
        }
        return tally;
    }

    @Test
    void shouldAnswerARequestWithADecisionKeyedByRequestId() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            h.request("intents", "r-1", "hello there");
            final List<KeyValue<String, RoutingDecision>> out = h.decisions.readKeyValuesToList();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).key).isEqualTo("r-1");
            assertThat(out.get(0).value.getDecision()).isEqualTo(Decision.DEFERRED);
            assertThat(out.get(0).value.getReason()).isEqualTo(Reason.WARMING_UP);
            assertThat(out.get(0).value.getTask()).isEqualTo("intents");
            assertThat(h.counters.get(Counter.DECISIONS)).isEqualTo(1);
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldPublishItsCountersAsKafkaStreamsMetrics() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            runLoop(h, "intents", 120, 3L, new ArrayList<>());
            h.rawRequests.pipeInput("r-bad".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1, 2, 3});
            final java.util.function.Function<String, Double> total = name -> h.driver.metrics().entrySet().stream()
                    .filter(e -> e.getKey().group().equals("stream-tracer-metrics") && e.getKey().name().equals(name))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .sum();
            assertThat(total.apply("requests-read-total")).isEqualTo((double) h.counters.get(Counter.REQUESTS_READ))
                    .isEqualTo(121.0);
            assertThat(total.apply("decisions-total")).isEqualTo((double) h.counters.get(Counter.DECISIONS));
            assertThat(total.apply("traces-learned-total")).isEqualTo((double) h.counters.get(Counter.TRACES_LEARNED))
                    .isPositive();
            assertThat(total.apply("dead-letters-total")).isEqualTo((double) h.counters.deadLetters()).isEqualTo(1.0);
            assertThat(h.driver.metrics().keySet()).anySatisfy(n -> {
                assertThat(n.name()).isEqualTo("embeddings-rate");
                assertThat(n.tags()).containsEntry("tracer-id", "counters").containsKey("thread-id");
            });
        }
    }

    @Test
    void shouldServeAResponseRepeatingItsRequestsInputFromTheBoundedEmbeddingCacheAndCountIt() {
        final var inner = new io.tracerstreams.featurize.HashingFeaturizer(64);
        final long bound = 5 * io.tracerstreams.featurize.CachingFeaturizer.entryBytes(64);
        final var cache = new io.tracerstreams.featurize.CachingFeaturizer(inner, null, bound);
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir), RouterEngine.TASK_ENGINE, cache)) {
            for (int i = 0; i < 8; i++) {
                h.request("intents", "r-" + i, "distinct input number " + i);
                h.response("intents", "r-" + i, "label-" + (i % 2), "distinct input number " + i);
            }
            final java.util.function.Function<String, Double> metric = name -> h.driver.metrics().entrySet().stream()
                    .filter(e -> e.getKey().group().equals("stream-tracer-metrics") && e.getKey().name().equals(name))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .max().orElse(Double.NaN);
            assertThat(h.counters.get(Counter.EMBEDDING_CACHE_HITS)).isEqualTo(8);
            assertThat(h.counters.get(Counter.EMBEDDING_CACHE_MISSES)).isEqualTo(8);
            assertThat(h.counters.get(Counter.EMBEDDING_CACHE_EVICTIONS)).isEqualTo(3);
            assertThat(metric.apply("embedding-cache-hits-total")).isEqualTo(8.0);
            assertThat(metric.apply("embedding-cache-evictions-total")).isEqualTo(3.0);
            assertThat(metric.apply("embedding-cache-bytes")).isEqualTo((double) bound);
            assertThat(cache.size()).isEqualTo(5);
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(8);
        }
    }

    @Test
    void shouldLearnFromResponsesOpenTheGateAndHandleRequests() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            final List<RoutingDecision> decisions = new ArrayList<>();
            final Map<String, Long> tally = runLoop(h, "intents", 500, 7L, decisions);
            final List<KeyValue<String, GateEvent>> events = h.gateEvents.readKeyValuesToList();
            assertThat(events).isNotEmpty();
            assertThat(events.get(0).key).isEqualTo("intents");
            assertThat(events.get(0).value.getState()).isEqualTo(GateState.OPEN);
            assertThat(events.get(0).value.getPrevious()).isEqualTo(GateState.CLOSED);
            // the compacted copy carries the same events
            assertThat(h.gateState.readValuesToList()).containsExactlyElementsOf(events.stream().map(kv -> kv.value).toList());
            final long handled = decisions.stream().filter(d -> d.getDecision() == Decision.HANDLED).count();
            assertThat(handled).isGreaterThan(50);
            assertThat(decisions.stream().filter(RoutingDecision::getAudit).count()).isPositive();
            final long agree = tally.getOrDefault("handled-agree", 0L);
            assertThat((double) agree / handled).isGreaterThanOrEqualTo(0.8);
            // each deferred or audited request was learned once
            final long llmCalls = decisions.stream().filter(d -> d.getDecision() == Decision.DEFERRED || d.getAudit()).count();
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(llmCalls);
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isZero();
            assertThat(h.counters.get(Counter.SNAPSHOTS)).isPositive();
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldEmitABoundaryReportAfterEveryFlipAndOnTheWallClock() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            runLoop(h, "intents", 500, 7L, new ArrayList<>());
            final long flips = h.gateEvents.readValuesToList().stream().filter(e -> e.getState() != e.getPrevious()).count();
            assertThat(flips).isPositive();
            final List<KeyValue<String, BoundaryReport>> afterFlips = h.reports.readKeyValuesToList();
            assertThat(afterFlips).hasSize((int) flips);
            assertThat(afterFlips.get(0).key).isEqualTo("intents");
            assertThat(afterFlips.get(0).value.getGateState()).isEqualTo(GateState.OPEN);
            assertThat(afterFlips.get(0).value.getLabels()).isNotEmpty();

            h.driver.advanceWallClockTime(Duration.ofMillis(5_000));
            final List<BoundaryReport> periodic = h.reports.readValuesToList();
            assertThat(periodic).hasSize(1);
            assertThat(periodic.get(0).getRequestsSeen()).isEqualTo(500);
            assertThat(periodic.get(0).getSequence()).isGreaterThan(afterFlips.get(afterFlips.size() - 1).value.getSequence());
            assertThat(h.counters.get(Counter.REPORTS_EMITTED)).isEqualTo(flips + 1);
        }
    }

    @Test
    void shouldEmitTaskStatsOnTheWallClock() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            runLoop(h, "a", 40, 1L, new ArrayList<>());
            runLoop(h, "b", 10, 2L, new ArrayList<>());
            assertThat(h.stats.isEmpty()).isTrue();
            h.driver.advanceWallClockTime(Duration.ofMillis(1000));
            final Map<String, TaskStats> stats = new HashMap<>();
            for (final KeyValue<String, TaskStats> kv : h.stats.readKeyValuesToList()) {
                stats.put(kv.key, kv.value);
            }
            assertThat(stats).containsOnlyKeys("a", "b");
            assertThat(stats.get("a").getRequestsSeen()).isEqualTo(40);
            assertThat(stats.get("a").getTracesSeen()).isEqualTo(40);
            assertThat(stats.get("b").getRequestsSeen()).isEqualTo(10);
            assertThat(h.counters.get(Counter.STATS_EMITTED)).isEqualTo(2);
        }
    }

    @Test
    void shouldSendUndecodableRecordsToTheDlqWithReasonHeaders() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            h.rawRequests.pipeInput("t".getBytes(StandardCharsets.UTF_8), garbage);
            h.rawResponses.pipeInput((byte[]) null, new byte[] {0, 0, 0, 0, 99, 1, 2});
            h.rawRequests.pipeInput("t".getBytes(StandardCharsets.UTF_8), (byte[]) null);
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(3);
            assertThat(dead.get(0).value()).isEqualTo(garbage);
            assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("t");
            for (final TestRecord<byte[], byte[]> r : dead) {
                assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("undecodable");
                assertThat(header(r.headers(), DeadLetter.STAGE)).isEqualTo("featurize");
                assertThat(header(r.headers(), DeadLetter.DETAIL)).isNotBlank();
                assertThat(header(r.headers(), DeadLetter.SOURCE_OFFSET)).isNotNull();
            }
            assertThat(header(dead.get(0).headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo("llm.requests");
            assertThat(header(dead.get(1).headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo("llm.responses");
            assertThat(h.counters.deadLetters(DeadLetterReason.UNDECODABLE)).isEqualTo(3);
            assertThat(h.decisions.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldSendARecordOfTheWrongSchemaToTheDlq() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            // a valid Confluent-framed Avro record, but a RoutingDecision, on the requests topic
            final RoutingDecision wrong = RoutingDecision.newBuilder().setRequestId("x").setTask("t").setDecision(Decision.HANDLED)
                    .setScore(1.0).setReason(Reason.CONFIDENT).setModelVersion("m").setTimestamp(java.time.Instant.EPOCH).build();
            final byte[] bytes = h.serdes.decision().serializer().serialize("some-other-topic", wrong);
            h.rawRequests.pipeInput("t".getBytes(StandardCharsets.UTF_8), bytes);
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0).headers(), DeadLetter.REASON)).isEqualTo("undecodable");
            assertThat(dead.get(0).value()).isEqualTo(bytes);
            assertThat(h.decisions.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldSendRecordsWithMissingFieldsToTheDlq() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            h.request("t", "", "some text");
            h.request(" ", "r-1", "some text");
            h.request("t\u0001x", "r-2", "some text");
            h.response("t", "r-3", "", "text");
            h.response("", "r-4", "label", "text");
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(5);
            assertThat(dead).allSatisfy(r -> assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("missing-field"));
            assertThat(header(dead.get(0).headers(), DeadLetter.DETAIL)).contains("request_id");
            assertThat(header(dead.get(1).headers(), DeadLetter.DETAIL)).contains("task");
            assertThat(header(dead.get(2).headers(), DeadLetter.DETAIL)).contains("control character");
            assertThat(header(dead.get(3).headers(), DeadLetter.DETAIL)).contains("label");
            assertThat(header(dead.get(3).headers(), DeadLetter.REQUEST_ID)).isEqualTo("r-3");
            assertThat(h.counters.deadLetters(DeadLetterReason.MISSING_FIELD)).isEqualTo(5);
            assertThat(h.decisions.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldAnswerEmptyAndOversizedInputsDeferredInvalidInput() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            h.request("t", "empty", "");
            h.request("t", "blank", " \t\n ");
            h.request("t", "huge", "x".repeat(201));
            h.request("t", "fine", "x".repeat(200));
            final List<KeyValue<String, RoutingDecision>> out = h.decisions.readKeyValuesToList();
            assertThat(out).extracting(kv -> kv.key).containsExactly("empty", "blank", "huge", "fine");
            for (int i = 0; i < 3; i++) {
                assertThat(out.get(i).value.getDecision()).isEqualTo(Decision.DEFERRED);
                assertThat(out.get(i).value.getReason()).isEqualTo(Reason.INVALID_INPUT);
            }
            assertThat(out.get(3).value.getReason()).isNotEqualTo(Reason.INVALID_INPUT);
            assertThat(h.counters.get(Counter.INVALID_REQUESTS)).isEqualTo(3);
            h.driver.advanceWallClockTime(Duration.ofMillis(1000));
            assertThat(h.stats.readValuesToList()).singleElement().satisfies(s -> assertThat(s.getInvalid()).isEqualTo(3));
            // the LLM's answer to an invalid request is not a trace
            h.response("t", "huge", "label", null);
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).singleElement().satisfies(r ->
                    assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("response-to-invalid-request"));
        }
    }

    @Test
    void shouldLearnBackfillAndDeadLetterResponsesWithoutRequestAndInput() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            h.response("t", "old-1", "intent_0", "w0x1 w0x2 hello");
            h.response("t", "old-2", "intent_0", null);
            h.response("t", "old-3", "intent_0", "   ");
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isEqualTo(1);
            assertThat(h.counters.get(Counter.RESPONSE_INPUTS_IGNORED)).isEqualTo(1);
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(2).allSatisfy(r ->
                    assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("response-without-request"));
            assertThat(header(dead.get(0).headers(), DeadLetter.STAGE)).isEqualTo("router");
            assertThat(header(dead.get(0).headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo("llm.responses");
            assertThat(dead.get(0).value()).isNotEmpty();
            assertThat(h.counters.deadLetters(DeadLetterReason.RESPONSE_WITHOUT_REQUEST)).isEqualTo(2);
        }
    }

    @Test
    void shouldRouteAndLearnDuplicateRequestIdsOnce() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            h.request("t", "r-1", "w0x1 w0x2 hello");
            h.request("t", "r-1", "w0x1 w0x2 hello");
            assertThat(h.decisions.readKeyValuesToList()).hasSize(1);
            h.response("t", "r-1", "intent_0", null);
            h.response("t", "r-1", "intent_0", null);
            h.response("t", "r-1", "intent_0", "w0x1 w0x2 hello");
            h.request("t", "r-1", "w0x1 w0x2 hello");
            assertThat(h.decisions.isEmpty()).isTrue();
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> header(r.headers(), DeadLetter.REASON))
                    .containsExactly("duplicate-request", "duplicate-response", "duplicate-response", "duplicate-request");
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(1);
            h.driver.advanceWallClockTime(Duration.ofMillis(1000));
            final TaskStats s = h.stats.readValuesToList().get(0);
            assertThat(s.getTracesSeen()).isEqualTo(1);
            assertThat(s.getRequestsSeen()).isEqualTo(1);
        }
    }

    @Test
    void shouldCopyTracesWithLabelsBeyondTheCapToTheDlqAndStillLearnThem() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        settings.put("task.capped.label.cap", "3");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            for (int i = 0; i < 5; i++) {
                h.response("capped", "b-" + i, "label_" + i, "text number " + i);
            }
            h.response("other", "o-1", "label_9", "text");
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(2).allSatisfy(r -> {
                assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("label-beyond-cap");
                assertThat(header(r.headers(), DeadLetter.TASK)).isEqualTo("capped");
            });
            assertThat(h.counters.deadLetters(DeadLetterReason.LABEL_BEYOND_CAP)).isEqualTo(2);
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(6);
        }
    }

    @Test
    void shouldExpirePendingRequestsAfterTheRetention() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        settings.put("pending.retention.ms", "5000");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            h.request("t", "r-old", "w0x1 w0x2 hello");
            // stream time moves on by a minute
            for (int i = 0; i < 3; i++) {
                final java.time.Instant ts = java.time.Instant.parse("2026-11-27T12:01:00Z").plusSeconds(i);
                h.requests.pipeInput("t", LlmRequest.newBuilder().setRequestId("r-new-" + i).setTask("t").setInput("w1x1")
                        .setTimestamp(ts).build(), ts);
            }
            h.driver.advanceWallClockTime(Duration.ofMillis(1500));
            assertThat(h.counters.get(Counter.PENDING_EXPIRED)).isEqualTo(1);
            h.response("t", "r-old", "intent_0", null);
            assertThat(h.dlq.readRecordsToList()).singleElement().satisfies(r ->
                    assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("response-without-request"));
        }
    }

    @Test
    void shouldKeepSnapshotsChunkedAndTheJournalShort() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            runLoop(h, "intents", 100, 3L, new ArrayList<>());
            final KeyValueStore<String, byte[]> meta = h.driver.getKeyValueStore(EngineStore.META_STORE);
            final KeyValueStore<String, byte[]> snaps = h.driver.getKeyValueStore(EngineStore.SNAPSHOT_STORE);
            final KeyValueStore<String, byte[]> journal = h.driver.getKeyValueStore(EngineStore.JOURNAL_STORE);
            final EngineStore.Meta m = EngineStore.Meta.fromBytes(meta.get("intents"));
            assertThat(m.generation()).isPositive();
            assertThat(m.chunks()).isGreaterThan(1);
            assertThat(count(snaps)).isEqualTo(m.chunks());
            try (KeyValueIterator<String, byte[]> it = snaps.all()) {
                while (it.hasNext()) {
                    final KeyValue<String, byte[]> kv = it.next();
                    assertThat(kv.value.length).isLessThanOrEqualTo(65536);
                    assertThat(kv.key).startsWith(EngineStore.snapshotKey("intents", m.generation(), 0).substring(0, 25));
                }
            }
            // the journal store also holds the learned marks (LearnedMarks), one per trace learned
            final int marks = countMarks(journal);
            assertThat(marks).isEqualTo(h.counters.get(Counter.TRACES_LEARNED));
            final long live = h.counters.get(Counter.DECISIONS) + h.counters.get(Counter.TRACES_LEARNED) - m.journalFrom();
            assertThat(live).isLessThan(37);
            // what the last snapshot made obsolete goes JOURNAL_DELETES_PER_CALL per later call, oldest first
            final long obsolete = count(journal) - marks - live;
            assertThat(obsolete).isBetween(0L, Math.max(0L, 37 - EngineStore.JOURNAL_DELETES_PER_CALL * live));
            for (long seq = m.journalFrom() - obsolete; seq < m.journalFrom() + live; seq++) {
                assertThat(journal.get(EngineStore.journalKey("intents", seq))).as("journal entry %d", seq).isNotNull();
            }
            assertThat(journal.get(EngineStore.journalKey("intents", m.journalFrom() - obsolete - 1))).isNull();
        }
    }

    private static int countMarks(final KeyValueStore<String, byte[]> journal) {
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = journal.all()) {
            while (it.hasNext()) {
                if (it.next().key.charAt(0) == LearnedMarks.MARK) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int count(final KeyValueStore<String, byte[]> store) {
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
