/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.client.Decision;
import io.tracerstreams.client.TracerClient;
import io.tracerstreams.client.TracerClientConfig;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.route.RouteHttpServer;
import io.tracerstreams.route.TaskOwners;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.OutputListener;
import io.tracerstreams.topology.TracerApp;
import io.tracerstreams.topology.TracerTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synchronous route call ({@code POST /v1/route}) against the topology on the embedded KRaft broker: every
 * answer is the one decision the topology committed to the decisions topic for that request id (routed once), calls
 * answered and learned until the gate opens, bad input answered with its reason or refused with its status, and a
 * call taken by an instance that does not own the task forwarded to the one that does (interactive-query metadata).
 */
class RouteHttpIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TASK = "intents";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;
    @TempDir
    Path stateDir2;

    private final HashingFeaturizer featurizer = new HashingFeaturizer(64);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String registry;

    @AfterEach
    void tearDown() {
        featurizer.close();
        if (registry != null) {
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
        }
    }

    private Map<String, Object> settings(final String bootstrap, final String prefix, final Path dir) {
        final Map<String, Object> m = ItConfigs.base(bootstrap, registry, prefix, dir);
        m.putAll(ItConfigs.smallGate());
        m.put(TracerConfig.MAX_INPUT_CHARS_CONFIG, "500");
        m.put(TracerConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        m.put(TracerConfig.ROUTE_HTTP_PORT_CONFIG, "0");
        m.put(TracerConfig.ROUTE_HTTP_TIMEOUT_MS_CONFIG, "30000");
        m.put(TracerConfig.ROUTE_HTTP_MAX_BODY_BYTES_CONFIG, "4096");
        return m;
    }

    private static void ensureTopics(final TracerConfig config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            TracerTopics.ensure(admin, config);
        }
    }

    private HttpResponse<String> post(final RouteHttpServer server, final String body) throws Exception {
        return postAsync(server, body).get(60, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> postAsync(final RouteHttpServer server, final String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + RouteHttpServer.PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String call(final String task, final String input) {
        final ObjectNode o = JSON.createObjectNode();
        o.put("task", task);
        o.put("input", input);
        return o.toString();
    }

    private static JsonNode decision(final HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The committed decisions on the decisions topic, by request id, from the app's read_committed observer. */
    private static Map<String, List<RoutingDecision>> observe(final TracerApp app) {
        final Map<String, List<RoutingDecision>> seen = new ConcurrentHashMap<>();
        app.observe(new OutputListener() {
            @Override
            public void onDecision(final RoutingDecision d) {
                seen.computeIfAbsent(d.getRequestId(), k -> new CopyOnWriteArrayList<>()).add(d);
            }
        });
        return seen;
    }

    private static RoutingDecision committed(final Map<String, List<RoutingDecision>> seen, final String requestId)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!seen.containsKey(requestId) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        final List<RoutingDecision> list = seen.get(requestId);
        assertThat(list).as("a committed decision for %s", requestId).isNotNull();
        return list.get(0);
    }

    @Test
    void shouldAnswerTheCommittedDecisionOnceLearnUntilTheGateOpensAndAnswerBadInputWithItsReason() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            registry = "mock://route-" + UUID.randomUUID().toString().substring(0, 8);
            final Map<String, Object> m = settings(kafka.bootstrapServers(), "route-" + UUID.randomUUID().toString().substring(0, 8), stateDir);
            m.put(TracerConfig.TASKS_ALLOWED_CONFIG, TASK);
            final TracerConfig base = new TracerConfig(m);
            ensureTopics(base);
            final RouteHttpServer route = RouteHttpServer.bind(base);
            try (TracerApp app = TracerApp.run(route.streamsConfig(), featurizer); RouteHttpServer server = route;
                 TracerClient answers = new TracerClient(TracerClientConfig.builder().bootstrapServers(base.bootstrapServers())
                         .schemaRegistryUrl(base.schemaRegistryUrl()).requestsTopic(base.topics().requests())
                         .responsesTopic(base.topics().responses()).decisionsTopic(base.topics().decisions()).build())) {
                assertThat(app.awaitRunning(WAIT)).isTrue();
                final Map<String, List<RoutingDecision>> seen = observe(app);
                server.start(app.streams());

                final SyntheticIntents intents = new SyntheticIntents(5, 7L);
                boolean handled = false;
                boolean closedGateSeen = false;
                int calls = 0;
                for (int round = 0; round < 20 && !handled; round++) {
                    final List<SyntheticIntents.Example> examples = new ArrayList<>();
                    final List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        final SyntheticIntents.Example e = intents.next();
                        examples.add(e);
                        futures.add(postAsync(server, call(TASK, e.text())));
                    }
                    calls += futures.size();
                    final List<CompletableFuture<?>> written = new ArrayList<>();
                    for (int i = 0; i < futures.size(); i++) {
                        final JsonNode d = decision(futures.get(i).get(60, TimeUnit.SECONDS));
                        assertThat(d.get("from_tracer").asBoolean()).as("tracer's decision: %s", d).isTrue();
                        final RoutingDecision onTopic = committed(seen, d.get("request_id").asText());
                        // the answer is the decision the topology committed, field by field
                        assertThat(d.get("decision").asText()).isEqualTo(onTopic.getDecision().name());
                        assertThat(d.get("reason").asText()).isEqualTo(onTopic.getReason().name());
                        assertThat(d.get("label").isNull() ? null : d.get("label").asText()).isEqualTo(onTopic.getLabel());
                        assertThat(d.get("model_version").asText()).isEqualTo(onTopic.getModelVersion());
                        assertThat(d.get("audit").asBoolean()).isEqualTo(onTopic.getAudit());
                        assertThat(d.get("task").asText()).isEqualTo(TASK);
                        final boolean isHandled = d.get("decision").asText().equals("HANDLED");
                        handled |= isHandled;
                        closedGateSeen |= !isHandled && (d.get("reason").asText().equals("GATE_CLOSED")
                                || d.get("reason").asText().equals("WARMING_UP"));
                        if (d.get("must_call_llm").asBoolean()) {
                            written.add(answers.answer(Decision.of(onTopic, examples.get(i).text()), examples.get(i).label()));
                        }
                    }
                    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                }
                assertThat(closedGateSeen).as("calls while the gate was closed: DEFERRED with its reason").isTrue();
                assertThat(handled).as("the gate opened and the surrogate answered a call over HTTP").isTrue();

                final JsonNode empty = decision(post(server, call(TASK, "   ")));
                assertThat(empty.get("decision").asText()).isEqualTo("DEFERRED");
                assertThat(empty.get("reason").asText()).isEqualTo("INVALID_INPUT");
                final JsonNode oversized = decision(post(server, call(TASK, "x".repeat(501))));
                assertThat(oversized.get("reason").asText()).isEqualTo("INVALID_INPUT");
                final JsonNode unknown = decision(post(server, call("a-task-not-allowed", "hello there")));
                assertThat(unknown.get("decision").asText()).isEqualTo("DEFERRED");
                assertThat(unknown.get("reason").asText()).isEqualTo("TASK_NOT_ALLOWED");
                assertThat(post(server, "{\"task\": \"intents\", input: x}").statusCode()).isEqualTo(400);
                assertThat(post(server, call(TASK, "y".repeat(5_000))).statusCode()).isEqualTo(413);

                // the README's curl command, run as shown (port and task replaced), where curl is installed
                final JsonNode fromCurl = runReadmeCurl(server.port());
                if (fromCurl != null) {
                    assertThat(fromCurl.get("from_tracer").asBoolean()).as("curl's answer: %s", fromCurl).isTrue();
                    assertThat(committed(seen, fromCurl.get("request_id").asText()).getDecision().name())
                            .isEqualTo(fromCurl.get("decision").asText());
                    calls++;
                }

                // routed once: one decision per request id on the topic, nothing left behind
                Thread.sleep(1_000);
                assertThat(seen.values()).allSatisfy(list -> assertThat(list).hasSize(1));
                assertThat(seen).hasSizeGreaterThanOrEqualTo(calls + 3);
                assertThat(server.counts().get("calls")).isEqualTo(calls + 3 + 2);
                assertThat(server.counts().get("timeouts")).isZero();
                assertThat(server.counts().get("refused")).isEqualTo(2L);
            }
        }
    }

    /** Runs the README's curl snippet against {@code port} for {@value #TASK}; null (with a note) without curl. */
    private static JsonNode runReadmeCurl(final int port) throws Exception {
        final String snippet = ReadmeSnippets.snippet("route-curl");
        assertThat(snippet).contains("http://127.0.0.1:8088" + RouteHttpServer.PATH).contains("support-intents");
        assertThat(ReadmeSnippets.snippet("route-run")).contains("--set " + TracerConfig.ROUTE_HTTP_PORT_CONFIG + "=8088");
        final boolean curl = new ProcessBuilder("bash", "-c", "command -v curl").start().waitFor() == 0;
        if (!curl) {
            System.out.println("RouteHttpIT: curl is not installed; the README's curl command was not run");
            return null;
        }
        final Process p = new ProcessBuilder("bash", "-c", snippet.replace("127.0.0.1:8088", "127.0.0.1:" + port)
                .replace("support-intents", TASK)).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("curl exits 0: %s", output).isZero();
        return JSON.readTree(output);
    }

    @Test
    void shouldForwardACallToTheInstanceThatOwnsTheTask() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            registry = "mock://route2-" + UUID.randomUUID().toString().substring(0, 8);
            final String app = "route2-" + UUID.randomUUID().toString().substring(0, 8);
            final TracerConfig first = new TracerConfig(settings(kafka.bootstrapServers(), app, stateDir));
            final TracerConfig second = new TracerConfig(settings(kafka.bootstrapServers(), app, stateDir2));
            ensureTopics(first);
            final RouteHttpServer route1 = RouteHttpServer.bind(first);
            final RouteHttpServer route2 = RouteHttpServer.bind(second);
            try (TracerApp app1 = TracerApp.run(route1.streamsConfig(), featurizer);
                 TracerApp app2 = TracerApp.run(route2.streamsConfig(), featurizer);
                 RouteHttpServer server1 = route1; RouteHttpServer server2 = route2) {
                assertThat(app1.awaitRunning(WAIT)).isTrue();
                assertThat(app2.awaitRunning(WAIT)).isTrue();
                server1.start(app1.streams());
                server2.start(app2.streams());
                final TaskOwners owners = TaskOwners.of(app1.streams());
                // the two instances share the 2 partitions of the by-task topic: find a task the second one owns
                String remoteTask = null;
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (remoteTask == null && System.nanoTime() < deadline) {
                    for (int i = 0; i < 50 && remoteTask == null; i++) {
                        final Optional<String> owner = owners.ownerOf("task-" + i);
                        if (owner.isPresent() && owner.get().equals(server2.advertised())) {
                            remoteTask = "task-" + i;
                        }
                    }
                    if (remoteTask == null) {
                        Thread.sleep(500); // still rebalancing
                    }
                }
                assertThat(remoteTask).as("a task owned by the second instance").isNotNull();
                final JsonNode d = decision(post(server1, call(remoteTask, "where is my card")));
                assertThat(d.get("from_tracer").asBoolean()).as("tracer's decision: %s", d).isTrue();
                assertThat(d.get("served_by").asText()).isEqualTo(server2.advertised());
                assertThat(d.get("task").asText()).isEqualTo(remoteTask);
                assertThat(server1.counts().get("forwarded")).isEqualTo(1L);
                assertThat(server2.counts().get("calls")).isEqualTo(1L);
            }
        }
    }
}
