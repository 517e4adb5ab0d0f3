/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tracerstreams.featurize.EmbeddingTexts.LONG;
import static io.tracerstreams.featurize.EmbeddingTexts.VARIED;
import static io.tracerstreams.featurize.EmbeddingTexts.cosine;
import static io.tracerstreams.featurize.EmbeddingTexts.maxAbsDiff;
import static io.tracerstreams.featurize.EmbeddingTexts.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxFeaturizerTest {

    private static OnnxFeaturizer minilm;

    @BeforeAll
    static void load() {
        minilm = new OnnxFeaturizer(OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2).withBatchSize(8));
    }

    @AfterAll
    static void release() {
        minilm.close();
    }

    @Test
    void shouldMatchLangchain4jMiniLmWithUnitVectorsOnVariedTextsEmbeddedAsOneBatch() {
        final AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();

        final List<float[]> ours = minilm.embed(VARIED);

        assertThat(ours).hasSize(VARIED.size());
        for (int i = 0; i < VARIED.size(); i++) {
            final float[] theirs = reference.embed(VARIED.get(i)).content().vector();
            assertThat(cosine(ours.get(i), theirs)).as("text %d: %s", i, VARIED.get(i)).isGreaterThan(0.9999);
            assertThat(ours.get(i)).hasSize(minilm.dimension());
            assertThat(norm(ours.get(i))).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void shouldMatchLangchain4jBgeSmallWhichUsesClsPooling() {
        final BgeSmallEnV15EmbeddingModel reference = new BgeSmallEnV15EmbeddingModel();
        final List<String> texts = List.of(VARIED.get(0), VARIED.get(8), VARIED.get(11), VARIED.get(15));

        try (OnnxFeaturizer bge = new OnnxFeaturizer(EmbeddingModel.BGE_SMALL_EN_V15)) {
            final List<float[]> ours = bge.embed(texts);

            for (int i = 0; i < texts.size(); i++) {
                final float[] theirs = reference.embed(texts.get(i)).content().vector();
                assertThat(cosine(ours.get(i), theirs)).as("text %d", i).isGreaterThan(0.9999);
            }
            assertThat(bge.truncatedCount()).isZero();
        }
    }

    @Test
    void shouldEmbedTheEmptyStringToAUnitVector() {
        final float[] vector = minilm.embed("");

        assertThat(vector).hasSize(384);
        assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void shouldGiveEveryTextTheSameVectorInAShuffledMultiChunkBatchAsAlone() {
        final List<String> texts = new ArrayList<>(VARIED);
        texts.addAll(VARIED.subList(0, 7));
        Collections.shuffle(texts, new Random(7));      // 27 texts: 4 chunks of at most 8

        final List<float[]> batch = minilm.embed(texts);

        for (int i = 0; i < texts.size(); i++) {
            final float[] alone = minilm.embed(texts.get(i));
            assertThat(maxAbsDiff(batch.get(i), alone)).as("text %d", i).isLessThan(1e-5);
        }
    }

    @Test
    void shouldCountOnlyTextsCutAtTheTokenLimit() {
        final long before = minilm.truncatedCount();
        minilm.embed(List.of("short text", LONG, "another short one", LONG + " tail"));
        final long afterBatch = minilm.truncatedCount();
        minilm.embed(VARIED.subList(0, 10));

        assertThat(afterBatch - before).isEqualTo(2);
        assertThat(minilm.truncatedCount()).isEqualTo(afterBatch);
    }

    @Test
    void shouldGiveTheSameVectorsFromConcurrentCallers() throws Exception {
        final List<String> texts = VARIED.subList(0, 12);
        final List<float[]> expected = minilm.embed(texts);
        final ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            final List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final int shift = t;
                futures.add(pool.submit(() -> {
                    final List<String> rotated = new ArrayList<>(texts);
                    Collections.rotate(rotated, shift);
                    final List<float[]> got = minilm.embed(rotated);
                    Collections.rotate(got, -shift);
                    return got;
                }));
            }
            for (final Future<List<float[]>> future : futures) {
                final List<float[]> got = future.get();
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(maxAbsDiff(got.get(i), expected.get(i))).isLessThan(1e-5);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldGiveQuantizedTextsTheSameVectorWhateverTheirBatchMatesWhenReproducible() {
        try (OnnxFeaturizer quantized = new OnnxFeaturizer(EmbeddingModel.MINILM_L6_V2_Q)) {
            final String text = "my card got declined at the shop";

            final float[] alone = quantized.embed(text);
            final float[] withLongMates = quantized.embed(List.of(LONG, text, "a")).get(1);

            assertThat(quantized.id()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(withLongMates).containsExactly(alone);
            assertThat(cosine(alone, minilm.embed(text))).isGreaterThan(0.95);
        }
    }

    @Test
    void shouldNameBatchedQuantizedVectorsApart() {
        final OnnxFeaturizer.Config batched = OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2_Q)
                .withReproducible(false);

        assertThat(batched.effectiveBatchSize()).isEqualTo(32);
        assertThat(OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2_Q).effectiveBatchSize()).isEqualTo(1);
        assertThat(OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2).withReproducible(true)
                .effectiveBatchSize()).isEqualTo(32);
    }

    @Test
    void shouldRejectInvalidSettingsNamingTheField() {
        final OnnxFeaturizer.Config config = OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2);

        assertThatThrownBy(() -> config.withIntraOpThreads(0)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> config.withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> new OnnxFeaturizer.Config(null, 1, 1, true, false)).hasMessageContaining("model");
    }

    @Test
    void shouldRefuseToEmbedAfterCloseAndCloseTwiceQuietly() {
        final OnnxFeaturizer quantized = new OnnxFeaturizer(EmbeddingModel.MINILM_L6_V2_Q);
        quantized.close();
        quantized.close();

        assertThatThrownBy(() -> quantized.embed("hello")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void shouldReturnNothingForNoTexts() {
        assertThat(minilm.embed(List.of())).isEmpty();
    }
}
