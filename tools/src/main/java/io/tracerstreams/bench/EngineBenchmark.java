/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Per-trace cost of the learning core with embedding excluded, and its memory over a long stream:
 * <ol>
 *   <li>learn: one trace through the whole zoo (4 surrogates, their acceptors and windows) and the gate;</li>
 *   <li>route: one request (served surrogate, acceptor, gate, OOD guard) once the gate is open;</li>
 *   <li>memory: heap after a full GC and snapshot size every 20,000 traces over a stream of
 *   {@code --traces} traces (the train split cycled, each vector jittered so no two are equal).</li>
 * </ol>
 * Embeddings come from the on-disk cache of {@code ./tracer replay} (computed on first use).
 *
 * <p>Arguments: {@code --data DIR} (default {@code ../shared/data}), {@code --traces N} (default 200,000).
 */
public final class EngineBenchmark {

    private EngineBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void run(final String[] args) {
        Path data = Path.of("..", "shared", "data");
        int longStream = 200_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--traces" -> longStream = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --data DIR, --traces N)");
            }
        }
        final List<LabelledText> train = Datasets.read(data.resolve("banking77/train.jsonl.gz"));
        final List<LabelledText> test = Datasets.read(data.resolve("banking77/test.jsonl.gz"));
        final List<float[]> trainVectors;
        final List<float[]> testVectors;
        try (Featurizer f = Featurizers.open("minilm", CachingFeaturizer.defaultDirectory())) {
            trainVectors = f.embed(train.stream().map(LabelledText::text).toList());
            testVectors = f.embed(test.stream().map(LabelledText::text).toList());
        }
        final TaskConfig config = TaskConfig.DEFAULTS.withAlpha(0.9);
        System.out.printf(Locale.ROOT, "engine benchmark: Banking77, %d train traces then %d test requests, learners %s, "
                + "window %d, %d cores%n", train.size(), test.size(), config.learners(), config.windowSize(),
                Runtime.getRuntime().availableProcessors());

        final TaskEngine engine = TaskEngine.create("bench", config);
        final long[] learnNanos = new long[train.size()];
        for (int i = 0; i < train.size(); i++) {
            final long t0 = System.nanoTime();
            engine.learn(train.get(i).id(), null, trainVectors.get(i), train.get(i).label(), null, i);
            learnNanos[i] = System.nanoTime() - t0;
        }
        print("learn one trace (zoo + gate)", Arrays.copyOfRange(learnNanos, learnNanos.length / 5, learnNanos.length));

        final long[] routeNanos = new long[test.size()];
        long handled = 0;
        for (int i = 0; i < test.size(); i++) {
            final long t0 = System.nanoTime();
            final RoutingDecision d = engine.route(test.get(i).id(), null, testVectors.get(i), i);
            routeNanos[i] = System.nanoTime() - t0;
            if (d.getDecision() == io.tracerstreams.schema.Decision.HANDLED) {
                handled++;
            }
        }
        print(String.format(Locale.ROOT, "route one request (gate %s, %d%% handled)", engine.gateOpen() ? "open" : "closed",
                100 * handled / test.size()), routeNanos);

        final long t0 = System.nanoTime();
        final byte[] snapshot = engine.snapshot();
        final long t1 = System.nanoTime();
        TaskEngine.restore(snapshot);
        final long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "snapshot: %.1f MB, write %.0f ms, restore %.0f ms%n", snapshot.length / 1e6,
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);

        longStream(trainVectors, train, config, longStream);
    }

    private static void longStream(final List<float[]> vectors, final List<LabelledText> rows, final TaskConfig config,
                                   final int traces) {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final TaskEngine engine = TaskEngine.create("long", config);
        final Random random = new Random(1);
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        System.out.println("long stream: traces, heap used after GC (MB), snapshot (MB)");
        for (int n = 0; n < traces; n++) {
            if (n % rows.size() == 0) {
                Collections.shuffle(order, random);
            }
            final int i = order.get(n % rows.size());
            final float[] x = jitter(vectors.get(i), random);
            engine.learn("t" + n, null, x, rows.get(i).label(), null, n);
            if ((n + 1) % 20_000 == 0) {
                System.gc();
                final long heap = memory.getHeapMemoryUsage().getUsed();
                System.out.printf(Locale.ROOT, "  %,9d  %8.1f  %8.1f%n", n + 1, heap / 1e6, engine.snapshot().length / 1e6);
            }
        }
    }

    private static float[] jitter(final float[] v, final Random random) {
        final float[] x = new float[v.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            x[i] = v[i] + (float) (0.01 * random.nextGaussian());
            norm += x[i] * x[i];
        }
        final float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        return x;
    }

    private static void print(final String what, final long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-45s median %7.1f us   p99 %8.1f us   (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3, sorted.length);
    }
}
