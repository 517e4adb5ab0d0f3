/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.client;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.SpecificAvroSerde;
import io.tracerstreams.serde.TracerSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Percentile;
import org.apache.kafka.common.metrics.stats.Percentiles;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests through tracer from a calling service. {@link #route(String, String)} writes an {@code LlmRequest}
 * to the requests topic and returns a future of its {@link Decision}, correlated by request id over one shared
 * {@code read_committed} consumer of the decisions topic (a background thread, no consumer group: every client
 * instance sees every decision and keeps only its own). When no decision arrives within the call's timeout, or the
 * request cannot be delivered, the future completes DEFERRED with reason {@link Reason#TIMEOUT}: call the LLM.
 * {@link #answer(Decision, String)} writes the LLM's label to the responses topic for DEFERRED and audited
 * decisions, so tracer learns from it.
 *
 * <p>Every future completes: with tracer's decision, or TIMEOUT after the call's timeout, or TIMEOUT on
 * {@link #close()} once its drain bound has passed. No method blocks on the broker except {@link #routeAndWait},
 * which waits for its own call, and {@link #close()}. Thread-safe: one instance per application is the intended
 * use.
 *
 * <p>Start position: the consumer takes the end of each decision partition before the first request is sent (requests
 * made earlier wait for that, within their timeout), so a decision for a call of this client is never missed;
 * partitions added later are read from their beginning.
 */
public final class TracerClient implements AutoCloseable {

    /** The group of the client's Kafka metrics. */
    public static final String METRIC_GROUP = "tracer-client-metrics";

    private static final Logger LOG = LoggerFactory.getLogger(TracerClient.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_BACKOFF_MS = 500;
    private static final double LATENCY_HISTOGRAM_MAX_MS = 30_000;

    private final TracerClientConfig config;
    private final Producer<String, byte[]> producer;
    private final Consumer<String, byte[]> consumer;
    private final SpecificAvroSerde<LlmRequest> requestSerde;
    private final SpecificAvroSerde<LlmResponse> responseSerde;
    private final SpecificAvroSerde<RoutingDecision> decisionSerde;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> positioned = new CompletableFuture<>();
    private final ScheduledExecutorService timer;
    /** Sends the calls made before the consumer's position was fixed: a send can block (max.block.ms), the timer must not. */
    private final java.util.concurrent.ExecutorService sender;
    private final Thread pollThread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;

    private final Metrics metrics;
    private final Sensor callsSensor;
    private final Sensor decisionsSensor;
    private final Sensor timeoutsSensor;
    private final Sensor sendErrorsSensor;
    private final Sensor answersSensor;
    private final Sensor latencySensor;
    private final Map<String, MetricName> names = new HashMap<>();

    /** A client on real Kafka clients; it starts its consumer thread at once. */
    public TracerClient(final TracerClientConfig config) {
        this(config, new KafkaProducer<>(producerProperties(config), new StringSerializer(), new ByteArraySerializer()),
                new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(), new ByteArrayDeserializer()));
    }

    /** A client on given Kafka clients (tests: MockProducer and MockConsumer); it owns and closes them. */
    TracerClient(final TracerClientConfig config, final Producer<String, byte[]> producer,
                 final Consumer<String, byte[]> consumer) {
        this.config = Objects.requireNonNull(config, "config");
        this.producer = producer;
        this.consumer = consumer;
        this.requestSerde = TracerSerdes.llmRequest(config.serdeConfig(), false);
        this.responseSerde = TracerSerdes.llmResponse(config.serdeConfig(), false);
        this.decisionSerde = TracerSerdes.routingDecision(config.serdeConfig(), false);
        this.metrics = new Metrics(new MetricConfig().tags(Map.of("client-id", config.clientId())));
        this.callsSensor = countSensor("calls", "calls made");
        this.decisionsSensor = countSensor("decisions", "calls completed with tracer's decision");
        this.timeoutsSensor = countSensor("timeouts", "calls completed DEFERRED, TIMEOUT");
        this.sendErrorsSensor = countSensor("send-errors", "requests the producer could not deliver");
        this.answersSensor = countSensor("answers", "LLM labels written to the responses topic");
        this.latencySensor = metrics.sensor("latency");
        latencySensor.add(name("latency-avg", "mean call-to-decision latency in ms"), new Avg());
        latencySensor.add(name("latency-max", "largest call-to-decision latency in ms"), new Max());
        // 1,000 buckets over 0-30 s, narrow at the low end (bucket widths grow linearly); longer latencies count as 30 s
        latencySensor.add(new Percentiles(4_000, LATENCY_HISTOGRAM_MAX_MS, Percentiles.BucketSizing.LINEAR,
                new Percentile(name("latency-p50", "median call-to-decision latency in ms"), 50),
                new Percentile(name("latency-p99", "99th percentile of call-to-decision latency in ms"), 99)));
        metrics.addMetric(name("in-flight", "calls without a decision yet"), (Measurable) (c, now) -> pending.size());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tracer-client-timer-" + config.clientId()));
        this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "tracer-client-sender-" + config.clientId()));
        this.pollThread = daemon(this::pollLoop, "tracer-client-decisions-" + config.clientId());
        pollThread.start();
    }

    /** Routes {@code input} for {@code task} with the configured default timeout. */
    public CompletableFuture<Decision> route(final String task, final String input) {
        return route(task, input, Map.of(), config.defaultTimeout());
    }

    /** Routes {@code input} for {@code task}; without a decision after {@code timeout} it completes DEFERRED, TIMEOUT. */
    public CompletableFuture<Decision> route(final String task, final String input, final Duration timeout) {
        return route(task, input, Map.of(), timeout);
    }

    /**
     * Routes {@code input} for {@code task}, with free-form request attributes (tenant, locale, ...). The future
     * completes with tracer's decision, or DEFERRED with reason TIMEOUT after {@code timeout} (or at once when the
     * request cannot be delivered). An empty or oversized input is answered by tracer itself: DEFERRED,
     * INVALID_INPUT.
     *
     * @throws IllegalArgumentException when the task is blank or has control characters, the input is null, or the
     *                                  timeout is not positive
     * @throws IllegalStateException    after {@link #close()}
     */
    public CompletableFuture<Decision> route(final String task, final String input, final Map<String, String> attributes,
                                             final Duration timeout) {
        checkTask(task);
        if (input == null) {
            throw new IllegalArgumentException("input is null (an empty string is allowed: tracer answers it DEFERRED, INVALID_INPUT)");
        }
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (closed.get()) {
            throw new IllegalStateException("the TracerClient is closed");
        }
        final String requestId = UUID.randomUUID().toString();
        final long now = System.currentTimeMillis();
        final LlmRequest request = LlmRequest.newBuilder().setRequestId(requestId).setTask(task).setInput(input)
                .setTimestamp(Instant.ofEpochMilli(now)).setAttributes(new LinkedHashMap<>(attributes)).build();
        final Pending call = new Pending(requestId, task, input, System.nanoTime());
        pending.put(requestId, call);
        callsSensor.record();
        try {
            call.timeout = timer.schedule(() -> expire(call, "no decision within " + timeout.toMillis() + " ms"),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (positioned.isDone()) {
                send(call, request);
            } else {
                positioned.thenRunAsync(() -> send(call, request), sender);
            }
        } catch (final RejectedExecutionException e) {
            expire(call, "the client closed before the request was sent"); // close() raced with this call
        }
        return call.future;
    }

    /** Routes and waits for the decision (at most the default timeout, then DEFERRED, TIMEOUT). */
    public Decision routeAndWait(final String task, final String input) throws InterruptedException {
        return routeAndWait(task, input, config.defaultTimeout());
    }

    /** Routes and waits for the decision (at most {@code timeout}, then DEFERRED, TIMEOUT). */
    public Decision routeAndWait(final String task, final String input, final Duration timeout) throws InterruptedException {
        try {
            return route(task, input, timeout).get();
        } catch (final ExecutionException e) {
            // route's futures complete normally; only a bug would get here
            throw new IllegalStateException("the route call failed", e.getCause());
        }
    }

    /** {@link #answer(Decision, String, String, long)} with no model name and latency. */
    public CompletableFuture<RecordMetadata> answer(final Decision decision, final String llmLabel) {
        return answer(decision, llmLabel, "", 0L);
    }

    /**
     * Writes the LLM's label for a DEFERRED or audited decision to the responses topic (an {@code LlmResponse} with
     * the call's input, so tracer learns from it even when it never saw the request, e.g. after a TIMEOUT).
     *
     * @return the write's metadata once the broker acknowledged it
     * @throws IllegalArgumentException when the decision was HANDLED without audit (tracer needs no LLM answer
     *                                  for it), or the label is blank
     * @throws IllegalStateException    after {@link #close()}
     */
    public CompletableFuture<RecordMetadata> answer(final Decision decision, final String llmLabel, final String model,
                                                    final long latencyMs) {
        Objects.requireNonNull(decision, "decision");
        if (!decision.mustCallLlm()) {
            throw new IllegalArgumentException("request " + decision.requestId() + " of task " + decision.task()
                    + " was HANDLED by the surrogate (reason " + decision.reason() + ") without audit: tracer takes"
                    + " LLM answers only for DEFERRED or audited decisions; use decision.label()");
        }
        if (llmLabel == null || llmLabel.isBlank()) {
            throw new IllegalArgumentException("llmLabel is empty: answer with the class the LLM returned for request "
                    + decision.requestId());
        }
        if (closed.get()) {
            throw new IllegalStateException("the TracerClient is closed");
        }
        final LlmResponse response = LlmResponse.newBuilder().setRequestId(decision.requestId()).setTask(decision.task())
                .setLabel(llmLabel).setInput(decision.input()).setModel(model == null ? "" : model)
                .setLatencyMs(Math.max(0L, latencyMs)).setTimestamp(Instant.now()).build();
        final CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            final byte[] value = responseSerde.serializer().serialize(config.responsesTopic(), response);
            producer.send(new ProducerRecord<>(config.responsesTopic(), decision.task(), value), (metadata, error) -> {
                if (error != null) {
                    written.completeExceptionally(error);
                } else {
                    answersSensor.record();
                    written.complete(metadata);
                }
            });
        } catch (final RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    /** The client's metrics (group {@value #METRIC_GROUP}), as Kafka's clients expose theirs. */
    public Map<MetricName, ? extends Metric> metrics() {
        return metrics.metrics();
    }

    /** A snapshot of the client's metrics. */
    public ClientMetrics metricsSnapshot() {
        return new ClientMetrics(pending.size(), (long) value("calls-total"), (long) value("decisions-total"),
                (long) value("timeouts-total"), (long) value("send-errors-total"), (long) value("answers-total"),
                nanIfEmpty(value("latency-avg")), nanIfEmpty(value("latency-p50")), nanIfEmpty(value("latency-p99")),
                nanIfEmpty(value("latency-max")));
    }

    /** Closes with the configured drain bound ({@link TracerClientConfig#closeTimeout()}). */
    @Override
    public void close() {
        close(config.closeTimeout());
    }

    /**
     * Stops taking calls, waits up to {@code drain} for the calls in flight, completes the rest DEFERRED, TIMEOUT,
     * then flushes the producer (answers included) and closes the clients. Idempotent.
     */
    public void close(final Duration drain) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final Pending call : new ArrayList<>(pending.values())) {
            expire(call, "the client closed before a decision arrived");
        }
        running = false;
        consumer.wakeup();
        try {
            pollThread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        sender.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        if (pollThread.isAlive()) {
            LOG.warn("the decision consumer thread of {} did not stop; closing its consumer from here", config.clientId());
        }
        consumer.close(Duration.ofSeconds(5));
        requestSerde.close();
        responseSerde.close();
        decisionSerde.close();
        metrics.close();
    }

    private void send(final Pending call, final LlmRequest request) {
        if (call.future.isDone()) {
            return; // timed out (or closed) while waiting for the consumer's position: not sent
        }
        try {
            final byte[] value = requestSerde.serializer().serialize(config.requestsTopic(), request);
            producer.send(new ProducerRecord<>(config.requestsTopic(), call.task, value), (metadata, error) -> {
                if (error != null) {
                    sendErrorsSensor.record();
                    expire(call, "the request was not delivered: " + describe(error));
                }
            });
        } catch (final RuntimeException e) {
            sendErrorsSensor.record();
            expire(call, "the request was not delivered: " + describe(e));
        }
    }

    private void expire(final Pending call, final String why) {
        if (!pending.remove(call.requestId, call)) {
            return;
        }
        cancelTimeout(call);
        timeoutsSensor.record();
        final RoutingDecision timeout = RoutingDecision.newBuilder().setRequestId(call.requestId).setTask(call.task)
                .setDecision(io.tracerstreams.schema.Decision.DEFERRED).setLabel(null).setScore(0.0).setThreshold(null)
                .setReason(Reason.TIMEOUT).setAudit(false).setAuditProbability(1.0)
                .setModelVersion("tracer-client: " + why).setTimestamp(Instant.now()).build();
        call.future.complete(new Decision(timeout, call.input, Duration.ofNanos(System.nanoTime() - call.startNanos), false));
    }

    private void onDecision(final ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        final RoutingDecision decision;
        try {
            decision = decisionSerde.deserializer().deserialize(record.topic(), record.headers(), record.value());
        } catch (final RuntimeException e) {
            LOG.warn("skipping an undecodable decision at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), describe(e));
            return;
        }
        if (decision == null) {
            return;
        }
        final Pending call = pending.remove(decision.getRequestId());
        if (call == null) {
            return; // another client's call, or one that timed out
        }
        cancelTimeout(call);
        final long nanos = System.nanoTime() - call.startNanos;
        latencySensor.record(Math.min(nanos / 1e6, LATENCY_HISTOGRAM_MAX_MS));
        decisionsSensor.record();
        call.future.complete(new Decision(decision, call.input, Duration.ofNanos(nanos), true));
    }

    private void pollLoop() {
        final Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        try {
            while (running) {
                try {
                    if (System.currentTimeMillis() >= nextRefresh) {
                        refreshAssignment(assigned);
                        // while the topic has no partitions (tracer not started yet), look again every second
                        nextRefresh = System.currentTimeMillis() + (assigned.isEmpty()
                                ? Math.min(1_000L, config.metadataRefresh().toMillis()) : config.metadataRefresh().toMillis());
                    }
                    if (assigned.isEmpty()) {
                        Thread.sleep(POLL_TIMEOUT.toMillis());
                        continue;
                    }
                    for (final ConsumerRecord<String, byte[]> r : consumer.poll(POLL_TIMEOUT)) {
                        onDecision(r);
                    }
                } catch (final WakeupException e) {
                    if (running) {
                        LOG.debug("unexpected wakeup of the decision consumer; going on");
                    }
                } catch (final RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("the decision consumer of {} failed ({}); retrying in {} ms", config.clientId(),
                            describe(e), RETRY_BACKOFF_MS);
                    if (!positioned.isDone()) {
                        nextRefresh = 0;
                    }
                    Thread.sleep(RETRY_BACKOFF_MS);
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Assigns the decision partitions: those of the first assignment at their end (fixed with position() before any
     * request is sent), those found later at their beginning.
     */
    private void refreshAssignment(final Set<TopicPartition> assigned) {
        final List<PartitionInfo> infos = consumer.partitionsFor(config.decisionsTopic(), METADATA_TIMEOUT);
        final Set<TopicPartition> found = new HashSet<>();
        if (infos != null) {
            for (final PartitionInfo p : infos) {
                found.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        found.removeAll(assigned);
        if (found.isEmpty() && positioned.isDone()) {
            return;
        }
        final Set<TopicPartition> all = new HashSet<>(assigned);
        all.addAll(found);
        if (!found.isEmpty()) {
            consumer.assign(all);
            if (positioned.isDone()) {
                consumer.seekToBeginning(found);
            } else {
                consumer.seekToEnd(found);
            }
            for (final TopicPartition tp : found) {
                consumer.position(tp, METADATA_TIMEOUT); // resolves the position now, before requests go out
            }
            assigned.addAll(found);
        }
        if (!positioned.isDone()) {
            if (assigned.isEmpty()) {
                LOG.info("topic {} has no partitions yet; its partitions will be read from their beginning",
                        config.decisionsTopic());
            }
            positioned.complete(null);
        }
    }

    private static void checkTask(final String task) {
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task is empty: name the classification task (one label space, one gate)");
        }
        for (int i = 0; i < task.length(); i++) {
            if (Character.isISOControl(task.charAt(i))) {
                throw new IllegalArgumentException("task contains a control character at position " + i);
            }
        }
    }

    private void cancelTimeout(final Pending call) {
        final ScheduledFuture<?> t = call.timeout;
        if (t != null) {
            t.cancel(false);
        }
    }

    private Sensor countSensor(final String name, final String doc) {
        final Sensor sensor = metrics.sensor(name);
        sensor.add(name(name + "-total", "total " + doc), new CumulativeCount());
        return sensor;
    }

    private MetricName name(final String name, final String doc) {
        final MetricName n = metrics.metricName(name, METRIC_GROUP, doc);
        names.put(name, n);
        return n;
    }

    private double value(final String name) {
        final Metric m = metrics.metric(names.get(name));
        return m == null ? Double.NaN : ((Number) m.metricValue()).doubleValue();
    }

    private static double nanIfEmpty(final double v) {
        return Double.isInfinite(v) ? Double.NaN : v;
    }

    private static String describe(final Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static Map<String, Object> producerProperties(final TracerClientConfig config) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, config.defaultTimeout().toMillis()));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.putAll(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-producer");
        return p;
    }

    static Map<String, Object> consumerProperties(final TracerClientConfig config) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-decisions");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return p;
    }

    /** One call in flight. */
    private static final class Pending {
        final String requestId;
        final String task;
        final String input;
        final long startNanos;
        final CompletableFuture<Decision> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        Pending(final String requestId, final String task, final String input, final long startNanos) {
            this.requestId = requestId;
            this.task = task;
            this.input = input;
            this.startNanos = startNanos;
        }
    }
}
