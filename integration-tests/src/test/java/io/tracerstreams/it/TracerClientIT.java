/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.client.ClientMetrics;
import io.tracerstreams.client.Decision;
import io.tracerstreams.client.TracerClient;
import io.tracerstreams.client.TracerClientConfig;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TracerApp;
import io.tracerstreams.topology.TracerTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * tracer-client against the real topology on the embedded KRaft broker: calls routed and answered until the gate
 * opens, bad input answered with its reason, and a broker restart in the middle of calls (every future completes,
 * with tracer's decision or TIMEOUT, and calls get decisions again once the broker is back).
 */
class TracerClientIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TASK = "intents";

    @TempDir
    Path stateDir;
    @TempDir
    Path brokerDir;

    private final HashingFeaturizer featurizer = new HashingFeaturizer(64);
    private String registry;

    @AfterEach
    void tearDown() {
        featurizer.close();
        if (registry != null) {
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
        }
    }

    private TracerConfig tracerConfig(final String bootstrap, final String name) {
        registry = "mock://" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        final TracerConfig config = ItConfigs.tracer(bootstrap, registry, name, stateDir);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TracerTopics.ensure(admin, config);
        }
        return config;
    }

    private static TracerClientConfig.Builder clientConfig(final TracerConfig config) {
        final TracerConfig.Topics t = config.topics();
        return TracerClientConfig.builder().bootstrapServers(config.bootstrapServers())
                .schemaRegistryUrl(config.schemaRegistryUrl()).requestsTopic(t.requests())
                .responsesTopic(t.responses()).decisionsTopic(t.decisions()).defaultTimeout(Duration.ofSeconds(30));
    }

    private TracerApp start(final TracerConfig config) throws InterruptedException {
        final TracerApp app = TracerApp.run(config, featurizer);
        assertThat(app.awaitRunning(WAIT)).as("the app reaches RUNNING").isTrue();
        return app;
    }

    @Test
    void shouldRouteAnswerAndLearnUntilTheGateOpensAndAnswerBadInputWithItsReason() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            final TracerConfig config = tracerConfig(kafka.bootstrapServers(), "client");
            try (TracerApp app = start(config); TracerClient client = new TracerClient(clientConfig(config).build())) {
                final SyntheticIntents intents = new SyntheticIntents(5, 3L);
                boolean handled = false;
                boolean closedGateSeen = false;
                int calls = 0;
                for (int round = 0; round < 20 && !handled; round++) {
                    final List<SyntheticIntents.Example> examples = new ArrayList<>();
                    final List<CompletableFuture<Decision>> futures = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        final SyntheticIntents.Example e = intents.next();
                        examples.add(e);
                        futures.add(client.route(TASK, e.text()));
                    }
                    calls += futures.size();
                    final List<CompletableFuture<?>> answers = new ArrayList<>();
                    for (int i = 0; i < futures.size(); i++) {
                        final Decision d = futures.get(i).get(60, TimeUnit.SECONDS);
                        assertThat(d.isTimeout()).as("a decision from tracer: %s", d).isFalse();
                        assertThat(d.task()).isEqualTo(TASK);
                        assertThat(d.input()).isEqualTo(examples.get(i).text());
                        handled |= d.isHandled();
                        closedGateSeen |= !d.isHandled() && (d.reason() == Reason.GATE_CLOSED || d.reason() == Reason.WARMING_UP);
                        if (d.mustCallLlm()) {
                            answers.add(client.answer(d, examples.get(i).label(), "simulated-llm", 5));
                        }
                    }
                    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                }
                assertThat(closedGateSeen).as("calls while the gate was closed: DEFERRED with its reason").isTrue();
                assertThat(handled).as("the gate opened and the surrogate answered a call").isTrue();

                final Decision empty = client.routeAndWait(TASK, "   ");
                assertThat(empty.isHandled()).isFalse();
                assertThat(empty.reason()).isEqualTo(Reason.INVALID_INPUT);
                final Decision oversized = client.routeAndWait(TASK, "x".repeat(501));
                assertThat(oversized.reason()).isEqualTo(Reason.INVALID_INPUT);
                final Decision unknownTask = client.routeAndWait("a-task-never-seen", "hello there");
                assertThat(unknownTask.isHandled()).isFalse();
                assertThat(unknownTask.isTimeout()).isFalse();
                assertThat(unknownTask.reason()).isIn(Reason.WARMING_UP, Reason.GATE_CLOSED);

                final ClientMetrics m = client.metricsSnapshot();
                assertThat(m.calls()).isEqualTo(calls + 3);
                assertThat(m.decisions()).isEqualTo(calls + 3);
                assertThat(m.timeouts()).isZero();
                assertThat(m.inFlight()).isZero();
                assertThat(m.answers()).isPositive();
            }
        }
    }

    @Test
    void shouldCompleteEveryCallAcrossABrokerRestart() throws Exception {
        final int port = freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(brokerDir, port, Map.of());
        try {
            final TracerConfig config = tracerConfig(kafka.bootstrapServers(), "restart");
            try (TracerApp app = start(config);
                 TracerClient client = new TracerClient(clientConfig(config).defaultTimeout(Duration.ofSeconds(3))
                         .kafkaProperty("reconnect.backoff.max.ms", 500).build())) {
                final List<CompletableFuture<Decision>> calls = new CopyOnWriteArrayList<>();
                final Map<CompletableFuture<Decision>, String> phase = new ConcurrentHashMap<>();
                final SyntheticIntents intents = new SyntheticIntents(5, 4L);
                // before: calls get decisions
                for (int i = 0; i < 20; i++) {
                    final CompletableFuture<Decision> f = client.route(TASK, intents.next().text());
                    calls.add(f);
                    phase.put(f, "before");
                }
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

                // calls in flight while the broker stops, and while it is down
                for (int i = 0; i < 10; i++) {
                    final CompletableFuture<Decision> f = client.route(TASK, intents.next().text());
                    calls.add(f);
                    phase.put(f, "stopping");
                }
                kafka.close();
                final long downSince = System.nanoTime();
                while (System.nanoTime() - downSince < TimeUnit.SECONDS.toNanos(4)) {
                    final CompletableFuture<Decision> f = client.route(TASK, intents.next().text());
                    calls.add(f);
                    phase.put(f, "down");
                    Thread.sleep(200);
                }
                kafka = EmbeddedKafka.start(brokerDir, port, Map.of());

                // after: calls get tracer's decisions again
                boolean decidedAfter = false;
                final long deadline = System.nanoTime() + WAIT.toNanos();
                while (!decidedAfter && System.nanoTime() < deadline) {
                    final CompletableFuture<Decision> f = client.route(TASK, intents.next().text());
                    calls.add(f);
                    phase.put(f, "after");
                    decidedAfter = !f.get(10, TimeUnit.SECONDS).isTimeout();
                }
                assertThat(decidedAfter).as("a call after the restart got tracer's decision").isTrue();

                // no hung future: each completes within its timeout (3 s) plus scheduling slack
                for (final CompletableFuture<Decision> f : calls) {
                    final Decision d = f.get(10, TimeUnit.SECONDS);
                    assertThat(d.isTimeout() ? d.reason() == Reason.TIMEOUT : d.requestId() != null)
                            .as("%s call: %s", phase.get(f), d).isTrue();
                }
                final long timeouts = calls.stream().filter(f -> f.join().isTimeout()).count();
                final long decided = calls.size() - timeouts;
                System.out.printf("broker restart: %d calls, %d decided by tracer, %d TIMEOUT%n", calls.size(), decided, timeouts);
                assertThat(calls.stream().filter(f -> phase.get(f).equals("before")))
                        .allSatisfy(f -> assertThat(f.join().isTimeout()).isFalse());
                final ClientMetrics m = client.metricsSnapshot();
                assertThat(m.inFlight()).isZero();
                assertThat(m.decisions() + m.timeouts()).isEqualTo(calls.size());
            }
        } finally {
            kafka.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
