/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;
import io.tracerstreams.task.TraceOrigin;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayTest {

    private static final TaskConfig TASK = TaskConfig.DEFAULTS.withLearners(List.of("ncm", "softmax"));

    private static List<Replay.Row> rows(final List<LabelledText> items) {
        try (HashingFeaturizer f = new HashingFeaturizer(256)) {
            final List<float[]> vectors = f.embed(items.stream().map(LabelledText::text).toList());
            final List<Replay.Row> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                out.add(new Replay.Row(items.get(i), vectors.get(i)));
            }
            return out;
        }
    }

    @Test
    void shouldLearnOnlyDeferredAndAuditedRequestsAndMeasureAsDefined() {
        final List<Replay.Row> stream = rows(KeywordIntents.generate(6, 6_000, 0.03, 1));
        final Map<TraceOrigin, Long> traces = new EnumMap<>(TraceOrigin.class);
        final long[] deferred = new long[1];
        final long[] audited = new long[1];
        final long[] handled = new long[1];
        final long[] agreed = new long[1];
        final Replay.Listener listener = new Replay.Listener() {
            @Override
            public void onStep(final Replay.Step step, final TaskEngine engine) {
                if (step.decision().getDecision() == Decision.DEFERRED) {
                    deferred[0]++;
                } else {
                    handled[0]++;
                    agreed[0] += step.agreed() ? 1 : 0;
                    audited[0] += step.decision().getAudit() ? 1 : 0;
                }
            }

            @Override
            public void onTrace(final LabelledText item, final String llmLabel, final TraceOrigin origin) {
                traces.merge(origin, 1L, Long::sum);
            }
        };
        final ReplayResult r = Replay.run(List.of(), stream, 0.9, Replay.Options.of(TASK), 3, listener);

        assertThat(traces.getOrDefault(TraceOrigin.BACKFILL, 0L)).isZero();
        assertThat(traces.get(TraceOrigin.DEFERRED)).isEqualTo(deferred[0]);
        assertThat(traces.getOrDefault(TraceOrigin.AUDITED, 0L)).isEqualTo(audited[0]);
        assertThat(r.tracesLearned()).isEqualTo(deferred[0] + audited[0]);
        assertThat(r.test().requests()).isEqualTo(6_000);
        assertThat(r.test().handled()).isEqualTo(handled[0]);
        assertThat(r.test().llmCalls()).isEqualTo(deferred[0] + audited[0]);
        assertThat(r.test().realisedAgreement()).isEqualTo((double) agreed[0] / handled[0]);
        assertThat(r.test().endToEndAgreement()).isEqualTo((agreed[0] + deferred[0]) / 6_000.0);
        assertThat(r.last20().requests()).isEqualTo(1_200);
        assertThat(r.curve()).hasSize(12);
        assertThat(r.reports()).isNotEmpty();
        assertThat(r.gateFlips()).isPositive();
        assertThat(r.tracesUntilFirstOpen()).isPositive();
    }

    @Test
    void shouldKeepAlphaOnHandledTrafficAcrossSeeds() {
        final List<Replay.Row> train = rows(KeywordIntents.generate(8, 3_000, 0.05, 10));
        final List<Replay.Row> test = rows(KeywordIntents.generate(8, 3_000, 0.05, 11));
        for (long seed = 1; seed <= 3; seed++) {
            final ReplayResult r = Replay.run(train, test, 0.9, Replay.Options.of(TASK), seed, null);
            assertThat(r.test().handled()).as("seed %d handles traffic", seed).isGreaterThan(1_000);
            assertThat(r.test().realisedAgreement()).as("seed %d keeps alpha", seed).isGreaterThanOrEqualTo(0.9);
        }
    }

    @Test
    void shouldDeliverTheLlmAnswersOnlyAfterTheDelay() {
        final List<Replay.Row> stream = rows(KeywordIntents.generate(4, 1_000, 0.0, 2));
        final int delay = 40;
        final List<Long> learnedAtStep = new ArrayList<>();
        final Replay.Listener listener = new Replay.Listener() {
            @Override
            public void onStep(final Replay.Step step, final TaskEngine engine) {
                learnedAtStep.add(engine.tracesLearned());
            }
        };
        final Replay.Options options = new Replay.Options(TASK, delay, 0.0, Replay.TrainMode.BACKFILL, 500, 1_000, false);
        Replay.run(List.of(), stream, 0.9, options, 1, listener);
        for (int i = 0; i <= delay; i++) {
            assertThat(learnedAtStep.get(i)).as("traces learned before request %d", i).isZero();
        }
        assertThat(learnedAtStep.get(delay + 1)).isEqualTo(1);
    }

    @Test
    void shouldNameTheBadOption() {
        assertThatThrownBy(() -> new Replay.Options(TASK, -1, 0.0, Replay.TrainMode.BACKFILL, 500, 1_000, false))
                .hasMessageContaining("'delay'");
        assertThatThrownBy(() -> new Replay.Options(TASK, 0, 1.0, Replay.TrainMode.BACKFILL, 500, 1_000, false))
                .hasMessageContaining("'teacherNoise'");
    }
}
