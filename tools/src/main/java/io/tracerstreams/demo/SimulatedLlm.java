/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulated LLM worker: reads {@code tracer.decisions}, and for every request the LLM must answer
 * (DEFERRED, or HANDLED with {@code audit = true}) publishes an {@link LlmResponse} (key: task) with the
 * teacher's label from {@link DemoTraffic}, after a latency drawn uniformly from [0.5, 1.5] times the
 * mean. It never answers a request tracer handled without audit: that is the saving.
 */
public final class SimulatedLlm implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedLlm.class);

    /** The model name the responses carry. */
    public static final String MODEL = "simulated-llm";

    private final Consumer<String, RoutingDecision> consumer;
    private final Producer<String, LlmResponse> producer;
    private final String decisionsTopic;
    private final String responsesTopic;
    private final DemoTraffic traffic;
    private final long delayMs;
    private final SplittableRandom rnd;
    private final ScheduledExecutorService timer;
    private final AtomicLong pending = new AtomicLong();
    private final LongAdder answered = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private volatile boolean running = true;

    /**
     * @param consumer       a consumer of decisions (read_committed, its own group; closed by this worker)
     * @param producer       a producer of responses (not closed here)
     * @param decisionsTopic the decisions topic
     * @param responsesTopic the responses topic
     * @param traffic        the traffic, for the teacher's labels
     * @param delayMs        mean latency in milliseconds
     * @param seed           seed of the latencies
     */
    public SimulatedLlm(final Consumer<String, RoutingDecision> consumer, final Producer<String, LlmResponse> producer,
                        final String decisionsTopic, final String responsesTopic, final DemoTraffic traffic,
                        final long delayMs, final long seed) {
        this.consumer = consumer;
        this.producer = producer;
        this.decisionsTopic = decisionsTopic;
        this.responsesTopic = responsesTopic;
        this.traffic = traffic;
        this.delayMs = delayMs;
        this.rnd = new SplittableRandom(seed);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "simulated-llm-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a decision asks the LLM for an answer. */
    public static boolean needsLlm(final RoutingDecision d) {
        return d.getDecision() == Decision.DEFERRED || d.getAudit();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(decisionsTopic));
            while (running) {
                for (final ConsumerRecord<String, RoutingDecision> record : consumer.poll(Duration.ofMillis(100))) {
                    final RoutingDecision d = record.value();
                    if (d == null || !needsLlm(d)) {
                        continue;
                    }
                    final DemoTraffic.Request r = traffic.lookup(d.getRequestId());
                    if (r == null) {
                        unknown.increment(); // not our traffic: another caller's request
                        continue;
                    }
                    final long latency = delayMs == 0 ? 0 : (long) (delayMs * (0.5 + rnd.nextDouble()));
                    pending.incrementAndGet();
                    timer.schedule(() -> answer(r, latency), latency, TimeUnit.MILLISECONDS);
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            if (running) {
                LOG.error("simulated LLM stopped", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void answer(final DemoTraffic.Request r, final long latency) {
        try {
            final LlmResponse response = LlmResponse.newBuilder().setRequestId(r.requestId()).setTask(r.task())
                    .setLabel(r.teacherLabel()).setInput(null).setModel(MODEL).setLatencyMs(latency).setCost(null)
                    .setTimestamp(Instant.now()).build();
            producer.send(new ProducerRecord<>(responsesTopic, r.task(), response));
            answered.increment();
        } catch (final RuntimeException e) {
            LOG.warn("simulated LLM could not answer {}", r.requestId(), e);
        } finally {
            pending.decrementAndGet();
        }
    }

    /** Responses published. */
    public long answered() {
        return answered.sum();
    }

    /** Answers waiting for their latency to pass. */
    public long pending() {
        return pending.get();
    }

    /** Decisions whose request id was not from this traffic (ignored). */
    public long unknown() {
        return unknown.sum();
    }

    /** Stops reading decisions; answers already scheduled are sent first (at most their latency). */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        timer.shutdown();
        try {
            if (!timer.awaitTermination(Math.max(1_000, 2 * delayMs), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            timer.shutdownNow();
        }
        producer.flush();
    }
}
