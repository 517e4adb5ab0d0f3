/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.tracerstreams.featurize.EmbeddingTexts.VARIED;
import static io.tracerstreams.featurize.EmbeddingTexts.cosine;
import static io.tracerstreams.featurize.EmbeddingTexts.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HashingFeaturizerTest {

    private static final String[] VOCABULARY = ("card transfer refund account balance pin atm cash fee limit "
            + "exchange rate currency payment pending declined top up virtual physical lost stolen blocked "
            + "verify identity address phone app password charge salary deposit withdraw statement").split(" ");

    private final HashingFeaturizer hashing = new HashingFeaturizer();

    @Test
    void shouldImplementMurmur3X86With32BitsAsPublished() {
        assertThat(HashingFeaturizer.murmur3(new byte[0], 0)).isZero();
        assertThat(HashingFeaturizer.murmur3(new byte[0], 1)).isEqualTo(0x514E28B7);
        assertThat(HashingFeaturizer.murmur3("The quick brown fox jumps over the lazy dog"
                .getBytes(StandardCharsets.UTF_8), 0x9747b28c)).isEqualTo(0x2FA826CD);
    }

    @Test
    void shouldGiveTheSameVectorsAcrossInstancesAndCalls() {
        final List<float[]> first = hashing.embed(VARIED);
        final List<float[]> second = new HashingFeaturizer().embed(VARIED);

        for (int i = 0; i < VARIED.size(); i++) {
            assertThat(second.get(i)).containsExactly(first.get(i));
            assertThat(hashing.embed(VARIED.get(i))).containsExactly(first.get(i));
        }
    }

    @Test
    void shouldReturnUnitVectorsEvenForTextsWithoutWords() {
        final List<String> texts = new ArrayList<>(VARIED);
        texts.addAll(List.of("", "   ", "?!…", "💳"));

        for (final float[] vector : hashing.embed(texts)) {
            assertThat(vector).hasSize(1024);
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void shouldIgnoreCaseAndPunctuationButNotWordOrder() {
        assertThat(hashing.embed("My CARD, declined!")).containsExactly(hashing.embed("my card declined"));
        assertThat(cosine(hashing.embed("dog bites man"), hashing.embed("man bites dog"))).isLessThan(0.99);
    }

    @Test
    void shouldPlaceATextCloserToAOneWordEditThanToAnUnrelatedText() {
        final Random random = new Random(42);
        int closer = 0;
        final int trials = 300;
        for (int t = 0; t < trials; t++) {
            final List<String> words = sentence(random, 8);
            final List<String> edited = new ArrayList<>(words);
            edited.set(random.nextInt(edited.size()), VOCABULARY[random.nextInt(VOCABULARY.length)]);
            final float[] original = hashing.embed(String.join(" ", words));
            final double similar = cosine(original, hashing.embed(String.join(" ", edited)));
            final double unrelated = cosine(original, hashing.embed(String.join(" ", sentence(random, 8))));
            if (similar > unrelated) {
                closer++;
            }
        }
        assertThat(closer).isGreaterThanOrEqualTo(trials * 95 / 100);
    }

    @Test
    void shouldNameItsDimensionAndRejectABadOne() {
        assertThat(new HashingFeaturizer(64).id()).isEqualTo("hashing-uni-bi-64");
        assertThat(new HashingFeaturizer(64).embed("x")).hasSize(64);
        assertThatThrownBy(() -> new HashingFeaturizer(0)).hasMessageContaining("dimension");
    }

    private static List<String> sentence(final Random random, final int length) {
        final List<String> words = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            words.add(VOCABULARY[random.nextInt(VOCABULARY.length)]);
        }
        return words;
    }
}
