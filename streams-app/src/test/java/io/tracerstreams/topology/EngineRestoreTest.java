/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router reloads an engine from its stores (latest snapshot + journal replay) whenever the engine throws;
 * with the real TaskEngine, the decisions after the reload must be exactly those of a run without it.
 */
class EngineRestoreTest {

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    /** The real engine, except that routing request "boom" throws before touching it. */
    private static final RouterEngine.Factory FAILING_ON_BOOM = new RouterEngine.Factory() {
        @Override
        public RouterEngine create(final String task, final TaskConfig config) {
            return wrap(RouterEngine.TASK_ENGINE.create(task, config));
        }

        @Override
        public RouterEngine.Restored restore(final String task, final TaskConfig config, final byte[] snapshot,
                                             final long timestampMs) {
            final RouterEngine.Restored r = RouterEngine.TASK_ENGINE.restore(task, config, snapshot, timestampMs);
            return new RouterEngine.Restored(wrap(r.engine()), r.events(), r.reset());
        }

        private RouterEngine wrap(final RouterEngine real) {
            return new RouterEngine() {
                @Override
                public RoutingDecision route(final String requestId, final String input, final float[] embedding, final long ts) {
                    if ("boom".equals(requestId)) {
                        throw new IllegalStateException("injected failure");
                    }
                    return real.route(requestId, input, embedding, ts);
                }

                @Override
                public RoutingDecision rejectInvalid(final String requestId, final String why, final long ts) {
                    return real.rejectInvalid(requestId, why, ts);
                }

                @Override
                public List<GateEvent> learn(final String requestId, final String input, final float[] embedding, final String label,
                                             final RoutingDecision routed, final long ts) {
                    return real.learn(requestId, input, embedding, label, routed, ts);
                }

                @Override
                public TaskStats stats(final long ts) {
                    return real.stats(ts);
                }

                @Override
                public io.tracerstreams.schema.BoundaryReport report(final long ts) {
                    return real.report(ts);
                }

                @Override
                public byte[] snapshot() {
                    return real.snapshot();
                }
            };
        }
    };

    private static List<String> run(final TopologyHarness h, final int n, final int boomAt) {
        final SyntheticIntents intents = new SyntheticIntents(4, 11L);
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == boomAt) {
                h.request("t", "boom", "w0x0 w0x1");
                final List<KeyValue<String, RoutingDecision>> fallback = h.decisions.readKeyValuesToList();
                assertThat(fallback).singleElement().satisfies(kv -> {
                    assertThat(kv.value.getDecision()).isEqualTo(Decision.DEFERRED);
                    assertThat(kv.value.getModelVersion()).isEqualTo("engine-error");
                });
            }
            final SyntheticIntents.Example ex = intents.next();
            final String id = "r-" + i;
            h.request("t", id, ex.text());
            final RoutingDecision d = h.decisions.readValuesToList().get(0);
            // timestamps differ by the extra record of the failing run: compare everything else
            d.setTimestamp(java.time.Instant.EPOCH);
            out.add(d.toString());
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                h.response("t", id, ex.label(), null);
            }
        }
        return out;
    }

    @Test
    void shouldGiveTheSameDecisionsAfterRestoringFromSnapshotAndJournal() {
        final List<String> uninterrupted;
        try (TopologyHarness a = new TopologyHarness(TopologyHarness.settings(dirA))) {
            uninterrupted = run(a, 400, -1);
            assertThat(a.counters.get(Counter.ENGINE_LOADS)).isZero();
        }
        final List<String> restored;
        try (TopologyHarness b = new TopologyHarness(TopologyHarness.settings(dirB), FAILING_ON_BOOM)) {
            restored = run(b, 400, 150);
            assertThat(b.counters.get(Counter.ENGINE_LOADS)).isEqualTo(1);
            assertThat(b.counters.get(Counter.JOURNAL_REPLAYS)).isPositive();
            assertThat(b.counters.get(Counter.SNAPSHOTS)).isPositive();
            assertThat(b.counters.deadLetters(DeadLetterReason.ENGINE_ERROR)).isEqualTo(1);
        }
        assertThat(uninterrupted.stream().filter(s -> s.contains("\"HANDLED\"")).count()).isPositive();
        assertThat(restored).containsExactlyElementsOf(uninterrupted);
    }
}
