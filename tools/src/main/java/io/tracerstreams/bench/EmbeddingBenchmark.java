/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.EmbeddingModel;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.featurize.OnnxFeaturizer;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Embedding throughput (texts per second) of every featurizer on Banking77 texts: one text per call,
 * calls of 32 texts in arrival order, and one call with all texts (sorted by length inside, chunks of
 * 32). Prints a table; figures depend on the machine's load.
 *
 * <p>Arguments (all optional): {@code --data FILE} (default {@code banking77/train.jsonl.gz} under
 * {@code -Dtracer.shared.dir}, {@code ../shared/data} or {@code ../../shared/data}), {@code --texts N}
 * (2000), {@code --threads N} (ONNX intra-op threads, default {@code min(2, cores)}), {@code --repeats N}
 * (timed runs per cell, median reported; 1), {@code --warmup N} (texts embedded before timing; 200).
 */
public final class EmbeddingBenchmark {

    private static final String DATA = "banking77/train.jsonl.gz";

    private EmbeddingBenchmark() {
    }

    /** Command-line entry point. */
    public static void main(final String[] args) {
        run(args);
    }

    /**
     * Runs the benchmark and prints the table to standard output.
     *
     * @throws IllegalArgumentException for unknown arguments or a missing data file
     */
    public static void run(final String[] args) {
        Path data = null;
        int texts = 2000;
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        int repeats = 1;
        int warmup = 200;
        for (int i = 0; i < args.length; i++) {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--data" -> data = Path.of(required(args[i], value));
                case "--texts" -> texts = positive(args[i], value);
                case "--threads" -> threads = positive(args[i], value);
                case "--repeats" -> repeats = positive(args[i], value);
                case "--warmup" -> warmup = positive(args[i], value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (accepted: --data FILE --texts N --threads N --repeats N --warmup N)");
            }
            i++;
        }
        final Path file = data != null ? data : findData();
        final List<String> sample = sample(file, texts);
        System.out.printf(Locale.ROOT, "Embedding throughput on %d Banking77 texts (%s), %d intra-op thread(s), "
                + "%d core(s), median of %d run(s) after a %d-text warm-up%n",
                sample.size(), file, threads, Runtime.getRuntime().availableProcessors(), repeats, warmup);
        System.out.printf(Locale.ROOT, "%-28s %8s %10s %10s %10s %6s%n",
                "featurizer", "load s", "single/s", "batch32/s", "all/s", "trunc");
        final int t = threads;
        final List<Row> rows = new ArrayList<>();
        rows.add(new Row("all-minilm-l6-v2", () -> new OnnxFeaturizer(
                OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2).withIntraOpThreads(t))));
        rows.add(new Row("all-minilm-l6-v2-q", () -> new OnnxFeaturizer(
                OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2_Q).withIntraOpThreads(t))));
        rows.add(new Row("all-minilm-l6-v2-q-batched", () -> new OnnxFeaturizer(
                OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2_Q).withIntraOpThreads(t).withReproducible(false))));
        rows.add(new Row("bge-small-en-v1.5", () -> new OnnxFeaturizer(
                OnnxFeaturizer.Config.of(EmbeddingModel.BGE_SMALL_EN_V15).withIntraOpThreads(t))));
        rows.add(new Row("hashing-1024", HashingFeaturizer::new));
        for (final Row row : rows) {
            measure(row, sample, repeats, warmup);
        }
        measureCacheHits(sample, t, repeats);
        System.out.println("single: one text per call; batch32: calls of 32 texts in dataset order; "
                + "all: one call with every text (sorted by length inside, chunks of 32). "
                + "all-minilm-l6-v2-q embeds one text per ONNX call (reproducible vectors) whatever the call size.");
    }

    private record Row(String name, Supplier<Featurizer> open) {
    }

    private static void measure(final Row row, final List<String> texts, final int repeats, final int warmup) {
        final long loadStart = System.nanoTime();
        try (Featurizer featurizer = row.open().get()) {
            final double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            final List<String> warm = texts.subList(0, Math.min(warmup, texts.size()));
            for (final String text : warm) {
                featurizer.embed(text);
            }
            featurizer.embed(warm);
            final long truncatedBefore = featurizer.truncatedCount();
            final double single = median(repeats, () -> {
                for (final String text : texts) {
                    featurizer.embed(text);
                }
            }, texts.size());
            final long truncated = featurizer.truncatedCount() - truncatedBefore;
            final double batched = median(repeats, () -> {
                for (int from = 0; from < texts.size(); from += 32) {
                    featurizer.embed(texts.subList(from, Math.min(texts.size(), from + 32)));
                }
            }, texts.size());
            final double all = median(repeats, () -> featurizer.embed(texts), texts.size());
            System.out.printf(Locale.ROOT, "%-28s %8.2f %10.0f %10.0f %10.0f %6d%n",
                    row.name(), loadSeconds, single, batched, all, truncated / repeats);
        } catch (final RuntimeException e) {
            System.out.printf(Locale.ROOT, "%-28s failed: %s%n", row.name(), e.getMessage());
        }
    }

    /**
     * What tracer run's embedding cache (embedding.cache.max.bytes, in memory) costs against the model: one pass of
     * misses over the texts, then the same texts again as hits, one text per call, in one run.
     */
    private static void measureCacheHits(final List<String> texts, final int threads, final int repeats) {
        try (CachingFeaturizer cache = new CachingFeaturizer(new OnnxFeaturizer(
                OnnxFeaturizer.Config.of(EmbeddingModel.MINILM_L6_V2).withIntraOpThreads(threads)), null,
                32L * 1024 * 1024)) {
            final long start = System.nanoTime();
            for (final String text : texts) {
                cache.embed(text);
            }
            final double misses = texts.size() / ((System.nanoTime() - start) / 1e9);
            final double hits = median(repeats, () -> {
                for (final String text : texts) {
                    cache.embed(text);
                }
            }, texts.size());
            System.out.printf(Locale.ROOT, "all-minilm-l6-v2 + embedding cache (32 MiB, in memory), single: %.0f/s on "
                    + "misses, %.0f/s on hits (%d hits, %d misses, %d evictions)%n", misses, hits, cache.hitCount(),
                    cache.missCount(), cache.evictionCount());
        } catch (final RuntimeException e) {
            System.out.printf(Locale.ROOT, "embedding cache failed: %s%n", e.getMessage());
        }
    }

    private static double median(final int repeats, final Runnable work, final int count) {
        final double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            final long start = System.nanoTime();
            work.run();
            rates[r] = count / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        return rates[repeats / 2];
    }

    /** A seeded shuffle of the dataset's texts, so that the sample mixes intents and lengths. */
    private static List<String> sample(final Path file, final int count) {
        final List<String> all = new ArrayList<>();
        for (final LabelledText row : Datasets.read(file)) {
            all.add(row.text());
        }
        Collections.shuffle(all, new Random(20260415));
        return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }

    private static Path findData() {
        final List<Path> candidates = new ArrayList<>();
        final String configured = System.getProperty("tracer.shared.dir");
        if (configured != null) {
            candidates.add(Path.of(configured, "data", DATA));
        }
        candidates.add(Path.of("..", "shared", "data", DATA));
        candidates.add(Path.of("..", "..", "shared", "data", DATA));
        for (final Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalArgumentException("Banking77 not found at " + candidates
                + ": pass --data FILE or -Dtracer.shared.dir=DIR");
    }

    private static String required(final String flag, final String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    private static int positive(final String flag, final String value) {
        try {
            final int n = Integer.parseInt(required(flag, value));
            if (n < 1) {
                throw new IllegalArgumentException(flag + " must be at least 1, got " + n);
            }
            return n;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got " + value, e);
        }
    }
}
