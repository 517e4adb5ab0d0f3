/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingCacheTest {

    @Test
    void shouldReadBackWhatItWrote(@TempDir final Path dir) throws Exception {
        final Path file = EmbeddingCache.fileFor(dir, "banking77/train");
        assertThat(file.getFileName().toString()).isEqualTo("banking77-train.f32");
        final List<float[]> vectors = List.of(new float[] {1f, -2.5f, Float.MIN_VALUE}, new float[] {0f, 3e38f, -0f});
        EmbeddingCache.write(file, vectors);
        final List<float[]> back = EmbeddingCache.read(file);
        assertThat(back).hasSize(2);
        assertThat(back.get(0)).containsExactly(vectors.get(0));
        assertThat(back.get(1)).containsExactly(vectors.get(1));
        Files.write(file, new byte[] {1, 2, 3, 4, 0, 0, 0, 0});
        assertThatThrownBy(() -> EmbeddingCache.read(file)).hasMessageContaining("not an embedding cache");
    }
}
