/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forgetting a label's old examples ({@link EmbeddingClassifier#forget}, {@link SupportMemory#forget}): after the LLM
 * renamed an intent, the old examples of its name stop voting for it, and what was learned since stays.
 */
class ForgetSlotTest {

    private static final int D = 16;

    /** A noisy example of intent {@code c}: near the c-th axis. */
    private static float[] example(final SplittableRandom rnd, final int c) {
        final float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) (0.15 * rnd.nextGaussian());
        }
        v[c] += 1f;
        return v;
    }

    /**
     * Intents 0..3 learned under their own labels; then the LLM renames intent 0 to label 1 and intent 1 to label 0
     * (a swap), and a few examples of the new meaning arrive. Returns the learner after forgetting slots 0 and 1's
     * examples older than those few (or without forgetting).
     */
    private static EmbeddingClassifier swapped(final EmbeddingClassifier learner, final boolean forget) {
        final SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 400; i++) {
            final int c = i % 4;
            learner.learn(example(rnd, c), c);
        }
        final int fresh = 6;
        for (int i = 0; i < fresh; i++) {
            learner.learn(example(rnd, 0), 1);
            learner.learn(example(rnd, 1), 0);
        }
        if (forget) {
            learner.forget(0, 2 * fresh);
            learner.forget(1, 2 * fresh);
        }
        return learner;
    }

    private static double accuracyOnTheNewMeaning(final EmbeddingClassifier learner) {
        final SplittableRandom rnd = new SplittableRandom(99);
        int right = 0;
        final int n = 200;
        for (int i = 0; i < n; i++) {
            final int intent = i % 4;
            final int label = intent == 0 ? 1 : intent == 1 ? 0 : intent;
            if (EmbeddingClassifier.argmax(learner.probabilities(example(rnd, intent), 4)) == label) {
                right++;
            }
        }
        return right / (double) n;
    }

    @Test
    void shouldAnswerTheNewNamesOnceTheOldExamplesOfTheRenamedLabelsAreForgotten() {
        final double knnBefore = accuracyOnTheNewMeaning(swapped(new CosineKnn(1L), false));
        final double knnAfter = accuracyOnTheNewMeaning(swapped(new CosineKnn(1L), true));
        // without forgetting, 100 old examples per label outvote 6 new ones: the swapped half is answered wrongly
        assertThat(knnBefore).isLessThan(0.75);
        assertThat(knnAfter).isGreaterThan(0.95);
        final double ncmAfter = accuracyOnTheNewMeaning(swapped(new NearestClassMean(1L), true));
        assertThat(accuracyOnTheNewMeaning(swapped(new NearestClassMean(1L), false))).isLessThan(0.75);
        // the mean of a forgotten slot is gone whole: it comes back with the next examples learned
        assertThat(ncmAfter).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void shouldStopTheRehearsalOfASoftmaxFromTeachingTheOldMeaningAgain() {
        final EmbeddingClassifier kept = swapped(new SoftmaxRegression(3L), false);
        final EmbeddingClassifier forgot = swapped(new SoftmaxRegression(3L), true);
        final SplittableRandom rnd = new SplittableRandom(5);
        // the new meaning keeps arriving; the forgetting learner's buffer no longer replays the old one
        for (int i = 0; i < 60; i++) {
            for (final EmbeddingClassifier l : new EmbeddingClassifier[] {kept, forgot}) {
                l.learn(example(rnd, 0), 1);
                l.learn(example(rnd, 1), 0);
                l.learn(example(rnd, 2), 2);
                l.learn(example(rnd, 3), 3);
            }
        }
        assertThat(accuracyOnTheNewMeaning(forgot)).isGreaterThan(accuracyOnTheNewMeaning(kept));
        assertThat(accuracyOnTheNewMeaning(forgot)).isGreaterThan(0.95);
    }

    @Test
    void shouldKeepTheOtherLabelsAndTheNewestExamples() {
        final CosineKnn knn = new CosineKnn(1L);
        final SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 100; i++) {
            knn.learn(example(rnd, i % 2), i % 2);
        }
        knn.forget(0, 0);
        // label 0 has no vote left; label 1 is untouched
        assertThat(EmbeddingClassifier.argmax(knn.probabilities(example(rnd, 0), 2))).isEqualTo(1);
        assertThat(knn.probabilities(example(rnd, 1), 2)[1]).isEqualTo(1.0);
        knn.learn(example(rnd, 0), 0);
        knn.forget(0, 1); // the newest example stays
        assertThat(EmbeddingClassifier.argmax(knn.probabilities(example(rnd, 0), 2))).isEqualTo(0);
        // forgotten rows leave the ring cleanly as it wraps around
        for (int i = 0; i < 6_000; i++) {
            knn.learn(example(rnd, i % 2), i % 2);
        }
        assertThat(EmbeddingClassifier.argmax(knn.probabilities(example(rnd, 0), 2))).isEqualTo(0);
    }

    @Test
    void shouldForgetTheSupportOfALabelOlderThanTheNewest() {
        final SupportMemory memory = new SupportMemory();
        final float[] a = {1, 0, 0};
        final float[] b = {0, 1, 0};
        final float[] c = {0, 0, 1};
        memory.add(a, 0);
        memory.add(b, 1);
        memory.add(c, 0);
        memory.forget(0, 1); // keeps c (the newest), forgets a
        assertThat(memory.distance(a, 0)).isEqualTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(memory.distance(c, 0)).isEqualTo(0.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(memory.distance(b, 1)).isEqualTo(0.0, org.assertj.core.api.Assertions.within(1e-6));
        memory.forget(0, 0);
        assertThat(memory.distance(c, 0)).isEqualTo(SupportMemory.NO_SUPPORT);
        memory.add(a, 0);
        assertThat(memory.distance(a, 0)).isEqualTo(0.0, org.assertj.core.api.Assertions.within(1e-6));
    }
}
