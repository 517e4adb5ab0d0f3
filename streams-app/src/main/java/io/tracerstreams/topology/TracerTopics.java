/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates tracer's input and output topics where they are missing. */
public final class TracerTopics {

    private TracerTopics() {
    }

    /**
     * The topics tracer reads and writes, with topics.partitions and topics.replication.factor; the gate-state
     * topic is compacted (the current state per task), the others use the broker's retention.
     */
    public static List<NewTopic> definitions(final TracerConfig config) {
        final TracerConfig.Topics t = config.topics();
        final Optional<Integer> partitions = Optional.of(config.topicPartitions());
        final Optional<Short> rf = config.topicReplicationFactor() < 0 ? Optional.empty()
                : Optional.of(config.topicReplicationFactor());
        final List<NewTopic> out = new ArrayList<>();
        for (final String name : List.of(t.requests(), t.responses(), t.decisions(), t.gateEvents(), t.taskStats(), t.reports(),
                t.dlq())) {
            out.add(new NewTopic(name, partitions, rf));
        }
        out.add(new NewTopic(t.gateState(), partitions, rf).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT)));
        config.ingestOtlpTopic().ifPresent(otlp -> out.add(new NewTopic(otlp, partitions, rf)));
        return out;
    }

    /** Creates the missing topics of {@link #definitions}; returns the names created. */
    public static Set<String> ensure(final Admin admin, final TracerConfig config) {
        final Set<String> created = new java.util.TreeSet<>();
        for (final Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(definitions(config)).values().entrySet()) {
            try {
                e.getValue().get(60, TimeUnit.SECONDS);
                created.add(e.getKey());
            } catch (final ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause().getMessage(),
                            ex.getCause());
                }
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + e.getKey(), ex);
            } catch (final TimeoutException ex) {
                throw new IllegalStateException("timed out creating topic " + e.getKey(), ex);
            }
        }
        return created;
    }
}
