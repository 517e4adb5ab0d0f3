/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.topology.TracerTopics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calling service and the LLM of the evaluation protocol, on real topics: publishes requests, reads
 * decisions with read_committed, and answers every deferred or audited request with its true label.
 * Everything it read is kept for assertions.
 */
final class LlmSimulator implements AutoCloseable {

    final Map<String, List<RoutingDecision>> decisionsById = new LinkedHashMap<>();
    final List<GateEvent> gateEvents = new ArrayList<>();
    final List<TaskStats> stats = new ArrayList<>();
    final List<Map<String, String>> deadLetters = new ArrayList<>();
    final Map<String, String> labels = new HashMap<>();
    int responsesSent;
    int requestsSent;

    private final TracerConfig.Topics topics;
    private final TopicSerdes serdes;
    private final KafkaProducer<String, LlmRequest> requests;
    private final KafkaProducer<String, LlmResponse> responses;
    private final KafkaProducer<byte[], byte[]> raw;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SyntheticIntents intents;
    private final String task;
    private int next;

    LlmSimulator(final TracerConfig config, final String task, final long seed) {
        this.topics = config.topics();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            TracerTopics.ensure(admin, config);
        }
        this.serdes = TopicSerdes.fromConfig(config);
        this.task = task;
        this.intents = new SyntheticIntents(5, seed);
        final Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        requests = new KafkaProducer<>(p, new StringSerializer(), serdes.request().serializer());
        responses = new KafkaProducer<>(p, new StringSerializer(), serdes.response().serializer());
        raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> parts = new ArrayList<>();
        for (final String t : List.of(topics.decisions(), topics.gateEvents(), topics.taskStats(), topics.dlq())) {
            for (final PartitionInfo pi : consumer.partitionsFor(t, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(t, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Publishes {@code n} requests without waiting; returns their ids. */
    List<String> sendRequests(final int n) {
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final SyntheticIntents.Example ex = intents.next();
            final String id = task + "-" + next++;
            labels.put(id, ex.label() + "\u0000" + ex.text());
            requests.send(new ProducerRecord<>(topics.requests(), task, LlmRequest.newBuilder().setRequestId(id).setTask(task)
                    .setInput(ex.text()).setTimestamp(Instant.now()).build()));
            ids.add(id);
            requestsSent++;
        }
        requests.flush();
        return ids;
    }

    /** Publishes raw bytes to the requests topic. */
    void sendRawRequest(final byte[] value) {
        raw.send(new ProducerRecord<>(topics.requests(), task.getBytes(StandardCharsets.UTF_8), value));
        raw.flush();
    }

    /** Waits for a decision for every id, then answers the deferred and audited ones. */
    void answer(final List<String> ids, final Duration timeout) {
        awaitDecisions(ids, timeout);
        for (final String id : ids) {
            final RoutingDecision d = decisionsById.get(id).get(0);
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                final String[] labelAndText = labels.get(id).split("\u0000", 2);
                responses.send(new ProducerRecord<>(topics.responses(), task, LlmResponse.newBuilder().setRequestId(id)
                        .setTask(task).setLabel(labelAndText[0]).setModel("sim").setTimestamp(Instant.now()).build()));
                responsesSent++;
            }
        }
        responses.flush();
    }

    /** One round: n requests, their decisions, the LLM's answers. */
    List<String> round(final int n, final Duration timeout) {
        final List<String> ids = sendRequests(n);
        answer(ids, timeout);
        return ids;
    }

    void awaitDecisions(final List<String> ids, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!ids.stream().allMatch(decisionsById::containsKey)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no decision within " + timeout + " for "
                        + ids.stream().filter(id -> !decisionsById.containsKey(id)).limit(5).toList() + " ...");
            }
            poll();
        }
    }

    /** Reads outputs until the condition holds or the timeout passes; returns whether it held. */
    boolean pollUntil(final java.util.function.BooleanSupplier condition, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            poll();
        }
        return true;
    }

    void poll() {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (r.topic().equals(topics.decisions())) {
                final RoutingDecision d = serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value());
                decisionsById.computeIfAbsent(d.getRequestId(), k -> new ArrayList<>()).add(d);
            } else if (r.topic().equals(topics.gateEvents())) {
                gateEvents.add(serdes.gate().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else if (r.topic().equals(topics.taskStats())) {
                stats.add(serdes.stats().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else {
                final Map<String, String> h = new LinkedHashMap<>();
                for (final Header header : r.headers()) {
                    h.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                }
                deadLetters.add(h);
            }
        }
    }

    TaskStats latestStats() {
        return stats.isEmpty() ? null : stats.get(stats.size() - 1);
    }

    @Override
    public void close() {
        requests.close(Duration.ofSeconds(2));
        responses.close(Duration.ofSeconds(2));
        raw.close(Duration.ofSeconds(2));
        consumer.close(Duration.ofSeconds(2));
        serdes.close();
    }
}
