/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import io.tracerstreams.config.TracerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The topology settings of the ITs: prefixed topics on a small cluster, and a gate that opens early. */
final class ItConfigs {

    private ItConfigs() {
    }

    /** A config whose topics and application id carry {@code name} and a random suffix. */
    static TracerConfig tracer(final String bootstrap, final String registryUrl, final String name, final Path stateDir) {
        final Map<String, Object> m = base(bootstrap, registryUrl, name + "-" + UUID.randomUUID().toString().substring(0, 8),
                stateDir);
        m.putAll(smallGate());
        m.put(TracerConfig.MAX_INPUT_CHARS_CONFIG, "500");
        m.put(TracerConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        return new TracerConfig(m);
    }

    /**
     * The settings every IT topology shares: the cluster, the registry, an application id and topic names carrying
     * {@code prefix}, the state directory, 2 partitions with replication factor 1. A mutable map, for the IT's own.
     */
    static Map<String, Object> base(final String bootstrap, final String registryUrl, final String prefix,
                                    final Path stateDir) {
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
        return m;
    }

    /** A gate that opens within a few hundred traces: window 300, 30 accepted, alpha 0.8, delta 0.1, epsilon 0.2. */
    static Map<String, Object> smallGate() {
        return Map.of(TracerConfig.WINDOW_SIZE_CONFIG, "300", TracerConfig.MIN_ACCEPTED_CONFIG, "30",
                TracerConfig.ALPHA_CONFIG, "0.8", TracerConfig.DELTA_CONFIG, "0.1", TracerConfig.EPSILON_CONFIG, "0.2",
                TracerConfig.LEARNERS_CONFIG, "ncm,knn");
    }
}
