/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.schema.state.ZooState;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zoo's snapshot record ({@link ZooState}): a zoo restored from it, after a trip through Avro's binary encoding,
 * answers, learns, re-selects and forgets exactly like the zoo that wrote it on the same further traces. The zoo
 * holds every learner family (softmax, ncm, knn, nb and MOA-backed moa-sgd), a blend, per-label thresholds, a label
 * space past its cap (overflow slot in use), agreement windows that evict, and a relabel episode that runs across
 * the snapshot and makes the restored learners forget a label the LLM renamed.
 */
class SurrogateZooStateTest {

    private static final int CLASSES = 12;
    private static final int DIMENSION = 24;
    private static final TaskConfig CONFIG = new TaskConfig(0.85, 0.05, 0.05, 1.0, 400, 30, 0.05, 10,
            List.of("softmax", "ncm", "knn", "nb", "moa-sgd", "softmax+knn"), List.of(0.8, 0.9), 0.002, 5L, true);
    private static final GateConfig GATE = CONFIG.gateConfig();

    /** The renamed label: after the snapshot the LLM answers it for class RENAMED_CLASS. */
    private static final int RENAMED_CLASS = 2;
    private static final String RENAMED = "intent_2_renamed";

    private static ZooState throughAvro(final ZooState state) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ZooState.class).write(state, encoder);
        encoder.flush();
        return new SpecificDatumReader<>(ZooState.class).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    /** Learns {@code n} traces of the stream, with audit-like weights, predicting each first; re-selects every 200. */
    private static void warmUp(final SurrogateZoo zoo, final SyntheticIntents data, final int n) {
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            zoo.predict(x);
            zoo.learn(x, SyntheticIntents.label(c), i % 3 == 0 ? 1.0 : 4.0);
            if ((i + 1) % SurrogateZoo.SELECTION_EVERY == 0) {
                zoo.reselect();
            }
        }
    }

    /** What a zoo does on the further traces: each prediction, outcome and re-selection, in order. */
    private static List<Object> behaviour(final SurrogateZoo zoo, final SyntheticIntents data, final int n) {
        final List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            final float[] x = i % 10 == 9 ? data.outlier() : data.sample(c);
            final String llm = c == RENAMED_CLASS ? RENAMED : SyntheticIntents.label(c);
            out.add(zoo.predict(x));
            out.add(zoo.learn(x, llm, i % 4 == 0 ? 1.0 : 2.5));
            if ((i + 1) % SurrogateZoo.SELECTION_EVERY == 0) {
                final Optional<String> switched = zoo.reselect();
                out.add(switched);
            }
            if (i == 700) {
                zoo.keepNewest(250);
            }
        }
        out.add(zoo.servedName());
        out.add(zoo.coverageByMember());
        out.add(zoo.labels());
        out.add(zoo.labelCount());
        out.add(zoo.labelsForgotten());
        out.add(zoo.perLabelThresholds(0.5));
        out.add(zoo.frontier(List.of(0.8, 0.9)));
        out.add(zoo.servedWindow().added());
        out.add(zoo.servedWindow().size());
        return out;
    }

    @Test
    void shouldRestoreAZooThatAnswersLearnsAndForgetsExactlyLikeTheOriginal() throws IOException {
        final SurrogateZoo original = new SurrogateZoo(CONFIG, GATE);
        warmUp(original, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 21), 1_500);
        // a refutation: the episode runs across the snapshot and forgets on the restored learners
        original.relearnFrom(40, 800);
        final SurrogateZoo restored = SurrogateZoo.fromState(throughAvro(original.toState()), GATE);
        assertThat(throughAvro(restored.toState())).as("the restored zoo writes the state it was restored from")
                .isEqualTo(throughAvro(original.toState()));

        final List<Object> expected = behaviour(original, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 77), 1_000);
        final List<Object> actual = behaviour(restored, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 77), 1_000);

        assertThat(original.labelsForgotten()).as("the episode forgot a label: forgetting was exercised").isPositive();
        assertThat(original.labels()).as("labels beyond the cap went to the overflow slot").hasSize(CONFIG.labelCap());
        assertThat(actual).isEqualTo(expected);
        assertThat(throughAvro(restored.toState())).isEqualTo(throughAvro(original.toState()));
    }

    @Test
    void shouldRestoreAZooThatHasLearnedNothingYet() throws IOException {
        final SurrogateZoo original = new SurrogateZoo(CONFIG, GATE);
        final SurrogateZoo restored = SurrogateZoo.fromState(throughAvro(original.toState()), GATE);

        assertThat(behaviour(restored, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 5), 600))
                .isEqualTo(behaviour(original, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 5), 600));
    }

    @Test
    void shouldRefuseAStateWhoseServedMemberDoesNotExistNamingTheField() throws IOException {
        final SurrogateZoo zoo = new SurrogateZoo(CONFIG, GATE);
        warmUp(zoo, new SyntheticIntents(CLASSES, DIMENSION, 0.6, 3), 100);
        final ZooState state = throughAvro(zoo.toState());
        state.setServed(state.getMembers().size());

        assertThatThrownBy(() -> SurrogateZoo.fromState(state, GATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'served'");
    }

    @Test
    void shouldRefuseABlendWhosePartIsNotALearnerBeforeItNamingTheField() throws IOException {
        final ZooState state = throughAvro(new SurrogateZoo(CONFIG, GATE).toState());
        final int blend = state.getMembers().size() - 1;
        state.getMembers().get(blend).setParts(List.of(0, blend));

        assertThatThrownBy(() -> SurrogateZoo.fromState(state, GATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members[" + blend + "].parts");
    }
}
