/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import io.tracerstreams.config.TracerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The topology settings of the client and example ITs: small gate window, hashing features, prefixed topics. */
final class ItConfigs {

    private ItConfigs() {
    }

    /** A config whose topics and application id carry {@code name} and a random suffix. */
    static TracerConfig tracer(final String bootstrap, final String registryUrl, final String name, final Path stateDir) {
        final String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, Object> m = new HashMap<>();
        m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        m.put(TracerConfig.APPLICATION_ID_CONFIG, prefix);
        m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
        for (final String key : List.of(TracerConfig.TOPIC_REQUESTS_CONFIG, TracerConfig.TOPIC_RESPONSES_CONFIG,
                TracerConfig.TOPIC_DECISIONS_CONFIG, TracerConfig.TOPIC_GATE_EVENTS_CONFIG, TracerConfig.TOPIC_GATE_STATE_CONFIG,
                TracerConfig.TOPIC_TASK_STATS_CONFIG, TracerConfig.TOPIC_REPORTS_CONFIG, TracerConfig.TOPIC_DLQ_CONFIG)) {
            m.put(key, prefix + "." + key);
        }
        m.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, "2");
        m.put(TracerConfig.TOPICS_REPLICATION_FACTOR_CONFIG, "1");
        m.put(TracerConfig.WINDOW_SIZE_CONFIG, "300");
        m.put(TracerConfig.MIN_ACCEPTED_CONFIG, "30");
        m.put(TracerConfig.ALPHA_CONFIG, "0.8");
        m.put(TracerConfig.DELTA_CONFIG, "0.1");
        m.put(TracerConfig.EPSILON_CONFIG, "0.2");
        m.put(TracerConfig.LEARNERS_CONFIG, "ncm,knn");
        m.put(TracerConfig.MAX_INPUT_CHARS_CONFIG, "500");
        m.put(TracerConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        return new TracerConfig(m);
    }
}
