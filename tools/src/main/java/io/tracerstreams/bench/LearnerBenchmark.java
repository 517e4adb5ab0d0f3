/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.learning.Acceptor;
import io.tracerstreams.learning.CosineKnn;
import io.tracerstreams.learning.DenseNaiveBayes;
import io.tracerstreams.learning.EmbeddingClassifier;
import io.tracerstreams.learning.LabelSpace;
import io.tracerstreams.learning.Learners;
import io.tracerstreams.learning.MoaClassifierAdapter;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.learning.SoftmaxRegression;
import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import moa.classifiers.functions.SGDMultiClass;
import moa.classifiers.trees.HoeffdingTree;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prequential evaluation of the learners on real sentence embeddings.
 *
 * <p>For each dataset the train split, then the test split, each in a seeded shuffled order, is streamed
 * test-then-train through every learner: predict (argmax over the label space so far), then register the
 * label and learn. It prints accuracy in the train phase and in the test phase (the figure comparable with
 * batch training), and the median and 99th percentile cost of one predict and one learn. A second table
 * times the routing path (served learner + acceptor + OOD guard) and shows how often the OOD guard flags
 * test inputs (and, for CLINC150, its out-of-scope {@code oos} inputs, which are never learned).
 *
 * <p>Embeddings: all-MiniLM-L6-v2 through the project's featurizer and its on-disk cache (the one
 * {@code ./tracer replay} fills), so a second run does not embed again.
 *
 * <p>Options: {@code --cache DIR} (default ~/.cache/tracer-streams/embeddings), {@code --data DIR} (default ../shared/data),
 * {@code --datasets banking77,clinc150}, {@code --learners softmax,ncm,knn,nb} (a learner may carry
 * settings for tuning, e.g. {@code softmax:eta=0.5:replay=2}; {@code moa-sgd} and {@code moa-ht} run MOA's
 * SGDMultiClass and HoeffdingTree behind {@link MoaClassifierAdapter} for comparison), {@code --seed 42},
 * {@code --no-routing}.
 */
public final class LearnerBenchmark {

    private LearnerBenchmark() {
    }

    /** Entry point for {@code ./tracer bench learners}. */
    public static void main(final String[] args) {
        run(args);
    }

    /** Runs the benchmark and prints its tables. */
    public static void run(final String[] args) {
        Path cache = CachingFeaturizer.defaultDirectory();
        Path data = Path.of("..", "shared", "data");
        List<String> datasets = List.of("banking77", "clinc150");
        List<String> learners = Learners.DEFAULT_ZOO;
        long seed = 42;
        boolean routing = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cache" -> cache = Path.of(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--datasets" -> datasets = List.of(args[++i].split(","));
                case "--learners" -> learners = List.of(args[++i].split(","));
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-routing" -> routing = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (valid: --cache DIR --data DIR --datasets a,b --learners a,b --seed N --no-routing)");
            }
        }
        if (!Files.isDirectory(data) && Files.isDirectory(Path.of("..", "..", "shared", "data"))) {
            data = Path.of("..", "..", "shared", "data");
        }
        System.out.printf(Locale.ROOT, "cores=%d, java=%s, embeddings=%s (all-MiniLM-L6-v2 fp32, 384-d)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), cache);
        for (final String dataset : datasets) {
            final Data d = load(cache, data, dataset, seed);
            System.out.printf(Locale.ROOT, "%n== %s: train %d, test %d, labels %d (seeded order, seed %d)%n",
                    dataset, d.trainX.size(), d.testX.size(), d.labelCount, seed);
            System.out.printf(Locale.ROOT, "%-28s %9s %9s %10s %10s %10s %10s %9s %8s%n", "learner", "acc.train",
                    "acc.test", "pred.p50us", "pred.p99us", "learn.p50", "learn.p99", "state.KB", "ser.ms");
            for (final String spec : learners) {
                final EmbeddingClassifier learner = build(spec, seed);
                final Result r = prequential(learner, d);
                final long t0 = System.nanoTime();
                final int bytes = serializedSize(learner);
                final double serializeMs = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "%-28s %9.4f %9.4f %10.1f %10.1f %10.1f %10.1f %9d %8.1f%n", spec,
                        r.trainAccuracy, r.testAccuracy, r.predictP50 / 1e3, r.predictP99 / 1e3, r.learnP50 / 1e3,
                        r.learnP99 / 1e3, bytes / 1024, serializeMs);
            }
            if (routing) {
                routing(d, seed);
            }
        }
    }

    /** Parses {@code name[:key=value]...}. */
    static EmbeddingClassifier build(final String spec, final long seed) {
        final String[] parts = spec.split(":");
        final Map<String, Double> kv = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            final String[] pair = parts[i].split("=", 2);
            kv.put(pair[0], Double.parseDouble(pair[1]));
        }
        if (parts[0].equals("moa-sgd") && !kv.isEmpty()) {
            final SGDMultiClass sgd = new SGDMultiClass();
            sgd.lossFunctionOption.setChosenIndex(kv.getOrDefault("loss", 1.0).intValue());
            sgd.learningRateOption.setValue(kv.getOrDefault("rate", 1.0));
            return new MoaClassifierAdapter("moa-sgd", sgd, 200, seed);
        }
        if (parts[0].equals("moa-ht")) {
            return new MoaClassifierAdapter("moa-ht", new HoeffdingTree(),
                    200, seed);
        }
        if (kv.isEmpty()) {
            return Learners.create(parts[0], seed);
        }
        switch (parts[0]) {
            case "softmax": {
                final SoftmaxRegression.Settings s = SoftmaxRegression.Settings.defaults();
                return new SoftmaxRegression(seed, new SoftmaxRegression.Settings(kv.getOrDefault("eta", s.eta()),
                        kv.getOrDefault("g0", s.g0()), kv.getOrDefault("l2", s.l2()),
                        kv.getOrDefault("buffer", (double) s.bufferSize()).intValue(),
                        kv.getOrDefault("replay", (double) s.replay()).intValue(),
                        kv.getOrDefault("floor", s.recencyFloor())));
            }
            case "knn": {
                final CosineKnn.Settings s = CosineKnn.Settings.defaults();
                return new CosineKnn(seed, new CosineKnn.Settings(kv.getOrDefault("window", (double) s.window()).intValue(),
                        kv.getOrDefault("k", (double) s.k()).intValue(), kv.getOrDefault("beta", s.beta()),
                        kv.getOrDefault("m", (double) s.candidateClasses()).intValue(),
                        kv.getOrDefault("cap", (double) s.maxPerClass()).intValue()));
            }
            case "nb": {
                final DenseNaiveBayes.Settings s = DenseNaiveBayes.Settings.defaults();
                return new DenseNaiveBayes(seed, new DenseNaiveBayes.Settings(kv.getOrDefault("shrinkage", s.shrinkage()),
                        kv.getOrDefault("refresh", (double) s.refreshEvery()).intValue()));
            }
            default:
                throw new IllegalArgumentException("no tunable settings for " + parts[0]);
        }
    }

    private static Result prequential(final EmbeddingClassifier learner, final Data d) {
        final LabelSpace labels = new LabelSpace(1000);
        final int n = d.trainX.size() + d.testX.size();
        final long[] predictNs = new long[n];
        final long[] learnNs = new long[n];
        int trainCorrect = 0;
        int testCorrect = 0;
        for (int i = 0; i < n; i++) {
            final boolean train = i < d.trainX.size();
            final float[] x = train ? d.trainX.get(i) : d.testX.get(i - d.trainX.size());
            final String label = train ? d.trainY.get(i) : d.testY.get(i - d.trainX.size());
            final long t0 = System.nanoTime();
            final double[] p = learner.probabilities(x, labels.size());
            final long t1 = System.nanoTime();
            final int predicted = EmbeddingClassifier.argmax(p);
            final boolean correct = predicted >= 0 && predicted == labels.slotOf(label);
            if (correct) {
                if (train) {
                    trainCorrect++;
                } else {
                    testCorrect++;
                }
            }
            final int slot = labels.register(label);
            final long t2 = System.nanoTime();
            learner.learn(x, slot);
            final long t3 = System.nanoTime();
            predictNs[i] = t1 - t0;
            learnNs[i] = t3 - t2;
        }
        return new Result((double) trainCorrect / d.trainX.size(), (double) testCorrect / d.testX.size(),
                percentile(predictNs, 0.5), percentile(predictNs, 0.99), percentile(learnNs, 0.5), percentile(learnNs, 0.99));
    }

    /** Times predict + acceptor + OOD per request of the test phase, after learning the train split. */
    private static void routing(final Data d, final long seed) {
        System.out.printf(Locale.ROOT, "%-10s %12s %12s %12s %12s %12s %12s%n", "served", "route.p50us", "route.p99us",
                "ood.p50us", "ood.p99us", "ood.in-dist", "ood.oos");
        for (final String name : List.of("softmax", "ncm")) {
            final EmbeddingClassifier learner = Learners.create(name, seed);
            final LabelSpace labels = new LabelSpace(1000);
            final Acceptor acceptor = new Acceptor();
            final OodGuard guard = new OodGuard(seed);
            final long[] observeNs = new long[d.trainX.size()];
            for (int i = 0; i < d.trainX.size(); i++) {
                final float[] x = d.trainX.get(i);
                final double[] p = learner.probabilities(x, labels.size());
                final int slot = labels.register(d.trainY.get(i));
                acceptor.learn(Acceptor.features(p, Double.NaN), EmbeddingClassifier.argmax(p) == slot, 1.0);
                final long t0 = System.nanoTime();
                guard.observe(x);
                observeNs[i] = System.nanoTime() - t0;
                learner.learn(x, slot);
            }
            final long[] routeNs = new long[d.testX.size()];
            final long[] oodNs = new long[d.testX.size()];
            int flagged = 0;
            final double[] scores = new double[d.testX.size()];
            final boolean[] correct = new boolean[d.testX.size()];
            for (int i = 0; i < d.testX.size(); i++) {
                final float[] x = d.testX.get(i);
                final long t0 = System.nanoTime();
                final double[] p = learner.probabilities(x, labels.size());
                final double s = acceptor.score(Acceptor.features(p, Double.NaN));
                final long t1 = System.nanoTime();
                final boolean ood = guard.isOutOfDistribution(x);
                final long t2 = System.nanoTime();
                routeNs[i] = t2 - t0;
                oodNs[i] = t2 - t1;
                if (ood) {
                    flagged++;
                }
                scores[i] = s;
                correct[i] = EmbeddingClassifier.argmax(p) == labels.slotOf(d.testY.get(i));
            }
            int oosFlagged = 0;
            for (final float[] x : d.oosX) {
                if (guard.isOutOfDistribution(x)) {
                    oosFlagged++;
                }
            }
            System.out.printf(Locale.ROOT, "%-10s %12.1f %12.1f %12.1f %12.1f %12s %12s   acceptor %d KB, ood %d KB%n",
                    name,
                    percentile(routeNs, 0.5) / 1e3, percentile(routeNs, 0.99) / 1e3, percentile(oodNs, 0.5) / 1e3,
                    percentile(oodNs, 0.99) / 1e3, String.format(Locale.ROOT, "%.3f", (double) flagged / d.testX.size()),
                    d.oosX.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.3f", (double) oosFlagged / d.oosX.size()),
                    serializedSize(acceptor) / 1024, serializedSize(guard) / 1024);
            System.out.printf(Locale.ROOT, "  ood observe (learn side): p50 %.1f us, p99 %.1f us, mean %.1f us;"
                    + " threshold %.4f%n", percentile(observeNs, 0.5) / 1e3, percentile(observeNs, 0.99) / 1e3,
                    Arrays.stream(observeNs).average().orElse(0) / 1e3, guard.threshold());
            acceptorQuality(name, scores, correct);
        }
    }

    /** Calibration of the acceptor on the test phase (frozen models) and coverage at a few score bars. */
    private static void acceptorQuality(final String name, final double[] scores, final boolean[] correct) {
        final int n = scores.length;
        final int bins = 10;
        final double[] scoreSum = new double[bins];
        final double[] agreeSum = new double[bins];
        int agreed = 0;
        for (int i = 0; i < n; i++) {
            final int b = Math.min(bins - 1, (int) (scores[i] * bins));
            scoreSum[b] += scores[i];
            agreeSum[b] += correct[i] ? 1 : 0;
            agreed += correct[i] ? 1 : 0;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            ece += Math.abs(scoreSum[b] - agreeSum[b]) / n;
        }
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "  %s acceptor on test (frozen): accuracy %.4f, ECE %.4f;", name, (double) agreed / n, ece));
        for (final double bar : new double[] {0.5, 0.8, 0.9, 0.95}) {
            int covered = 0;
            int coveredCorrect = 0;
            for (int i = 0; i < n; i++) {
                if (scores[i] >= bar) {
                    covered++;
                    coveredCorrect += correct[i] ? 1 : 0;
                }
            }
            line.append(String.format(Locale.ROOT, " s>=%.2f: coverage %.3f agreement %.4f;", bar, (double) covered / n,
                    covered == 0 ? Double.NaN : (double) coveredCorrect / covered));
        }
        System.out.println(line);
    }

    private static int serializedSize(final Object o) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }

    private static long percentile(final long[] values, final double q) {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    private static Data load(final Path cache, final Path data, final String dataset, final long seed) {
        final Data d = new Data();
        final Split train = split(cache, data, dataset + "/train");
        final Split test = split(cache, data, dataset + "/test");
        final Random random = new Random(seed);
        for (final int i : shuffled(train.rows.size(), random)) {
            if (!"oos".equals(train.rows.get(i).label())) {
                d.trainX.add(train.vectors.get(i));
                d.trainY.add(train.rows.get(i).label());
            }
        }
        for (final int i : shuffled(test.rows.size(), random)) {
            if ("oos".equals(test.rows.get(i).label())) {
                d.oosX.add(test.vectors.get(i));
            } else {
                d.testX.add(test.vectors.get(i));
                d.testY.add(test.rows.get(i).label());
            }
        }
        d.labelCount = (int) d.trainY.stream().distinct().count();
        return d;
    }

    private static Split split(final Path cache, final Path data, final String split) {
        final List<LabelledText> rows = Datasets.read(data.resolve(split + ".jsonl.gz"));
        try (Featurizer featurizer = Featurizers.open("minilm", cache)) {
            return new Split(rows, featurizer.embed(rows.stream().map(LabelledText::text).toList()));
        }
    }

    private static int[] shuffled(final int n, final Random random) {
        final int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private record Split(List<LabelledText> rows, List<float[]> vectors) {
    }

    private record Result(double trainAccuracy, double testAccuracy, long predictP50, long predictP99,
                          long learnP50, long learnP99) {
    }

    private static final class Data {
        private final List<float[]> trainX = new ArrayList<>();
        private final List<String> trainY = new ArrayList<>();
        private final List<float[]> testX = new ArrayList<>();
        private final List<String> testY = new ArrayList<>();
        private final List<float[]> oosX = new ArrayList<>();
        private int labelCount;
    }
}
