/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.replay.Replay;
import io.tracerstreams.replay.ReplayResult;
import io.tracerstreams.task.TaskConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The replay table of docs/BENCHMARKS.md, led by LLM calls saved (1 - LLM calls / requests over the test
 * phase; "stream" the same over every routed request): Banking77, CLINC150 (150 in-scope intents) and SNLI (train =
 * validation split), train-then-test (train split backfilled, test split routed), alphas 0.85 / 0.90 /
 * 0.95, epsilon 0.05, several seeds, beside batch TRACER's figures measured on this machine.
 *
 * <p>Arguments: {@code --data DIR} (default {@code ../shared/data}), {@code --seeds 1,2,3},
 * {@code --alphas 0.85,0.9,0.95}, {@code --datasets banking77,clinc150,snli}; scenarios as in {@code tracer
 * replay}: {@code --train-as backfill|requests}, {@code --shift-labels K --shift-at N} (a teacher shift,
 * {@link io.tracerstreams.replay.TeacherShift}; N counts the routed stream).
 */
public final class ReplaySuiteBenchmark {

    /** Batch TRACER (tracer-llm 0.3.3) on the same embeddings and splits: test coverage, realised agreement. */
    private static final Map<String, double[]> REFERENCE = Map.of(
            "banking77@0.85", new double[] {0.9974, 0.912},
            "banking77@0.90", new double[] {0.9974, 0.912},
            "banking77@0.95", new double[] {0.8662, 0.970},
            "clinc150@0.85", new double[] {0.9984, 0.939},
            "clinc150@0.90", new double[] {0.9984, 0.939},
            "clinc150@0.95", new double[] {0.9984, 0.939},
            "snli@0.85", new double[] {0.0492, 0.803},
            "snli@0.90", new double[] {0.0, Double.NaN},
            "snli@0.95", new double[] {0.0, Double.NaN});

    private ReplaySuiteBenchmark() {
    }

    /** Runs the suite and prints a markdown table. */
    public static void run(final String[] args) {
        Path data = Path.of("..", "shared", "data");
        List<Long> seeds = List.of(1L, 2L, 3L);
        List<Double> alphas = List.of(0.85, 0.90, 0.95);
        List<String> datasets = List.of("banking77", "clinc150", "snli");
        Replay.Options options = Replay.Options.of(TaskConfig.DEFAULTS);
        int shiftLabels = 0;
        long shiftAt = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--seeds" -> seeds = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
                case "--alphas" -> alphas = Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
                case "--datasets" -> datasets = List.of(args[++i].split(","));
                case "--train-as" -> options = options.withTrainMode(
                        Replay.TrainMode.valueOf(args[++i].toUpperCase(Locale.ROOT)));
                case "--shift-labels" -> shiftLabels = Integer.parseInt(args[++i]);
                case "--shift-at" -> shiftAt = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --data DIR, --seeds 1,2,3, --alphas 0.85,0.9,0.95, --datasets a,b, "
                        + "--train-as backfill|requests, --shift-labels K, --shift-at N)");
            }
        }
        options = options.withShift(shiftLabels, shiftAt);
        System.out.println("| dataset | alpha | seed | LLM calls saved | LLM calls / requests | test coverage "
                + "| realised agreement | kept alpha | stream calls saved | first open (requests) | gate flips "
                + "| traces to first open | served | reference coverage / agreement |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        final List<Shifted> shifted = new ArrayList<>();
        try (Featurizer featurizer = Featurizers.open("minilm", CachingFeaturizer.defaultDirectory())) {
            for (final String dataset : datasets) {
                final String trainSplit = "snli".equals(dataset) ? "validation" : "train";
                final List<Replay.Row> train = rows(featurizer, data.resolve(dataset).resolve(trainSplit + ".jsonl.gz"));
                final List<Replay.Row> test = rows(featurizer, data.resolve(dataset).resolve("test.jsonl.gz"));
                for (final double alpha : alphas) {
                    for (final long seed : seeds) {
                        final long t0 = System.nanoTime();
                        final ReplayResult r = Replay.run(train, test, alpha, options,
                                seed, null);
                        final double seconds = (System.nanoTime() - t0) / 1e9;
                        if (r.shift().active()) {
                            shifted.add(new Shifted(dataset, r));
                        }
                        final ReplayResult.Metrics m = r.test();
                        final double[] ref = REFERENCE.get(String.format(Locale.ROOT, "%s@%.2f", dataset, alpha));
                        System.out.printf(Locale.ROOT, "| %s | %.2f | %d | %s | %,d / %,d | %.2f%% | %s | %s | %s | %s "
                                        + "| %d | %d | %s | %s |  <!-- %.1f s -->%n",
                                dataset, alpha, seed, pct(m.llmCallsSaved()), m.llmCalls(), m.requests(),
                                100 * m.coverage(), fmt(m.realisedAgreement()),
                                m.handled() == 0 || m.realisedAgreement() >= alpha ? "yes" : "**no**",
                                pct(r.overall().llmCallsSaved()),
                                r.requestsUntilFirstOpen() < 0 ? "never" : Long.toString(r.requestsUntilFirstOpen()),
                                r.gateFlips(), r.tracesUntilFirstOpen(), r.servedLearner(),
                                ref == null ? "-" : String.format(Locale.ROOT, "%.2f%% / %s", 100 * ref[0], fmt(ref[1])),
                                seconds);
                    }
                }
            }
        }
        if (!shifted.isEmpty()) {
            printShiftCurves(shifted);
        }
    }

    private record Shifted(String dataset, ReplayResult result) {
    }

    /** Per 500-request block from the shift on: the truth beside the gate's estimate (issue 14's table). */
    private static void printShiftCurves(final List<Shifted> shifted) {
        System.out.println();
        System.out.println("| dataset | alpha | seed | block after the change | requests | realised agreement of handled "
                + "| gate's estimate | lower bound | gate | threshold | LLM calls saved |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (final Shifted run : shifted) {
            final String dataset = run.dataset();
            final ReplayResult r = run.result();
            int block = 0;
            for (final ReplayResult.CurvePoint p : r.curve()) {
                if (!p.shifted()) {
                    continue;
                }
                block++;
                System.out.printf(Locale.ROOT, "| %s | %.2f | %d | %d | %d | %s | %s | %s | %s | %s | %s |%n", dataset,
                        r.alpha(), r.seed(), block, p.block().requests(), fmt(p.blockAgreement()),
                        fmt(p.agreementEstimate()), fmt(p.lowerBound()), p.gateState(), fmt(p.threshold()),
                        pct(p.block().llmCallsSaved()));
            }
        }
    }

    private static String pct(final double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String fmt(final double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static List<Replay.Row> rows(final Featurizer featurizer, final Path file) {
        final List<LabelledText> items = Datasets.read(file, row -> !"oos".equals(row.label()));
        final List<float[]> vectors = featurizer.embed(items.stream().map(LabelledText::text).toList());
        final List<Replay.Row> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new Replay.Row(items.get(i), vectors.get(i)));
        }
        return out;
    }
}
