/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.liveview.LiveState;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads tracer's outputs (decisions, gate events, task stats) and feeds the live view's {@link LiveState}
 * and the harness's {@link DemoScore}. A record that cannot be decoded is counted and skipped.
 */
final class DemoMonitor implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoMonitor.class);
    private static final int MAX_REPORTS = 100;

    private final Consumer<byte[], byte[]> consumer;
    private final TracerConfig.Topics topics;
    private final Deserializer<RoutingDecision> decisions;
    private final Deserializer<GateEvent> gates;
    private final Deserializer<TaskStats> stats;
    private final Deserializer<BoundaryReport> reportValues;
    private final Map<String, List<BoundaryReport>> reports = new ConcurrentHashMap<>();
    private final LiveState state;
    private final DemoScore score;
    private final LongAdder undecodable = new LongAdder();
    private volatile boolean running = true;

    DemoMonitor(final Consumer<byte[], byte[]> consumer, final TracerConfig.Topics topics, final TopicSerdes serdes,
                final LiveState state, final DemoScore score) {
        this.consumer = consumer;
        this.topics = topics;
        this.decisions = serdes.decision().deserializer();
        this.gates = serdes.gate().deserializer();
        this.stats = serdes.stats().deserializer();
        this.reportValues = serdes.report().deserializer();
        this.state = state;
        this.score = score;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.decisions(), topics.gateEvents(), topics.taskStats(), topics.reports()));
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    dispatch(r);
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            if (running) {
                LOG.error("demo monitor stopped", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(final ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(topics.decisions())) {
                final RoutingDecision d = decisions.deserialize(r.topic(), r.value());
                state.onDecision(d);
                if (d != null) {
                    score.onDecision(d);
                }
            } else if (r.topic().equals(topics.gateEvents())) {
                final GateEvent e = gates.deserialize(r.topic(), r.value());
                state.onGateEvent(e);
                if (e != null) {
                    score.onGateEvent(e);
                }
            } else if (r.topic().equals(topics.reports())) {
                final BoundaryReport report = reportValues.deserialize(r.topic(), r.value());
                final List<BoundaryReport> list = reports.computeIfAbsent(report.getTask(),
                        t -> java.util.Collections.synchronizedList(new ArrayList<>()));
                list.add(report);
                if (list.size() > MAX_REPORTS) {
                    list.remove(0);
                }
            } else {
                state.onTaskStats(stats.deserialize(r.topic(), r.value()));
            }
        } catch (final RuntimeException e) {
            undecodable.increment();
            LOG.debug("undecodable record on {}", r.topic(), e);
        }
    }

    /** The boundary reports received per task (the last {@value #MAX_REPORTS}), oldest first. */
    Map<String, List<BoundaryReport>> reports() {
        final Map<String, List<BoundaryReport>> copy = new java.util.TreeMap<>();
        reports.forEach((task, list) -> {
            synchronized (list) {
                copy.put(task, List.copyOf(list));
            }
        });
        return copy;
    }

    /** Records that could not be decoded. */
    long undecodable() {
        return undecodable.sum();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
