/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracerstreams.schema.LlmRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a tiny scripted HTTP server. */
class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = LlmRequest.getClassSchema();

    private HttpServer server;
    private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Reply> script = new ArrayDeque<>();

    private record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String header(final String name) {
            final List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }
    }

    private record Reply(int status, String body, Map<String, String> headers) {
        static Reply ok(final String body) {
            return new Reply(200, body, Map.of());
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        final Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
        requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
        final Reply reply;
        synchronized (script) {
            reply = script.isEmpty() ? new Reply(500, "{\"error_code\":50001,\"message\":\"unscripted\"}", Map.of())
                    : script.poll();
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        final byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private void reply(final Reply... replies) {
        synchronized (script) {
            script.addAll(List.of(replies));
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private RestSchemaRegistryClient client(final Map<String, Object> extra) {
        final Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url());
        config.putIfAbsent(AvroSerdeConfig.RETRY_BACKOFF_MS, 1);
        config.putIfAbsent(AvroSerdeConfig.RETRY_BACKOFF_MAX_MS, 5);
        return new RestSchemaRegistryClient(AvroSerdeConfig.fromMap(config));
    }

    @Test
    void shouldRegisterWithTheConfluentMediaTypeAndSchemaBody() throws IOException {
        reply(Reply.ok("{\"id\":7}"));
        final int id = client(Map.of()).register("llm.requests-value", SCHEMA);

        assertThat(id).isEqualTo(7);
        final Recorded r = requests.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/subjects/llm.requests-value/versions");
        assertThat(r.header("content-type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(r.header("accept")).contains("application/vnd.schemaregistry.v1+json");
        assertThat(r.header("authorization")).isNull();
        final JsonNode body = JSON.readTree(r.body());
        assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(SCHEMA);
    }

    @Test
    void shouldCacheRegisteredIdsAndFetchedSchemas() {
        reply(Reply.ok("{\"id\":3}"), Reply.ok(schemaJson(SCHEMA)));
        final RestSchemaRegistryClient client = client(Map.of());

        assertThat(client.register("s-value", SCHEMA)).isEqualTo(3);
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(3);
        assertThat(client.getById(3)).isEqualTo(SCHEMA); // known from the registration
        assertThat(client.getById(11)).isEqualTo(SCHEMA);
        assertThat(client.getById(11)).isEqualTo(SCHEMA);

        assertThat(requests).extracting(Recorded::path)
                .containsExactly("/subjects/s-value/versions", "/schemas/ids/11");
    }

    @Test
    void shouldSendBasicAuthFromUserInfo() {
        reply(Reply.ok(schemaJson(SCHEMA)));
        client(Map.of(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cr:et")).getById(1);
        assertThat(requests.get(0).header("authorization"))
                .isEqualTo("Basic " + java.util.Base64.getEncoder()
                        .encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSendBasicAuthFromTheUrlAndStripItFromTheBaseUrl() {
        reply(Reply.ok(schemaJson(SCHEMA)));
        final RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://bob:pw%40x@127.0.0.1:" + server.getAddress().getPort()));
        client.getById(1);
        assertThat(client.baseUrls().get(0)).doesNotContain("bob");
        assertThat(requests.get(0).header("authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("bob:pw@x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSendBearerToken() {
        reply(Reply.ok(schemaJson(SCHEMA)));
        client(Map.of(AvroSerdeConfig.BEARER_AUTH_TOKEN, "tok-123")).getById(1);
        assertThat(requests.get(0).header("authorization")).isEqualTo("Bearer tok-123");
    }

    @Test
    void shouldRetryServerErrorsAndTooManyRequests() {
        reply(new Reply(503, "unavailable", Map.of()), new Reply(429, "", Map.of("Retry-After", "0")),
                Reply.ok(schemaJson(SCHEMA)));
        assertThat(client(Map.of()).getById(5)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(3);
    }

    @Test
    void shouldGiveUpAfterMaxRetriesWithTheLastError() {
        reply(new Reply(500, "{\"error_code\":50001,\"message\":\"store down\"}", Map.of()),
                new Reply(500, "{\"error_code\":50001,\"message\":\"store down\"}", Map.of()),
                new Reply(500, "{\"error_code\":50001,\"message\":\"store down\"}", Map.of()));
        assertThatThrownBy(() -> client(Map.of(AvroSerdeConfig.MAX_RETRIES, 2)).getById(5))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(50001);
                    assertThat(e.isRetriable()).isTrue();
                    assertThat(e.isTransient()).isTrue();
                })
                .hasMessageContaining("store down").hasMessageContaining("gave up after 3 attempts");
        assertThat(requests).hasSize(3);
    }

    @Test
    void shouldNotRetryClientErrorsAndReportTheRegistryErrorCode() {
        reply(new Reply(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}",
                Map.of()));
        assertThatThrownBy(() -> client(Map.of()).register("x-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining("HTTP 409").hasMessageContaining("error_code 409")
                .hasMessageContaining("incompatible").hasMessageContaining("/subjects/x-value/versions");
        assertThat(requests).hasSize(1);
    }

    @Test
    void shouldReportNotFoundAndNonJsonErrors() {
        reply(new Reply(404, "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}", Map.of()),
                new Reply(401, "<html>Unauthorized</html>", Map.of()));
        final RestSchemaRegistryClient client = client(Map.of());
        assertThatThrownBy(() -> client.getById(9)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.isNotFound() && !e.isTransient()).isTrue()).hasMessageContaining("Schema 9 not found");
        assertThatThrownBy(() -> client.getById(10)).isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(-1))
                .hasMessageContaining("HTTP 401").hasMessageContaining("<html>Unauthorized</html>")
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldRetryConnectionErrorsAndFailOverToTheNextUrl() throws IOException {
        final int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        reply(Reply.ok(schemaJson(SCHEMA)));
        final RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + deadPort + "," + url()));
        assertThat(client.getById(4)).isEqualTo(SCHEMA);
        assertThat(requests).hasSize(1);
    }

    @Test
    void shouldFailWithTheCauseWhenNoRegistryAnswers() throws IOException {
        final int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        final RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + deadPort, AvroSerdeConfig.MAX_RETRIES, 1));
        assertThatThrownBy(() -> client.getById(4)).isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.httpStatus() == -1 && e.isTransient()).isTrue())
                .hasMessageContaining("127.0.0.1:" + deadPort).hasMessageContaining("gave up after 2 attempts");
    }

    @Test
    void shouldLookUpLatestIdsAndCompatibility() throws IOException {
        reply(Reply.ok("{\"subject\":\"s\",\"id\":12,\"version\":3,\"schema\":" + quoted(SCHEMA) + "}"),
                Reply.ok("{\"subject\":\"s\",\"id\":12,\"version\":3,\"schema\":" + quoted(SCHEMA) + "}"),
                Reply.ok("{\"compatibility\":\"BACKWARD\"}"),
                Reply.ok("{\"compatibilityLevel\":\"FULL\"}"),
                Reply.ok("{\"is_compatible\":false}"),
                new Reply(404, "{\"error_code\":40401,\"message\":\"Subject 'n' not found.\"}", Map.of()));
        final RestSchemaRegistryClient client = client(Map.of());

        assertThat(client.getLatest("s")).isEqualTo(new SchemaMetadata("s", 12, 3, SCHEMA));
        assertThat(client.getId("s", SCHEMA)).isEqualTo(12);
        client.setCompatibility(null, CompatibilityLevel.BACKWARD);
        assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(client.testCompatibility("s", SCHEMA)).isFalse();
        assertThat(client.testCompatibility("n", SCHEMA)).isTrue();

        assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /subjects/s/versions/latest", "POST /subjects/s", "PUT /config",
                "GET /config/s?defaultToGlobal=true", "POST /compatibility/subjects/s/versions/latest",
                "POST /compatibility/subjects/n/versions/latest");
        assertThat(JSON.readTree(requests.get(2).body()).get("compatibility").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void shouldEncodeSubjectsInPaths() {
        reply(Reply.ok("{\"id\":1}"));
        client(Map.of()).register("a b/c-value", SCHEMA);
        assertThat(requests.get(0).path()).isEqualTo("/subjects/a%20b%2Fc-value/versions");
    }

    private static String schemaJson(final Schema schema) {
        return "{\"schema\":" + quoted(schema) + "}";
    }

    private static String quoted(final Schema schema) {
        try {
            return JSON.writeValueAsString(schema.toString());
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
