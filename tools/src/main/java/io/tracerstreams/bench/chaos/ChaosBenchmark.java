/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.topology.TracerTopics;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code tracer bench chaos}: the fault suite, modelled on Apache Kafka's {@code streams_eos_test.py} with its
 * {@code EosTestDriver} and {@code EosTestClient}. The broker and the registry ({@code tracer broker}) and every
 * {@code tracer run} instance are separate OS processes, so that a SIGKILL is real; a {@link ChaosDriver} publishes
 * requests and planted bad records and plays the LLM; faults are injected on a seeded schedule; when the driver has
 * stopped and everything it published is decided, learned or dead-lettered (or {@code --drain-seconds} passed), the
 * {@link ChaosVerifier} checks every output topic, read with read_committed.
 *
 * <ul>
 *   <li>{@code kill}: 2 instances; every 10-20 s one of them (drawn at random) gets SIGKILL and is restarted on its
 *       state directory.</li>
 *   <li>{@code rebalance}: 1 instance, then 3, then 1 (stopped with SIGTERM), standby replicas on
 *       ({@code num.standby.replicas=1}), and one instance restarted on a wiped state directory.</li>
 * </ul>
 */
public final class ChaosBenchmark {

    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap\\.servers=(\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("schema\\.registry\\.url=(\\S+)");
    private static final Pattern RUNNING = Pattern.compile("tracer: running");
    /** What TracerApp logs when its uncaught-exception handler replaces a dead stream thread. */
    static final String THREAD_DIED = "a stream thread died";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final ChaosOptions options;
    private final Path workDir;
    private final Random random;
    private final List<ChildProcess> instances = new ArrayList<>();
    private final List<ChildProcess> everyInstance = new ArrayList<>();
    private ChildProcess broker;
    private Path properties;
    private int faults;

    private ChaosBenchmark(final ChaosOptions options, final Path workDir) {
        this.options = options;
        this.workDir = workDir;
        this.random = new Random(options.seed ^ 0x5DEECE66DL);
    }

    /** {@code tracer bench chaos ARGS}: runs, prints the verdict, and fails (exit status 1) when it did not pass. */
    public static void run(final String[] args) {
        final ChaosOptions options = ChaosOptions.parse(args);
        if (options == null) {
            return;
        }
        final ChaosVerdict verdict = execute(options);
        if (options.json) {
            System.out.println(verdict.toJson());
        } else {
            System.out.println(summary(verdict));
        }
        if (!verdict.passed()) {
            throw new IllegalStateException("chaos " + verdict.scenario() + ": verification failed: " + verdict.problems());
        }
    }

    /** Runs a scenario and returns the verifier's verdict (the integration test calls this). */
    public static ChaosVerdict execute(final ChaosOptions options) {
        options.validate();
        final Path dir;
        try {
            dir = options.workDir != null ? Files.createDirectories(options.workDir) : Files.createTempDirectory("tracer-chaos-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
        final ChaosBenchmark bench = new ChaosBenchmark(options, dir);
        ChaosVerdict verdict = null;
        try {
            verdict = bench.go();
            return verdict;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            bench.stopAll();
            if (verdict != null && verdict.passed() && options.workDir == null) {
                FileUtils.deleteQuietly(dir.toFile());
            } else {
                System.err.println("chaos: logs, broker data and state directories kept in " + dir);
            }
        }
    }

    static String summary(final ChaosVerdict v) {
        return String.format(Locale.ROOT, "chaos %s (%s): %s%n  faults injected %d; requests %d, decided once %d, missing %d, "
                        + "duplicates %d, unexpected %d; responses %d, learned %d; planted dead letters found %d, unexpected "
                        + "dead letters %d%s",
                v.scenario(), v.guarantee(), v.passed() ? "PASSED" : "FAILED", v.faults(), v.requests(), v.decidedOnce(),
                v.missing(), v.duplicates(), v.unexpected(), v.responses(), v.learned(), v.deadLettersExpected(),
                v.deadLettersUnexpected(), v.problems().isEmpty() ? "" : "\n  problems: " + String.join("; ", v.problems()));
    }

    private ChaosVerdict go() throws InterruptedException {
        final String toolsClasspath = System.getProperty("java.class.path");
        final String appClasspath = Classpaths.streamsApp(toolsClasspath);
        log("work directory %s; instances on %s", workDir,
                appClasspath.equals(toolsClasspath) ? "this JVM's classpath" : "the streams-app classpath");
        broker = new ChildProcess("broker", toolsClasspath, List.of("-Xmx768m", "-XX:+UseSerialGC"),
                "io.tracerstreams.tools.TracerCli", List.of("broker", "--port", "0", "--registry-port", "0", "--data",
                workDir.resolve("broker").toString()), workDir.resolve("logs/broker.log"));
        broker.start();
        final String bootstrap = broker.await(BOOTSTRAP, START_TIMEOUT);
        final String registry = broker.await(REGISTRY, START_TIMEOUT);
        log("broker process %d: %s, registry %s", broker.pid(), bootstrap, registry);

        final Map<String, String> settings = settings(bootstrap, registry);
        properties = workDir.resolve("tracer.properties");
        writeProperties(properties, settings);
        final TracerConfig config = new TracerConfig(settings);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TracerTopics.ensure(admin, config);
        }
        final int initial = options.scenario == ChaosOptions.Scenario.kill ? 2 : 1;
        for (int i = 0; i < initial; i++) {
            addInstance(appClasspath);
        }
        for (final ChildProcess p : instances) {
            p.await(RUNNING, START_TIMEOUT);
        }
        log("%d instances running", instances.size());

        final List<String> tasks = new ArrayList<>();
        for (int i = 0; i < options.tasks; i++) {
            tasks.add("chaos-task-" + i);
        }
        final ChaosVerifier.Published published;
        final OutputReader.Outputs outputs;
        try (ChaosDriver driver = new ChaosDriver(config, tasks, options.seed, options.badEvery)) {
            stream(driver, appClasspath);
            log("driver stopped after %d requests; draining (up to %d s)", driver.requests(), options.drainSeconds);
            final long deadline = System.nanoTime() + Duration.ofSeconds(options.drainSeconds).toNanos();
            if (!driver.awaitDecided(Duration.ofSeconds(options.drainSeconds))) {
                log("not every request was decided within %d s (%d of %d)", options.drainSeconds, driver.decided(), driver.requests());
            }
            published = driver.published();
            outputs = drain(config, published, driver.acceptedPerTask(), deadline);
            if (driver.sendFailures() > 0) {
                log("%d records could not be produced (not counted as published)", driver.sendFailures());
            }
        }
        int deaths = 0;
        for (final ChildProcess p : everyInstance) {
            deaths += (int) p.countLines(THREAD_DIED);
        }
        return ChaosVerifier.verify(options.scenario.name(), options.guarantee, faults, published,
                new ChaosVerifier.ReadBack(outputs.decisionIds(), outputs.deadLetters(), outputs.learnedPerTask(),
                        outputs.lastGateEvent(), outputs.lastGateState(), deaths));
    }

    /** Streams requests for --seconds while the scenario's faults are injected. */
    private void stream(final ChaosDriver driver, final String appClasspath) throws InterruptedException {
        final long start = System.nanoTime();
        final long end = start + Duration.ofSeconds(options.seconds).toNanos();
        final double perTick = options.rate / 10.0;
        double owed = 0;
        long nextFault = start + nextKillDelayNanos();
        int step = 0;
        while (System.nanoTime() < end) {
            owed += perTick;
            final int n = (int) owed;
            owed -= n;
            driver.send(n);
            final long now = System.nanoTime();
            if (faults < options.maxFaults) {
                if (options.scenario == ChaosOptions.Scenario.kill && now >= nextFault) {
                    final ChildProcess victim = instances.get(random.nextInt(instances.size()));
                    victim.kill();
                    faults++;
                    log("SIGKILL %s (fault %d, %d requests so far); restarting it on its state directory", victim.name(), faults,
                            driver.requests());
                    victim.start();
                    nextFault = now + nextKillDelayNanos();
                } else if (options.scenario == ChaosOptions.Scenario.rebalance) {
                    final double progress = (double) (now - start) / (end - start);
                    step = rebalanceStep(step, progress, appClasspath, driver);
                }
            }
            Thread.sleep(100);
        }
    }

    /** rebalance: at 15% and 25% of the run add instances 2 and 3; at 45% wipe and restart one; at 65% and 80% stop two. */
    private int rebalanceStep(final int step, final double progress, final String appClasspath, final ChaosDriver driver)
            throws InterruptedException {
        final double[] at = {0.15, 0.25, 0.45, 0.65, 0.80};
        if (step >= at.length || progress < at[step]) {
            return step;
        }
        switch (step) {
            case 0, 1 -> {
                final ChildProcess p = addInstance(appClasspath);
                log("scale out: started %s (%d instances, %d requests so far)", p.name(), instances.size(), driver.requests());
            }
            case 2 -> {
                final ChildProcess p = instances.get(0);
                final boolean clean = p.terminate(Duration.ofSeconds(60));
                FileUtils.deleteQuietly(stateDir(p).toFile());
                log("SIGTERM %s (%s), wiped its state directory, restarting it", p.name(), clean ? "clean exit" : "killed after 60 s");
                p.start();
            }
            default -> {
                final ChildProcess p = instances.remove(instances.size() - 1);
                final boolean clean = p.terminate(Duration.ofSeconds(60));
                log("scale in: SIGTERM %s (%s; %d instances left)", p.name(), clean ? "clean exit" : "killed after 60 s",
                        instances.size());
            }
        }
        faults++;
        return step + 1;
    }

    private long nextKillDelayNanos() {
        final int spread = options.killMaxSeconds - options.killMinSeconds;
        return Duration.ofMillis(1_000L * options.killMinSeconds + (spread == 0 ? 0 : random.nextInt(spread * 1_000))).toNanos();
    }

    /**
     * Waits until every accepted response is counted in the tasks' stats and every planted record is in the DLQ, or
     * the deadline; then reads everything once more, two stats intervals later.
     */
    private OutputReader.Outputs drain(final TracerConfig config, final ChaosVerifier.Published published,
                                       final Map<String, Long> accepted, final long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            final OutputReader.Outputs o = OutputReader.readAll(config, Duration.ofMinutes(2));
            final Map<String, Long> learned = o.learnedPerTask();
            final boolean allLearned = accepted.entrySet().stream()
                    .allMatch(e -> learned.getOrDefault(e.getKey(), 0L) >= e.getValue());
            final Set<ChaosVerifier.Position> dead = new java.util.HashSet<>();
            o.deadLetters().forEach(d -> dead.add(d.source()));
            if (allLearned && dead.containsAll(published.planted())) {
                break;
            }
            Thread.sleep(2_000);
        }
        Thread.sleep(2_500); // two stats intervals: the last stats of each task follow everything learned
        return OutputReader.readAll(config, Duration.ofMinutes(2));
    }

    private ChildProcess addInstance(final String classpath) {
        final int index = everyInstance.size();
        final String name = "instance-" + index;
        final ChildProcess p = new ChildProcess(name, classpath, List.of("-Xmx512m", "-XX:+UseSerialGC"),
                "io.tracerstreams.cli.TracerAppCli", List.of("run", "--config", properties.toString(), "--set",
                TracerConfig.STATE_DIR_CONFIG + "=" + workDir.resolve("state").resolve(name)),
                workDir.resolve("logs").resolve(name + ".log"));
        instances.add(p);
        everyInstance.add(p);
        p.start();
        return p;
    }

    private Path stateDir(final ChildProcess p) {
        return workDir.resolve("state").resolve(p.name());
    }

    private Map<String, String> settings(final String bootstrap, final String registry) {
        final Map<String, String> s = new LinkedHashMap<>();
        s.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        s.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
        s.put(TracerConfig.APPLICATION_ID_CONFIG, "tracer-chaos");
        s.put(TracerConfig.PROCESSING_GUARANTEE_CONFIG, options.guarantee);
        s.put(TracerConfig.EMBEDDING_MODEL_CONFIG, "hashing");
        s.put(TracerConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(options.partitions));
        s.put(TracerConfig.LEARNERS_CONFIG, options.learners);
        s.put(TracerConfig.SNAPSHOT_INTERVAL_CONFIG, Integer.toString(options.snapshotInterval));
        s.put(TracerConfig.STATS_INTERVAL_MS_CONFIG, "1000");
        s.put(TracerConfig.STATE_DIR_CONFIG, workDir.resolve("state").toString());
        // a SIGKILLed member is noticed after the session timeout (6 s is the broker's minimum), not Kafka's 45 s
        s.put(TracerConfig.KAFKA_PREFIX + "session.timeout.ms", "6000");
        s.put(TracerConfig.KAFKA_PREFIX + "heartbeat.interval.ms", "1500");
        if (options.scenario == ChaosOptions.Scenario.rebalance) {
            s.put(TracerConfig.KAFKA_PREFIX + "num.standby.replicas", "1");
        }
        return s;
    }

    private static void writeProperties(final Path file, final Map<String, String> settings) {
        final Properties p = new Properties();
        p.putAll(settings);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "tracer bench chaos");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void stopAll() {
        try {
            for (final ChildProcess p : everyInstance) {
                p.terminate(Duration.ofSeconds(30));
            }
            if (broker != null) {
                broker.terminate(Duration.ofSeconds(30));
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(final String format, final Object... args) {
        System.err.printf(Locale.ROOT, "chaos %tT " + format + "%n", prepend(new java.util.Date(), args));
    }

    private static Object[] prepend(final Object first, final Object[] rest) {
        final Object[] out = new Object[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
