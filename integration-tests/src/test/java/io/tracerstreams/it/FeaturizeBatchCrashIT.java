/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.broker.RegistryServer;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.topology.TopicSerdes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The featurize stage's batches across a SIGKILL: {@code tracer run} (TracerAppCli, a real OS process) holds
 * requests in its changelogged featurize buffer (a long batch wait), is killed with SIGKILL while records are held
 * and committed there, and is started again on the same state directory. Under exactly_once_v2 every request gets
 * exactly one committed decision; under at_least_once every request gets at least one.
 */
class FeaturizeBatchCrashIT {

    private static final int FIRST = 150;
    private static final int SECOND = 150;
    private static EmbeddedKafka kafka;
    private static RegistryServer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        registry = RegistryServer.start(0, null);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void shouldLoseNoHeldRecordAndUnderExactlyOnceDuplicateNoneWhenKilledMidBatch(final String guarantee) throws Exception {
        final String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        final Properties p = new Properties();
        p.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        p.put(TracerConfig.APPLICATION_ID_CONFIG, prefix);
        p.put(TracerConfig.TOPIC_REQUESTS_CONFIG, prefix + ".requests");
        p.put(TracerConfig.TOPIC_RESPONSES_CONFIG, prefix + ".responses");
        p.put(TracerConfig.TOPIC_DECISIONS_CONFIG, prefix + ".decisions");
        p.put(TracerConfig.TOPIC_DLQ_CONFIG, prefix + ".dlq");
        p.put(TracerConfig.TOPIC_GATE_EVENTS_CONFIG, prefix + ".gate-events");
        p.put(TracerConfig.TOPIC_GATE_STATE_CONFIG, prefix + ".gate-state");
        p.put(TracerConfig.TOPIC_TASK_STATS_CONFIG, prefix + ".task-stats");
        p.put(TracerConfig.TOPIC_REPORTS_CONFIG, prefix + ".reports");
        p.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, "2");
        p.put(TracerConfig.TOPICS_REPLICATION_FACTOR_CONFIG, "1");
        p.put(TracerConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(TracerConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        p.put(TracerConfig.EMBEDDING_MODEL_CONFIG, "hashing");
        // records wait up to 4 s for batch-mates, so that a kill finds them held (and committed) in the buffer
        p.put(TracerConfig.FEATURIZE_BATCH_MAX_TEXTS_CONFIG, "1000");
        p.put(TracerConfig.FEATURIZE_BATCH_MAX_WAIT_MS_CONFIG, "4000");
        final Path file = dir.resolve("tracer.properties");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        final TracerConfig config = TracerConfig.load(file, Map.of(), Map.of());
        final String changelog = prefix + "-tracer-featurize-buffer-changelog";

        try (TopicSerdes serdes = TopicSerdes.fromConfig(config);
             KafkaProducer<String, LlmRequest> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
                     serdes.request().serializer())) {
            final Process first = run(file, "first");
            try {
                send(producer, config, 0, FIRST);
                awaitDecisions(config, serdes, FIRST, Duration.ofMinutes(3));
                send(producer, config, FIRST, FIRST + SECOND);
                // the second lot is read, held and committed to the buffer's changelog, but not yet embedded
                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (heldInChangelog(changelog) < SECOND / 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(heldInChangelog(changelog)).as("records held in the buffer at the kill").isPositive();
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, the open transaction is left behind
                first.waitFor(30, TimeUnit.SECONDS);
            }
            final List<String> beforeRestart = decisionIds(config, serdes);
            assertThat(beforeRestart.size()).as("decided before the kill").isLessThan(FIRST + SECOND);

            final Process second = run(file, "second");
            try {
                awaitDecisions(config, serdes, FIRST + SECOND, Duration.ofMinutes(3));
                Thread.sleep(6_000); // anything extra (a duplicate) would be committed by now
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
                second.destroyForcibly();
            }
            final List<String> ids = decisionIds(config, serdes);
            final Set<String> expected = new HashSet<>();
            for (int i = 0; i < FIRST + SECOND; i++) {
                expected.add("r-" + i);
            }
            assertThat(new HashSet<>(ids)).as("every request decided").isEqualTo(expected);
            if (guarantee.equals("exactly_once_v2")) {
                assertThat(ids).as("no request decided twice").hasSize(FIRST + SECOND);
            }
        }
    }

    /** {@code tracer run --config FILE} as a child JVM on this test's classpath. */
    private Process run(final Path config, final String name) throws IOException {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "io.tracerstreams.cli.TracerAppCli", "run", "--config", config.toString()));
        final ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        b.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        b.environment().keySet().removeIf(k -> k.startsWith("TRACER_"));
        return b.start();
    }

    private static void send(final KafkaProducer<String, LlmRequest> producer, final TracerConfig config, final int from,
                             final int to) {
        for (int i = from; i < to; i++) {
            final String id = "r-" + i;
            producer.send(new ProducerRecord<>(config.topics().requests(), id, LlmRequest.newBuilder().setRequestId(id)
                    .setTask("t" + (i % 3)).setInput("request number " + i + " about card " + (i % 17)).setTimestamp(Instant.now())
                    .build()));
        }
        producer.flush();
    }

    private void awaitDecisions(final TracerConfig config, final TopicSerdes serdes, final int n, final Duration timeout)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = new HashSet<>(decisionIds(config, serdes)).size();
            if (seen >= n) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("only " + seen + " of " + n + " requests decided within " + timeout + "; logs in " + dir);
    }

    /** Every committed decision's request id, read_committed from the beginning. */
    private static List<String> decisionIds(final TracerConfig config, final TopicSerdes serdes) {
        final List<String> out = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> r : readAll(config.topics().decisions())) {
            final RoutingDecision d = serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value());
            out.add(d.getRequestId());
        }
        return out;
    }

    /** Keys of the buffer's changelog whose last committed record is a value, not a tombstone. */
    private static int heldInChangelog(final String topic) {
        final Map<Bytes, Boolean> live = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> r : readAll(topic)) {
            live.put(Bytes.wrap(r.key()), r.value() != null);
        }
        return (int) live.values().stream().filter(v -> v).count();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(final String topic) {
        final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (parts.isEmpty()) {
                return out;
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
