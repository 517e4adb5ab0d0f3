/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.config;

import io.tracerstreams.task.TaskConfig;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TracerConfigTest {

    private static Map<String, Object> required() {
        final Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "localhost:9092");
        m.put("schema.registry.url", "mock://t");
        return m;
    }

    @Test
    void shouldSayInTheListingWhichSettingsApplyInPlaceAndWhichResetATaskOnRestart() {
        assertThat(io.tracerstreams.task.RestoreEffect.BY_KEY.keySet()).allSatisfy(key ->
                assertThat(TracerConfig.CONFIG.names()).contains(key));
        final String listing = TracerConfig.listing();
        assertThat(listing).contains("``alpha``");
        for (final var entry : io.tracerstreams.task.RestoreEffect.BY_KEY.entrySet()) {
            final String section = listing.substring(listing.indexOf("``" + entry.getKey() + "``"));
            final String own = section.substring(0, section.indexOf("\n\n``") < 0 ? section.length() : section.indexOf("\n\n``"));
            assertThat(own).as(entry.getKey()).contains("* On restart: " + entry.getValue().description());
        }
        final String bootstrap = listing.substring(listing.indexOf("``bootstrap.servers``"));
        assertThat(bootstrap.substring(0, bootstrap.indexOf("\n\n``"))).doesNotContain("On restart");
        assertThat(listing.split("On restart:", -1)).hasSize(io.tracerstreams.task.RestoreEffect.BY_KEY.size() + 1);
    }

    @Test
    void shouldApplyDefaults() {
        final TracerConfig c = new TracerConfig(required());
        assertThat(c.exactlyOnce()).isTrue();
        assertThat(c.embeddingModel()).isEqualTo("minilm");
        assertThat(c.topics().requests()).isEqualTo("llm.requests");
        assertThat(c.topics().responses()).isEqualTo("llm.responses");
        assertThat(c.topics().decisions()).isEqualTo("tracer.decisions");
        assertThat(c.topics().gateEvents()).isEqualTo("tracer.gate-events");
        assertThat(c.topics().taskStats()).isEqualTo("tracer.task-stats");
        assertThat(c.topics().reports()).isEqualTo("tracer.reports");
        assertThat(c.topics().dlq()).isEqualTo("tracer.dlq");
        assertThat(c.taskConfig("any")).isEqualTo(TaskConfig.DEFAULTS);
    }

    @Test
    void shouldBoundTheEmbeddingCacheInMemoryByDefaultAndNameTheKeyOfABadBound() {
        final TracerConfig c = new TracerConfig(required());
        assertThat(c.embeddingCacheMaxBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(c.embeddingCachePersist()).isFalse();
        final Map<String, Object> bad = required();
        bad.put(TracerConfig.EMBEDDING_CACHE_MAX_BYTES_CONFIG, "100");
        assertThatThrownBy(() -> new TracerConfig(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("embedding.cache.max.bytes").hasMessageContaining("0 (no cache)");
        final Map<String, Object> off = required();
        off.put(TracerConfig.EMBEDDING_CACHE_MAX_BYTES_CONFIG, "0");
        off.put(TracerConfig.EMBEDDING_MODEL_CONFIG, "hashing");
        try (var f = new TracerConfig(off).openFeaturizer()) {
            assertThat(f).isInstanceOf(io.tracerstreams.featurize.HashingFeaturizer.class);
        }
    }

    @Test
    void shouldListTheRegistryTlsAndOutageSettingsAndNameTheKeyOfAnUnreadableStore() {
        assertThat(TracerConfig.CONFIG.names()).contains("schema.registry.ssl.truststore.location",
                "schema.registry.ssl.truststore.password", "schema.registry.ssl.truststore.type",
                "schema.registry.ssl.keystore.location", "schema.registry.ssl.keystore.password",
                "schema.registry.ssl.keystore.type", "schema.registry.ssl.key.password",
                "schema.registry.outage.backoff.max.ms", "schema.registry.outage.wait.max.ms");
        final Map<String, Object> m = required();
        m.put("schema.registry.url", "https://registry.example.com");
        m.put("schema.registry.ssl.truststore.location", "/nonexistent/trust.jks");
        assertThatThrownBy(() -> new TracerConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location");
        final Map<String, Object> t = required();
        t.put("schema.registry.ssl.keystore.type", "PEM");
        assertThatThrownBy(() -> new TracerConfig(t)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.ssl.keystore.type");
        final TracerConfig c = new TracerConfig(required());
        assertThat(c.schemaRegistryOutageWaitMaxMs()).isEqualTo(60_000L).isLessThan(300_000L);
    }

    @Test
    void shouldRequireBrokersAndRegistry() {
        assertThatThrownBy(() -> new TracerConfig(Map.of("schema.registry.url", "mock://t")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> new TracerConfig(Map.of("bootstrap.servers", "x:1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void shouldNameKeyAndAcceptedValuesOnBadValue() {
        final Map<String, Object> m = required();
        m.put("processing.guarantee", "exactly_once");
        assertThatThrownBy(() -> new TracerConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee").hasMessageContaining("exactly_once_v2")
                .hasMessageContaining("at_least_once");
        final Map<String, Object> r = required();
        r.put("schema.registry.url", "localhost:8081");
        assertThatThrownBy(() -> new TracerConfig(r)).hasMessageContaining("schema.registry.url").hasMessageContaining("mock://");
        final Map<String, Object> a = required();
        a.put("alpha", "1.5");
        assertThatThrownBy(() -> new TracerConfig(a)).hasMessageContaining("alpha");
    }

    @Test
    void shouldRejectUnknownKeysWithTheKeyName() {
        final Map<String, Object> m = required();
        m.put("aplha", "0.9");
        assertThatThrownBy(() -> new TracerConfig(m)).isInstanceOf(ConfigException.class).hasMessageContaining("'aplha'");
    }

    @Test
    void shouldMapPerTaskOverridesOntoTaskConfig() {
        final Map<String, Object> m = required();
        m.put("alpha", "0.85");
        m.put("task.banking77.alpha", "0.95");
        m.put("task.my.task.min.accepted", "30");
        m.put("task.banking77.learners", "ncm,knn");
        final TracerConfig c = new TracerConfig(m);
        assertThat(c.taskConfig("banking77").alpha()).isEqualTo(0.95);
        assertThat(c.taskConfig("banking77").learners()).containsExactly("ncm", "knn");
        assertThat(c.taskConfig("my.task").minAccepted()).isEqualTo(30);
        assertThat(c.taskConfig("my.task").alpha()).isEqualTo(0.85);
        assertThat(c.taskConfig("other").alpha()).isEqualTo(0.85);
        assertThat(c.tasksWithOverrides()).containsExactlyInAnyOrder("banking77", "my.task");
    }

    @Test
    void shouldNameTheTaskKeyOnBadOverride() {
        final Map<String, Object> m = required();
        m.put("task.clinc.window.size", "10");
        assertThatThrownBy(() -> new TracerConfig(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("task.clinc.window.size");
        final Map<String, Object> n = required();
        n.put("task.clinc.min.accepted", "5000");
        assertThatThrownBy(() -> new TracerConfig(n)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("task.clinc.").hasMessageContaining("minAccepted");
    }

    @Test
    void shouldMapEnvironmentVariableNamesToKeys() {
        assertThat(TracerConfig.envToKey("TRACER_ALPHA")).isEqualTo("alpha");
        assertThat(TracerConfig.envToKey("TRACER_SCHEMA_REGISTRY_URL")).isEqualTo("schema.registry.url");
        assertThat(TracerConfig.envToKey("TRACER_TASK_MY__INTENTS_ALPHA")).isEqualTo("task.my_intents.alpha");
        assertThat(TracerConfig.fromEnvironment(Map.of("TRACER_ALPHA", "0.9", "TRACER_NO_SUCH_THING", "1", "PATH", "/bin")))
                .containsExactly(Map.entry("alpha", "0.9"));
    }

    @Test
    void shouldLoadDefaultsThenFileThenEnvironmentThenOverrides(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("tracer.properties");
        Files.writeString(file, String.join("\n", "bootstrap.servers=file:9092", "schema.registry.url=mock://file",
                "alpha=0.81", "delta=0.1", "epsilon=0.2"));
        final TracerConfig c = TracerConfig.load(file, Map.of("TRACER_DELTA", "0.2", "TRACER_EPSILON", "0.3"),
                Map.of("epsilon", "0.4"));
        assertThat(c.bootstrapServers()).isEqualTo("file:9092");
        assertThat(c.taskConfig("t").alpha()).isEqualTo(0.81);
        assertThat(c.taskConfig("t").delta()).isEqualTo(0.2);
        assertThat(c.taskConfig("t").epsilon()).isEqualTo(0.4);
        assertThat(c.taskConfig("t").windowSize()).isEqualTo(TaskConfig.DEFAULTS.windowSize());
    }

    @Test
    void shouldProduceStreamsPropertiesWithPassThrough() {
        final Map<String, Object> m = required();
        m.put("kafka.security.protocol", "SSL");
        m.put("processing.guarantee", "at_least_once");
        m.put("schema.registry.basic.auth.credentials.source", "USER_INFO");
        m.put("schema.registry.basic.auth.user.info", "u:p");
        final TracerConfig c = new TracerConfig(m);
        final Properties p = c.toStreamsProperties();
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(p.get("security.protocol")).isEqualTo("SSL");
        assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        assertThat(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("tracer.dlq");
        assertThat(c.schemaRegistryConfig()).containsEntry("schema.registry.url", "mock://t")
                .containsEntry("basic.auth.user.info", "u:p").containsEntry("basic.auth.credentials.source", "USER_INFO");
        assertThat(io.tracerstreams.serde.AvroSerdeConfig.fromMap(c.schemaRegistryConfig()).isMock()).isTrue();
        // the resulting properties are a valid StreamsConfig
        assertThat(new StreamsConfig(p).getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("tracer-streams");
        assertThat(TracerConfig.documentation()).contains("snapshot.interval.calls");
        assertThat(c.taskConfig("x").learners()).isEqualTo(List.copyOf(TaskConfig.DEFAULTS.learners()));
    }

    @Test
    void shouldTakeAMoaClassifierSpecAsALearnerAndRefuseOneMoaCannotParse() {
        final Map<String, Object> ok = new java.util.HashMap<>(required());
        ok.put(TracerConfig.LEARNERS_CONFIG, "ncm,moa:meta.AdaptiveRandomForest -s 5,moa:trees.HoeffdingAdaptiveTree");
        assertThat(new TracerConfig(ok).taskConfig("intents").learners())
                .containsExactly("ncm", "moa:meta.AdaptiveRandomForest -s 5", "moa:trees.HoeffdingAdaptiveTree");
        final Map<String, Object> bad = new java.util.HashMap<>(required());
        bad.put(TracerConfig.LEARNERS_CONFIG, "ncm,moa:meta.NoSuchForest -s 5");
        assertThatThrownBy(() -> new TracerConfig(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'learners'").hasMessageContaining("'meta.NoSuchForest -s 5'");
        assertThat(TracerConfig.CONFIG.configKeys().get(TracerConfig.LEARNERS_CONFIG).documentation)
                .contains("moa:meta.AdaptiveRandomForest -s 5");
    }
}
