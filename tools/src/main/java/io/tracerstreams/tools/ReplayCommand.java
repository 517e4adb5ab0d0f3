/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.featurize.CachingFeaturizer;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.replay.Replay;
import io.tracerstreams.replay.ReplayResult;
import io.tracerstreams.replay.TeacherShift;
import io.tracerstreams.report.HtmlReport;
import io.tracerstreams.report.RenderOptions;
import io.tracerstreams.report.ReportJson;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.task.TaskConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tracer replay}: runs the evaluation protocol (DESIGN section 7) over a dataset through the same
 * engine the topology runs, and prints the metrics per alpha.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a labelled dataset as LLM traffic through the learning core and reports coverage "
                + "and realised agreement per alpha (train-then-test when --test is given).")
public final class ReplayCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--train", required = true, paramLabel = "FILE",
            description = "JSONL(.gz) of {\"id\",\"text\",\"label\"} or tracer-llm {\"input\",\"teacher\"} rows.")
    Path train;

    @Option(names = "--test", paramLabel = "FILE", description = "The test split; its phase is reported.")
    Path test;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Honest tuning: hold out the last F of the train split (shuffled with a fixed seed) and "
                    + "report it as the test phase; the --test file is not read (not allowed with --test). The JSON "
                    + "says \"phase\":\"validation\". Choose defaults this way; report the test split at the end.")
    Double validationFraction;

    @Option(names = "--alpha", required = true, paramLabel = "A", description = "Target agreement (repeatable).")
    List<Double> alphas;

    @Option(names = "--epsilon", defaultValue = "0.05", description = "Audit rate of handled requests (default ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--verify-rate", defaultValue = "1.0", description = "Audit rate of handled requests while the "
            + "agreement window rests mostly on the backfilled train split (default ${DEFAULT-VALUE}; at or below "
            + "--epsilon: off).")
    double verifyRate;

    @Option(names = "--delay", defaultValue = "0", description = "Requests before the LLM's answer arrives (default ${DEFAULT-VALUE}).")
    int delay;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of order, noise and engine (repeatable; default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--teacher-noise", defaultValue = "0", description = "Probability the LLM's label is replaced by another (default ${DEFAULT-VALUE}).")
    double teacherNoise;

    @Option(names = "--train-as", defaultValue = "backfill",
            description = "How the train split enters: backfill (a trace log, every row labelled) or requests (live traffic). Default ${DEFAULT-VALUE}.")
    Replay.TrainMode trainMode;

    @Option(names = "--shift-labels", defaultValue = "0", paramLabel = "K",
            description = "Teacher shift: the LLM renames K labels in a seeded rotation a->b->...->a (K = 0: no shift; "
                    + "default ${DEFAULT-VALUE}).")
    int shiftLabels;

    @Option(names = "--shift-at", defaultValue = "0", paramLabel = "N",
            description = "The first request the shift applies to, counted from 0 over the routed stream: with "
                    + "--train-as requests the train split's requests come first, then the test split's; with a "
                    + "backfill, request 0 is the first test request and backfilled traces are never shifted "
                    + "(default ${DEFAULT-VALUE}).")
    long shiftAt;

    @Option(names = "--drop-label", paramLabel = "LABEL", description = "Drop rows with this label (e.g. CLINC150's oos); repeatable.")
    Set<String> dropLabels = Set.of();

    @Option(names = "--featurizer", defaultValue = Featurizers.DEFAULT_NAME,
            description = "minilm, minilm-q, bge-small or hashing (default ${DEFAULT-VALUE}).")
    String featurizer;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Embedding cache (default ~/.cache/tracer-streams/embeddings).")
    Path cacheDir;

    @Option(names = "--learners", split = ",", description = "Surrogates side by side (default softmax,ncm,knn,nb).")
    List<String> learners;

    @Option(names = "--window", description = "Agreement window size N (default ${DEFAULT-VALUE}).", defaultValue = "2000")
    int window;

    @Option(names = "--per-label-thresholds", description = "One gate threshold on per-label recalibrated scores "
            + "(gate.thresholds=per-label): strong labels handled from a lower score, weak ones from a higher one or not at all.")
    boolean perLabelThresholds;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Option(names = "--curve", paramLabel = "FILE.csv", description = "Write the curve as CSV: one row per block of "
            + "--curve-block requests with its requests, handled, realised agreement of the handled (the truth), the "
            + "gate's agreement estimate and lower bound, gate state, threshold, LLM calls and LLM calls saved.")
    Path curve;

    @Option(names = "--curve-block", defaultValue = "500", paramLabel = "N",
            description = "Requests per block of the curve; blocks restart at the test phase and at the shift "
                    + "(default ${DEFAULT-VALUE}).")
    int curveBlock;

    @Option(names = "--events", paramLabel = "FILE.jsonl",
            description = "Write every gate event (state change, learner switch, verification verdict) as one JSON line "
                    + "with the run's alpha and seed and the request it came after.")
    Path events;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Write the boundary report (one self-contained HTML file; one file per alpha and seed when several).")
    Path report;

    @Option(names = "--report-json", paramLabel = "FILE.json", description = "The same report content as JSON.")
    Path reportJson;

    @Option(names = "--hash-texts", description = "Privacy: replace example texts by short hashes in reports.")
    boolean hashTexts;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        final TaskConfig base = taskConfig();
        final List<LabelledText> trainRows;
        final List<LabelledText> testRows;
        if (validationFraction != null) {
            if (test != null) {
                throw new IllegalArgumentException("--validation-fraction reports a split of --train and never reads --test: give one of them");
            }
            final Datasets.Split split = Datasets.validationSplit(
                    Datasets.read(train, row -> !dropLabels.contains(row.label())), validationFraction);
            trainRows = split.train();
            testRows = split.validation();
        } else {
            trainRows = Datasets.read(train, row -> !dropLabels.contains(row.label()));
            testRows = test == null ? List.of() : Datasets.read(test, row -> !dropLabels.contains(row.label()));
        }
        // a bad shift fails before the (possibly long) embedding, naming the option
        final Set<String> labels = new java.util.TreeSet<>();
        trainRows.forEach(row -> labels.add(row.label()));
        testRows.forEach(row -> labels.add(row.label()));
        TeacherShift.rotation(labels, shiftLabels, shiftAt, seeds.get(0));
        final Progress progress = new Progress(quiet);
        final List<Replay.Row> trainSet;
        final List<Replay.Row> testSet;
        final long embedStart = System.nanoTime();
        long cacheHits = -1;
        long cacheMisses = -1;
        try (Featurizer f = Featurizers.open(featurizer, "hashing".equals(featurizer) ? null
                : cacheDir == null ? CachingFeaturizer.defaultDirectory() : cacheDir)) {
            trainSet = embed(f, trainRows, progress, "embed train");
            testSet = embed(f, testRows, progress, "embed test");
            if (f instanceof CachingFeaturizer cache) {
                cacheHits = cache.hitCount();
                cacheMisses = cache.missCount();
            }
        }
        final long replayStart = System.nanoTime();
        final Replay.Options options = new Replay.Options(base, delay, teacherNoise, trainMode, curveBlock, 1_000, hashTexts,
                shiftLabels, shiftAt);
        final List<ReplayResult> results = new ArrayList<>();
        final List<String> gateEvents = new ArrayList<>();
        for (final double alpha : alphas) {
            for (final long seed : seeds) {
                final String label = String.format(Locale.ROOT, "replay alpha=%.2f seed=%d", alpha, seed);
                final int total = (trainMode == Replay.TrainMode.BACKFILL && !testSet.isEmpty() ? 0 : trainSet.size())
                        + testSet.size();
                final Replay.Listener bar = new Replay.Listener() {
                    private int requests;

                    @Override
                    public void onStep(final Replay.Step step, final io.tracerstreams.task.TaskEngine engine) {
                        requests = step.index() + 1;
                        progress.update(label, requests, total);
                    }

                    @Override
                    public void onGateEvent(final GateEvent event) {
                        gateEvents.add(eventLine(alpha, seed, requests, event));
                    }
                };
                results.add(Replay.run(trainSet, testSet, alpha, options, seed, bar));
                progress.done(label);
            }
        }
        final long replayEnd = System.nanoTime();
        final Timing timing = new Timing(java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3,
                (replayStart - embedStart) / 1e9, trainSet.size() + testSet.size(), cacheHits, cacheMisses,
                (replayEnd - replayStart) / 1e9);
        if (curve != null) {
            writeCurve(results);
        }
        writeReports(results);
        if (events != null) {
            writeLines(events, gateEvents);
        }
        if (json) {
            System.out.println(toJson(results, phase(), timing));
        } else {
            printTable(results);
            System.out.println(timing.toText());
        }
        return 0;
    }

    private TaskConfig taskConfig() {
        final TaskConfig d = TaskConfig.DEFAULTS;
        return new TaskConfig(alphas.get(0), d.delta(), epsilon, verifyRate, window, d.minAccepted(), d.minCoverage(), d.labelCap(),
                learners == null || learners.isEmpty() ? d.learners() : learners, d.frontierAlphas(), d.costPerCall(),
                seeds.get(0), perLabelThresholds);
    }

    private static List<Replay.Row> embed(final Featurizer f, final List<LabelledText> rows, final Progress progress,
                                          final String label) {
        final List<Replay.Row> out = new ArrayList<>(rows.size());
        final int batch = 256;
        for (int i = 0; i < rows.size(); i += batch) {
            final List<LabelledText> chunk = rows.subList(i, Math.min(rows.size(), i + batch));
            final List<float[]> vectors = f.embed(chunk.stream().map(LabelledText::text).toList());
            for (int j = 0; j < chunk.size(); j++) {
                out.add(new Replay.Row(chunk.get(j), vectors.get(j)));
            }
            progress.update(label, out.size(), rows.size());
        }
        if (!rows.isEmpty()) {
            progress.done(label);
        }
        return out;
    }

    /** One line of {@code --events}: the run, the requests routed before the event, and the event's own fields. */
    static String eventLine(final double alpha, final long seed, final int requests, final GateEvent event) {
        try {
            final ObjectNode line = MAPPER.createObjectNode().put("alpha", alpha).put("seed", seed).put("requests", requests);
            line.setAll((ObjectNode) MAPPER.readTree(event.toString()));
            return MAPPER.writeValueAsString(line);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot render gate event " + event.getReason() + ": " + e.getMessage(), e);
        }
    }

    private static void writeLines(final Path file, final List<String> lines) {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The header of the {@code --curve} CSV; one row per block, see {@link #curveRow}. */
    static final String CURVE_HEADER = "alpha,seed,phase,shifted,requests,block_requests,handled,realised_agreement,"
            + "agreement_estimate,lower_bound,gate_state,threshold,llm_calls,llm_calls_saved,block_coverage,coverage,traces";

    private void writeCurve(final List<ReplayResult> results) {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(curve, StandardCharsets.UTF_8))) {
            out.println(CURVE_HEADER);
            for (final ReplayResult r : results) {
                for (final ReplayResult.CurvePoint p : r.curve()) {
                    out.println(curveRow(r, p));
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + curve + ": " + e.getMessage(), e);
        }
    }

    static String curveRow(final ReplayResult r, final ReplayResult.CurvePoint p) {
        final ReplayResult.Metrics b = p.block();
        return String.format(Locale.ROOT, "%.2f,%d,%s,%b,%d,%d,%d,%s,%s,%s,%s,%s,%d,%s,%.4f,%.4f,%d", r.alpha(), r.seed(),
                p.test() ? "test" : "train", p.shifted(), p.requests(), b.requests(), b.handled(),
                num(b.realisedAgreement()), num(p.agreementEstimate()), num(p.lowerBound()), p.gateState(),
                num(p.threshold()), b.llmCalls(), num(b.llmCallsSaved()), b.coverage(), p.coverage(), p.traces());
    }

    private void writeReports(final List<ReplayResult> results) {
        final RenderOptions render = new RenderOptions(hashTexts, "", "");
        for (final ReplayResult r : results) {
            final String suffix = results.size() == 1 ? ""
                    : String.format(Locale.ROOT, "-alpha%.2f-seed%d", r.alpha(), r.seed());
            try {
                if (report != null) {
                    HtmlReport.write(withSuffix(report, suffix), r.reports(), List.of(), r.gateEvents(), render);
                }
                if (reportJson != null) {
                    ReportJson.write(withSuffix(reportJson, suffix), r.reports(), render);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
            }
        }
    }

    private static Path withSuffix(final Path file, final String suffix) {
        if (suffix.isEmpty()) {
            return file;
        }
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final String renamed = dot < 0 ? name + suffix : name.substring(0, dot) + suffix + name.substring(dot);
        return file.resolveSibling(renamed);
    }

    private static String num(final double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    /**
     * Where the time of a run went, measured inside the command.
     *
     * @param wallSeconds   from the JVM's start to the end of the last replay (the command's wall time, its build check
     *                      and the writing of outputs aside)
     * @param embedSeconds  embedding the rows (through the embedding cache unless the hashing featurizer)
     * @param embedded      rows embedded
     * @param cacheHits     rows the embedding cache answered (-1: no cache)
     * @param cacheMisses   rows the model embedded (-1: no cache)
     * @param replaySeconds the replays themselves (every alpha and seed)
     */
    record Timing(double wallSeconds, double embedSeconds, long embedded, long cacheHits, long cacheMisses,
                  double replaySeconds) {

        String toText() {
            return String.format(Locale.ROOT, "wall time %.1f s from the JVM's start: embedding %,d rows %.1f s (%s), "
                    + "replay %.1f s", wallSeconds, embedded, embedSeconds, cacheHits < 0 ? "no cache"
                    : String.format(Locale.ROOT, "cache: %,d hits, %,d embedded by the model", cacheHits, cacheMisses),
                    replaySeconds);
        }

        void putInto(final ObjectNode root) {
            final ObjectNode t = root.putObject("timings");
            t.put("wall_s", Math.round(wallSeconds * 100) / 100.0);
            t.put("embed_s", Math.round(embedSeconds * 100) / 100.0);
            t.put("embedded", embedded);
            t.put("cache_hits", cacheHits);
            t.put("cache_misses", cacheMisses);
            t.put("replay_s", Math.round(replaySeconds * 100) / 100.0);
        }
    }


    /** What the reported phase is: the test split, a validation split of train, or the train split itself. */
    private String phase() {
        return validationFraction != null ? "validation" : test != null ? "test" : "train";
    }

    /**
     * The results as one JSON object; {@code phase} says which rows the {@code test} object reports
     * ({@code test}, {@code validation} or {@code train}).
     */
    static String toJson(final List<ReplayResult> results, final String phase) {
        return toJson(results, phase, null);
    }

    /** As {@link #toJson(List, String)}, with where the time went (left out when null). */
    static String toJson(final List<ReplayResult> results, final String phase, final Timing timing) {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("phase", phase);
        final ArrayNode array = root.putArray("results");
        for (final ReplayResult r : results) {
            final ObjectNode node = array.addObject();
            node.put("alpha", r.alpha());
            node.put("seed", r.seed());
            node.put("phase", phase);
            final ObjectNode stream = node.putObject("stream");
            stream.put("requests", r.overall().requests());
            stream.put("llm_calls", r.overall().llmCalls());
            putNumber(stream, "llm_calls_saved", r.overall().llmCallsSaved());
            stream.put("first_open_at", r.requestsUntilFirstOpen());
            stream.put("coverage", r.overall().coverage());
            metrics(node.putObject("test"), r.test());
            metrics(node.putObject("overall"), r.overall());
            metrics(node.putObject("last_20pct"), r.last20());
            node.put("gate_flips", r.gateFlips());
            node.put("traces_until_first_open", r.tracesUntilFirstOpen());
            node.put("served_learner", r.servedLearner());
            node.put("traces_learned", r.tracesLearned());
            if (r.shift().active()) {
                final ObjectNode shift = node.putObject("shift");
                shift.put("labels", r.shift().rotation().size());
                shift.put("at", r.shift().at());
                final ObjectNode rotation = shift.putObject("rotation");
                r.shift().rotation().forEach(rotation::put);
            }
        }
        if (timing != null) {
            timing.putInto(root);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void metrics(final ObjectNode node, final ReplayResult.Metrics m) {
        putNumber(node, "llm_calls_saved", m.llmCallsSaved());
        node.put("requests", m.requests());
        node.put("llm_calls", m.llmCalls());
        node.put("coverage", m.coverage());
        putNumber(node, "realised_agreement", m.realisedAgreement());
        node.put("end_to_end_agreement", m.endToEndAgreement());
        node.put("handled", m.handled());
        node.put("audited", m.audited());
    }

    private static void putNumber(final ObjectNode node, final String name, final double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    private static void printTable(final List<ReplayResult> results) {
        System.out.printf(Locale.ROOT, "%-6s %-5s %11s %9s %10s %9s %9s %9s %7s %12s %12s %-8s%n", "alpha", "seed",
                "calls_saved", "requests", "llm_calls", "coverage", "realised", "e2e_agr", "flips", "first_open",
                "stream_saved", "served");
        for (final ReplayResult r : results) {
            final ReplayResult.Metrics m = r.test();
            System.out.printf(Locale.ROOT, "%-6.2f %-5d %10.2f%% %9d %10d %8.2f%% %9s %9.4f %7d %12d %11.2f%% %-8s%n",
                    r.alpha(), r.seed(), 100 * m.llmCallsSaved(), m.requests(), m.llmCalls(), 100 * m.coverage(),
                    Double.isNaN(m.realisedAgreement()) ? "-" : String.format(Locale.ROOT, "%.4f", m.realisedAgreement()),
                    m.endToEndAgreement(), r.gateFlips(), r.requestsUntilFirstOpen(),
                    100 * r.overall().llmCallsSaved(), r.servedLearner());
        }
        System.out.println("calls_saved = 1 - LLM calls / requests over the test phase; stream_saved the same over every "
                + "routed request; first_open = requests routed before the gate first opened (0: on the backfill).");
    }
}
