/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine restored from its own snapshot (the zoo and the OOD guard as their Avro records) routes, defers, audits
 * and learns exactly like the engine that wrote it, for every learner family: the default zoo (softmax, ncm, knn, nb
 * and the blend softmax+knn), a MOA-backed learner (moa-sgd, its model kept as Java serialization inside the
 * record), and per-label thresholds. The further stream mixes in inputs unlike anything learned, so the restored OOD
 * guard's decisions are compared too.
 */
class EngineSnapshotRoundTripTest {

    static Stream<Arguments> configs() {
        final TaskConfig defaults = TaskConfig.DEFAULTS.withAlpha(0.85);
        return Stream.of(
                Arguments.of("default zoo", defaults),
                Arguments.of("moa-sgd", defaults.withLearners(List.of("moa-sgd", "ncm"))),
                Arguments.of("per-label thresholds", defaults.withPerLabelThresholds(true)));
    }

    /** The closed loop: requests (every 10th pushed away from what was learned), then the LLM's answers for deferred and audited ones. */
    private static List<Object> loop(final TaskEngine engine, final SyntheticIntents data, final int from, final int n) {
        final List<Object> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            final int c = data.nextClass();
            final float[] x = i % 10 == 9 ? awayFrom(data.sample(c), data.outlier()) : data.sample(c);
            final RoutingDecision d = engine.route("r" + i, "text " + i, x, i);
            out.add(d);
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                final List<GateEvent> events = engine.learn("r" + i, null, x, SyntheticIntents.label(c), d, i);
                out.addAll(events);
            }
        }
        return out;
    }

    /** A sample pushed half-way towards a random direction: often still confidently classified, yet far from the traces. */
    private static float[] awayFrom(final float[] sample, final float[] direction) {
        final float[] x = new float[sample.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = sample[j] + direction[j];
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void shouldDecideAndLearnExactlyLikeTheEngineThatWroteTheSnapshot(final String name, final TaskConfig config) {
        final TaskEngine original = TaskEngine.create("intents", config);
        loop(original, new SyntheticIntents(8, 32, 0.45, 13), 0, 2_500);
        final TaskEngine restored = TaskEngine.restore(original.snapshot());

        final List<Object> expected = loop(original, new SyntheticIntents(8, 32, 0.45, 31), 2_500, 1_500);
        final List<Object> actual = loop(restored, new SyntheticIntents(8, 32, 0.45, 31), 2_500, 1_500);

        assertThat(expected).as("the gate opened: handled requests are compared").anySatisfy(o ->
                assertThat(o).isInstanceOfSatisfying(RoutingDecision.class, d ->
                        assertThat(d.getDecision()).isEqualTo(Decision.HANDLED)));
        assertThat(expected).as("the OOD guard deferred: its decisions are compared").anySatisfy(o ->
                assertThat(o).isInstanceOfSatisfying(RoutingDecision.class, d ->
                        assertThat(d.getReason()).isEqualTo(Reason.OUT_OF_DISTRIBUTION)));
        assertThat(actual).isEqualTo(expected);
        assertThat(restored.stats(4_000).toString()).isEqualTo(original.stats(4_000).toString());
    }
}
