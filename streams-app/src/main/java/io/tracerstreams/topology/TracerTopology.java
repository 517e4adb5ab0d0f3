/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.util.List;
import java.util.Objects;

/**
 * Builds tracer's Kafka Streams topology. The one place it is defined: {@code TracerApp} runs it on a
 * cluster, the tests on {@code TopologyTestDriver} and on an embedded broker.
 *
 * <pre>
 *  llm.requests  --+                  (task's own partition)     +--&gt; tracer.decisions   (key request id)
 *                   +--[featurize]--+--------------------------[task-router]--&gt; tracer.gate-events, tracer.gate-state (key task)
 *  llm.responses --+       |        +--[by-task topic]--------^    +--&gt; tracer.task-stats  (key task)
 *                          |           (any other partition)        |
 *                          +--&gt; tracer.dlq  (bad records, x-tracer-* headers)  &lt;--+
 * </pre>
 *
 * <ul>
 *   <li>OTLP stage (only with {@code ingest.otlp.topic}): {@link OtlpIngestStage} maps OpenTelemetry GenAI spans onto
 *       requests and responses and writes them to the input topics.</li>
 *   <li>featurize (runs on every partition of the input topics, batches in its changelogged store
 *       {@code tracer-featurize-buffer}): {@link FeaturizeProcessor}.</li>
 *   <li>by task ({@link TaskPartitions}): a trace read on the partition that owns its task goes straight to the
 *       router of the same stream task (one transaction from request to decision); any other crosses the internal
 *       topic {@code <application.id>-tracer-by-task-repartition} (values in the internal binary format of
 *       {@link TraceRecord}), which the same sub-topology reads on the owner's partition. One sub-topology in all.</li>
 *   <li>task router (stateful, partitioned by task): {@link TaskRouter} with its changelogged stores
 *       {@code tracer-pending}, {@code tracer-learned}, {@code tracer-labels}, {@code tracer-engine-meta},
 *       {@code tracer-engine-snapshots}, {@code tracer-engine-journal}.</li>
 * </ul>
 * Input topics are read as bytes and decoded in the featurize stage, so that every undecodable record
 * becomes a dead letter with tracer's headers; Kafka Streams' own dead-letter queue (KIP-1034, set up by
 * {@link TracerConfig#toStreamsProperties()}) catches what a handler still gives up on.
 */
public final class TracerTopology {

    /** The name of the repartition step; its topic is {@code <application.id>-tracer-by-task-repartition}. */
    public static final String REPARTITION_NAME = "tracer-by-task";
    /**
     * A store of the task router keyed and partitioned by task: {@code KafkaStreams#queryMetadataForKey(TASK_STORE,
     * task, Serdes.String().serializer())} names the instance that owns a task's engine.
     */
    public static final String TASK_STORE = EngineStore.META_STORE;
    /** The name of the router processor node. */
    public static final String ROUTER_NAME = "task-router";

    private TracerTopology() {
    }

    /**
     * The topology with the production engine ({@code TaskEngine}).
     *
     * @param config     topic names, input limits, snapshot, retention and stats intervals, per-task settings
     * @param featurizer embeds inputs; shared by all stream threads (thread-safe), closed by the caller
     * @param serdes     the configured Avro serdes of the external topics
     * @param counters   operational counters to update (shared by all threads)
     */
    public static Topology build(final TracerConfig config, final Featurizer featurizer, final TopicSerdes serdes,
                                 final TracerCounters counters) {
        return build(config, featurizer, serdes, counters, RouterEngine.taskEngines(config.reportsHashTexts(), config.embeddingModel()));
    }

    /**
     * An output serde whose serializer waits out a registry outage (registering or looking up the schema of the
     * first record of a type after a start) instead of failing the record. It waits as long as the outage lasts:
     * past the consumer's max.poll.interval.ms the instance drops out of its group, its commit then fails and the
     * records are processed again, which loses nothing either.
     */
    private static <T> Serde<T> waiting(final Serde<T> serde, final RegistryOutageRetry outage) {
        final Serializer<T> inner = serde.serializer();
        final Serializer<T> serializer = new Serializer<>() {
            @Override
            public byte[] serialize(final String topic, final T data) {
                return outage.call(() -> inner.serialize(topic, data), "an output record to " + topic);
            }

            @Override
            public byte[] serialize(final String topic, final Headers headers, final T data) {
                return outage.call(() -> inner.serialize(topic, headers, data), "an output record to " + topic);
            }
        };
        return Serdes.serdeFrom(serializer, serde.deserializer());
    }

    /** The topology with the given engine factory (tests of the router's plumbing use a double), on topics.partitions. */
    public static Topology build(final TracerConfig config, final Featurizer featurizer, final TopicSerdes serdes,
                                 final TracerCounters counters, final RouterEngine.Factory engines) {
        return build(config, featurizer, serdes, counters, engines, config.topicPartitions());
    }

    /**
     * The topology with the given engine factory and the partition count of the by-task topic, which should equal
     * the input topics' (then every record keyed by its task is routed in the stream task that read it); any
     * count is correct, a different one only sends more records through the by-task topic.
     */
    public static Topology build(final TracerConfig config, final Featurizer featurizer, final TopicSerdes serdes,
                                 final TracerCounters counters, final RouterEngine.Factory engines, final int routerPartitions) {
        if (routerPartitions < 1) {
            throw new IllegalArgumentException("routerPartitions must be at least 1, got " + routerPartitions);
        }
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(featurizer, "featurizer");
        Objects.requireNonNull(serdes, "serdes");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(engines, "engines");
        final TracerConfig.Topics topics = config.topics();
        final StreamsBuilder builder = new StreamsBuilder();
        final RegistryOutageRetry outage = new RegistryOutageRetry(config.schemaRegistryOutageBackoffMaxMs(),
                config.schemaRegistryOutageWaitMaxMs(), counters);
        // outputs wait without a limit: a serializer's exception, TaskMigratedException included, reaches Kafka Streams'
        // production and processing handlers, and log-and-continue would drop the record
        final RegistryOutageRetry outputOutage = new RegistryOutageRetry(config.schemaRegistryOutageBackoffMaxMs(),
                Long.MAX_VALUE, counters);
        if (featurizer instanceof CachingFeaturizer cache) {
            cache.setListener(counters.embeddingCacheListener());
        }

        for (final String store : TaskRouter.STORES) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
                    Serdes.ByteArray()));
        }

        OtlpIngestStage.addTo(builder, config, serdes, counters);

        // one featurize processor reads both input topics, so that requests and responses share its batches
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FeaturizeProcessor.BUFFER_STORE),
                Serdes.Long(), Serdes.ByteArray()));
        final KStream<String, Emitted> featurized = builder
                .stream(List.of(topics.requests(), topics.responses()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-inputs"))
                .process(() -> new FeaturizeProcessor(topics.requests(), serdes, featurizer, config.maxInputChars(),
                        config.featurizeBatchMaxTexts(), config.featurizeBatchMaxWaitMs(), config.tasksAllowed(), outage,
                        config.commitOnPartialBatch(), config.getLong(TracerConfig.POLL_MS_CONFIG),
                        config.exactlyOnce() ? 0L : TaskRouter.SETTLE_INTERVAL.toMillis(),
                        counters),
                        Named.as("featurize"), FeaturizeProcessor.BUFFER_STORE);

        // one sub-topology: a trace read on its task's partition goes to the router of the same stream task (one
        // transaction per decision); any other crosses the by-task topic to its owner, read by this same sub-topology
        final KStream<String, TraceRecord> traces = featurized
                .filter((k, v) -> v instanceof TraceRecord, Named.as("traces"))
                .mapValues(v -> (TraceRecord) v, Named.as("as-trace"));
        final KStream<String, TraceRecord> arrived = traces
                .process(() -> new TaskPartitions.Filter(routerPartitions, false), Named.as("traces-elsewhere"))
                .repartition(Repartitioned.<String, TraceRecord>as(REPARTITION_NAME)
                        .withKeySerde(Serdes.String()).withValueSerde(TraceRecord.serde())
                        .withNumberOfPartitions(routerPartitions).withStreamPartitioner(TaskPartitions.partitioner()));
        final KStream<String, Emitted> routed = traces
                .process(() -> new TaskPartitions.Filter(routerPartitions, true), Named.as("traces-here"))
                .merge(arrived, Named.as("traces-to-route"))
                .process(() -> new TaskRouter(config, engines, counters), Named.as(ROUTER_NAME), TaskRouter.STORES);

        featurized.filter((k, v) -> v instanceof DeadLetter, Named.as("featurize-dead-letters"))
                .merge(routed.filter((k, v) -> v instanceof DeadLetter, Named.as("router-dead-letters")), Named.as("dead-letters"))
                .map((k, v) -> KeyValue.pair(((DeadLetter) v).key(), ((DeadLetter) v).value()), Named.as("dead-letter-bytes"))
                .to(topics.dlq(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write-dlq"));

        routed.split(Named.as("out-"))
                .branch((k, v) -> v instanceof Emitted.Decision, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Emitted.Decision) v).value(), Named.as("decision-values"))
                        .to(topics.decisions(), Produced.with(Serdes.String(), waiting(serdes.decision(), outputOutage)).withName("write-decisions")),
                        "decisions"))
                .branch((k, v) -> v instanceof Emitted.Gate, Branched.withConsumer(s -> {
                    final var events = s.mapValues(v -> ((Emitted.Gate) v).value(), Named.as("gate-values"));
                    events.to(topics.gateEvents(), Produced.with(Serdes.String(), waiting(serdes.gate(), outputOutage)).withName("write-gate-events"));
                    events.to(topics.gateState(), Produced.with(Serdes.String(), waiting(serdes.gate(), outputOutage)).withName("write-gate-state"));
                }, "gate"))
                .branch((k, v) -> v instanceof Emitted.Stats, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Emitted.Stats) v).value(), Named.as("stats-values"))
                        .to(topics.taskStats(), Produced.with(Serdes.String(), waiting(serdes.stats(), outputOutage)).withName("write-task-stats")),
                        "stats"))
                .branch((k, v) -> v instanceof Emitted.Report, Branched.withConsumer(s -> s
                        .mapValues(v -> ((Emitted.Report) v).value(), Named.as("report-values"))
                        .to(topics.reports(), Produced.with(Serdes.String(), waiting(serdes.report(), outputOutage)).withName("write-reports")),
                        "reports"))
                .noDefaultBranch();

        return builder.build();
    }
}
