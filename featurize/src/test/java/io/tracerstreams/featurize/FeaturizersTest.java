/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FeaturizersTest {

    @TempDir
    Path dir;

    @Test
    void shouldRejectAnUnknownNameListingTheAcceptedOnes() {
        assertThatThrownBy(() -> Featurizers.open("word2vec", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("word2vec")
                .hasMessageContaining("minilm, minilm-q, bge-small, hashing");
    }

    @Test
    void shouldOpenTheHashingFeaturizerUncachedEvenWithACacheDirectory() {
        try (Featurizer featurizer = Featurizers.open(" Hashing ", dir)) {
            assertThat(featurizer).isInstanceOf(HashingFeaturizer.class);
            assertThat(featurizer.dimension()).isEqualTo(1024);
        }
    }

    @Test
    void shouldWrapAModelInACacheOnlyWhenGivenADirectory() {
        try (Featurizer cached = Featurizers.open("minilm-q", dir)) {
            assertThat(cached).isInstanceOf(CachingFeaturizer.class);
            assertThat(cached.id()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(((CachingFeaturizer) cached).file().getParent()).isEqualTo(dir);
        }
        try (Featurizer plain = Featurizers.open("minilm-q", null)) {
            assertThat(plain).isInstanceOf(OnnxFeaturizer.class);
        }
    }

    @Test
    void shouldRunTheModelOnTheGivenThreadsAndItsDefaultOnZero() {
        try (Featurizer one = Featurizers.open("minilm-q", null, 0, 1);
             Featurizer defaults = Featurizers.open("minilm-q", null, 0, 0)) {
            assertThat(((OnnxFeaturizer) one).config().intraOpThreads()).isEqualTo(1);
            assertThat(((OnnxFeaturizer) defaults).config().intraOpThreads())
                    .isEqualTo(OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2_Q).intraOpThreads());
            assertThat(one.embed("where is my card")).containsExactly(defaults.embed("where is my card"), within(1e-5f));
        }
        assertThatThrownBy(() -> Featurizers.open("minilm-q", null, 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("intraOpThreads");
    }

    @Test
    void shouldOpenMiniLmByDefault() {
        try (Featurizer featurizer = Featurizers.open(null, null)) {
            assertThat(featurizer.id()).isEqualTo("all-minilm-l6-v2");
            assertThat(featurizer.dimension()).isEqualTo(384);
        }
    }
}
