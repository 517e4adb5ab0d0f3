/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The topology on a TopologyTestDriver with a mock:// registry and the hashing featurizer. */
final class TopologyHarness implements AutoCloseable {

    final TracerConfig config;
    final TracerCounters counters = new TracerCounters();
    final TopicSerdes serdes;
    final Featurizer featurizer;
    final TopologyTestDriver driver;
    final TestInputTopic<String, LlmRequest> requests;
    final TestInputTopic<String, LlmResponse> responses;
    final TestInputTopic<byte[], byte[]> rawRequests;
    final TestInputTopic<byte[], byte[]> rawResponses;
    final TestOutputTopic<String, RoutingDecision> decisions;
    final TestOutputTopic<String, GateEvent> gateEvents;
    final TestOutputTopic<String, GateEvent> gateState;
    final TestOutputTopic<String, TaskStats> stats;
    final TestOutputTopic<String, BoundaryReport> reports;
    final TestOutputTopic<byte[], byte[]> dlq;
    private final String registry;
    private Instant clock = Instant.parse("2026-11-27T12:00:00Z");

    /** Test settings: a small window so the gate can open within a few hundred traces. */
    static Map<String, Object> settings(final Path stateDir) {
        final Map<String, Object> m = new HashMap<>();
        m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://topology-" + UUID.randomUUID());
        m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
        m.put(TracerConfig.WINDOW_SIZE_CONFIG, "300");
        m.put(TracerConfig.MIN_ACCEPTED_CONFIG, "30");
        m.put(TracerConfig.ALPHA_CONFIG, "0.8");
        m.put(TracerConfig.DELTA_CONFIG, "0.1");
        m.put(TracerConfig.EPSILON_CONFIG, "0.2");
        m.put(TracerConfig.LEARNERS_CONFIG, "ncm,knn");
        m.put(TracerConfig.MAX_INPUT_CHARS_CONFIG, "200");
        m.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "1000");
        m.put(TracerConfig.REPORTS_INTERVAL_MS_CONFIG, "5000");
        m.put(TracerConfig.SNAPSHOT_INTERVAL_CONFIG, "37");
        m.put(TracerConfig.SNAPSHOT_CHUNK_BYTES_CONFIG, "65536");
        // every record goes through the featurize buffer and is embedded at once, so that a test reads its outputs
        // right after piping its inputs; FeaturizeBatchingTest covers batches and the wall-clock flush
        m.put(TracerConfig.FEATURIZE_BATCH_MAX_TEXTS_CONFIG, "1");
        return m;
    }

    TopologyHarness(final Map<String, Object> settings) {
        this(settings, null);
    }

    /** With {@code engines} null, the production factory for the settings (as TracerTopology.build makes it). */

    TopologyHarness(final Map<String, Object> settings, final RouterEngine.Factory engines) {
        this(settings, engines, new HashingFeaturizer(64));
    }

    /** The topology on a given featurizer, which {@link #close()} closes. */
    TopologyHarness(final Map<String, Object> settings, final RouterEngine.Factory engines, final Featurizer featurizer) {
        this.featurizer = featurizer;
        this.config = new TracerConfig(settings);
        this.registry = config.schemaRegistryUrl();
        this.serdes = TopicSerdes.fromConfig(config);
        final RouterEngine.Factory factory = engines != null ? engines
                : RouterEngine.taskEngines(config.reportsHashTexts(), config.embeddingModel());
        this.driver = new TopologyTestDriver(TracerTopology.build(config, featurizer, serdes, counters, factory),
                config.toStreamsProperties(), clock);
        final TracerConfig.Topics t = config.topics();
        final StringSerializer s = new StringSerializer();
        final StringDeserializer d = new StringDeserializer();
        requests = driver.createInputTopic(t.requests(), s, serdes.request().serializer(), clock, Duration.ofMillis(10));
        responses = driver.createInputTopic(t.responses(), s, serdes.response().serializer(), clock, Duration.ofMillis(10));
        rawRequests = driver.createInputTopic(t.requests(), new ByteArraySerializer(), new ByteArraySerializer());
        rawResponses = driver.createInputTopic(t.responses(), new ByteArraySerializer(), new ByteArraySerializer());
        decisions = driver.createOutputTopic(t.decisions(), d, serdes.decision().deserializer());
        gateEvents = driver.createOutputTopic(t.gateEvents(), d, serdes.gate().deserializer());
        gateState = driver.createOutputTopic(t.gateState(), d, serdes.gate().deserializer());
        stats = driver.createOutputTopic(t.taskStats(), d, serdes.stats().deserializer());
        reports = driver.createOutputTopic(t.reports(), d, serdes.report().deserializer());
        dlq = driver.createOutputTopic(t.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Sets the event-time clock of the next records (e.g. to continue where another harness stopped). */
    void clockAt(final Instant now) {
        clock = now;
    }

    /** The event time of the last record piped. */
    Instant now() {
        return clock;
    }

    Instant tick() {
        clock = clock.plusMillis(10);
        return clock;
    }

    void request(final String task, final String id, final String input) {
        final Instant ts = tick();
        requests.pipeInput(task, LlmRequest.newBuilder().setRequestId(id).setTask(task).setInput(input).setTimestamp(ts).build(), ts);
    }

    void response(final String task, final String id, final String label, final String inputOrNull) {
        final Instant ts = tick();
        responses.pipeInput(task, LlmResponse.newBuilder().setRequestId(id).setTask(task).setLabel(label).setInput(inputOrNull)
                .setModel("llm").setTimestamp(ts).build(), ts);
    }

    /** The test settings ({@link #settings(Path)}) under processing.guarantee=at_least_once. */
    static Map<String, Object> atLeastOnce(final Path stateDir) {
        final Map<String, Object> m = settings(stateDir);
        m.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return m;
    }

    /** The last task stats emitted, after letting 1.5 s of wall-clock time pass (the stats punctuation). */
    TaskStats lastStats() {
        driver.advanceWallClockTime(Duration.ofMillis(1_500));
        final List<TaskStats> all = stats.readValuesToList();
        if (all.isEmpty()) {
            throw new AssertionError("no task stats were emitted");
        }
        return all.get(all.size() - 1);
    }

    /** Routes n requests of a learnable stream to a task and answers the deferred and audited ones (the closed loop). */
    List<RoutingDecision> closedLoop(final String task, final SyntheticIntents intents, final String prefix, final int n) {
        final List<RoutingDecision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final SyntheticIntents.Example ex = intents.next();
            final String id = prefix + i;
            request(task, id, ex.text());
            final RoutingDecision d = decisions.readValuesToList().get(0);
            out.add(d);
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                response(task, id, ex.label(), null);
            }
        }
        return out;
    }

    /** The router's stores (by name, then key), as their changelogs would restore them in another instance. */
    Map<String, Map<String, byte[]>> routerStores() {
        final Map<String, Map<String, byte[]>> out = new HashMap<>();
        for (final String name : TaskRouter.STORES) {
            final KeyValueStore<String, byte[]> store = driver.getKeyValueStore(name);
            final Map<String, byte[]> copy = new HashMap<>();
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> copy.put(kv.key, kv.value));
            }
            out.put(name, copy);
        }
        return out;
    }

    /** Puts router stores copied from another harness ({@link #routerStores()}) into this one: a restart elsewhere. */
    void restoreRouterStores(final Map<String, Map<String, byte[]>> stores) {
        stores.forEach((name, entries) -> {
            final KeyValueStore<String, byte[]> store = driver.getKeyValueStore(name);
            entries.forEach(store::put);
        });
    }

    @Override
    public void close() {
        driver.close();
        serdes.close();
        featurizer.close();
        if (registry.startsWith("mock://")) {
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
        }
    }
}
