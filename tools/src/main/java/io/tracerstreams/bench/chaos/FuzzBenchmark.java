/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.FuzzCorpus.Bad;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.topology.TracerTopics;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code tracer bench fuzz}: the fuzz corpus ({@link FuzzCorpus}) against a broker process with its registry and one
 * {@code tracer run} process, checked by {@link FuzzVerdict} from the output topics read with read_committed. The run
 * uses the application's defaults except: topics of one partition (so that the corpus's order is the broker's, and one
 * router partition holds every task), {@code tasks.max} 4 (the corpus's four tasks; every further task is beyond the
 * cap), {@code label.cap} 16 (passed by the label flood), and a requests topic whose {@code max.message.bytes} admits
 * the 10 MiB inputs.
 */
public final class FuzzBenchmark {

    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap\\.servers=(\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("schema\\.registry\\.url=(\\S+)");
    private static final Pattern RUNNING = Pattern.compile("tracer: running");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** Valid requests sent but not decided, at most: the corpus waits above it. */
    private static final int IN_FLIGHT = 500;

    private FuzzBenchmark() {
    }

    /** {@code tracer bench fuzz ARGS}. */
    public static void run(final String[] args) {
        final FuzzOptions options = FuzzOptions.parse(args);
        if (options == null) {
            return;
        }
        final FuzzVerdict verdict;
        try {
            verdict = execute(options);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        System.out.println(options.json ? verdict.toJson() : verdict.summary());
        if (!verdict.passed()) {
            throw new IllegalStateException("fuzz: verification failed: " + verdict.problems());
        }
    }

    static FuzzVerdict execute(final FuzzOptions options) throws InterruptedException {
        options.validate();
        final Path dir;
        try {
            dir = options.workDir != null ? Files.createDirectories(options.workDir) : Files.createTempDirectory("tracer-fuzz-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
        final String toolsClasspath = System.getProperty("java.class.path");
        final ChildProcess broker = new ChildProcess("broker", toolsClasspath, List.of("-Xmx768m", "-XX:+UseSerialGC"),
                "io.tracerstreams.tools.TracerCli", List.of("broker", "--port", "0", "--registry-port", "0", "--data",
                dir.resolve("broker").toString()), dir.resolve("logs/broker.log"));
        ChildProcess tracer = null;
        FuzzVerdict verdict = null;
        try {
            broker.start();
            final String bootstrap = broker.await(BOOTSTRAP, START_TIMEOUT);
            final String registry = broker.await(REGISTRY, START_TIMEOUT);
            log("work directory %s; broker process %d: %s, registry %s", dir, broker.pid(), bootstrap, registry);
            final Map<String, String> s = new LinkedHashMap<>();
            s.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            s.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
            s.put(TracerConfig.APPLICATION_ID_CONFIG, "tracer-fuzz");
            s.put(TracerConfig.EMBEDDING_MODEL_CONFIG, options.featurizer);
            s.put(TracerConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            s.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, "1");
            s.put(TracerConfig.TASKS_MAX_CONFIG, Integer.toString(FuzzCorpus.TASKS.size() + 1));
            s.put(TracerConfig.LABEL_CAP_CONFIG, Integer.toString(FuzzCorpus.LABEL_CAP));
            s.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "1000");
            final Path properties = dir.resolve("tracer.properties");
            ChaosBenchmark.writeProperties(properties, s);
            final TracerConfig config = new TracerConfig(s);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TracerTopics.ensure(admin, config);
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, config.topics().requests()),
                        List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                Integer.toString(FuzzCorpus.HUGE + 2 * 1024 * 1024)), AlterConfigOp.OpType.SET))))
                        .all().get(60, TimeUnit.SECONDS);
            } catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("cannot raise max.message.bytes of the requests topic", e);
            }
            final List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
            jvm.addAll(ChildProcess.TRACER_JVM_OPTIONS);
            tracer = new ChildProcess("tracer", Classpaths.streamsApp(toolsClasspath), jvm,
                    "io.tracerstreams.cli.TracerAppCli", List.of("run", "--config", properties.toString()),
                    dir.resolve("logs/tracer.log"));
            tracer.start();
            tracer.await(RUNNING, START_TIMEOUT);
            log("tracer process %d running; planting %,d bad records among valid traffic", tracer.pid(), options.bad);
            verdict = fuzz(options, config, tracer);
            return verdict;
        } finally {
            if (tracer != null) {
                tracer.terminate(Duration.ofSeconds(30));
            }
            broker.terminate(Duration.ofSeconds(30));
            if (verdict != null && verdict.passed() && options.workDir == null) {
                FileUtils.deleteQuietly(dir.toFile());
            } else {
                System.err.println("fuzz: logs, broker data and the state directory kept in " + dir);
            }
        }
    }

    private static FuzzVerdict fuzz(final FuzzOptions options, final TracerConfig config, final ChildProcess tracer)
            throws InterruptedException {
        try (FuzzCorpus corpus = new FuzzCorpus(config, options.seed)) {
            for (int i = 0; i < 200; i++) {
                corpus.valid(); // something to duplicate, and the three tasks admitted
            }
            corpus.bad(Bad.LABEL_FLOOD); // the flood's task admitted before any task beyond the cap
            final Bad[] kinds = Bad.values();
            int huge = 0;
            for (int i = 0; i < options.bad; i++) {
                Bad kind = kinds[corpus.random().nextInt(kinds.length)];
                if (kind == Bad.HUGE_INPUT && huge++ >= options.huge) {
                    kind = Bad.RANDOM_BYTES;
                }
                corpus.bad(kind);
                if (corpus.random().nextInt(2) == 0) {
                    corpus.valid();
                }
                while (corpus.validCount() - corpus.decidedValid() > IN_FLIGHT && tracer.isAlive()) {
                    Thread.sleep(20);
                }
                if ((i + 1) % 2_000 == 0) {
                    log("%,d bad records sent; %,d of %,d valid requests decided", i + 1, corpus.decidedValid(), corpus.validCount());
                }
            }
            corpus.flush();
            log("corpus sent; waiting (up to %d s) for every decision, trace and dead letter", options.drainSeconds);
            final long deadline = System.nanoTime() + Duration.ofSeconds(options.drainSeconds).toNanos();
            OutputReader.Outputs outputs = null;
            while (System.nanoTime() < deadline && tracer.isAlive()) {
                if (corpus.allDecided()) {
                    corpus.flush();
                    outputs = OutputReader.readAll(config, Duration.ofMinutes(2));
                    final FuzzCorpus.Expected e = corpus.expected();
                    final Set<ChaosVerifier.Position> dead = new HashSet<>();
                    outputs.deadLetters().forEach(d -> dead.add(d.source()));
                    final long learned = outputs.learnedPerTask().values().stream().mapToLong(Long::longValue).sum();
                    if (dead.containsAll(e.planted().keySet()) && learned >= e.validResponses() + e.floodLearned()) {
                        break;
                    }
                }
                Thread.sleep(2_000);
            }
            Thread.sleep(2_500); // two stats intervals: the last stats follow everything learned
            outputs = OutputReader.readAll(config, Duration.ofMinutes(2));
            return FuzzVerdict.verify(corpus.expected(), outputs.decisionIds(), outputs.deadLetters(), outputs.learnedPerTask(),
                    tracer.countLines(ChaosBenchmark.THREAD_DIED), tracer.isAlive());
        }
    }

    private static void log(final String format, final Object... args) {
        final Object[] all = new Object[args.length + 1];
        all[0] = new java.util.Date();
        System.arraycopy(args, 0, all, 1, args.length);
        System.err.printf(Locale.ROOT, "fuzz %tT " + format + "%n", all);
    }
}
