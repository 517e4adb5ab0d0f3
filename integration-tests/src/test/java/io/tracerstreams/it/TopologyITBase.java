/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.topology.DeadLetterReason;
import io.tracerstreams.topology.OutputListener;
import io.tracerstreams.topology.TracerApp;
import io.tracerstreams.topology.TracerCounters;

import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topology on a real broker, run by {@link TracerApp} (exactly_once_v2), with Avro through an in-process
 * mock:// registry (or a real one) and the hashing featurizer. Subclasses say which broker and registry.
 */
abstract class TopologyITBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;

    private final HashingFeaturizer featurizer = new HashingFeaturizer(64);
    private String registry;

    /** The broker to run on. */
    abstract String bootstrapServers();

    /** The schema registry of a test: by default an in-process {@code mock://} one of its own. */
    String registryUrl(final String prefix) {
        return "mock://" + prefix;
    }

    TracerConfig config(final String name) {
        final String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        registry = registryUrl(prefix);
        final Map<String, Object> m = ItConfigs.base(bootstrapServers(), registry, prefix, stateDir);
        m.putAll(ItConfigs.smallGate());
        m.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "300");
        m.put(TracerConfig.SNAPSHOT_INTERVAL_CONFIG, "100");
        m.put(TracerConfig.SNAPSHOT_CHUNK_BYTES_CONFIG, "131072");
        return new TracerConfig(m);
    }

    /** The sum over stream threads of one of tracer's metrics (group stream-tracer-metrics). */
    private static double tracerMetric(final TracerApp app, final String name) {
        return app.streams().metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-tracer-metrics") && e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    private TracerApp start(final TracerConfig config) throws InterruptedException {
        final TracerApp app = TracerApp.run(config, featurizer);
        assertThat(app.awaitRunning(TIMEOUT)).as("the app reaches RUNNING").isTrue();
        return app;
    }

    @AfterEach
    void dropRegistry() {
        if (registry != null && registry.startsWith("mock://")) {
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
        }
        featurizer.close();
    }

    @Test
    void shouldRouteLearnOpenTheGateAndDeadLetterBadRecords() throws Exception {
        final TracerConfig config = config("flow");
        try (TracerApp app = start(config); LlmSimulator llm = new LlmSimulator(config, "intents", 5L)) {
            final List<RoutingDecision> observed = new CopyOnWriteArrayList<>();
            final List<Map<String, String>> observedDead = new CopyOnWriteArrayList<>();
            app.observe(new OutputListener() {
                @Override
                public void onDecision(final RoutingDecision decision) {
                    observed.add(decision);
                }

                @Override
                public void onDeadLetter(final Map<String, String> headers, final byte[] value) {
                    observedDead.add(headers);
                }
            });
            for (int round = 0; round < 12 && llm.gateEvents.isEmpty(); round++) {
                llm.round(50, TIMEOUT);
                llm.poll();
            }
            assertThat(llm.gateEvents).as("gate events").isNotEmpty();
            assertThat(llm.gateEvents.get(0).getState()).isEqualTo(GateState.OPEN);
            final List<String> after = llm.round(100, TIMEOUT);
            assertThat(after.stream().map(id -> llm.decisionsById.get(id).get(0).getDecision()))
                    .contains(Decision.HANDLED);
            llm.sendRawRequest("definitely not avro".getBytes(StandardCharsets.UTF_8));
            assertThat(llm.pollUntil(() -> !llm.deadLetters.isEmpty(), TIMEOUT)).isTrue();
            assertThat(llm.deadLetters.get(0)).containsEntry("x-tracer-reason", "undecodable")
                    .containsEntry("x-tracer-source-topic", config.topics().requests());
            assertThat(app.counters().deadLetters(DeadLetterReason.UNDECODABLE)).isEqualTo(1);
            // the same counters as Kafka Streams metrics of the stream threads
            assertThat(tracerMetric(app, "dead-letters-total")).isEqualTo(1.0);
            assertThat(tracerMetric(app, "requests-read-total")).isGreaterThanOrEqualTo(llm.requestsSent);
            assertThat(llm.decisionsById.values()).allSatisfy(ds -> assertThat(ds).hasSize(1));
            assertThat(llm.pollUntil(() -> llm.latestStats() != null
                    && llm.latestStats().getRequestsSeen() == llm.requestsSent
                    && llm.latestStats().getTracesSeen() == llm.responsesSent, TIMEOUT))
                    .as("stats reach %d requests and %d traces: %s", llm.requestsSent, llm.responsesSent, llm.latestStats())
                    .isTrue();
            // TracerApp.observe delivered the same committed outputs
            assertThat(llm.pollUntil(() -> observed.size() >= llm.requestsSent && !observedDead.isEmpty(), TIMEOUT)).isTrue();
            assertThat(observed).hasSize(llm.requestsSent);
            assertThat(observedDead.get(0)).containsEntry("x-tracer-reason", "undecodable");
        }
    }

    @Test
    void shouldResumeAfterARestartAndAfterLosingTheLocalState() throws Exception {
        final TracerConfig config = config("restart");
        try (LlmSimulator llm = new LlmSimulator(config, "intents", 9L)) {
            final List<String> inFlight;
            try (TracerApp first = start(config)) {
                for (int round = 0; round < 8; round++) {
                    llm.round(50, TIMEOUT);
                }
                inFlight = llm.sendRequests(50);
            } // stopped mid-stream: some of these requests may not be routed yet
            final long opensBefore = llm.gateEvents.stream().filter(e -> e.getState() == GateState.OPEN).count();
            try (TracerApp second = start(config)) {
                llm.answer(inFlight, TIMEOUT);
                for (int round = 0; round < 3; round++) {
                    llm.round(50, TIMEOUT);
                }
            }
            FileUtils.deleteDirectory(stateDir.toFile());
            final List<String> afterWipe;
            try (TracerApp third = start(config)) {
                afterWipe = llm.round(50, TIMEOUT);
                for (int round = 0; round < 2; round++) {
                    llm.round(50, TIMEOUT);
                }
                assertThat(third.counters().get(TracerCounters.Counter.ENGINE_LOADS)).isPositive();
                assertThat(llm.pollUntil(() -> llm.latestStats() != null
                        && llm.latestStats().getRequestsSeen() == llm.requestsSent, TIMEOUT))
                        .as("stats reach %d requests: %s", llm.requestsSent, llm.latestStats()).isTrue();
                // let a few more stats intervals pass: a trace learned twice would show up as more traces
                Thread.sleep(1_000);
                llm.poll();
            }
            final TaskStats last = llm.latestStats();
            assertThat(last.getRequestsSeen()).isEqualTo(llm.requestsSent);
            assertThat(last.getTracesSeen()).isEqualTo(llm.responsesSent);
            assertThat(llm.decisionsById).hasSize(llm.requestsSent);
            assertThat(llm.decisionsById.values()).allSatisfy(ds -> assertThat(ds).as("decisions per request id").hasSize(1));
            assertThat(opensBefore).as("the gate opened before the restarts").isPositive();
            // the restored engine was not warming up again: it handled requests right after the wipe
            final List<RoutingDecision> wiped = afterWipe.stream().map(id -> llm.decisionsById.get(id).get(0)).toList();
            assertThat(wiped).noneMatch(d -> d.getReason() == Reason.WARMING_UP);
            assertThat(wiped).anyMatch(d -> d.getDecision() == Decision.HANDLED);
        }
    }
}
