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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(TracerTopics.class);

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

    /**
     * The larger partition count of the requests and responses topics as the cluster has them, else
     * topics.partitions: the count of the by-task topic, so that a record keyed by its task is routed in the stream
     * task that read it. It is also the count Kafka Streams' interactive queries hash a task's key over (the most
     * partitions of the router's source topics), and the count the repartition topic of older versions got.
     * Where the two topics differ, records of the smaller one whose task hashes elsewhere cross the by-task topic.
     */
    public static int routerPartitions(final Admin admin, final TracerConfig config) {
        final TracerConfig.Topics t = config.topics();
        try {
            final var described = admin.describeTopics(List.of(t.requests(), t.responses())).allTopicNames().get(60, TimeUnit.SECONDS);
            final int requests = described.get(t.requests()).partitions().size();
            final int responses = described.get(t.responses()).partitions().size();
            if (requests != responses) {
                LOG.warn("{} has {} partitions and {} has {}: records of the smaller topic whose task hashes to a higher "
                        + "partition cross the by-task topic (one more transaction)", t.requests(), requests,
                        t.responses(), responses);
            }
            return Math.max(requests, responses);
        } catch (final ExecutionException | TimeoutException e) {
            LOG.warn("cannot describe {} ({}); the by-task topic gets topics.partitions={} partitions", t.requests(),
                    e.getCause() == null ? e.toString() : e.getCause().toString(), config.topicPartitions());
            return config.topicPartitions();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + t.requests(), e);
        }
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
