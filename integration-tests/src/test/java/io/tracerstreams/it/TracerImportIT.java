/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.backfill.FileImport;
import io.tracerstreams.backfill.ImportSummary;
import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.broker.RegistryServer;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.TracerSerdes;
import io.tracerstreams.testkit.GenAiSpans;
import io.tracerstreams.tools.TracerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracer import} on a real broker and an HTTP registry: JSON lines, CSV and OTLP JSON files with bad records
 * in them, a summary by reason, nothing produced twice on a re-run, and no duplicates after the import process is
 * killed with SIGKILL part-way and run again.
 */
class TracerImportIT {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    private static Map<String, String> settings(final String prefix) {
        final Map<String, String> m = new HashMap<>();
        m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        m.put(TracerConfig.TOPIC_RESPONSES_CONFIG, prefix + ".responses");
        m.put(TracerConfig.TOPIC_REQUESTS_CONFIG, prefix + ".requests");
        m.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, "2");
        m.put(TracerConfig.TOPICS_REPLICATION_FACTOR_CONFIG, "1");
        return m;
    }

    /** Every committed value of a topic, read_committed, from the beginning. */
    private static List<ConsumerRecord<String, byte[]>> readAll(final String topic) {
        final List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<LlmResponse> responses(final String topic) {
        final var d = TracerSerdes.llmResponse(registry.url(), false).deserializer();
        return readAll(topic).stream().map(r -> d.deserialize(topic, r.value())).toList();
    }

    @Test
    void shouldImportJsonLinesCsvAndOtlpJsonWithASummaryAndNothingTwiceOnARerun() throws Exception {
        final String prefix = "imp-" + UUID.randomUUID().toString().substring(0, 8);
        final Path jsonl = dir.resolve("traces.jsonl");
        Files.write(jsonl, List.of("{\"input\":\"my card is lost\",\"teacher\":\"lost_card\"}",
                "{\"input\":\"refund please\",\"teacher\":\"refund\"}", "not json at all",
                "{\"input\":\"no label here\"}", "{\"id\":\"call-7\",\"input\":\"pin blocked\",\"teacher\":\"pin\"}"));
        final Path csv = dir.resolve("calls.csv");
        Files.writeString(csv, "text,label\n\"hello, there\",greeting\nbye,farewell\n");
        final Path otlp = dir.resolve("spans.jsonl");
        Files.write(otlp, List.of(
                GenAiSpans.toOtlpJson(GenAiSpans.batch(GenAiSpans.current(1, null, "where is my card", "card_arrival"),
                        GenAiSpans.embeddings(2)), false),
                GenAiSpans.toOtlpJson(GenAiSpans.batch(GenAiSpans.legacyEvents(3, null, "top up failed", "top_up")), true)));
        final TracerConfig config = TracerConfig.load(null, Map.of(), settings(prefix));
        final FileImport importer = new FileImport(config, Map.of(), Optional.of("intents"), FileImport.Target.RESPONSES, 2, 0);
        final List<String> notices = new ArrayList<>();
        final ImportSummary a = importer.run(jsonl, FileImport.detect(jsonl), (n, total) -> { }, notices::add);
        assertThat(a.read()).isEqualTo(5);
        assertThat(a.produced()).isEqualTo(3);
        assertThat(a.skipped()).containsEntry("unreadable-line", 1L).containsEntry("no-label", 1L);
        assertThat(a.transactions()).isEqualTo(2);
        assertThat(FileImport.detect(csv)).isEqualTo(FileImport.Format.CSV);
        assertThat(importer.run(csv, FileImport.Format.CSV, (n, total) -> { }, notices::add).produced()).isEqualTo(2);
        assertThat(FileImport.detect(otlp)).isEqualTo(FileImport.Format.OTLP_JSON);
        final ImportSummary o = importer.run(otlp, FileImport.Format.OTLP_JSON, (n, total) -> { }, notices::add);
        assertThat(o.produced()).isEqualTo(2);
        assertThat(o.skipped()).containsEntry("not-selected", 1L);

        final List<LlmResponse> written = responses(prefix + ".responses");
        assertThat(written).extracting(LlmResponse::getInput).containsExactlyInAnyOrder("my card is lost", "refund please",
                "pin blocked", "hello, there", "bye", "where is my card", "top up failed");
        assertThat(written).allMatch(r -> r.getTask().equals("intents"));
        assertThat(written).extracting(LlmResponse::getRequestId).contains("call-7", GenAiSpans.spanIdHex(1))
                .doesNotHaveDuplicates();

        // a re-run of the same files produces nothing
        final ImportSummary again = importer.run(jsonl, FileImport.Format.JSONL, (n, total) -> { }, notices::add);
        assertThat(again.produced()).isZero();
        assertThat(again.alreadyImported()).isEqualTo(5);
        assertThat(notices.get(notices.size() - 1)).contains("resuming after record 5");
        // through the command line, as the README shows it, with requests this time
        final int rc = TracerCli.execute("import", "--set", "bootstrap.servers=" + kafka.bootstrapServers(), "--set",
                "schema.registry.url=" + registry.url(), "--set", "topic.requests=" + prefix + ".requests", "--task", "intents",
                "--as", "requests", "--no-progress", jsonl.toString(), csv.toString());
        assertThat(rc).isZero();
        final var d = TracerSerdes.llmRequest(registry.url(), false).deserializer();
        assertThat(readAll(prefix + ".requests").stream().map(r -> d.deserialize(prefix + ".requests", r.value()))
                .map(LlmRequest::getInput)).hasSize(6).contains("no label here", "bye");
        assertThat(responses(prefix + ".responses")).hasSize(7);
    }

    @Test
    void shouldProduceNoDuplicatesWhenTheImportProcessIsKilledAndRunAgain() throws Exception {
        final String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        final int n = 12_000;
        final List<String> lines = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            lines.add(JSON.createObjectNode().put("input", "utterance number " + i).put("teacher", "label" + (i % 7)).toString());
        }
        final Path file = dir.resolve("big.jsonl");
        Files.write(file, lines);
        final List<String> args = new ArrayList<>();
        settings(prefix).forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        args.addAll(List.of("--task", "intents", "--transaction-records", "200", "--no-progress", file.toString()));
        final List<String> slow = new ArrayList<>(args);
        slow.addAll(0, List.of("import", "--rate", "2000"));
        final String importId;
        final long killedAt;
        try (JavaProcess first = JavaProcess.tracer(dir, slow.toArray(String[]::new));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            final String notice = first.await(l -> l.contains("import id "), Duration.ofSeconds(120));
            importId = notice.replaceAll(".*import id ([0-9a-f]+).*", "$1");
            final TopicPartition marker = new TopicPartition(prefix + ".responses", 0);
            long committed = 0;
            final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (committed < 1_000 && System.nanoTime() < deadline) {
                final OffsetAndMetadata m = admin.listConsumerGroupOffsets("tracer-import-" + importId)
                        .partitionsToOffsetAndMetadata().get().get(marker);
                committed = m == null ? 0 : m.offset();
                Thread.sleep(50);
            }
            assertThat(committed).as("the import committed something before the kill").isPositive().isLessThan(n);
            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, an open transaction left behind
            first.waitFor(Duration.ofSeconds(30));
            killedAt = committed;
        }
        assertThat(readAll(prefix + ".responses").size()).as("committed before the kill").isLessThan(n);
        final List<String> rerun = new ArrayList<>(args);
        rerun.add(0, "import");
        try (JavaProcess second = JavaProcess.tracer(dir, rerun.toArray(String[]::new))) {
            assertThat(second.waitFor(Duration.ofSeconds(180))).as("%s", second.output()).isZero();
            assertThat(second.output()).anyMatch(l -> l.contains("import id " + importId) && l.contains("resuming after record"));
        }
        final List<LlmResponse> written = responses(prefix + ".responses");
        final Set<String> inputs = new HashSet<>();
        written.forEach(r -> inputs.add(r.getInput()));
        assertThat(written).as("killed at record %d", killedAt).hasSize(n);
        assertThat(inputs).hasSize(n);
        assertThat(written).extracting(LlmResponse::getRequestId).doesNotHaveDuplicates();
    }
}
