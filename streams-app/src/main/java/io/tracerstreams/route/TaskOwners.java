/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.route;

import io.tracerstreams.topology.TracerTopology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.util.Optional;

/** Which instance of the application owns a task's engine: its {@code application.server} (host:port). */
@FunctionalInterface
public interface TaskOwners {

    /**
     * The host:port of the instance whose task router holds {@code task}'s engine (the active one), or empty when it
     * is not known now (the application is starting or rebalancing, or has no {@code application.server}).
     */
    Optional<String> ownerOf(String task);

    /**
     * Kafka Streams' interactive-query metadata: {@code queryMetadataForKey} on {@link TracerTopology#TASK_STORE},
     * which is keyed and partitioned by task exactly as the by-task repartition topic is (default partitioner on the
     * task's UTF-8 bytes).
     */
    static TaskOwners of(final KafkaStreams streams) {
        return task -> {
            final KeyQueryMetadata metadata;
            try {
                metadata = streams.queryMetadataForKey(TracerTopology.TASK_STORE, task, Serdes.String().serializer());
            } catch (final RuntimeException e) {
                return Optional.empty(); // not started, or shutting down: the caller routes here
            }
            if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE) {
                return Optional.empty();
            }
            final HostInfo host = metadata.activeHost();
            if (host == null || host.port() <= 0 || host.host() == null || host.host().isEmpty()
                    || host.equals(HostInfo.unavailable())) {
                return Optional.empty();
            }
            return Optional.of(host.host() + ":" + host.port());
        };
    }
}
