/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-scope tool: embeds dataset splits once with langchain4j's all-MiniLM-L6-v2 (fp32, batch
 * independent) and writes them as {@link EmbeddingCache} files for {@link LearnerBenchmark}.
 *
 * <p>Usage: {@code EmbedDatasets OUT_DIR DATA_DIR split...} where a split is e.g. {@code banking77/train}.
 */
public final class EmbedDatasets {

    private EmbedDatasets() {
    }

    public static void main(final String[] args) throws IOException {
        final Path out = Path.of(args[0]);
        final Path data = Path.of(args[1]);
        Files.createDirectories(out);
        final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        for (int a = 2; a < args.length; a++) {
            final String split = args[a];
            final List<LabelledText> rows = Datasets.read(data.resolve(split + ".jsonl.gz"));
            final List<float[]> vectors = new ArrayList<>(rows.size());
            final long start = System.nanoTime();
            for (int i = 0; i < rows.size(); i += 64) {
                final List<TextSegment> batch = new ArrayList<>();
                for (int j = i; j < Math.min(rows.size(), i + 64); j++) {
                    batch.add(TextSegment.from(rows.get(j).text().isEmpty() ? " " : rows.get(j).text()));
                }
                for (final Embedding e : model.embedAll(batch).content()) {
                    vectors.add(e.vector());
                }
            }
            final Path file = EmbeddingCache.fileFor(out, split);
            EmbeddingCache.write(file, vectors);
            System.out.printf("%s: %d vectors in %.1f s -> %s%n", split, vectors.size(),
                    (System.nanoTime() - start) / 1e9, file);
        }
    }
}
