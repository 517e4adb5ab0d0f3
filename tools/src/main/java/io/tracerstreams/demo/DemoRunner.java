/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.report.HtmlReport;
import io.tracerstreams.report.RenderOptions;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.topology.TracerApp;
import io.tracerstreams.liveview.LiveState;
import io.tracerstreams.liveview.LiveView;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The zero-setup demo (design section 8, "embedded"): an in-process KRaft broker, the in-process
 * {@code mock://} schema registry, tracer itself ({@link TracerApp}), a {@link RequestGenerator} playing the calling
 * service, a {@link SimulatedLlm} answering what tracer defers or audits, the {@link LiveView} and a
 * terminal progress display. It stops on the request limit, the duration, {@link #stop()} or Ctrl-C
 * (a shutdown hook), drains what is in flight, and returns a {@link DemoSummary} measured by the
 * harness per design section 7.
 *
 * <pre>{@code
 * DemoSummary summary = new DemoRunner(DemoOptions.DEFAULTS.withLimit(2_000)).run();
 * }</pre>
 */
public final class DemoRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRunner.class);
    private static final long STATS_INTERVAL_MS = 1_000;
    private static final long REPORTS_INTERVAL_MS = 5_000;
    private static final int DEMO_WINDOW = 600;
    /** Stands in for the broker in the settings the featurizer is opened with (they never contact it). */
    private static final String FEATURIZER_ONLY_BOOTSTRAP = "localhost:9092";
    /** Where the demo writes each task's HTML boundary report at the end. */
    static final Path REPORT_DIR = Path.of("tracer-demo-reports");
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    private final DemoOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final LiveState state = new LiveState();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean interrupted;
    private volatile String failure;
    private volatile LiveView view;

    /** A runner printing the progress on {@code System.err} and the summary on {@code System.out}. */
    public DemoRunner(final DemoOptions options) {
        this(options, System.out, System.err);
    }

    /**
     * @param options the run's settings
     * @param out     where the summary goes (JSON or text, per {@link DemoOptions#json()})
     * @param err     where the progress display and the banner go
     */
    public DemoRunner(final DemoOptions options, final PrintStream out, final PrintStream err) {
        if (options == null) {
            throw new IllegalArgumentException("demo field 'options' must not be null");
        }
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs the demo with the given options, printing on stdout and stderr. */
    public static DemoSummary run(final DemoOptions options) {
        return new DemoRunner(options).run();
    }

    /** What the live view shows (readable while the demo runs). */
    public LiveState liveState() {
        return state;
    }

    /** The live view's port once it runs, else -1. */
    public int livePort() {
        final LiveView v = view;
        return v == null ? -1 : v.port();
    }

    /** Asks a running demo to stop: no new requests, drain, summary. Safe from any thread. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs the demo to its end; blocks. Installs a shutdown hook (Ctrl-C) for its duration. */
    public DemoSummary run() {
        final Thread hook = new Thread(() -> {
            interrupted = true;
            stopRequested = true;
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tracer-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            final DemoSummary summary = runInside();
            out.print(options.json() ? summary.toJson() + System.lineSeparator() : summary.toText());
            out.flush();
            return summary;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    private DemoSummary runInside() {
        final Map<String, List<LabelledText>> data = loadData();
        final DemoTraffic traffic = new DemoTraffic(data, options.seed(), options.teacherNoise());
        final DemoScore score = new DemoScore(traffic);
        if (options.limit() > 0) {
            for (final String task : traffic.tasks()) {
                final double expected = (double) options.limit() / traffic.tasks().size();
                if (expected > traffic.rows(task)) {
                    banner(String.format(Locale.ROOT, "note: about %,.0f requests of task %s but only %,d rows: texts "
                            + "will repeat with their labels (a memorising learner can then answer repeats)", expected,
                            task, traffic.rows(task)));
                }
            }
        }
        final String registryUrl = "mock://tracer-demo-" + Long.toHexString(System.nanoTime());
        final Path stateDir = stateDir();
        final long started = System.nanoTime();
        // the timings count from the JVM's start: what a user waits after typing the command (its build check aside)
        final long origin = started - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        long runningAt = 0;
        long trafficAt = 0;
        final List<AutoCloseable> resources = new ArrayList<>();
        String stopReason = "limit";
        RequestGenerator generator = null;
        try {
            banner("starting an embedded Kafka broker and loading the " + options.embeddingModel() + " featurizer ...");
            // the featurizer's settings do not involve the broker: it loads (about 2 s) while the broker starts
            final CompletableFuture<Featurizer> loading = CompletableFuture.supplyAsync(() ->
                    new TracerConfig(configMap(FEATURIZER_ONLY_BOOTSTRAP, registryUrl, stateDir)).openFeaturizer());
            final EmbeddedKafka kafka;
            try {
                kafka = EmbeddedKafka.start();
            } catch (final RuntimeException e) {
                loading.thenAccept(Featurizer::close);
                throw e;
            }
            resources.add(kafka);
            final Featurizer featurizer = loaded(loading);
            resources.add(featurizer);
            final TracerConfig config = new TracerConfig(configMap(kafka.bootstrapServers(), registryUrl, stateDir));
            final TopicSerdes serdes = TopicSerdes.forRegistryUrl(registryUrl);
            resources.add(serdes);
            banner("starting tracer ...");
            final TracerApp app = TracerApp.run(config, featurizer); // creates the topics
            resources.add(app);
            if (!app.awaitRunning(Duration.ofSeconds(90))) {
                throw new IllegalStateException("tracer did not reach RUNNING within 90 s (state " + app.state() + ")");
            }
            runningAt = System.nanoTime();

            if (options.port() >= 0) {
                view = LiveView.start(state, options.host(), options.port(), 250);
                resources.add(view);
                banner("live view: " + view.uri());
            }
            final KafkaProducer<String, LlmRequest> requestProducer = new KafkaProducer<>(producerProps(kafka),
                    new StringSerializer(), serdes.request().serializer());
            resources.add(() -> requestProducer.close(Duration.ofSeconds(5)));
            final KafkaProducer<String, LlmResponse> responseProducer = new KafkaProducer<>(producerProps(kafka),
                    new StringSerializer(), serdes.response().serializer());
            resources.add(() -> responseProducer.close(Duration.ofSeconds(5)));

            final DemoMonitor monitor = new DemoMonitor(new KafkaConsumer<>(consumerProps(kafka, "tracer-demo-view"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()), config.topics(), serdes, state, score);
            final SimulatedLlm llm = new SimulatedLlm(new KafkaConsumer<>(consumerProps(kafka, "tracer-demo-llm"),
                    new StringDeserializer(), serdes.decision().deserializer()), responseProducer,
                    config.topics().decisions(), config.topics().responses(), traffic, options.delayMs(), options.seed());
            generator = new RequestGenerator(requestProducer, config.topics().requests(), traffic, options.rate(),
                    options.limit(), options.duration(), () -> stopRequested);
            final Thread monitorThread = daemon(monitor, "tracer-demo-monitor");
            final Thread llmThread = daemon(llm, "tracer-demo-llm");
            final Thread generatorThread = daemon(generator, "tracer-demo-requests");
            resources.add(() -> join(monitorThread));
            resources.add(monitor);
            resources.add(() -> join(llmThread));
            resources.add(llm);
            monitorThread.start();
            llmThread.start();
            banner(String.format(Locale.ROOT, "sending %s requests at %.0f/s over tasks %s (alpha %.2f, epsilon %.2f%s)",
                    options.limit() == 0 ? "unlimited" : String.format(Locale.ROOT, "%,d", options.limit()),
                    options.rate(), traffic.tasks(), options.alpha(), options.epsilon(),
                    options.teacherNoise() > 0 ? ", teacher noise " + options.teacherNoise() : ""));
            trafficAt = System.nanoTime();
            generatorThread.start();

            final ProgressDisplay progress = options.progress()
                    ? new ProgressDisplay(err, System.console() != null) : null;
            final long printEvery = System.console() != null ? 500 : 5_000;
            long lastPrint = 0;
            while (generatorThread.isAlive()) {
                generatorThread.join(100);
                if (!app.state().isRunningOrRebalancing() && !interrupted) {
                    failure = "tracer stopped (state " + app.state() + ")";
                    stopRequested = true;
                }
                final long now = System.currentTimeMillis();
                if (progress != null && now - lastPrint >= printEvery) {
                    progress.show(score.results(), state, generator.sent(), seconds(started));
                    lastPrint = now;
                }
            }
            if (interrupted) {
                stopReason = "interrupted";
            } else if (failure != null) {
                stopReason = "failed: " + failure;
            } else if (options.limit() > 0 && generator.sent() >= options.limit()) {
                stopReason = "limit";
            } else {
                stopReason = "duration";
            }
            drain(generator, score, llm, progress, started);
            writeReports(monitor.reports());
            final DemoSummary summary = new DemoSummary(score.results(), generator.sent(), seconds(started), stopReason,
                    view == null ? null : view.uri().toString(), timings(origin, runningAt, trafficAt, score));
            if (monitor.undecodable() > 0 || score.ignored() > 0) {
                LOG.warn("demo monitor: {} undecodable records, {} decisions not from the demo's traffic",
                        monitor.undecodable(), score.ignored());
            }
            return summary;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DemoSummary(score.results(), generator == null ? 0 : generator.sent(), seconds(started),
                    "interrupted", null);
        } finally {
            stopRequested = true;
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (final Exception e) {
                    LOG.warn("demo: closing {} failed", resources.get(i), e);
                }
            }
            MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registryUrl));
            deleteRecursively(stateDir);
        }
    }

    /** The timings of a run, in seconds from {@code origin} ({@link System#nanoTime()}); null where 0 (not reached). */
    static DemoSummary.Timings timings(final long origin, final long runningAt, final long trafficAt, final DemoScore score) {
        final Map<String, Double> open = new LinkedHashMap<>();
        score.gateOpenNanos().forEach((task, at) -> open.put(task, since(origin, at)));
        return new DemoSummary.Timings(since(origin, runningAt), since(origin, trafficAt), since(origin, score.firstDecisionNanos()),
                open);
    }

    private static Double since(final long origin, final long at) {
        return at == 0 ? null : (at - origin) / 1e9;
    }

    /** Waits (bounded) until every request sent has its decision, the LLM has answered, and stats caught up. */
    private void drain(final RequestGenerator generator, final DemoScore score, final SimulatedLlm llm,
                       final ProgressDisplay progress, final long started) throws InterruptedException {
        final long giveUp = System.nanoTime() + (interrupted ? TimeUnit.SECONDS.toNanos(3) : DRAIN_LIMIT.toNanos());
        while (System.nanoTime() < giveUp && failure == null
                && (score.decisions() < generator.sent() - generator.failed() || llm.pending() > 0)) {
            Thread.sleep(100);
        }
        if (!interrupted && failure == null) {
            Thread.sleep(2 * STATS_INTERVAL_MS); // the last answers are learned; a last stats snapshot lands
        }
        if (progress != null) {
            progress.show(score.results(), state, generator.sent(), seconds(started));
        }
        if (score.decisions() < generator.sent() - generator.failed()) {
            LOG.warn("demo: {} of {} requests got no decision before the end", generator.sent() - score.decisions(),
                    generator.sent());
        }
    }

    private Map<String, List<LabelledText>> loadData() {
        final Map<String, List<LabelledText>> data = new LinkedHashMap<>();
        if (options.dataset() != null) {
            data.put(options.taskNames().get(0), Datasets.read(options.dataset()));
        } else {
            for (final String task : options.tasks()) {
                data.put(task, DemoDatasets.load(task));
            }
        }
        return data;
    }

    /** Writes one self-contained HTML boundary report per task (DESIGN section 6) and says where. */
    private void writeReports(final Map<String, List<BoundaryReport>> reports) {
        if (reports.isEmpty()) {
            banner("no boundary report arrived (reports go out every " + REPORTS_INTERVAL_MS / 1000 + " s and after flips)");
            return;
        }
        try {
            Files.createDirectories(REPORT_DIR);
            for (final Map.Entry<String, List<BoundaryReport>> e : reports.entrySet()) {
                final Path file = REPORT_DIR.resolve(e.getKey() + ".html");
                HtmlReport.write(file, e.getValue(), List.of(), List.of(), RenderOptions.DEFAULTS);
                banner("boundary report of " + e.getKey() + ": " + file.toAbsolutePath());
            }
        } catch (final IOException | RuntimeException e) {
            LOG.warn("cannot write the demo's boundary reports: {}", e.toString());
        }
    }

    /** The featurizer that {@code loading} opened; its failure as thrown there. */
    private static Featurizer loaded(final CompletableFuture<Featurizer> loading) {
        try {
            return loading.join();
        } catch (final CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private Map<String, Object> configMap(final String bootstrap, final String registryUrl, final Path stateDir) {
        final Map<String, Object> m = new HashMap<>();
        m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        m.put(TracerConfig.APPLICATION_ID_CONFIG, "tracer-demo");
        m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
        m.put(TracerConfig.EMBEDDING_MODEL_CONFIG, options.embeddingModel());
        m.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, STATS_INTERVAL_MS);
        m.put(TracerConfig.REPORTS_INTERVAL_MS_CONFIG, REPORTS_INTERVAL_MS);
        // a demo-sized agreement window: the gate may first open after 600 traces instead of 2,000
        m.put(TracerConfig.WINDOW_SIZE_CONFIG, DEMO_WINDOW);
        m.put(TracerConfig.ALPHA_CONFIG, options.alpha());
        m.put(TracerConfig.EPSILON_CONFIG, options.epsilon());
        m.put(TracerConfig.SEED_CONFIG, options.seed());
        // the next transaction's first produce may wait out CONCURRENT_TRANSACTIONS retries of the previous
        // commit: retry sooner than the client's default 100 ms
        m.put(TracerConfig.KAFKA_PREFIX + "producer.retry.backoff.ms", 20);
        return m;
    }

    private static Map<String, Object> producerProps(final EmbeddedKafka kafka) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    private static Map<String, Object> consumerProps(final EmbeddedKafka kafka, final String group) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
                group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    }

    private void banner(final String line) {
        err.println("tracer demo: " + line);
        err.flush();
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void join(final Thread t) throws InterruptedException {
        t.join(10_000);
    }

    private static double seconds(final long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /**
     * A fresh state directory under {@code ~/.tracer-streams/} (Kafka Streams warns about OS temp directories,
     * which the OS may clean under a running application); deleted at the end of the run.
     */
    private static Path stateDir() {
        try {
            final Path parent = Files.createDirectories(Path.of(System.getProperty("user.home"), ".tracer-streams"));
            return Files.createTempDirectory(parent, "demo-state-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the demo's state directory under ~/.tracer-streams", e);
        }
    }

    private static void deleteRecursively(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }

    /**
     * Runs the demo from a command line without the CLI: {@code [--limit N] [--rate R] [--port P]
     * [--model NAME] [--alpha A] [--noise P] [--seconds S] [--json] [--tasks a,b]}.
     */
    public static void main(final String[] args) {
        DemoOptions o = DemoOptions.DEFAULTS;
        for (int i = 0; i < args.length; i++) {
            final String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--limit" -> { o = o.withLimit(Long.parseLong(v)); i++; }
                case "--rate" -> { o = o.withRate(Double.parseDouble(v)); i++; }
                case "--port" -> { o = o.withPort(Integer.parseInt(v)); i++; }
                case "--model" -> { o = o.withEmbeddingModel(v); i++; }
                case "--alpha" -> {
                    o = new DemoOptions(o.dataset(), o.tasks(), o.rate(), o.limit(), o.duration(), o.host(), o.port(),
                            Double.parseDouble(v), o.epsilon(), o.teacherNoise(), o.delayMs(), o.seed(),
                            o.embeddingModel(), o.progress(), o.json());
                    i++;
                }
                case "--noise" -> {
                    o = new DemoOptions(o.dataset(), o.tasks(), o.rate(), o.limit(), o.duration(), o.host(), o.port(),
                            o.alpha(), o.epsilon(), Double.parseDouble(v), o.delayMs(), o.seed(),
                            o.embeddingModel(), o.progress(), o.json());
                    i++;
                }
                case "--seconds" -> {
                    o = new DemoOptions(o.dataset(), o.tasks(), o.rate(), o.limit(), Duration.ofSeconds(Long.parseLong(v)),
                            o.host(), o.port(), o.alpha(), o.epsilon(), o.teacherNoise(), o.delayMs(), o.seed(),
                            o.embeddingModel(), o.progress(), o.json());
                    i++;
                }
                case "--tasks" -> {
                    o = new DemoOptions(o.dataset(), List.of(v.split(",")), o.rate(), o.limit(), o.duration(), o.host(),
                            o.port(), o.alpha(), o.epsilon(), o.teacherNoise(), o.delayMs(), o.seed(),
                            o.embeddingModel(), o.progress(), o.json());
                    i++;
                }
                case "--json" -> o = new DemoOptions(o.dataset(), o.tasks(), o.rate(), o.limit(), o.duration(), o.host(),
                        o.port(), o.alpha(), o.epsilon(), o.teacherNoise(), o.delayMs(), o.seed(), o.embeddingModel(),
                        o.progress(), true);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        run(o);
    }
}
