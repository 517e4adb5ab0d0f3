/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.route;

import io.tracerstreams.config.TracerConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The route endpoint's HTTP behaviour without a broker (bootstrap.servers names a closed port): refusals (405, 400,
 * 413), a valid call answered DEFERRED, TIMEOUT by the endpoint when no decision can come, and forwarding to the owner
 * the task-owner lookup names. {@code RouteHttpIT} runs it against the topology on a real broker.
 */
class RouteHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private final List<RouteHttpServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        servers.forEach(RouteHttpServer::close);
    }

    private TracerConfig config(final Map<String, String> extra) throws Exception {
        final int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        final Map<String, Object> m = new HashMap<>();
        m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort);
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://route-http-test");
        m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
        m.put(TracerConfig.ROUTE_HTTP_PORT_CONFIG, "0");
        m.put(TracerConfig.ROUTE_HTTP_TIMEOUT_MS_CONFIG, "400");
        m.put(TracerConfig.ROUTE_HTTP_MAX_BODY_BYTES_CONFIG, "2048");
        m.put("kafka.reconnect.backoff.max.ms", "200");
        m.putAll(extra);
        return new TracerConfig(m);
    }

    private RouteHttpServer start(final TaskOwners owners, final Map<String, String> extra) throws Exception {
        final RouteHttpServer server = RouteHttpServer.bind(config(extra));
        servers.add(server);
        server.start(owners);
        return server;
    }

    private HttpResponse<String> post(final RouteHttpServer server, final String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + RouteHttpServer.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseOtherMethodsBadBodiesAndOversizedBodies() throws Exception {
        final RouteHttpServer server = start(task -> Optional.empty(), Map.of());
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + RouteHttpServer.PATH)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");

        final HttpResponse<String> notJson = post(server, "task=intents&input=hello");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).get("error").asText()).contains("not JSON");

        final HttpResponse<String> noInput = post(server, "{\"task\":\"intents\"}");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noInput.body()).get("error").asText()).contains("field 'input'");

        final HttpResponse<String> large = post(server, "{\"task\":\"intents\",\"input\":\"" + "x".repeat(3_000) + "\"}");
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(large.body()).get("error").asText()).contains("route.http.max.body.bytes");
        assertThat(server.counts().get("refused")).isEqualTo(4L);
    }

    @Test
    void shouldAnswerDeferredTimeoutWhenTheBrokerIsUnreachable() throws Exception {
        final RouteHttpServer server = start(task -> Optional.empty(), Map.of());
        final long t0 = System.nanoTime();
        final HttpResponse<String> r = post(server, "{\"task\":\"intents\",\"input\":\"where is my card\",\"timeout_ms\":300}");
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        final JsonNode d = JSON.readTree(r.body());
        assertThat(d.get("decision").asText()).isEqualTo("DEFERRED");
        assertThat(d.get("reason").asText()).isEqualTo("TIMEOUT");
        assertThat(d.get("must_call_llm").asBoolean()).isTrue();
        assertThat(d.get("from_tracer").asBoolean()).isFalse();
        assertThat(d.get("task").asText()).isEqualTo("intents");
        assertThat(d.get("request_id").asText()).isNotEmpty();
        // not hung: answered after its own timeout (300 ms), well before the endpoint's default would allow more
        assertThat(ms).as("answered at the call's timeout, not later (ms)").isBetween(250L, 10_000L);
        assertThat(server.counts().get("timeouts")).isEqualTo(1L);
    }

    @Test
    void shouldForwardACallToTheInstanceThatOwnsTheTask() throws Exception {
        final RouteHttpServer owner = start(task -> Optional.empty(), Map.of());
        final RouteHttpServer entry = start(task -> Optional.of(owner.advertised()), Map.of());
        final HttpResponse<String> r = post(entry, "{\"task\":\"intents\",\"input\":\"hello\",\"timeout_ms\":3000}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("served_by").asText()).as(r.body()).isEqualTo(owner.advertised());
        assertThat(entry.counts().get("forwarded")).isEqualTo(1L);
        assertThat(owner.counts().get("forwarded")).isZero();
        assertThat(owner.counts().get("calls")).isEqualTo(1L);
    }

    @Test
    void shouldServeACallHereWhenTheOwnerCannotBeReached() throws Exception {
        final int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        final RouteHttpServer entry = start(task -> Optional.of("127.0.0.1:" + closed), Map.of());
        final HttpResponse<String> r = post(entry, "{\"task\":\"intents\",\"input\":\"hello\",\"timeout_ms\":500}");
        assertThat(r.statusCode()).isEqualTo(200);
        final JsonNode d = JSON.readTree(r.body());
        assertThat(d.get("served_by").asText()).isEqualTo(entry.advertised());
        assertThat(d.get("request_id").asText()).as("recorded here, with a request id").isNotEmpty();
    }

    @Test
    void shouldAdvertiseTheConfiguredAddressAndRefuseTwoDifferentOnes() throws Exception {
        final RouteHttpServer server = RouteHttpServer.bind(config(Map.of(TracerConfig.ROUTE_HTTP_ADVERTISED_CONFIG, "tracer-1:8088")));
        servers.add(server);
        assertThat(server.advertised()).isEqualTo("tracer-1:8088");
        assertThat(server.streamsConfig().toStreamsProperties().get("application.server")).isEqualTo("tracer-1:8088");
        assertThatThrownBy(() -> RouteHttpServer.bind(config(Map.of(TracerConfig.ROUTE_HTTP_ADVERTISED_CONFIG, "a:1",
                "kafka.application.server", "b:2")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("route.http.advertised").hasMessageContaining("kafka.application.server");
        assertThatThrownBy(() -> config(Map.of(TracerConfig.ROUTE_HTTP_ADVERTISED_CONFIG, "no-port")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("route.http.advertised");
    }
}
