/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz: a generated corpus of more than 10,000 bad records of every kind the issue lists, interleaved with valid
 * traffic over three tasks, through the whole topology on the TopologyTestDriver. Nothing may throw; every valid
 * request gets exactly one decision and every valid response is learned; every bad record ends in the DLQ (found by
 * its source topic and offset) or, for requests with an unusable input, answered DEFERRED with reason INVALID_INPUT,
 * or, for requests of tasks beyond tasks.max, answered DEFERRED with reason TASK_LIMIT; and the counters agree.
 */
class TopologyFuzzTest {

    private static final int BAD_RECORDS = 10_500;
    private static final List<String> TASKS = List.of("fuzz-a", "fuzz-b", "fuzz-c");

    @TempDir
    Path stateDir;

    /** The kinds of bad record, and where each must end. */
    enum Bad {
        RANDOM_BYTES, TRUNCATED_AVRO, UNKNOWN_SCHEMA_ID, WRONG_SCHEMA, NULL_VALUE, EMPTY_VALUE, INVALID_UTF8_INPUT,
        EMPTY_REQUEST_ID, EMPTY_TASK, CONTROL_CHAR_TASK, EMPTY_INPUT, HUGE_INPUT, EMPTY_LABEL, ORPHAN_RESPONSE,
        DUPLICATE_REQUEST, DUPLICATE_RESPONSE, LABEL_FLOOD, TASK_LIMIT_REQUEST, TASK_LIMIT_RESPONSE;

        /** Answered DEFERRED with reason INVALID_INPUT instead of dead-lettered. */
        boolean answeredInvalid() {
            return this == EMPTY_INPUT || this == HUGE_INPUT || this == INVALID_UTF8_INPUT;
        }
    }

    private record Sent(String topic, long offset) {
    }

    /** Drives the harness through raw bytes so that every record's source offset is known. */
    private static final class Fuzzer {
        final TopologyHarness h;
        final Random random;
        final SyntheticIntents intents;
        final Map<String, Long> offsets = new HashMap<>();
        final Map<Sent, Bad> bad = new LinkedHashMap<>();
        final Map<String, Bad> invalidRequestIds = new HashMap<>();
        final Set<String> limitRequestIds = new HashSet<>();
        final Set<String> validRequests = new HashSet<>();
        final Map<String, String> labelOf = new HashMap<>();
        final Map<String, String> taskOf = new HashMap<>();
        final List<byte[]> sentRequests = new ArrayList<>();
        final List<byte[]> sentResponses = new ArrayList<>();
        final Map<String, Integer> decisions = new HashMap<>();
        final Map<String, RoutingDecision> decisionOf = new HashMap<>();
        long validResponses;
        long floodLearned;
        int floodLabels;
        int next;

        Fuzzer(final TopologyHarness h, final long seed) {
            this.h = h;
            this.random = new Random(seed);
            this.intents = new SyntheticIntents(5, seed);
        }

        Sent pipe(final String topic, final String key, final byte[] value) {
            final long offset = offsets.merge(topic, 1L, Long::sum) - 1;
            final Instant ts = h.tick();
            final TestRecord<byte[], byte[]> r = new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
                    null, ts);
            if (topic.equals(h.config.topics().requests())) {
                h.rawRequests.pipeInput(r);
            } else {
                h.rawResponses.pipeInput(r);
            }
            return new Sent(topic, offset);
        }

        byte[] request(final String id, final String task, final String input) {
            return h.serdes.request().serializer().serialize(h.config.topics().requests(), LlmRequest.newBuilder().setRequestId(id)
                    .setTask(task).setInput(input).setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build());
        }

        byte[] response(final String id, final String task, final String label, final String input) {
            return h.serdes.response().serializer().serialize(h.config.topics().responses(), LlmResponse.newBuilder()
                    .setRequestId(id).setTask(task).setLabel(label).setInput(input).setModel("fuzz")
                    .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build());
        }

        /** One valid request, its decision read at once, and the LLM's answer when it is deferred or audited. */
        void valid() {
            final String task = TASKS.get(random.nextInt(TASKS.size()));
            final SyntheticIntents.Example ex = intents.next();
            final String id = "v-" + next++;
            validRequests.add(id);
            labelOf.put(id, ex.label());
            taskOf.put(id, task);
            final byte[] value = request(id, task, ex.text());
            sentRequests.add(value);
            pipe(h.config.topics().requests(), task, value);
            for (final var kv : h.decisions.readKeyValuesToList()) {
                record(kv.value);
            }
        }

        void record(final RoutingDecision d) {
            decisions.merge(d.getRequestId(), 1, Integer::sum);
            decisionOf.putIfAbsent(d.getRequestId(), d);
            if (validRequests.contains(d.getRequestId()) && (d.getDecision() == Decision.DEFERRED || d.getAudit())
                    && decisions.get(d.getRequestId()) == 1) {
                final String id = d.getRequestId();
                final byte[] value = response(id, taskOf.get(id), labelOf.get(id), null);
                sentResponses.add(value);
                pipe(h.config.topics().responses(), taskOf.get(id), value);
                validResponses++;
            }
        }

        void bad(final Bad kind) {
            final String req = h.config.topics().requests();
            final String resp = h.config.topics().responses();
            final String task = TASKS.get(random.nextInt(TASKS.size()));
            final String id = "b-" + next++;
            final Sent s;
            switch (kind) {
                case RANDOM_BYTES -> {
                    final byte[] b = new byte[random.nextInt(300)];
                    random.nextBytes(b);
                    if (b.length > 0 && b[0] == 0) {
                        b[0] = 7;
                    }
                    s = pipe(random.nextBoolean() ? req : resp, task, b);
                }
                case TRUNCATED_AVRO -> {
                    final boolean isRequest = random.nextBoolean();
                    final byte[] whole = isRequest ? request(id, task, "some text to cut " + id) : response(id, task, "x", "cut " + id);
                    s = pipe(isRequest ? req : resp, task, Arrays.copyOf(whole, random.nextInt(whole.length - 1)));
                }
                case UNKNOWN_SCHEMA_ID -> {
                    final byte[] whole = request(id, task, "unknown schema " + id);
                    ByteBuffer.wrap(whole).put(0, (byte) 0).putInt(1, 900_000 + random.nextInt(1000));
                    s = pipe(req, task, whole);
                }
                case WRONG_SCHEMA -> {
                    // a TaskStats record on the requests topic, and a request on the responses topic
                    if (random.nextBoolean()) {
                        final byte[] stats = h.serdes.stats().serializer().serialize(h.config.topics().taskStats(), TaskStats.newBuilder().setTask(task)
                                .setTracesSeen(1).setRequestsSeen(1).setHandled(0).setDeferred(1).setAudited(0)
                                .setTeacherCallsSaved(0).setEstimatedCostSaved(0).setGateState(io.tracerstreams.schema.GateState.CLOSED)
                                .setAlpha(0.9).setAgreement(0).setAgreementLower(0).setAgreementUpper(1).setCoverageEstimate(0)
                                .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).build());
                        s = pipe(req, task, stats);
                    } else {
                        s = pipe(resp, task, request(id, task, "a request on the responses topic")); // registered under llm.requests-value
                    }
                }
                case NULL_VALUE -> s = pipe(random.nextBoolean() ? req : resp, task, null);
                case EMPTY_VALUE -> s = pipe(random.nextBoolean() ? req : resp, task, new byte[0]);
                case INVALID_UTF8_INPUT -> {
                    final byte[] v = request(id, task, "PLACEHOLDER");
                    final int at = indexOf(v, "PLACEHOLDER".getBytes(StandardCharsets.UTF_8));
                    final byte[] garbage = {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, (byte) 0x28, (byte) 0xA1,
                        (byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0xBC};
                    System.arraycopy(garbage, 0, v, at, garbage.length);
                    invalidRequestIds.put(id, kind);
                    s = pipe(req, task, v);
                }
                case EMPTY_REQUEST_ID -> s = random.nextBoolean() ? pipe(req, task, request("", task, "no id"))
                        : pipe(resp, task, response(" ", task, "intent_0", "no id"));
                case EMPTY_TASK -> s = pipe(req, "", request(id, "", "no task"));
                case CONTROL_CHAR_TASK -> s = pipe(req, task, request(id, "bad\u0000task", "control character in the task"));
                case EMPTY_INPUT -> {
                    invalidRequestIds.put(id, kind);
                    s = pipe(req, task, request(id, task, random.nextBoolean() ? "" : "   "));
                }
                case HUGE_INPUT -> {
                    invalidRequestIds.put(id, kind);
                    s = pipe(req, task, request(id, task, "x".repeat(10 * 1024 * 1024)));
                }
                case EMPTY_LABEL -> s = pipe(resp, task, response(id, task, "", "text with no label"));
                case ORPHAN_RESPONSE -> s = pipe(resp, task, response("orphan-" + id, task, "intent_1", null));
                case DUPLICATE_REQUEST -> s = pipe(req, "dup", sentRequests.get(random.nextInt(sentRequests.size())));
                case DUPLICATE_RESPONSE -> s = pipe(resp, "dup", sentResponses.get(random.nextInt(sentResponses.size())));
                case LABEL_FLOOD -> {
                    // learned (backfill with an input); beyond label.cap also copied to the DLQ
                    final int label = floodLabels++;
                    floodLearned++;
                    s = pipe(resp, "fuzz-flood", response(id, "fuzz-flood", "flood-" + label, "flood text " + label));
                    if (label < CAP) {
                        return; // within the cap: a valid trace
                    }
                }
                case TASK_LIMIT_REQUEST -> {
                    // a new task each time: the tasks of the corpus already fill tasks.max
                    limitRequestIds.add(id);
                    s = pipe(req, "over-cap", request(id, "over-cap-" + id, "a task beyond the cap"));
                }
                case TASK_LIMIT_RESPONSE -> s = pipe(resp, "over-cap", response(id, "over-cap-" + id, "intent_0", "beyond the cap"));
                default -> throw new IllegalStateException(kind.name());
            }
            if (kind != Bad.TASK_LIMIT_REQUEST) {
                bad.put(s, kind);
            }
            for (final var kv : h.decisions.readKeyValuesToList()) {
                record(kv.value);
            }
        }
    }

    private static final int CAP = 16;
    /** fuzz-a, fuzz-b, fuzz-c and fuzz-flood: every further task is beyond the cap. */
    private static final int TASKS_MAX = TASKS.size() + 1;

    private static int indexOf(final byte[] haystack, final byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("placeholder not found");
    }

    private static String header(final TestRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterOrRejectEveryBadRecordAndDecideOrLearnEveryValidOne() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        settings.put(TracerConfig.LABEL_CAP_CONFIG, Integer.toString(CAP));
        settings.put(TracerConfig.LEARNERS_CONFIG, "ncm");
        settings.put(TracerConfig.SNAPSHOT_INTERVAL_CONFIG, "2000");
        settings.put(TracerConfig.MAX_INPUT_CHARS_CONFIG, "2000");
        settings.put(TracerConfig.TASKS_MAX_CONFIG, Integer.toString(TASKS_MAX));
        try (TopologyHarness h = new TopologyHarness(settings)) {
            final Fuzzer f = new Fuzzer(h, 42L);
            final Bad[] kinds = Bad.values();
            for (int i = 0; i < 200; i++) {
                f.valid(); // something to duplicate
            }
            f.bad(Bad.LABEL_FLOOD); // the flood's task is admitted before any task beyond the cap
            assertThat(f.taskOf.values()).containsAll(TASKS);
            int huge = 0;
            for (int i = 0; i < BAD_RECORDS; i++) {
                Bad kind = kinds[f.random.nextInt(kinds.length)];
                if (kind == Bad.HUGE_INPUT && huge++ >= 3) {
                    kind = Bad.RANDOM_BYTES; // three 10 MB records are plenty
                }
                f.bad(kind);
                if (f.random.nextInt(2) == 0) {
                    f.valid();
                }
            }

            // every valid request: exactly one decision; every bad record: a DLQ entry at its source, or INVALID_INPUT
            for (final String id : f.validRequests) {
                assertThat(f.decisions.get(id)).as("decisions for valid request %s", id).isEqualTo(1);
            }
            final List<RoutingDecision> late = new ArrayList<>();
            h.decisions.readValuesToList().forEach(late::add);
            assertThat(late).isEmpty();
            final Map<Sent, Integer> deadAt = new HashMap<>();
            final Map<Bad, Integer> byKind = new EnumMap<>(Bad.class);
            final List<String> strays = new ArrayList<>();
            for (final TestRecord<byte[], byte[]> r : h.dlq.readRecordsToList()) {
                final String topic = header(r, DeadLetter.SOURCE_TOPIC);
                final String offset = header(r, DeadLetter.SOURCE_OFFSET);
                final Sent at = topic == null || offset == null ? null : new Sent(topic, Long.parseLong(offset));
                if (at == null || !f.bad.containsKey(at)) {
                    strays.add(header(r, DeadLetter.REASON) + " " + at + ": " + header(r, DeadLetter.DETAIL));
                    continue;
                }
                deadAt.merge(at, 1, Integer::sum);
                byKind.merge(f.bad.get(at), 1, Integer::sum);
            }
            assertThat(strays).as("dead letters that are no bad record").isEmpty();
            final List<String> lost = new ArrayList<>();
            final Map<Bad, Integer> invalidByKind = new EnumMap<>(Bad.class);
            for (final Map.Entry<Sent, Bad> e : f.bad.entrySet()) {
                if (e.getValue().answeredInvalid()) {
                    continue;
                }
                if (deadAt.getOrDefault(e.getKey(), 0) != 1) {
                    lost.add(e.getValue() + "@" + e.getKey() + " x" + deadAt.getOrDefault(e.getKey(), 0));
                }
            }
            assertThat(lost).as("bad records not dead-lettered exactly once").isEmpty();
            for (final Map.Entry<String, Bad> e : f.invalidRequestIds.entrySet()) {
                assertThat(f.decisions.get(e.getKey())).as("decisions for %s request %s", e.getValue(), e.getKey()).isEqualTo(1);
                assertThat(f.decisionOf.get(e.getKey()).getDecision()).isEqualTo(Decision.DEFERRED);
                assertThat(f.decisionOf.get(e.getKey()).getReason()).as("%s request %s", e.getValue(), e.getKey())
                        .isEqualTo(Reason.INVALID_INPUT);
                invalidByKind.merge(e.getValue(), 1, Integer::sum);
            }
            for (final String id : f.limitRequestIds) {
                assertThat(f.decisions.get(id)).as("decisions for the request %s beyond the cap", id).isEqualTo(1);
                assertThat(f.decisionOf.get(id).getDecision()).isEqualTo(Decision.DEFERRED);
                assertThat(f.decisionOf.get(id).getReason()).isEqualTo(Reason.TASK_LIMIT);
            }
            assertThat(f.limitRequestIds).isNotEmpty();
            assertThat(byKind.get(Bad.TASK_LIMIT_RESPONSE)).isPositive();
            assertThat(f.bad.size() + f.limitRequestIds.size()).isGreaterThanOrEqualTo(10_000);

            // the counters agree with what came out
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).as("traces learned").isEqualTo(f.validResponses + f.floodLearned);
            assertThat(h.counters.deadLetters()).isEqualTo(deadAt.values().stream().mapToLong(Integer::longValue).sum());
            assertThat(h.counters.get(Counter.DECISIONS)).isEqualTo(f.validRequests.size() + f.invalidRequestIds.size()
                    + f.limitRequestIds.size());
            assertThat(h.counters.get(Counter.REQUESTS_TASK_LIMIT)).isEqualTo(f.limitRequestIds.size());
            System.out.printf("fuzz: %d bad records (%d dead-lettered by kind %s; %d answered INVALID_INPUT by kind %s; "
                            + "%d answered TASK_LIMIT), %d valid requests decided once, %d valid responses and %d flood traces "
                            + "learned%n", f.bad.size() + f.limitRequestIds.size(), deadAt.size(), byKind, f.invalidRequestIds.size(),
                    invalidByKind, f.limitRequestIds.size(), f.validRequests.size(), f.validResponses, f.floodLearned);
        }
    }

    /**
     * A record larger than the producer's max.request.size (1 MiB by default) must not be written to any topic: not
     * held in the featurize buffer's changelog, not copied into the repartition topic or the DLQ. (On a real broker the
     * failed send killed the stream thread on that record after every restart: {@code tracer bench fuzz} found it.)
     */
    @Test
    void shouldWriteNoRecordLargerThanTheProducerLimitWhateverTheInput() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            final Fuzzer f = new Fuzzer(h, 3L);
            for (int i = 0; i < 20; i++) {
                f.valid();
            }
            f.bad(Bad.HUGE_INPUT);
            final byte[] noise = new byte[2 * 1024 * 1024];
            f.random.nextBytes(noise);
            noise[0] = 7;
            final Sent undecodable = f.pipe(h.config.topics().requests(), "fuzz-a", noise);
            final Sent hugeResponse = f.pipe(h.config.topics().responses(), "fuzz-a",
                    f.response("never-requested", "fuzz-a", "intent_0", "y".repeat(3 * 1024 * 1024)));
            for (int i = 0; i < 20; i++) {
                f.valid();
            }
            for (final var kv : h.decisions.readKeyValuesToList()) {
                f.record(kv.value);
            }
            final Map<Long, String> deadByOffset = new HashMap<>();
            for (final TestRecord<byte[], byte[]> r : h.dlq.readRecordsToList()) { // read first: a topic's records are read once
                assertThat(r.value()).isNull();
                if (header(r, DeadLetter.REASON).equals(DeadLetterReason.UNDECODABLE.code())) {
                    assertThat(header(r, DeadLetter.DETAIL)).contains("is not copied");
                }
                deadByOffset.put(Long.parseLong(header(r, DeadLetter.SOURCE_OFFSET)), header(r, DeadLetter.SOURCE_TOPIC));
            }
            final List<String> tooLarge = new ArrayList<>();
            for (final String topic : h.driver.producedTopicNames()) {
                final var out = h.driver.createOutputTopic(topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
                for (final TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
                    if (r.value() != null && r.value().length > 1024 * 1024) {
                        tooLarge.add(topic + ": " + r.value().length + " bytes");
                    }
                }
            }
            assertThat(tooLarge).as("records above the producer's 1 MiB default").isEmpty();
            final String id = f.invalidRequestIds.keySet().iterator().next();
            assertThat(f.decisionOf.get(id).getReason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(f.validRequests).allSatisfy(v -> assertThat(f.decisions.get(v)).isEqualTo(1));
            assertThat(deadByOffset).containsEntry(undecodable.offset(), undecodable.topic())
                    .containsEntry(hugeResponse.offset(), hugeResponse.topic()).hasSize(2);
        }
    }

    @Test
    void shouldAnswerARequestWhoseInputIsNotValidUtf8AsInvalidInput() {
        try (TopologyHarness h = new TopologyHarness(TopologyHarness.settings(stateDir))) {
            final Fuzzer f = new Fuzzer(h, 1L);
            f.bad(Bad.INVALID_UTF8_INPUT);
            final String id = f.invalidRequestIds.keySet().iterator().next();
            assertThat(f.decisions).containsOnlyKeys(id).containsEntry(id, 1);
            assertThat(f.decisionOf.get(id).getDecision()).isEqualTo(Decision.DEFERRED);
            assertThat(f.decisionOf.get(id).getReason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }
}
