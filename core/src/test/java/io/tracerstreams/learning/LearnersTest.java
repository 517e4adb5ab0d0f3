/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LearnersTest {

    private static final int CLASSES = 5;
    private static final int DIM = 16;

    @ParameterizedTest
    @ValueSource(strings = {"moa:trees.HoeffdingAdaptiveTree", "MOA: trees.HoeffdingTree -g 50",
        "moa:moa.classifiers.bayes.NaiveBayes"})
    void shouldBuildAnyMoaClassifierFromItsCommandLineSpecAndLearnWithIt(final String spec) {
        Learners.validate(spec);
        final EmbeddingClassifier learner = Learners.create(spec, 3);
        assertThat(learner).isInstanceOf(MoaClassifierAdapter.class);
        assertThat(learner.name()).startsWith(Learners.MOA_PREFIX);
        final SyntheticClusters data = new SyntheticClusters(CLASSES, DIM, 1.0, 3);
        int correctLate = 0;
        final int n = 2_000;
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            if (i >= n / 2 && EmbeddingClassifier.argmax(learner.probabilities(x, CLASSES)) == c) {
                correctLate++;
            }
            learner.learn(x, c);
        }
        // five well separated clusters: far above the 0.2 of guessing
        assertThat((double) correctLate / (n / 2)).as(spec).isGreaterThan(0.6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"moa:trees.NoSuchTree", "moa:trees.HoeffdingTree -g many", "moa:trees.HoeffdingTree -Y 5", "moa:",
        "moa:evaluation.BasicClassificationPerformanceEvaluator"})
    void shouldRefuseASpecMoaCannotParseNamingIt(final String spec) {
        final String body = spec.substring(Learners.MOA_PREFIX.length());
        assertThatThrownBy(() -> Learners.validate(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + body + "'");
        assertThatThrownBy(() -> Learners.create(spec, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + body + "'");
    }

    @Test
    void shouldRefuseAnUnknownNameListingTheValidOnes() {
        assertThatThrownBy(() -> Learners.validate("forest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown learner 'forest'").hasMessageContaining("softmax")
                .hasMessageContaining(Learners.MOA_PREFIX);
        Learners.validate("SoftMax");
    }
}
