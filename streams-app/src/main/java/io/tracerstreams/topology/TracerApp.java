/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A running tracer instance: the topology of {@link TracerTopology} on {@link KafkaStreams}, with its
 * featurizer, serdes, topics and a JVM shutdown hook. Start several with the same application id (on
 * several machines) to share the work.
 *
 * <pre>{@code
 * TracerConfig config = TracerConfig.load(Path.of("tracer.properties"), Map.of());
 * try (TracerApp app = TracerApp.run(config)) {
 *     app.awaitRunning(Duration.ofMinutes(1));
 *     app.observe(new OutputListener() {
 *         public void onGateEvent(GateEvent e) { System.out.println(e); }
 *     });
 *     app.awaitTermination();
 * }
 * }</pre>
 */
public final class TracerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TracerApp.class);
    /** Dimension of the warm-up engine's vectors: the bundled models' (the compiled code does not depend on it). */
    private static final int WARM_UP_DIMENSION = 384;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TracerConfig config;
    private final Featurizer featurizer;
    private final boolean ownsFeaturizer;
    private final TopicSerdes serdes;
    private final TracerCounters counters = new TracerCounters();
    private final Topology topology;
    private final KafkaStreams streams;
    private final Thread shutdownHook;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final List<AutoCloseable> observers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TracerApp(final TracerConfig config, final Featurizer featurizer, final boolean ownsFeaturizer) {
        this.config = config;
        this.featurizer = featurizer;
        this.ownsFeaturizer = ownsFeaturizer;
        this.serdes = TopicSerdes.fromConfig(config);
        // the featurizer's warm-up uses a core while the topics' creation waits on the cluster: run it beside it
        final Thread featurizerWarmUp = startDaemon("tracer-featurizer-warm-up", () -> warmUp(featurizer));
        final int routerPartitions;
        try (Admin admin = Admin.create(adminProperties(config))) {
            if (config.createTopics()) {
                final var created = TracerTopics.ensure(admin, config);
                if (!created.isEmpty()) {
                    LOG.info("created topics {}", created);
                }
            }
            routerPartitions = TracerTopics.routerPartitions(admin, config);
        } finally {
            awaitUninterruptibly(featurizerWarmUp); // also on failure: the caller may close the featurizer next
        }
        this.topology = TracerTopology.build(config, featurizer, serdes, counters,
                RouterEngine.taskEngines(config.reportsHashTexts(), config.embeddingModel()), routerPartitions);
        final Properties props = config.toStreamsProperties();
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("a stream thread died; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("tracer {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                terminated.countDown();
            }
        });
        this.shutdownHook = new Thread(this::close, "tracer-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        streams.start();
        LOG.info("tracer started: application.id={}, bootstrap.servers={}, processing.guarantee={}, featurizer={}, state.dir={}",
                config.applicationId(), config.bootstrapServers(), props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                featurizer.id(), config.stateDir());
    }

    /** The admin client's settings: bootstrap.servers and the kafka.* overrides an admin client knows (security). */
    private static Map<String, Object> adminProperties(final TracerConfig config) {
        final Map<String, Object> props = new LinkedHashMap<>();
        config.originalsWithPrefix(TracerConfig.KAFKA_PREFIX, true).forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    /**
     * Runs the featurizer over a few inputs of growing length before the instance joins its group. The first
     * calls of an ONNX model are several times slower than later ones (allocations for each new input shape,
     * JIT-compiled tokenizer glue); taken on live traffic they built a backlog of seconds in the first ~20 s
     * at 100 requests/s on 2 cores ({@code bench latency} timeline).
     */
    private static void warmUp(final Featurizer featurizer) {
        final long t0 = System.nanoTime();
        final String words = "please help me check why my card payment was declined at the shop yesterday evening "
                + "and tell me whether the refund for the cancelled order has been processed to my account already";
        final String[] tokens = words.split(" ");
        int calls = 0;
        try {
            for (int round = 0; round < 3; round++) {
                for (int n = 1; n <= tokens.length; n += 2) {
                    featurizer.embed(String.join(" ", java.util.Arrays.copyOf(tokens, n)));
                    calls++;
                }
            }
        } catch (final RuntimeException e) {
            LOG.warn("featurizer warm-up failed after {} calls: {}", calls, e.toString());
            return;
        }
        LOG.info("featurizer {} warmed up: {} calls in {} ms", featurizer.id(), calls, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Starts {@link #warmUpEngine} on a daemon thread of its own, beside the featurizer's loading, the topics'
     * creation and the group's first rebalance, which mostly wait (on a 2-core machine it used to add 1.1-1.3 s to
     * every start). It touches nothing of the instance, so nothing waits for it: a first request that comes before
     * it ends only finds the JIT less far along.
     */
    private static void startEngineWarmUp(final TracerConfig config) {
        startDaemon("tracer-engine-warm-up", () -> warmUpEngine(config, WARM_UP_DIMENSION));
    }

    private static Thread startDaemon(final String name, final Runnable task) {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for {@code thread} to end; an interrupt meanwhile is kept for the caller (the flag is set again). */
    private static void awaitUninterruptibly(final Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (final InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a scratch engine with the default task settings over synthetic traces (route, then learn, as live traffic
     * does), then snapshots, restores and reports it twice, so that the JIT has compiled the learning, routing,
     * snapshot and report paths before the first real request: the first seconds of a start, and the first
     * snapshot, otherwise run them interpreted while requests queue. Nothing of it is kept.
     */
    private static void warmUpEngine(final TracerConfig config, final int dimension) {
        final long t0 = System.nanoTime();
        final java.util.Random random = new java.util.Random(20261202L);
        final int classes = 12;
        final float[][] centres = new float[classes][dimension];
        for (final float[] c : centres) {
            for (int j = 0; j < dimension; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        int calls = 0;
        try {
            final io.tracerstreams.task.TaskConfig taskConfig = config.taskConfig("tracer-warm-up");
            final io.tracerstreams.task.TaskEngine engine = io.tracerstreams.task.TaskEngine.create("tracer-warm-up", taskConfig);
            for (int i = 0; i < 1_500; i++) {
                final int c = i % classes;
                final float[] x = new float[dimension];
                for (int j = 0; j < dimension; j++) {
                    x[j] = centres[c][j] + 0.8f * (float) random.nextGaussian();
                }
                final var decision = engine.route("w" + i, null, x, i);
                engine.learn("w" + i, null, x, "c" + c, decision, i);
                calls += 2;
            }
            // the first snapshot of a JVM ran interpreted: a 390 ms stall of the stream thread 5,000 engine calls in,
            // against 140 ms once these paths have run (bench latency, 2026-12-03)
            for (int round = 0; round < 2; round++) {
                final byte[] snapshot = engine.snapshot();
                io.tracerstreams.task.TaskEngine.restore(snapshot, "tracer-warm-up", taskConfig, taskConfig.reportConfig(),
                        "", round);
                engine.report(round);
            }
        } catch (final RuntimeException e) {
            LOG.warn("engine warm-up failed after {} calls: {}", calls, e.toString());
            return;
        }
        LOG.info("engine warmed up: {} calls in {} ms", calls, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts tracer with the configured featurizer (embedding.model), which it closes on {@link #close()}. */
    public static TracerApp run(final TracerConfig config) {
        startEngineWarmUp(config);
        final Featurizer featurizer = config.openFeaturizer();
        try {
            return new TracerApp(config, featurizer, true);
        } catch (final RuntimeException e) {
            featurizer.close();
            throw e;
        }
    }

    /** Starts tracer with a featurizer owned by the caller (not closed here). */
    public static TracerApp run(final TracerConfig config, final Featurizer featurizer) {
        startEngineWarmUp(config);
        return new TracerApp(config, featurizer, false);
    }

    /** Kafka Streams' state: CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR, ... */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the state is RUNNING; false on timeout, or when the instance stopped or failed. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Blocks until this instance stops (close, shutdown hook, or a fatal error). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** The operational counters of this instance (the web view reads them). */
    public TracerCounters counters() {
        return counters;
    }

    /** The configuration. */
    public TracerConfig config() {
        return config;
    }

    /** The topology being run ({@code topology().describe()} prints it). */
    public Topology topology() {
        return topology;
    }

    /** The underlying Kafka Streams instance (metrics, state stores, ...). */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Delivers tracer's committed outputs from now on (decisions, gate events, stats, reports, dead letters) to a
     * listener, on a thread of its own with a read_committed consumer that reads every partition from its end.
     * Close the returned handle to stop; {@link #close()} stops every observer.
     */
    public AutoCloseable observe(final OutputListener listener) {
        final TracerConfig.Topics t = config.topics();
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        props.putAll(config.originalsWithPrefix(TracerConfig.KAFKA_PREFIX, true).entrySet().stream()
                .filter(e -> ConsumerConfig.configNames().contains(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : List.of(t.decisions(), t.gateEvents(), t.taskStats(), t.reports(), t.dlq())) {
            for (final PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        if (partitions.isEmpty()) {
            consumer.close(Duration.ZERO);
            throw new IllegalStateException("cannot observe: none of the output topics exists (topics.create=false?)");
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now: nothing committed after observe() is missed
        final Thread thread = startDaemon("tracer-observer", () -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        deliver(listener, r);
                    }
                }
            } catch (final WakeupException e) {
                // closing
            } catch (final RuntimeException e) {
                LOG.error("output observer stopped", e);
            } finally {
                consumer.close(Duration.ofSeconds(1));
            }
        });
        final AutoCloseable handle = () -> {
            consumer.wakeup();
            thread.join(5_000);
        };
        observers.add(handle);
        return handle;
    }

    private void deliver(final OutputListener listener, final ConsumerRecord<byte[], byte[]> r) {
        final TracerConfig.Topics t = config.topics();
        try {
            if (r.topic().equals(t.decisions())) {
                listener.onDecision(serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else if (r.topic().equals(t.gateEvents())) {
                listener.onGateEvent(serdes.gate().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else if (r.topic().equals(t.taskStats())) {
                listener.onStats(serdes.stats().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else if (r.topic().equals(t.reports())) {
                listener.onReport(serdes.report().deserializer().deserialize(r.topic(), r.headers(), r.value()));
            } else {
                final Map<String, String> headers = new LinkedHashMap<>();
                for (final Header h : r.headers()) {
                    headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                }
                listener.onDeadLetter(headers, r.value());
            }
        } catch (final RuntimeException e) {
            LOG.warn("output observer: cannot deliver a record of {}: {}", r.topic(), e.toString());
        }
    }

    /** Stops the instance cleanly (commits, closes stores), the observers, the serdes and an owned featurizer. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final AutoCloseable o : observers) {
            try {
                o.close();
            } catch (final Exception e) {
                LOG.debug("closing an observer", e);
            }
        }
        // leave the group: a restarted or remaining instance takes the tasks over now, not after session.timeout.ms
        if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
        }
        serdes.close();
        if (ownsFeaturizer) {
            featurizer.close();
        }
        terminated.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException e) {
            // the JVM is shutting down: we are the hook
        }
        LOG.info("tracer stopped");
    }

    /**
     * Runs tracer from a properties file until the JVM is stopped: {@code TracerApp FILE}. Environment
     * variables TRACER_* override the file (see {@link TracerConfig}).
     */
    public static void main(final String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: TracerApp CONFIG_FILE");
            return;
        }
        try (TracerApp app = run(TracerConfig.load(Path.of(args[0]), Map.of()))) {
            app.awaitTermination();
        }
    }
}
