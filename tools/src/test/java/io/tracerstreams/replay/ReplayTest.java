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
    void shouldShiftTheTeachersAnswersOnlyFromRequestNOfTheStreamOn() {
        final List<Replay.Row> train = rows(KeywordIntents.generate(6, 1_500, 0.0, 21));
        final List<Replay.Row> test = rows(KeywordIntents.generate(6, 1_000, 0.0, 22));
        final int shiftAt = 1_800;
        final List<Replay.Step> steps = new ArrayList<>();
        final Replay.Listener listener = new Replay.Listener() {
            @Override
            public void onStep(final Replay.Step step, final TaskEngine engine) {
                steps.add(step);
            }
        };
        final Replay.Options options = Replay.Options.of(TASK).withTrainMode(Replay.TrainMode.REQUESTS)
                .withShift(3, shiftAt);
        final ReplayResult r = Replay.run(train, test, 0.9, options, 4, listener);

        // the stream is the train split's requests, then the test split's: 2,500 requests, index = place in it
        assertThat(steps).hasSize(2_500);
        assertThat(steps.get(1_499).test()).isFalse();
        assertThat(steps.get(1_500).test()).isTrue();
        final Map<String, String> rotation = r.shift().rotation();
        assertThat(rotation).hasSize(3);
        long renamed = 0;
        for (final Replay.Step step : steps) {
            final String label = step.item().label();
            final String expected = step.index() >= shiftAt ? rotation.getOrDefault(label, label) : label;
            assertThat(step.llmLabel()).as("request %d", step.index()).isEqualTo(expected);
            renamed += step.llmLabel().equals(label) ? 0 : 1;
        }
        assertThat(renamed).as("about half of the last 700 requests carry a renamed label").isBetween(250L, 450L);

        // curve blocks restart at the test phase (1,500) and at the shift (1,800): 500,500,500 | 300 | 500,200
        assertThat(r.curve()).extracting(p -> p.block().requests()).containsExactly(500L, 500L, 500L, 300L, 500L, 200L);
        assertThat(r.curve()).extracting(ReplayResult.CurvePoint::requests)
                .containsExactly(500L, 1_000L, 1_500L, 1_800L, 2_300L, 2_500L);
        assertThat(r.curve()).extracting(ReplayResult.CurvePoint::test)
                .containsExactly(false, false, false, true, true, true);
        assertThat(r.curve()).extracting(ReplayResult.CurvePoint::shifted)
                .containsExactly(false, false, false, false, true, true);
        assertThat(r.curve().stream().mapToLong(p -> p.block().llmCalls()).sum()).isEqualTo(r.overall().llmCalls());
        assertThat(r.curve().stream().mapToLong(p -> p.block().handled()).sum()).isEqualTo(r.overall().handled());
        assertThat(r.overall().requests()).isEqualTo(2_500);
        assertThat(r.overall().llmCallsSaved()).isEqualTo(1.0 - (double) r.overall().llmCalls() / 2_500);
        assertThat(r.requestsUntilFirstOpen()).isPositive().isLessThan(2_500L);

        final ReplayResult same = Replay.run(train, test, 0.9, options, 4, null);
        assertThat(same.shift().rotation()).isEqualTo(rotation);
        assertThat(same.test()).isEqualTo(r.test());
    }

    @Test
    void shouldNeverShiftBackfilledTracesAndCountTheStreamFromTheFirstTestRequest() {
        final List<Replay.Row> train = rows(KeywordIntents.generate(4, 800, 0.0, 31));
        final List<Replay.Row> test = rows(KeywordIntents.generate(4, 600, 0.0, 32));
        final List<String> traceLabels = new ArrayList<>();
        final List<Replay.Step> steps = new ArrayList<>();
        final Replay.Listener listener = new Replay.Listener() {
            @Override
            public void onStep(final Replay.Step step, final TaskEngine engine) {
                steps.add(step);
            }

            @Override
            public void onTrace(final LabelledText item, final String llmLabel, final TraceOrigin origin) {
                if (origin == TraceOrigin.BACKFILL) {
                    assertThat(llmLabel).isEqualTo(item.label());
                    traceLabels.add(llmLabel);
                }
            }
        };
        final ReplayResult r = Replay.run(train, test, 0.9, Replay.Options.of(TASK).withShift(4, 0), 2, listener);
        assertThat(traceLabels).hasSize(800);
        assertThat(steps).hasSize(600);
        assertThat(steps).allSatisfy(step -> assertThat(step.llmLabel())
                .isEqualTo(r.shift().rotation().get(step.item().label())));
    }

    @Test
    void shouldNameTheBadOption() {
        assertThatThrownBy(() -> new Replay.Options(TASK, -1, 0.0, Replay.TrainMode.BACKFILL, 500, 1_000, false))
                .hasMessageContaining("'delay'");
        assertThatThrownBy(() -> new Replay.Options(TASK, 0, 1.0, Replay.TrainMode.BACKFILL, 500, 1_000, false))
                .hasMessageContaining("'teacherNoise'");
        assertThatThrownBy(() -> Replay.Options.of(TASK).withShift(1, 0)).hasMessageContaining("'shiftLabels'");
        assertThatThrownBy(() -> Replay.Options.of(TASK).withShift(2, -5)).hasMessageContaining("'shiftAt'");
    }
}
