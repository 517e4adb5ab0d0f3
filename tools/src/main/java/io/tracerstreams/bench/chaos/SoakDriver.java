/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TopicSerdes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's traffic and its simulated LLM, lean enough for millions of requests: requests {@code soak-SEQ} round robin
 * over the tasks, with event time {@code start + SEQ * msPerTrace}; the decisions are read with read_committed and every
 * deferred or audited one is answered with the request's label; the tasks' stats are read for the traces learned. A
 * request id's state is one bit (decided) and one byte (its label), so the driver's memory does not grow with anything
 * but the number of requests.
 */
final class SoakDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SoakDriver.class);
    private static final String PREFIX = "soak-";

    private final TracerConfig.Topics topics;
    private final TopicSerdes serdes;
    private final List<String> tasks;
    private final SyntheticIntents intents;
    private final List<String> labelNames;
    private final byte[] labelOf;
    private final long startMs;
    private final long msPerTrace;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread llm;

    private final BitSet decided = new BitSet();
    private final Map<String, Long> learnedPerTask = new HashMap<>();
    private final Map<String, Long> answeredPerTask = new HashMap<>();
    private final AtomicLong sendFailures = new AtomicLong();
    private long decidedCount;
    private long duplicates;
    private long unexpected;
    private long answered;
    private int next;
    private volatile boolean closed;

    SoakDriver(final TracerConfig config, final List<String> tasks, final int traces, final long seed, final long startMs,
               final long msPerTrace) {
        this.topics = config.topics();
        this.serdes = TopicSerdes.fromConfig(config);
        this.tasks = List.copyOf(tasks);
        this.intents = new SyntheticIntents(8, seed);
        this.labelNames = intents.labels();
        this.labelOf = new byte[traces];
        this.startMs = startMs;
        this.msPerTrace = msPerTrace;
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        consumer = OutputReader.fromBeginning(config.bootstrapServers(), List.of(topics.decisions(), topics.taskStats()), 5_000);
        llm = new Thread(this::answerLoop, "soak-llm");
        llm.setDaemon(true);
        llm.start();
    }

    /** Publishes the next {@code n} requests (no more than the {@code traces} given at construction). */
    void send(final int n) {
        for (int i = 0; i < n && next < labelOf.length; i++) {
            final int seq = next++;
            final String task = tasks.get(seq % tasks.size());
            final SyntheticIntents.Example ex = intents.next();
            labelOf[seq] = (byte) labelNames.indexOf(ex.label());
            final long ts = eventTime(seq);
            final byte[] value = serdes.request().serializer().serialize(topics.requests(), LlmRequest.newBuilder()
                    .setRequestId(PREFIX + seq).setTask(task).setInput(ex.text()).setTimestamp(Instant.ofEpochMilli(ts)).build());
            producer.send(new ProducerRecord<>(topics.requests(), null, ts, bytes(task), value), (md, e) -> {
                if (e != null) {
                    sendFailures.incrementAndGet();
                    LOG.error("request {} not sent: {}", seq, e.toString());
                }
            });
        }
    }

    long eventTime(final int seq) {
        return startMs + seq * msPerTrace;
    }

    private void answerLoop() {
        try {
            while (!closed) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(topics.decisions())) {
                        onDecision(serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value()));
                    } else {
                        final TaskStats s = serdes.stats().deserializer().deserialize(r.topic(), r.headers(), r.value());
                        synchronized (this) {
                            learnedPerTask.put(s.getTask(), s.getTracesSeen());
                        }
                    }
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            LOG.error("the simulated LLM stopped", e);
        }
    }

    private void onDecision(final RoutingDecision d) {
        final String id = d.getRequestId();
        final int seq;
        try {
            seq = id.startsWith(PREFIX) ? Integer.parseInt(id.substring(PREFIX.length())) : -1;
        } catch (final NumberFormatException e) {
            synchronized (this) {
                unexpected++;
            }
            return;
        }
        synchronized (this) {
            if (seq < 0 || seq >= next) {
                unexpected++;
                return;
            }
            if (decided.get(seq)) {
                duplicates++;
                return;
            }
            decided.set(seq);
            decidedCount++;
        }
        if ((d.getDecision() != Decision.DEFERRED && !d.getAudit()) || d.getReason() == Reason.INVALID_INPUT) {
            return;
        }
        final String task = d.getTask();
        final long ts = eventTime(seq) + 1_000;
        final byte[] value = serdes.response().serializer().serialize(topics.responses(), LlmResponse.newBuilder()
                .setRequestId(id).setTask(task).setLabel(labelNames.get(labelOf[seq])).setModel("soak-llm")
                .setTimestamp(Instant.ofEpochMilli(ts)).build());
        synchronized (this) {
            answered++;
            answeredPerTask.merge(task, 1L, Long::sum);
        }
        producer.send(new ProducerRecord<>(topics.responses(), null, ts, bytes(task), value), (md, e) -> {
            if (e != null) {
                sendFailures.incrementAndGet();
                LOG.error("response {} not sent: {}", id, e.toString());
            }
        });
    }

    synchronized int published() {
        return next;
    }

    synchronized long decidedCount() {
        return decidedCount;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long unexpected() {
        return unexpected;
    }

    /** LLM responses published (each a trace the application must learn once). */
    synchronized long answered() {
        return answered;
    }

    /** The traces-learned count of each task's last stats, summed. */
    synchronized long learned() {
        return learnedPerTask.values().stream().mapToLong(Long::longValue).sum();
    }

    long sendFailures() {
        return sendFailures.get();
    }

    void flush() {
        producer.flush();
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        llm.join(5_000);
        consumer.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(5));
        serdes.close();
    }
}
