/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.OutputListener;
import io.tracerstreams.topology.TracerApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect end to end in a real worker (connect-runtime, in-process, standalone): log files of tracer-llm
 * traces and of OpenAI-style chat logs, read by {@code LogFileSourceConnector}, turned into LlmResponse Structs by
 * {@code LlmTraceToResponse}, written as Avro in the Confluent wire format by {@code TracerAvroConverter} through the
 * registry into the responses topic, and learned by the running topology: its task stats count every trace. The
 * connectors are created through the worker's REST API from the README's connector JSON. Subclasses say which
 * broker and registry.
 */
abstract class ConnectPipelineITBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String registry;
    private Connect<StandaloneHerder> connect;

    abstract String bootstrapServers();

    /** The registry URL for a test: by default an in-process mock:// registry of its own. */
    String registryUrl(final String prefix) {
        return "mock://" + prefix;
    }

    @AfterEach
    void stopWorker() {
        if (connect != null) {
            connect.stop();
            connect.awaitStop();
        }
        if (registry != null && registry.startsWith("mock://")) {
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
        }
    }

    private TracerConfig tracerConfig(final String prefix) {
        final Map<String, Object> m = ItConfigs.base(bootstrapServers(), registry, prefix, dir.resolve("state"));
        m.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "300");
        m.put(TracerConfig.LEARNERS_CONFIG, "ncm");
        return new TracerConfig(m);
    }

    private Connect<StandaloneHerder> startWorker() {
        final Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", bootstrapServers());
        worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.put("offset.flush.interval.ms", "500");
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("plugin.discovery", "service_load");
        worker.put("listeners", "http://127.0.0.1:0");
        return new ConnectStandalone().startConnect(worker);
    }

    /** The README's connector JSON with this test's file, topic, task and registry. */
    private String connectorJson(final String name, final Path file, final String topic, final String task) throws IOException {
        final ObjectNode json = (ObjectNode) JSON.readTree(ReadmeSnippets.snippet("connector-json"));
        json.put("name", name);
        final ObjectNode config = (ObjectNode) json.get("config");
        for (final String key : List.of("files", "topic", "transforms.trace.task", "value.converter.schema.registry.url")) {
            assertThat(config.has(key)).as("the README's connector JSON sets %s", key).isTrue();
        }
        config.put("files", file.toString());
        config.put("topic", topic);
        config.put("transforms.trace.task", task);
        config.put("value.converter.schema.registry.url", registry);
        return json.toString();
    }

    private static void post(final URI rest, final String body) throws IOException, InterruptedException {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(rest.resolve("/connectors"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST /connectors: %s", r.body()).isEqualTo(201);
    }

    private static void gzipLines(final Path file, final List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (final String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldBackfillTraceAndChatLogFilesThroughARealConnectWorkerIntoTheRunningTopology() throws Exception {
        final String prefix = "connect-" + UUID.randomUUID().toString().substring(0, 8);
        registry = registryUrl(prefix);
        final TracerConfig config = tracerConfig(prefix);
        final SyntheticIntents intents = new SyntheticIntents(5, 11L);
        // tracer-llm traces, gzipped, with one line that is no JSON
        final List<String> traces = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            final SyntheticIntents.Example ex = intents.next();
            traces.add(JSON.createObjectNode().put("input", ex.text()).put("teacher", ex.label()).toString());
            if (i == 70) {
                traces.add("this line is no JSON");
            }
        }
        final Path tracesFile = dir.resolve("traces.jsonl.gz");
        gzipLines(tracesFile, traces);
        // OpenAI-style chat logs
        final List<String> chats = new java.util.ArrayList<>();
        for (int i = 0; i < 80; i++) {
            final SyntheticIntents.Example ex = intents.next();
            final ObjectNode log = JSON.createObjectNode().put("id", "chatcmpl-" + i).put("model", "gpt-4o-mini")
                    .put("created", 1_790_000_000L + i);
            final ArrayNode messages = log.putArray("messages");
            messages.addObject().put("role", "system").put("content", "Answer with one intent.");
            messages.addObject().put("role", "user").put("content", ex.text());
            log.putArray("choices").addObject().put("index", 0).putObject("message").put("role", "assistant")
                    .put("content", ex.label());
            chats.add(log.toString());
        }
        final Path chatFile = dir.resolve("chat.jsonl");
        Files.write(chatFile, chats);

        final Map<String, TaskStats> latest = new ConcurrentHashMap<>();
        try (HashingFeaturizer featurizer = new HashingFeaturizer(64); TracerApp app = TracerApp.run(config, featurizer)) {
            assertThat(app.awaitRunning(TIMEOUT)).isTrue();
            app.observe(new OutputListener() {
                @Override
                public void onStats(final TaskStats stats) {
                    latest.put(stats.getTask(), stats);
                }
            });
            connect = startWorker();
            final URI rest = connect.rest().serverUrl();
            final String responses = config.topics().responses();
            post(rest, connectorJson("traces", tracesFile, responses, "intents"));
            post(rest, connectorJson("chats", chatFile, responses, "chat-intents"));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && !(traces(latest, "intents") == 150 && traces(latest, "chat-intents") == 80)) {
                Thread.sleep(200);
            }
            final String diagnosis = "stats " + latest + "; connectors " + status(rest, "traces") + " " + status(rest, "chats")
                    + "; counters " + app.counters().snapshot();
            assertThat(traces(latest, "intents")).as("traces learned of the trace file: %s", diagnosis).isEqualTo(150);
            assertThat(traces(latest, "chat-intents")).as("traces learned of the chat log: %s", diagnosis).isEqualTo(80);
            assertThat(app.counters().deadLetters()).as("nothing undecodable reached tracer").isZero();
            // the connectors report RUNNING through the REST API
            assertThat(status(rest, "traces")).contains("RUNNING").doesNotContain("FAILED");
            assertThat(status(rest, "chats")).contains("RUNNING").doesNotContain("FAILED");
        }
    }

    private static String status(final URI rest, final String connector) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(rest.resolve("/connectors/" + connector + "/status"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long traces(final Map<String, TaskStats> latest, final String task) {
        final TaskStats s = latest.get(task);
        return s == null ? -1 : s.getTracesSeen();
    }
}
