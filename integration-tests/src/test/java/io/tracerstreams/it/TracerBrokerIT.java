/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.topology.TracerApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracer broker} as a real process: the topology runs against its broker and registry over real ports, and
 * with {@code --data} the topics, their records and the registry's schemas survive a restart.
 */
class TracerBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static String value(final JavaProcess p, final String key) throws InterruptedException {
        return p.await(l -> l.startsWith("out: " + key + "="), TIMEOUT).substring(("out: " + key + "=").length());
    }

    @Test
    void shouldServeTheTopologyOverRealPortsAndKeepItsStateAcrossARestart() throws Exception {
        final Path data = dir.resolve("data");
        final int responsesSent;
        final List<String> subjects;
        final int id;
        try (JavaProcess broker = JavaProcess.tracer(dir, "broker", "--port", "0", "--registry-port", "0", "--data", data.toString())) {
            final String bootstrap = value(broker, "bootstrap.servers");
            final String registry = value(broker, "schema.registry.url");
            assertThat(registry).startsWith("http://127.0.0.1:");
            final Map<String, Object> m = new HashMap<>();
            m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
            m.put(TracerConfig.APPLICATION_ID_CONFIG, "broker-it");
            m.put(TracerConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            m.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, "1");
            m.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "300");
            m.put(TracerConfig.LEARNERS_CONFIG, "ncm");
            final TracerConfig config = new TracerConfig(m);
            try (HashingFeaturizer featurizer = new HashingFeaturizer(64); TracerApp app = TracerApp.run(config, featurizer);
                 LlmSimulator llm = new LlmSimulator(config, "intents", 3L)) {
                assertThat(app.awaitRunning(TIMEOUT)).isTrue();
                for (int round = 0; round < 3; round++) {
                    llm.round(40, TIMEOUT);
                }
                assertThat(llm.pollUntil(() -> llm.latestStats() != null && llm.latestStats().getRequestsSeen() == llm.requestsSent,
                        TIMEOUT)).as("stats: %s", llm.latestStats()).isTrue();
                responsesSent = llm.responsesSent;
            }
            try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
                subjects = List.of("llm.requests-value", "llm.responses-value");
                id = client.getLatest("llm.responses-value").id();
            }
            broker.process.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook stops the registry and the broker
            assertThat(broker.waitFor(Duration.ofSeconds(60))).isIn(0, 143);
        }
        try (JavaProcess again = JavaProcess.tracer(dir, "broker", "--port", "0", "--registry-port", "0", "--data", data.toString())) {
            final String bootstrap = value(again, "bootstrap.servers");
            final String registry = value(again, "schema.registry.url");
            try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
                for (final String s : subjects) {
                    assertThat(client.getLatest(s).version()).isEqualTo(1);
                }
                assertThat(client.getLatest("llm.responses-value").id()).as("same schema id after the restart").isEqualTo(id);
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                final var tp = new org.apache.kafka.common.TopicPartition("llm.responses", 0);
                final long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                        .partitionResult(tp).get().offset();
                assertThat(end).as("the responses are still on the topic").isGreaterThanOrEqualTo(responsesSent);
            }
        }
    }
}
