/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.schema.LlmRequest;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Publishes the demo's traffic as {@link LlmRequest} records (key: task) at a steady rate, until a limit
 * of requests, a duration, or a stop signal. The calling service of a real deployment plays this part.
 */
public final class RequestGenerator implements Runnable {

    private final Producer<String, LlmRequest> producer;
    private final String topic;
    private final DemoTraffic traffic;
    private final double rate;
    private final long limit;
    private final Duration duration;
    private final BooleanSupplier stop;
    private final AtomicLong sent = new AtomicLong();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> sentByTask = new ConcurrentHashMap<>();
    private volatile boolean done;

    /**
     * @param producer a producer of requests (not closed here)
     * @param topic    the requests topic
     * @param traffic  what to send
     * @param rate     requests per second, over all tasks
     * @param limit    requests to send (0: no limit)
     * @param duration how long to send (null or zero: no limit)
     * @param stop     checked before every request: true ends the run early
     */
    public RequestGenerator(final Producer<String, LlmRequest> producer, final String topic, final DemoTraffic traffic,
                            final double rate, final long limit, final Duration duration, final BooleanSupplier stop) {
        if (rate <= 0) {
            throw new IllegalArgumentException("request generator field 'rate' must be positive (got " + rate + ")");
        }
        this.producer = producer;
        this.topic = topic;
        this.traffic = traffic;
        this.rate = rate;
        this.limit = limit;
        this.duration = duration == null || duration.isZero() ? null : duration;
        this.stop = stop;
    }

    @Override
    public void run() {
        final long start = System.nanoTime();
        final long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        final double intervalNanos = 1e9 / rate;
        try {
            long i = 0;
            while ((limit == 0 || i < limit) && !stop.getAsBoolean()) {
                final long due = start + (long) (i * intervalNanos);
                if (due >= end) {
                    break;
                }
                final long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                final DemoTraffic.Request r = traffic.next();
                final LlmRequest request = LlmRequest.newBuilder().setRequestId(r.requestId()).setTask(r.task())
                        .setInput(r.text()).setTimestamp(Instant.now()).setAttributes(Map.of("source", "tracer-demo"))
                        .build();
                producer.send(new ProducerRecord<>(topic, r.task(), request), (meta, error) -> {
                    if (error != null) {
                        failed.increment();
                    }
                });
                sent.incrementAndGet();
                sentByTask.computeIfAbsent(r.task(), t -> new LongAdder()).increment();
                i++;
            }
            producer.flush();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done = true;
        }
    }

    /** Requests handed to the producer so far. */
    public long sent() {
        return sent.get();
    }

    /** Requests per task handed to the producer so far. */
    public long sent(final String task) {
        final LongAdder n = sentByTask.get(task);
        return n == null ? 0 : n.sum();
    }

    /** Requests the broker did not take. */
    public long failed() {
        return failed.sum();
    }

    /** Whether the run has ended (limit, duration or stop). */
    public boolean done() {
        return done;
    }
}
