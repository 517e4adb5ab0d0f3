/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver of the fault suite (the role of Apache Kafka's {@code EosTestDriver#generate}) and the simulated LLM:
 * publishes requests over several tasks, plants a known set of bad records among them, reads the decisions with
 * read_committed and answers every deferred or audited request with its label, as the calling service and its LLM
 * would. It remembers everything it published, for the {@link ChaosVerifier}.
 *
 * <p>Planted bad records, in turn, one every {@code badEvery} requests: random bytes (undecodable), an Avro request
 * cut short (undecodable), a request without request id (missing field), a response to an id never requested and
 * without input (response without request), and a repeat of an earlier request (duplicate request). The LLM also
 * answers every tenth request twice (duplicate response). Every twentieth request has an empty input: a valid
 * request, answered DEFERRED with reason INVALID_INPUT, which the LLM does not answer.
 */
final class ChaosDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosDriver.class);

    private final TracerConfig.Topics topics;
    private final TopicSerdes serdes;
    private final List<String> tasks;
    private final int badEvery;
    private final Random random;
    private final SyntheticIntents intents;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread llm;

    private final Map<String, String> requested = new LinkedHashMap<>();
    private final Map<String, String> labels = new HashMap<>();
    private final Set<String> decided = new LinkedHashSet<>();
    private final Set<String> accepted = new LinkedHashSet<>();
    private final Set<Position> planted = new LinkedHashSet<>();
    private final List<ProducerRecord<byte[], byte[]>> recentRequests = new ArrayList<>();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private long next;
    private int plantedKind;
    private volatile boolean closed;

    ChaosDriver(final TracerConfig config, final List<String> tasks, final long seed, final int badEvery) {
        this.topics = config.topics();
        this.serdes = TopicSerdes.fromConfig(config);
        this.tasks = List.copyOf(tasks);
        this.badEvery = badEvery;
        this.random = new Random(seed);
        this.intents = new SyntheticIntents(6, seed);
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        consumer = OutputReader.fromBeginning(config.bootstrapServers(), List.of(topics.decisions()), 500);
        llm = new Thread(this::answerLoop, "chaos-llm");
        llm.setDaemon(true);
        llm.start();
    }

    /** Publishes {@code n} requests round robin over the tasks, with the planted bad records due among them. */
    void send(final int n) {
        for (int i = 0; i < n; i++) {
            final long seq = next++;
            final String task = tasks.get((int) (seq % tasks.size()));
            final String id = task + "-" + seq;
            final SyntheticIntents.Example ex = intents.next();
            final String input = seq % 20 == 19 ? "" : ex.text();
            final LlmRequest request = LlmRequest.newBuilder().setRequestId(id).setTask(task).setInput(input)
                    .setTimestamp(Instant.now()).build();
            final byte[] value;
            try {
                value = serdes.request().serializer().serialize(topics.requests(), request);
            } catch (final RuntimeException e) { // e.g. the registry is down and the schema id not cached
                sendFailures.incrementAndGet();
                LOG.warn("request {} not serialized: {}", id, e.toString());
                continue;
            }
            final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.requests(), bytes(task), value);
            synchronized (this) {
                requested.put(id, task);
                if (!input.isEmpty()) {
                    labels.put(id, ex.label());
                }
                recentRequests.add(record);
                if (recentRequests.size() > 50) {
                    recentRequests.remove(0);
                }
            }
            producer.send(record, (md, e) -> {
                if (e != null) {
                    sendFailures.incrementAndGet();
                    LOG.error("request {} not sent: {}", id, e.toString());
                    synchronized (this) {
                        requested.remove(id);
                    }
                }
            });
            if (badEvery > 0 && seq % badEvery == badEvery - 1) {
                plant(task);
            }
        }
    }

    private void plant(final String task) {
        try {
            plantOne(task);
        } catch (final RuntimeException e) { // e.g. the registry is down and the schema id not cached
            sendFailures.incrementAndGet();
            LOG.warn("planted record not serialized: {}", e.toString());
        }
    }

    private void plantOne(final String task) {
        final int kind = plantedKind++ % 5;
        final ProducerRecord<byte[], byte[]> bad;
        switch (kind) {
            case 0 -> {
                final byte[] noise = new byte[1 + random.nextInt(200)];
                random.nextBytes(noise);
                noise[0] = (byte) (1 + random.nextInt(100)); // not the wire format's magic byte 0
                bad = new ProducerRecord<>(topics.requests(), bytes(task), noise);
            }
            case 1 -> {
                final LlmRequest r = LlmRequest.newBuilder().setRequestId("cut-" + next).setTask(task)
                        .setInput("a request cut short on the wire").setTimestamp(Instant.now()).build();
                final byte[] whole = serdes.request().serializer().serialize(topics.requests(), r);
                bad = new ProducerRecord<>(topics.requests(), bytes(task), Arrays.copyOf(whole, 5 + random.nextInt(whole.length - 6)));
            }
            case 2 -> bad = new ProducerRecord<>(topics.requests(), bytes(task), serdes.request().serializer().serialize(
                    topics.requests(), LlmRequest.newBuilder().setRequestId("").setTask(task).setInput("no id")
                            .setTimestamp(Instant.now()).build()));
            case 3 -> bad = new ProducerRecord<>(topics.responses(), bytes(task), serdes.response().serializer().serialize(
                    topics.responses(), LlmResponse.newBuilder().setRequestId("orphan-" + next).setTask(task).setLabel("intent_0")
                            .setModel("chaos").setTimestamp(Instant.now()).build()));
            default -> {
                final ProducerRecord<byte[], byte[]> earlier;
                synchronized (this) {
                    earlier = recentRequests.get(random.nextInt(recentRequests.size()));
                }
                bad = new ProducerRecord<>(earlier.topic(), earlier.key(), earlier.value());
            }
        }
        sendPlanted(bad);
    }

    private void sendPlanted(final ProducerRecord<byte[], byte[]> bad) {
        producer.send(bad, (md, e) -> {
            if (e != null) {
                sendFailures.incrementAndGet();
                LOG.error("planted record not sent: {}", e.toString());
            } else {
                synchronized (this) {
                    planted.add(new Position(md.topic(), md.partition(), md.offset()));
                }
            }
        });
    }

    private void answerLoop() {
        try {
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    final RoutingDecision d = serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value());
                    answer(d);
                }
                producer.flush();
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            LOG.error("the simulated LLM stopped", e);
        }
    }

    private void answer(final RoutingDecision d) {
        final String id = d.getRequestId();
        final String task;
        final String label;
        synchronized (this) {
            if (!requested.containsKey(id) || !decided.add(id)) {
                return; // not ours (the verifier counts it), or a second decision: the LLM answers once
            }
            task = requested.get(id);
            label = labels.get(id);
        }
        final boolean llmAnswers = (d.getDecision() == Decision.DEFERRED || d.getAudit()) && d.getReason() != Reason.INVALID_INPUT
                && label != null;
        if (!llmAnswers) {
            return;
        }
        final byte[] value;
        try {
            value = serdes.response().serializer().serialize(topics.responses(), LlmResponse.newBuilder()
                    .setRequestId(id).setTask(task).setLabel(label).setModel("chaos-llm").setTimestamp(Instant.now()).build());
        } catch (final RuntimeException e) { // the LLM's answer is lost: not an accepted response
            sendFailures.incrementAndGet();
            LOG.warn("response {} not serialized: {}", id, e.toString());
            return;
        }
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.responses(), bytes(task), value);
        synchronized (this) {
            accepted.add(id);
        }
        producer.send(record, (md, e) -> {
            if (e != null) {
                sendFailures.incrementAndGet();
                LOG.error("response {} not sent: {}", id, e.toString());
                synchronized (this) {
                    accepted.remove(id);
                }
            }
        });
        if (answered.incrementAndGet() % 10 == 0) {
            sendPlanted(new ProducerRecord<>(record.topic(), record.key(), record.value()));
        }
    }

    /** Waits until every request published has a decision and the answers are sent; false on timeout. */
    boolean awaitDecided(final Duration timeout) throws InterruptedException {
        producer.flush();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (decided.containsAll(requested.keySet())) {
                    break;
                }
            }
            Thread.sleep(100);
        }
        Thread.sleep(500); // the answer loop flushes after each poll
        producer.flush();
        synchronized (this) {
            return decided.containsAll(requested.keySet());
        }
    }

    /** Requests published so far. */
    synchronized long requests() {
        return requested.size();
    }

    /** Requests with a decision seen so far. */
    synchronized long decided() {
        return decided.size();
    }

    /** Accepted responses per task, so far. */
    synchronized Map<String, Long> acceptedPerTask() {
        final Map<String, Long> out = new HashMap<>();
        for (final String id : accepted) {
            out.merge(requested.get(id), 1L, Long::sum);
        }
        return out;
    }

    /** Records the producer could not deliver (they are not counted as published). */
    long sendFailures() {
        return sendFailures.get();
    }

    /** Everything published, for the verifier. */
    ChaosVerifier.Published published() {
        producer.flush(); // not under the lock: the send callbacks take it
        synchronized (this) {
            return new ChaosVerifier.Published(Map.copyOf(requested), Set.copyOf(accepted), Set.copyOf(planted));
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
