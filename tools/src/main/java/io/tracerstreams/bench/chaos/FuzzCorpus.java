/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TopicSerdes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * The fuzz corpus of {@code tracer bench fuzz} on a real broker (the kinds of {@code TopologyFuzzTest}, which runs
 * them on the TopologyTestDriver), interleaved with valid traffic over three tasks, and the simulated LLM that
 * answers every deferred or audited valid request. Every record goes through one idempotent producer to topics of
 * one partition, so the broker keeps the order in which they were sent: a duplicate always follows its original.
 * It remembers where each bad record landed (topic, partition, offset), for the verification.
 */
final class FuzzCorpus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FuzzCorpus.class);

    /** Valid tasks; with the flood's task they fill tasks.max. */
    static final List<String> TASKS = List.of("fuzz-a", "fuzz-b", "fuzz-c");
    static final String FLOOD_TASK = "fuzz-flood";
    /** label.cap of the run: the label flood passes it. */
    static final int LABEL_CAP = 16;
    /** Bytes of the huge input: 10 MiB. */
    static final int HUGE = 10 * 1024 * 1024;

    /** The kinds of bad record, and where each must end. */
    enum Bad {
        RANDOM_BYTES, TRUNCATED_AVRO, UNKNOWN_SCHEMA_ID, WRONG_SCHEMA, NULL_VALUE, EMPTY_VALUE, INVALID_UTF8_INPUT,
        EMPTY_REQUEST_ID, EMPTY_TASK, CONTROL_CHAR_TASK, EMPTY_INPUT, HUGE_INPUT, EMPTY_LABEL, ORPHAN_RESPONSE,
        DUPLICATE_REQUEST, DUPLICATE_RESPONSE, LABEL_FLOOD, TASK_LIMIT_REQUEST, TASK_LIMIT_RESPONSE;

        /** The request is answered DEFERRED with this reason instead of dead-lettered; null: dead-lettered. */
        Reason answeredWith() {
            return switch (this) {
                case EMPTY_INPUT, HUGE_INPUT, INVALID_UTF8_INPUT -> Reason.INVALID_INPUT;
                case TASK_LIMIT_REQUEST -> Reason.TASK_LIMIT;
                default -> null;
            };
        }
    }

    private final TracerConfig.Topics topics;
    private final TopicSerdes serdes;
    private final Random random;
    private final SyntheticIntents intents;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread llm;

    // under this object's lock
    private final Map<Position, Bad> planted = new LinkedHashMap<>();
    private final Map<String, Bad> answeredIds = new HashMap<>();
    private final Map<Bad, Integer> refused = new EnumMap<>(Bad.class);
    private final Set<String> valid = new HashSet<>();
    private final Map<String, String> labelOf = new HashMap<>();
    private final Map<String, String> taskOf = new HashMap<>();
    private final Map<String, Integer> decisions = new HashMap<>();
    private final Map<String, RoutingDecision> decisionOf = new HashMap<>();
    private final List<ProducerRecord<byte[], byte[]>> sentRequests = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> sentResponses = new ArrayList<>();
    private long validResponses;
    private long floodLearned;
    private long unexpected;
    private long sendFailures;
    private int floodLabels;
    private int next;
    private volatile boolean closed;

    FuzzCorpus(final TracerConfig config, final long seed) {
        this.topics = config.topics();
        this.serdes = TopicSerdes.fromConfig(config);
        this.random = new Random(seed);
        this.intents = new SyntheticIntents(5, seed);
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, HUGE + 2 * 1024 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        consumer = OutputReader.fromBeginning(config.bootstrapServers(), List.of(topics.decisions()), 500);
        llm = new Thread(this::answerLoop, "fuzz-llm");
        llm.setDaemon(true);
        llm.start();
    }

    private byte[] request(final String id, final String task, final String input) {
        return serdes.request().serializer().serialize(topics.requests(), LlmRequest.newBuilder().setRequestId(id).setTask(task)
                .setInput(input).setTimestamp(Instant.now()).build());
    }

    private byte[] response(final String id, final String task, final String label, final String input) {
        return serdes.response().serializer().serialize(topics.responses(), LlmResponse.newBuilder().setRequestId(id)
                .setTask(task).setLabel(label).setInput(input).setModel("fuzz").setTimestamp(Instant.now()).build());
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One valid request over the three tasks. */
    void valid() {
        final String task = TASKS.get(random.nextInt(TASKS.size()));
        final SyntheticIntents.Example ex = intents.next();
        final String id = "v-" + next++;
        final ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.requests(), bytes(task), request(id, task, ex.text()));
        synchronized (this) {
            valid.add(id);
            labelOf.put(id, ex.label());
            taskOf.put(id, task);
        }
        producer.send(r, (md, e) -> {
            if (e != null) {
                LOG.error("valid request {} not sent: {}", id, e.toString());
                synchronized (this) {
                    sendFailures++;
                    valid.remove(id);
                }
            }
        });
        synchronized (this) {
            sentRequests.add(r); // only once sent: a copy is always sent after its original
        }
    }

    /** One bad record of the given kind (a label flood record within the cap is a valid trace, not counted as bad). */
    void bad(final Bad kind) {
        final String req = topics.requests();
        final String resp = topics.responses();
        final String task = TASKS.get(random.nextInt(TASKS.size()));
        final String id = "b-" + next++;
        final ProducerRecord<byte[], byte[]> r;
        switch (kind) {
            case RANDOM_BYTES -> {
                final byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                if (b.length > 0 && b[0] == 0) {
                    b[0] = 7; // not the wire format's magic byte
                }
                r = new ProducerRecord<>(random.nextBoolean() ? req : resp, bytes(task), b);
            }
            case TRUNCATED_AVRO -> {
                final boolean isRequest = random.nextBoolean();
                final byte[] whole = isRequest ? request(id, task, "some text to cut " + id) : response(id, task, "x", "cut " + id);
                r = new ProducerRecord<>(isRequest ? req : resp, bytes(task), Arrays.copyOf(whole, random.nextInt(whole.length - 1)));
            }
            case UNKNOWN_SCHEMA_ID -> {
                final byte[] whole = request(id, task, "unknown schema " + id);
                ByteBuffer.wrap(whole).put(0, (byte) 0).putInt(1, 900_000 + random.nextInt(1000));
                r = new ProducerRecord<>(req, bytes(task), whole);
            }
            case WRONG_SCHEMA -> r = random.nextBoolean()
                    ? new ProducerRecord<>(req, bytes(task), serdes.stats().serializer().serialize(topics.taskStats(),
                            TaskStats.newBuilder().setTask(task).setTracesSeen(1).setRequestsSeen(1).setHandled(0).setDeferred(1)
                                    .setAudited(0).setTeacherCallsSaved(0).setEstimatedCostSaved(0).setGateState(GateState.CLOSED)
                                    .setAlpha(0.9).setAgreement(0).setAgreementLower(0).setAgreementUpper(1)
                                    .setCoverageEstimate(0).setTimestamp(Instant.now()).build()))
                    : new ProducerRecord<>(resp, bytes(task), request(id, task, "a request on the responses topic"));
            case NULL_VALUE -> r = new ProducerRecord<>(random.nextBoolean() ? req : resp, bytes(task), null);
            case EMPTY_VALUE -> r = new ProducerRecord<>(random.nextBoolean() ? req : resp, bytes(task), new byte[0]);
            case INVALID_UTF8_INPUT -> {
                final byte[] v = request(id, task, "PLACEHOLDER");
                final int at = indexOf(v, bytes("PLACEHOLDER"));
                final byte[] garbage = {(byte) 0xC3, (byte) 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, (byte) 0x28, (byte) 0xA1,
                    (byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0xBC};
                System.arraycopy(garbage, 0, v, at, garbage.length);
                r = new ProducerRecord<>(req, bytes(task), v);
            }
            case EMPTY_REQUEST_ID -> r = random.nextBoolean() ? new ProducerRecord<>(req, bytes(task), request("", task, "no id"))
                    : new ProducerRecord<>(resp, bytes(task), response(" ", task, "intent_0", "no id"));
            case EMPTY_TASK -> r = new ProducerRecord<>(req, bytes(""), request(id, "", "no task"));
            case CONTROL_CHAR_TASK -> r = new ProducerRecord<>(req, bytes(task), request(id, "bad\u0000task", "control character"));
            case EMPTY_INPUT -> r = new ProducerRecord<>(req, bytes(task), request(id, task, random.nextBoolean() ? "" : "   "));
            case HUGE_INPUT -> r = new ProducerRecord<>(req, bytes(task), request(id, task, "x".repeat(HUGE)));
            case EMPTY_LABEL -> r = new ProducerRecord<>(resp, bytes(task), response(id, task, "", "text with no label"));
            case ORPHAN_RESPONSE -> r = new ProducerRecord<>(resp, bytes(task), response("orphan-" + id, task, "intent_1", null));
            case DUPLICATE_REQUEST -> {
                synchronized (this) {
                    final ProducerRecord<byte[], byte[]> earlier = sentRequests.get(random.nextInt(sentRequests.size()));
                    r = new ProducerRecord<>(earlier.topic(), earlier.key(), earlier.value());
                }
            }
            case DUPLICATE_RESPONSE -> {
                synchronized (this) {
                    if (sentResponses.isEmpty()) {
                        bad(Bad.ORPHAN_RESPONSE);
                        return;
                    }
                    final ProducerRecord<byte[], byte[]> earlier = sentResponses.get(random.nextInt(sentResponses.size()));
                    r = new ProducerRecord<>(earlier.topic(), earlier.key(), earlier.value());
                }
            }
            case LABEL_FLOOD -> {
                // learned (backfill with an input); beyond label.cap also copied to the DLQ
                final int label;
                synchronized (this) {
                    label = floodLabels++;
                    floodLearned++;
                }
                r = new ProducerRecord<>(resp, bytes(FLOOD_TASK), response(id, FLOOD_TASK, "flood-" + label, "flood text " + label));
                if (label < LABEL_CAP) {
                    send(r, null, id);
                    return;
                }
            }
            case TASK_LIMIT_REQUEST -> r = new ProducerRecord<>(req, bytes("over-cap"), request(id, "over-cap-" + id, "beyond the cap"));
            case TASK_LIMIT_RESPONSE -> r = new ProducerRecord<>(resp, bytes("over-cap"), response(id, "over-cap-" + id, "intent_0",
                    "beyond the cap"));
            default -> throw new IllegalStateException(kind.name());
        }
        if (kind.answeredWith() != null) {
            synchronized (this) {
                answeredIds.put(id, kind);
            }
        }
        send(r, kind, id);
    }

    private void send(final ProducerRecord<byte[], byte[]> r, final Bad kind, final String id) {
        producer.send(r, (md, e) -> {
            synchronized (this) {
                if (e != null) {
                    LOG.warn("{} record not accepted by the broker: {}", kind == null ? "flood" : kind, e.toString());
                    refused.merge(kind == null ? Bad.LABEL_FLOOD : kind, 1, Integer::sum);
                    answeredIds.remove(id);
                    if (kind == Bad.LABEL_FLOOD || kind == null) {
                        floodLearned--;
                    }
                } else if (kind != null && kind.answeredWith() == null) {
                    planted.put(new Position(md.topic(), md.partition(), md.offset()), kind);
                }
            }
        });
    }

    private void answerLoop() {
        try {
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    answer(serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value()));
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            LOG.error("the simulated LLM stopped", e);
        }
    }

    private void answer(final RoutingDecision d) {
        final String id = d.getRequestId();
        final ProducerRecord<byte[], byte[]> r;
        synchronized (this) {
            final int n = decisions.merge(id, 1, Integer::sum);
            decisionOf.putIfAbsent(id, d);
            if (!valid.contains(id) && !answeredIds.containsKey(id)) {
                unexpected++;
                return;
            }
            if (n > 1 || !valid.contains(id) || (d.getDecision() != Decision.DEFERRED && !d.getAudit())) {
                return;
            }
            r = new ProducerRecord<>(topics.responses(), bytes(taskOf.get(id)), response(id, taskOf.get(id), labelOf.get(id), null));
            validResponses++;
        }
        producer.send(r, (md, e) -> {
            if (e != null) {
                LOG.error("response {} not sent: {}", id, e.toString());
                synchronized (this) {
                    sendFailures++;
                    validResponses--;
                }
            }
        });
        synchronized (this) {
            sentResponses.add(r); // only once sent: a copy is always sent after its original
        }
    }

    void flush() {
        producer.flush();
    }

    /** What the corpus expects and what it saw of the decisions, for {@link FuzzVerdict}. */
    synchronized Expected expected() {
        return new Expected(Set.copyOf(valid), Map.copyOf(answeredIds), Map.copyOf(planted), new EnumMap<>(refused),
                Map.copyOf(decisions), Map.copyOf(decisionOf), validResponses, floodLearned, unexpected, sendFailures);
    }

    /** Everything the verification needs from the driver's side. */
    record Expected(Set<String> valid, Map<String, Bad> answered, Map<Position, Bad> planted, Map<Bad, Integer> refused,
                    Map<String, Integer> decisions, Map<String, RoutingDecision> decisionOf, long validResponses,
                    long floodLearned, long unexpected, long sendFailures) {
    }

    /** Whether every valid and answered request has a decision so far. */
    synchronized boolean allDecided() {
        return decisions.keySet().containsAll(valid) && decisions.keySet().containsAll(answeredIds.keySet());
    }

    synchronized int validCount() {
        return valid.size();
    }

    synchronized int decidedValid() {
        int n = 0;
        for (final String id : valid) {
            if (decisions.containsKey(id)) {
                n++;
            }
        }
        return n;
    }

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

    Random random() {
        return random;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        llm.join(5_000);
        consumer.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(5));
        serdes.close();
    }
}
