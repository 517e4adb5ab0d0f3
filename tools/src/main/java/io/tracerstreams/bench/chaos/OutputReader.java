/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.ChaosVerifier.DeadLetterSeen;
import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.topology.TopicSerdes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every output topic from its beginning to its last stable offset with read_committed (what a downstream
 * consumer can ever see), into what the {@link ChaosVerifier} checks.
 */
final class OutputReader {

    /** Everything read: decisions, dead letters, the last stats, gate event and gate state of each task. */
    record Outputs(List<String> decisionIds, List<DeadLetterSeen> deadLetters, Map<String, TaskStats> lastStats,
                   Map<String, GateEvent> lastGateEvent, Map<String, GateEvent> lastGateState) {

        Map<String, Long> learnedPerTask() {
            final Map<String, Long> out = new HashMap<>();
            lastStats.forEach((task, s) -> out.put(task, s.getTracesSeen()));
            return out;
        }
    }

    private OutputReader() {
    }

    /**
     * A read_committed consumer assigned to every partition of {@code topics} and positioned at their beginning: how
     * the drivers and the verifier read tracer's outputs.
     */
    static KafkaConsumer<byte[], byte[]> fromBeginning(final String bootstrapServers, final List<String> topics,
                                                       final int maxPollRecords) {
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> parts = new ArrayList<>();
        for (final String topic : topics) {
            for (final PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    static Outputs readAll(final TracerConfig config, final Duration timeout) {
        final TracerConfig.Topics t = config.topics();
        final List<String> decisions = new ArrayList<>();
        final List<DeadLetterSeen> dead = new ArrayList<>();
        final Map<String, TaskStats> stats = new HashMap<>();
        final Map<String, GateEvent> events = new HashMap<>();
        final Map<String, GateEvent> state = new HashMap<>();
        try (TopicSerdes serdes = TopicSerdes.fromConfig(config);
             KafkaConsumer<byte[], byte[]> consumer = fromBeginning(config.bootstrapServers(),
                     List.of(t.decisions(), t.dlq(), t.taskStats(), t.gateEvents(), t.gateState()), 5_000)) {
            final List<TopicPartition> parts = new ArrayList<>(consumer.assignment());
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts); // read_committed: the last stable offsets
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the output topics to their end within " + timeout);
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(t.decisions())) {
                        decisions.add(serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value()).getRequestId());
                    } else if (r.topic().equals(t.dlq())) {
                        dead.add(deadLetter(r));
                    } else if (r.topic().equals(t.taskStats())) {
                        final TaskStats s = serdes.stats().deserializer().deserialize(r.topic(), r.headers(), r.value());
                        stats.put(s.getTask(), s);
                    } else if (r.topic().equals(t.gateEvents())) {
                        final GateEvent e = serdes.gate().deserializer().deserialize(r.topic(), r.headers(), r.value());
                        events.put(e.getTask(), e);
                    } else {
                        final GateEvent e = serdes.gate().deserializer().deserialize(r.topic(), r.headers(), r.value());
                        state.put(e.getTask(), e);
                    }
                }
            }
        }
        return new Outputs(decisions, dead, stats, events, state);
    }

    private static DeadLetterSeen deadLetter(final ConsumerRecord<byte[], byte[]> r) {
        final String topic = header(r, "x-tracer-source-topic");
        final String partition = header(r, "x-tracer-source-partition");
        final String offset = header(r, "x-tracer-source-offset");
        final Position p = topic == null || partition == null || offset == null ? null
                : new Position(topic, Integer.parseInt(partition), Long.parseLong(offset));
        final String reason = header(r, "x-tracer-reason");
        return new DeadLetterSeen(p, reason == null ? "(no x-tracer-reason header)" : reason);
    }

    private static String header(final ConsumerRecord<byte[], byte[]> r, final String key) {
        final Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
