/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.CosineKnnState;
import io.tracerstreams.schema.state.LearnerState;
import io.tracerstreams.schema.state.MoaLearnerState;
import io.tracerstreams.schema.state.NearestClassMeanState;
import io.tracerstreams.schema.state.SoftmaxState;

import moa.classifiers.Classifier;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every learner family survives its snapshot record ({@link EmbeddingClassifier#toState()}, through Avro's binary
 * encoding, {@link EmbeddingClassifier#fromState}): the restored learner gives bit-identical probabilities and, after
 * learning the same further examples (including a forgotten slot), still does. Also the acceptor, the support memory
 * and the label space, which sit beside the learners in the zoo.
 */
class LearnerStateTest {

    /** Reads a MOA model without the engine's allow-list (the engine's reader is task's JavaParts). */
    static final Function<ByteBuffer, Classifier> MOA_MODELS = bytes -> {
        final ByteBuffer b = bytes.duplicate();
        final byte[] raw = new byte[b.remaining()];
        b.get(raw);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(raw))) {
            return (Classifier) in.readObject();
        } catch (final IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    };

    /** A record through Avro's binary encoding and back, as a snapshot stores it. */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> T throughAvro(final T record) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
            encoder.flush();
            final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
            return new SpecificDatumReader<T>((Class<T>) record.getClass()).read(null, decoder);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddingClassifier roundTrip(final EmbeddingClassifier learner) {
        return EmbeddingClassifier.fromState(throughAvro(learner.toState()), MOA_MODELS);
    }

    /** Probabilities of both learners on a stream of further examples, learning each after the prediction. */
    private static void assertSameFromNowOn(final EmbeddingClassifier original, final EmbeddingClassifier restored,
                                            final SyntheticClusters data, final int n) {
        final List<double[]> a = new ArrayList<>();
        final List<double[]> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            a.add(original.probabilities(x, data.classes));
            b.add(restored.probabilities(x, data.classes));
            original.learn(x, c);
            restored.learn(x, c);
            if (i == n / 2) {
                original.forget(c, 20);
                restored.forget(c, 20);
            }
        }
        assertThat(b).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(a);
        assertThat(a).anySatisfy(p -> assertThat(EmbeddingClassifier.argmax(p)).isNotNegative());
        assertThat(restored.learnedCount()).isEqualTo(original.learnedCount());
        assertThat(restored.rejectedInputs()).isEqualTo(original.rejectedInputs());
        assertThat(restored.slotCount()).isEqualTo(original.slotCount());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"softmax", "ncm", "knn", "nb", "moa-sgd", "moa:trees.HoeffdingTree", "moa:bayes.NaiveBayes"})
    void shouldPredictAndLearnExactlyLikeTheOriginalAfterARoundTripOfItsState(final String name) {
        final EmbeddingClassifier original = Learners.create(name, 5L);
        final SyntheticClusters data = new SyntheticClusters(12, 24, 0.9, 3);
        for (int i = 0; i < 1_500; i++) {
            final int c = data.nextClass();
            original.learn(data.sample(c), c);
            if (i == 700) {
                original.forget(c, 100); // a forgotten slot is part of the state
            }
        }
        original.learn(new float[5], 1); // a rejected input is counted
        final EmbeddingClassifier restored = roundTrip(original);
        assertThat(restored).isInstanceOf(original.getClass());
        assertThat(restored.name()).isEqualTo(original.name());
        assertThat(restored.dimension()).isEqualTo(24);
        assertSameFromNowOn(original, restored, data, 600);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"softmax", "ncm", "knn", "nb", "moa-sgd"})
    void shouldRestoreALearnerThatLearnedNothingYet(final String name) {
        final EmbeddingClassifier original = Learners.create(name, 9L);
        final EmbeddingClassifier restored = roundTrip(original);
        assertThat(restored.dimension()).isEqualTo(-1);
        assertSameFromNowOn(original, restored, new SyntheticClusters(5, 16, 0.8, 4), 400);
    }

    @Test
    void shouldKeepTheModelOfEachFamilyInItsOwnRecord() {
        assertThat(Learners.create("softmax", 1).toState().getModel()).isInstanceOf(SoftmaxState.class);
        assertThat(Learners.create("ncm", 1).toState().getModel()).isInstanceOf(NearestClassMeanState.class);
        assertThat(Learners.create("knn", 1).toState().getModel()).isInstanceOf(CosineKnnState.class);
        assertThat(Learners.create("moa-sgd", 1).toState().getModel()).isInstanceOf(MoaLearnerState.class);
    }

    @Test
    void shouldRejectAStateWhoseArraysDoNotFitNamingTheField() {
        final EmbeddingClassifier knn = Learners.create("knn", 1);
        final SyntheticClusters data = new SyntheticClusters(4, 8, 0.5, 1);
        for (int i = 0; i < 50; i++) {
            final int c = data.nextClass();
            knn.learn(data.sample(c), c);
        }
        final LearnerState state = knn.toState();
        final CosineKnnState model = (CosineKnnState) state.getModel();
        model.setRowSlots(model.getRowSlots().subList(0, 10));
        assertThatThrownBy(() -> EmbeddingClassifier.fromState(state, MOA_MODELS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'row_slots'");

        final LearnerState badSlot = knn.toState();
        final CosineKnnState badModel = (CosineKnnState) badSlot.getModel();
        final List<Integer> rowSlots = new ArrayList<>(badModel.getRowSlots());
        rowSlots.set(0, 99);
        badModel.setRowSlots(rowSlots);
        assertThatThrownBy(() -> EmbeddingClassifier.fromState(badSlot, MOA_MODELS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'row_slots[0]' is slot 99");

        final LearnerState moreSlots = knn.toState();
        moreSlots.setSlots(moreSlots.getSlots() + 1);
        assertThatThrownBy(() -> EmbeddingClassifier.fromState(moreSlots, MOA_MODELS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slots of the model");

        // a learner that learned nothing cannot claim a (huge) dimension: its first request would allocate it
        for (final String name : List.of("softmax", "moa-sgd")) {
            final LearnerState empty = Learners.create(name, 1).toState();
            empty.setDimension(1 << 30);
            assertThatThrownBy(() -> EmbeddingClassifier.fromState(empty, MOA_MODELS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'dimension'");
        }

        final LearnerState softmax = Learners.create("softmax", 1).toState();
        softmax.setModel("not a model");
        assertThatThrownBy(() -> EmbeddingClassifier.fromState(softmax, MOA_MODELS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'model'");
    }

    @Test
    void shouldScoreAndLearnExactlyLikeTheOriginalAcceptor() {
        final Acceptor original = new Acceptor(new Acceptor.Settings(300, 20, 2.0));
        final java.util.Random random = new java.util.Random(8);
        for (int i = 0; i < 700; i++) {
            final double[] f = features(random);
            original.learn(f, random.nextDouble() < f[Acceptor.TOP1], 1 + random.nextInt(3));
        }
        final Acceptor restored = Acceptor.fromState(throughAvro(original.toState()));
        for (int i = 0; i < 500; i++) {
            final double[] f = features(random);
            assertThat(restored.score(f)).isEqualTo(original.score(f));
            final boolean agreed = random.nextDouble() < f[Acceptor.TOP1];
            original.learn(f, agreed, 1.0);
            restored.learn(f, agreed, 1.0);
        }
        assertThat(restored.weights()).isEqualTo(original.weights());
        assertThat(restored.learnedCount()).isEqualTo(original.learnedCount());

        // a record that claims a huge window without holding it is refused before anything is allocated
        final var huge = original.toState();
        huge.setWindow(Integer.MAX_VALUE - 8);
        assertThatThrownBy(() -> Acceptor.fromState(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'acceptor.outcomes'");
    }

    private static double[] features(final java.util.Random random) {
        final double[] p = new double[6];
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.pow(random.nextDouble(), 4);
        }
        return Acceptor.features(p, random.nextDouble());
    }

    @Test
    void shouldMeasureAndForgetExactlyLikeTheOriginalSupportMemory() {
        final SupportMemory original = new SupportMemory(new SupportMemory.Settings(300, 40));
        final SyntheticClusters data = new SyntheticClusters(7, 16, 0.7, 6);
        for (int i = 0; i < 800; i++) {
            final int c = data.nextClass();
            original.add(data.sample(c), c);
        }
        original.forget(3, 50);
        final SupportMemory restored = SupportMemory.fromState(throughAvro(original.toState()));
        for (int i = 0; i < 400; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            assertThat(restored.distance(x, c)).isEqualTo(original.distance(x, c));
            original.add(x, c);
            restored.add(x, c);
        }
        assertThat(restored.stored()).isEqualTo(original.stored());
        assertThat(SupportMemory.fromState(throughAvro(new SupportMemory().toState())).distance(new float[4], 0))
                .isEqualTo(SupportMemory.NO_SUPPORT);
    }

    @Test
    void shouldKeepEveryLabelInItsSlotAndTheOverflowCount() {
        final LabelSpace original = new LabelSpace(3);
        for (final String label : List.of("b", "a", "c", "d", "e", "a")) {
            original.register(label);
        }
        final LabelSpace restored = LabelSpace.fromState(throughAvro(original.toState()));
        assertThat(restored.labels()).containsExactly("b", "a", "c");
        assertThat(restored.overflowRegistrations()).isEqualTo(2);
        assertThat(restored.size()).isEqualTo(original.size());
        assertThat(restored.register("f")).isEqualTo(restored.overflowSlot());

        final var repeated = original.toState();
        repeated.setLabels(List.of("a", "a"));
        assertThatThrownBy(() -> LabelSpace.fromState(repeated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'labels' repeats 'a'");
    }
}
