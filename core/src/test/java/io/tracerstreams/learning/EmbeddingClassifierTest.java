/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Properties every learner of the zoo must have, checked on seeded synthetic clusters. */
class EmbeddingClassifierTest {

    private static final int CLASSES = 20;
    private static final int DIM = 64;

    static List<String> learners() {
        return Learners.NAMES;
    }

    @ParameterizedTest
    @MethodSource("learners")
    void shouldSeparateClustersPrequentially(final String name) {
        for (final long seed : new long[] {1, 2}) {
            final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, seed);
            final EmbeddingClassifier learner = Learners.create(name, seed);
            int correctLate = 0;
            final int n = 1600;
            for (int i = 0; i < n; i++) {
                final int c = data.nextClass();
                final float[] x = data.sample(c);
                if (i >= n / 2 && EmbeddingClassifier.argmax(learner.probabilities(x, CLASSES)) == c) {
                    correctLate++;
                }
                learner.learn(x, c);
            }
            assertThat((double) correctLate / (n / 2)).as("%s seed %d", name, seed).isGreaterThan(0.95);
        }
    }

    @ParameterizedTest
    @MethodSource("learners")
    void shouldReturnNormalisedFiniteProbabilitiesEvenForBadInputs(final String name) {
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 7);
        final EmbeddingClassifier learner = Learners.create(name, 7);
        assertThat(learner.probabilities(data.sample(0), 5)).containsOnly(0.0);
        final List<float[]> bad = badInputs();
        for (int i = 0; i < 600; i++) {
            final int c = data.nextClass();
            learner.learn(data.sample(c), c);
            if (i % 50 == 0) {
                // bad vectors are learned too: they must not corrupt the model
                learner.learn(bad.get(i / 50 % bad.size()), c);
            }
        }
        for (final float[] x : concat(bad, List.of(data.sample(3), data.sample(11)))) {
            final double[] p = learner.probabilities(x, CLASSES + 3);
            assertThat(p).hasSize(CLASSES + 3);
            for (final double v : p) {
                assertThat(v).isFinite().isBetween(0.0, 1.0);
            }
            assertThat(sum(p)).isCloseTo(1.0, within(1e-9));
            // slots never learned get nothing
            assertThat(p[CLASSES]).isZero();
        }
        assertThat(EmbeddingClassifier.argmax(learner.probabilities(data.sample(3), CLASSES))).isEqualTo(3);
        // a vector of another length is rejected, not thrown
        final long rejectedBefore = learner.rejectedInputs();
        assertThat(learner.probabilities(new float[DIM + 1], CLASSES)).containsOnly(0.0);
        learner.learn(new float[DIM - 1], 0);
        learner.learn(null, 0);
        learner.learn(data.sample(0), -1);
        assertThat(learner.rejectedInputs()).isEqualTo(rejectedBefore + 4);
    }

    @ParameterizedTest
    @MethodSource("learners")
    void shouldGiveTheSameVotesThroughMoaAsThroughTheFastPath(final String name) {
        final int placeholders = 30;
        final InstancesHeader header = header(DIM, placeholders);
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 11);
        final EmbeddingClassifier moa = Learners.create(name, 11);
        moa.prepareForUse();
        moa.setModelContext(header);
        final EmbeddingClassifier fast = Learners.create(name, 11);
        for (int i = 0; i < 800; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final Instance inst = instance(header, x, c);
            if (i % 40 == 0) {
                assertThat(moa.getVotesForInstance(inst)).containsExactly(fast.probabilities(x, placeholders));
            }
            moa.trainOnInstance(inst);
            fast.learn(x, c);
        }
        final float[] probe = data.sample(5);
        final double[] votes = moa.getVotesForInstance(instance(header, probe, 0));
        assertThat(votes).hasSize(placeholders).containsExactly(fast.probabilities(probe, placeholders));
        assertThat(moa.correctlyClassifies(instance(header, probe, 5))).isTrue();
        assertThat(moa.getModelMeasurements()).isNotEmpty();
        final StringBuilder description = new StringBuilder();
        moa.getModelDescription(description, 0);
        assertThat(description).contains(name);
        moa.resetLearning();
        assertThat(moa.learnedCount()).isZero();
        assertThat(moa.getVotesForInstance(instance(header, probe, 0))).containsOnly(0.0);
    }

    @ParameterizedTest
    @MethodSource("learners")
    void shouldRestoreIdenticalStateFromJavaSerialisation(final String name) throws Exception {
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 21);
        final EmbeddingClassifier learner = Learners.create(name, 21);
        for (int i = 0; i < 700; i++) {
            final int c = data.nextClass();
            learner.learn(data.sample(c), c);
        }
        final EmbeddingClassifier copy = roundTrip(learner);
        final List<float[]> probes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            probes.add(data.sample(i % CLASSES));
        }
        for (final float[] x : probes) {
            assertThat(copy.probabilities(x, CLASSES)).containsExactly(learner.probabilities(x, CLASSES));
        }
        // both go on identically (random state and buffers were restored too)
        for (int i = 0; i < 200; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            learner.learn(x, c);
            copy.learn(x, c);
        }
        for (final float[] x : probes) {
            assertThat(copy.probabilities(x, CLASSES)).containsExactly(learner.probabilities(x, CLASSES));
        }
    }

    @ParameterizedTest
    @MethodSource("learners")
    void shouldLearnLabelsThatAppearOverTimeAndTheOverflowSlot(final String name) {
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 31);
        final String[] names = new String[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            names[c] = "intent-" + c;
        }
        // capacity 15: the last 5 labels all share the overflow slot; labels 10.. only appear after 600 traces
        final LabelSpace labels = new LabelSpace(15);
        final EmbeddingClassifier learner = Learners.create(name, 31);
        int overflowSeen = 0;
        int overflowPredicted = 0;
        int late = 0;
        int lateCorrect = 0;
        for (int i = 0; i < 2000; i++) {
            final int c = i < 600 ? data.nextClass() % 10 : data.nextClass();
            final float[] x = data.sample(c);
            final double[] p = learner.probabilities(x, labels.size());
            assertThat(p).hasSize(labels.size());
            final int predicted = EmbeddingClassifier.argmax(p);
            final int slot = labels.register(names[c]);
            if (i >= 1200) {
                if (labels.isOverflow(slot)) {
                    overflowSeen++;
                    if (labels.isOverflow(predicted)) {
                        overflowPredicted++;
                    }
                } else {
                    late++;
                    if (predicted == slot) {
                        lateCorrect++;
                    }
                }
            }
            learner.learn(x, slot);
        }
        assertThat(labels.size()).isEqualTo(16);
        assertThat(labels.overflowSlot()).isEqualTo(15);
        assertThat((double) lateCorrect / late).as("own slots").isGreaterThan(0.9);
        assertThat((double) overflowPredicted / overflowSeen).as("overflow slot").isGreaterThan(0.8);
    }

    @Test
    void shouldListValidNamesForAnUnknownLearner() {
        assertThatThrownBy(() -> Learners.create("forest", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("forest")
                .hasMessageContaining("softmax").hasMessageContaining("ncm")
                .hasMessageContaining("knn").hasMessageContaining("nb");
        for (final String name : Learners.NAMES) {
            assertThat(Learners.create(name.toUpperCase(java.util.Locale.ROOT), 1).name()).isEqualTo(name);
        }
    }

    @Test
    void shouldPredictLikeTheExactScanWhenKnnPrunesClasses() {
        final SyntheticClusters data = new SyntheticClusters(40, DIM, 1.2, 51);
        final CosineKnn exact = new CosineKnn(51, new CosineKnn.Settings(1000, 10, 20, 0));
        final CosineKnn pruned = new CosineKnn(51, new CosineKnn.Settings(1000, 10, 20, 8));
        int same = 0;
        int exactCorrect = 0;
        int prunedCorrect = 0;
        final int n = 2000;
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final int a = EmbeddingClassifier.argmax(exact.probabilities(x, 40));
            final int b = EmbeddingClassifier.argmax(pruned.probabilities(x, 40));
            same += a == b ? 1 : 0;
            exactCorrect += a == c ? 1 : 0;
            prunedCorrect += b == c ? 1 : 0;
            exact.learn(x, c);
            pruned.learn(x, c);
        }
        assertThat((double) same / n).isGreaterThan(0.97);
        assertThat(prunedCorrect).isGreaterThanOrEqualTo(exactCorrect - n / 100);
        assertThat(pruned.stored()).isEqualTo(1000);
    }

    @Test
    void shouldScanOnlyTheNewestExamplesOfAClassWhenCapped() {
        final float[] query = {1, 0, 0};
        final java.util.function.IntFunction<CosineKnn> trained = cap -> {
            final CosineKnn knn = new CosineKnn(3, new CosineKnn.Settings(100, 1, 20, 0, cap));
            knn.learn(new float[] {1, 0.05f, 0}, 0);        // old, next to the query
            for (int i = 0; i < 10; i++) {
                knn.learn(new float[] {0, 1, 0.1f * i}, 0); // newer, far from it
            }
            knn.learn(new float[] {1, 0.5f, 0}, 1);          // the other class, moderately near
            return knn;
        };
        assertThat(EmbeddingClassifier.argmax(trained.apply(0).probabilities(query, 2))).isEqualTo(0);
        assertThat(EmbeddingClassifier.argmax(trained.apply(5).probabilities(query, 2))).isEqualTo(1);
        assertThatThrownBy(() -> new CosineKnn.Settings(10, 1, 1, 0, -1)).hasMessageContaining("maxPerClass");
    }

    @Test
    void shouldMeasureNearestDistanceInTheKnnWindow() {
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 41);
        final CosineKnn knn = new CosineKnn(41);
        assertThat(knn.nearestDistance(data.sample(0))).isNaN();
        final float[] x = data.sample(2);
        knn.learn(x, 2);
        // stored as int8 (QuantizedRows): a dot product is off by at most sqrt(d) / 254
        final double quantisation = Math.sqrt(DIM) / 254;
        assertThat(knn.nearestDistance(x)).isCloseTo(0.0, within(quantisation));
        final float[] opposite = x.clone();
        for (int j = 0; j < opposite.length; j++) {
            opposite[j] = -opposite[j];
        }
        assertThat(knn.nearestDistance(opposite)).isCloseTo(2.0, within(quantisation));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static List<float[]> badInputs() {
        final float[] nan = new float[DIM];
        java.util.Arrays.fill(nan, Float.NaN);
        final float[] huge = new float[DIM];
        java.util.Arrays.fill(huge, 3e38f);
        final float[] inf = new float[DIM];
        inf[0] = Float.POSITIVE_INFINITY;
        inf[1] = Float.NEGATIVE_INFINITY;
        inf[2] = Float.NaN;
        final float[] zero = new float[DIM];
        return List.of(nan, huge, inf, zero);
    }

    private static List<float[]> concat(final List<float[]> a, final List<float[]> b) {
        final List<float[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static double sum(final double[] p) {
        double s = 0;
        for (final double v : p) {
            s += v;
        }
        return s;
    }

    static InstancesHeader header(final int dim, final int placeholders) {
        final List<Attribute> attributes = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            attributes.add(new Attribute("e" + j));
        }
        final List<String> values = new ArrayList<>();
        for (int c = 0; c < placeholders; c++) {
            values.add("c" + c);
        }
        attributes.add(new Attribute("class", values));
        final Instances instances = new Instances("embeddings", attributes, 0);
        instances.setClassIndex(dim);
        return new InstancesHeader(instances);
    }

    static Instance instance(final InstancesHeader header, final float[] x, final int slot) {
        final double[] values = new double[x.length + 1];
        for (int j = 0; j < x.length; j++) {
            values[j] = x[j];
        }
        values[x.length] = slot;
        final Instance inst = new DenseInstance(1.0, values);
        inst.setDataset(header);
        return inst;
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(final T object) throws Exception {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
