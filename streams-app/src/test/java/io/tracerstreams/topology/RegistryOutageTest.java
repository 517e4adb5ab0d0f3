/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.AvroSerdeConfig;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryException;
import io.tracerstreams.serde.SpecificAvroSerializer;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A schema registry that goes down and comes back while records flow (issue 12, defect 4): nothing may reach the DLQ
 * and every record must be decided or learned. The registry is a stub of the Confluent API on a local HTTP server;
 * the records are written by a client of their own, so the topology must fetch their schemas from it.
 */
class RegistryOutageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private final StubRegistry registry = new StubRegistry();

    @AfterEach
    void stop() {
        registry.stop();
    }

    /** The Confluent API subset the serdes use; answers 503 while {@link #unavailable} is set. */
    static final class StubRegistry {
        private final Map<String, Integer> ids = new ConcurrentHashMap<>();
        private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
        final AtomicInteger fetches = new AtomicInteger();
        volatile boolean unavailable;
        /** Fetches answer, registrations get 503. */
        volatile boolean registrationsUnavailable;
        private HttpServer server;
        private int port;

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/", this::handle);
            server.start();
            port = server.getAddress().getPort();
        }

        void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        private void handle(final HttpExchange ex) throws IOException {
            final String path = ex.getRequestURI().getPath();
            final String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (unavailable) {
                reply(ex, 503, "{\"error_code\":50301,\"message\":\"backend unavailable\"}");
                return;
            }
            if (path.startsWith("/schemas/ids/")) {
                fetches.incrementAndGet();
                final String schema = schemas.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
                if (schema == null) {
                    reply(ex, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                } else {
                    reply(ex, 200, JSON.createObjectNode().put("schema", schema).toString());
                }
            } else if (path.startsWith("/subjects/") && "POST".equals(ex.getRequestMethod()) && registrationsUnavailable) {
                reply(ex, 503, "{\"error_code\":50302,\"message\":\"cannot write schemas now\"}");
            } else if (path.startsWith("/subjects/") && "POST".equals(ex.getRequestMethod())) {
                final JsonNode node = JSON.readTree(body);
                final String schema = node.get("schema").asText();
                final int id = ids.computeIfAbsent(schema, s -> ids.size() + 1);
                schemas.put(id, schema);
                reply(ex, 200, "{\"id\":" + id + "}");
            } else {
                reply(ex, 404, "{\"error_code\":40401,\"message\":\"not here\"}");
            }
        }

        private static void reply(final HttpExchange ex, final int status, final String body) throws IOException {
            final byte[] out = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        }
    }

    private Map<String, Object> settings() {
        final Map<String, Object> m = TopologyHarness.settings(stateDir);
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
        m.put(AvroSerdeConfig.MAX_RETRIES, "0");
        m.put(AvroSerdeConfig.REQUEST_TIMEOUT_MS, "2000");
        m.put(TracerConfig.SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_CONFIG, "200");
        return m;
    }

    /** Writes records through a registry client of its own, as an application producing to tracer would. */
    private final class Producer {
        private final RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        private final SpecificAvroSerializer<LlmRequest> requests = new SpecificAvroSerializer<>(client, true, false);
        private final SpecificAvroSerializer<LlmResponse> responses = new SpecificAvroSerializer<>(client, true, false);

        byte[] request(final String id, final String input) {
            return requests.serialize("llm.requests", LlmRequest.newBuilder().setRequestId(id).setTask("intents")
                    .setInput(input).setTimestamp(Instant.parse("2026-11-27T12:00:00Z")).build());
        }

        byte[] response(final String id, final String label, final String input) {
            return responses.serialize("llm.responses", LlmResponse.newBuilder().setRequestId(id).setTask("intents")
                    .setLabel(label).setInput(input).setModel("llm").setTimestamp(Instant.parse("2026-11-27T12:00:00Z")).build());
        }
    }

    private static byte[] key() {
        return "intents".getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code action} on another thread after {@code delayMs}. */
    private static Thread after(final long delayMs, final ThrowingRunnable action) {
        final Thread t = new Thread(() -> {
            try {
                Thread.sleep(delayMs);
                action.run();
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        }, "registry-comes-back");
        t.start();
        return t;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static List<String> deadLetterReasons(final TopologyHarness h) {
        final List<String> out = new ArrayList<>();
        for (final TestRecord<byte[], byte[]> r : h.dlq.readRecordsToList()) {
            out.add(new String(r.headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8) + ": "
                    + new String(r.headers().lastHeader(DeadLetter.DETAIL).value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void shouldWaitOutARegistryAnswering503AndDecideEveryRecordWithNothingInTheDlq() throws Exception {
        registry.start();
        final Producer producer = new Producer();
        final byte[] request = producer.request("r-1", "where is my card");
        final byte[] response = producer.response("r-1", "card_arrival", "where is my card");
        final List<byte[]> more = new ArrayList<>();
        for (int i = 2; i <= 20; i++) {
            more.add(producer.request("r-" + i, "input number " + i));
        }
        try (TopologyHarness h = new TopologyHarness(settings())) {
            h.rawRequests.pipeInput(key(), request);
            assertThat(h.decisions.readValuesToList()).hasSize(1);

            registry.unavailable = true;                   // the response's schema was never fetched by tracer
            final Thread back = after(1_500, () -> registry.unavailable = false);
            h.rawResponses.pipeInput(key(), response);      // blocks, retrying, until the registry answers
            for (final byte[] r : more) {
                h.rawRequests.pipeInput(key(), r);
            }
            back.join();

            assertThat(deadLetterReasons(h)).isEmpty();
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(1);
            assertThat(h.decisions.readValuesToList()).hasSize(19).allMatch(d -> d.getDecision() == Decision.DEFERRED);
            assertThat(h.counters.get(Counter.SCHEMA_REGISTRY_RETRIES)).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void shouldWaitOutARegistryThatIsDownAndRestartedAndDecideEveryRecord() throws Exception {
        registry.start();
        final Producer producer = new Producer();
        final List<byte[]> requests = new ArrayList<>();
        final List<byte[]> responses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(producer.request("r-" + i, "input number " + i));
            responses.add(producer.response("r-" + i, "label-" + (i % 3), "input number " + i));
        }
        try (TopologyHarness h = new TopologyHarness(settings())) {
            registry.stop();                                 // connection refused: no schema fetched yet
            final Thread back = after(1_500, registry::start);
            for (int i = 0; i < 10; i++) {
                h.rawRequests.pipeInput(key(), requests.get(i));
                h.rawResponses.pipeInput(key(), responses.get(i));
            }
            back.join();

            assertThat(deadLetterReasons(h)).isEmpty();
            final List<KeyValue<String, RoutingDecision>> decided = h.decisions.readKeyValuesToList();
            assertThat(decided).extracting(kv -> kv.key).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4", "r-5", "r-6",
                    "r-7", "r-8", "r-9");
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(10);
            assertThat(h.counters.get(Counter.SCHEMA_REGISTRY_RETRIES)).isPositive();
        }
    }

    @Test
    void shouldWaitOutARegistryThatCannotRegisterTheFirstOutputSchemaAfterAStart() throws Exception {
        registry.start();
        final Producer producer = new Producer();
        final byte[] request = producer.request("r-1", "where is my card");
        try (TopologyHarness h = new TopologyHarness(settings())) {
            registry.registrationsUnavailable = true;         // tracer must register RoutingDecision for its first output
            final Thread back = after(1_500, () -> registry.registrationsUnavailable = false);
            h.rawRequests.pipeInput(key(), request);
            back.join();

            assertThat(deadLetterReasons(h)).isEmpty();
            assertThat(h.decisions.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("r-1");
            assertThat(h.counters.get(Counter.SCHEMA_REGISTRY_RETRIES)).isPositive();
        }
    }

    @Test
    void shouldSendARecordWithAnUnknownSchemaIdToTheDlqAtOnce() throws Exception {
        registry.start();
        try (TopologyHarness h = new TopologyHarness(settings())) {
            final byte[] unknownId = {0, 0, 0, 0, 99, 2, 'x'};
            h.rawRequests.pipeInput(key(), unknownId);

            assertThat(deadLetterReasons(h)).singleElement().asString().startsWith("undecodable").contains("unknown schema id 99");
            assertThat(h.counters.get(Counter.SCHEMA_REGISTRY_RETRIES)).isZero();
        }
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCapAndHandTheTaskBackAfterTheLongestWait() {
        final List<Long> pauses = new ArrayList<>();
        final TracerCounters counters = new TracerCounters();
        final RegistryOutageRetry retry = new RegistryOutageRetry(400, 2_000, counters, pauses::add);
        final SerializationException outage = new SerializationException("cannot fetch schema id 3",
                SchemaRegistryException.unreachable("connection refused", new IOException("refused")));

        assertThatThrownBy(() -> retry.call(() -> {
            throw outage;
        }, "a record")).isInstanceOf(TaskMigratedException.class).hasMessageContaining("2000 ms");
        assertThat(pauses).containsExactly(100L, 200L, 400L, 400L, 400L, 400L, 100L);
        assertThat(counters.get(Counter.SCHEMA_REGISTRY_RETRIES)).isEqualTo(7);

        final SerializationException notFound = new SerializationException("unknown schema id 3",
                new SchemaRegistryException("Schema not found", 404, 40403));
        assertThatThrownBy(() -> retry.call(() -> {
            throw notFound;
        }, "a record")).isSameAs(notFound);
        final int[] calls = {0};
        assertThat(retry.call(() -> {
            if (++calls[0] < 3) {
                throw new SerializationException("x", new SchemaRegistryException("busy", 503, 50301));
            }
            return "decoded";
        }, "a record")).isEqualTo("decoded");
        assertThat(pauses.subList(7, pauses.size())).containsExactly(100L, 200L);
    }
}
