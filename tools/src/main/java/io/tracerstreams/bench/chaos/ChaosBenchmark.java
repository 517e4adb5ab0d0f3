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
    private ChildProcess registryProcess;
    private final List<ChildProcess> nodes = new ArrayList<>();
    private Admin clusterAdmin;
    private volatile Thread restarting;
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
        final String bootstrap;
        String registryUrl = null;
        if (bouncing()) {
            bootstrap = startCluster(toolsClasspath);
        } else {
            broker = new ChildProcess("broker", toolsClasspath, List.of("-Xmx768m", "-XX:+UseSerialGC"),
                    "io.tracerstreams.tools.TracerCli", List.of("broker", "--port", "0", "--registry-port", "0", "--data",
                    workDir.resolve("broker").toString()), workDir.resolve("logs/broker.log"));
            broker.start();
            bootstrap = broker.await(BOOTSTRAP, START_TIMEOUT);
            registryUrl = broker.await(REGISTRY, START_TIMEOUT);
            log("broker process %d: %s, registry %s", broker.pid(), bootstrap, registryUrl);
        }
        if (ChaosOptions.REGISTRY_OUTAGE.equals(options.scenario) || bouncing()) {
            // a registry of its own, on a port kept across its restart, with its schemas on disk
            final int port = freePort();
            registryProcess = new ChildProcess("registry", toolsClasspath, List.of("-Xmx256m", "-XX:+UseSerialGC"),
                    "io.tracerstreams.broker.RegistryServer", List.of("--port", Integer.toString(port), "--data",
                    workDir.resolve("registry").toString()), workDir.resolve("logs/registry.log"));
            registryProcess.start();
            registryUrl = registryProcess.await(REGISTRY, START_TIMEOUT);
            log("registry process %d: %s", registryProcess.pid(), registryUrl);
        }
        final Map<String, String> settings = settings(bootstrap, registryUrl);
        properties = workDir.resolve("tracer.properties");
        writeProperties(properties, settings);
        final TracerConfig config = new TracerConfig(settings);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TracerTopics.ensure(admin, config);
        }
        final int initial = ChaosOptions.REBALANCE.equals(options.scenario) ? 1 : 2;
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
            final Thread pending = restarting;
            if (pending != null) {
                pending.join(START_TIMEOUT.toMillis());
            }
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
        final long lag = lag(bootstrap, settings.get(TracerConfig.APPLICATION_ID_CONFIG));
        log("consumer lag of %s when verifying: %s", settings.get(TracerConfig.APPLICATION_ID_CONFIG),
                lag < 0 ? "unknown" : lag + " records" + (lag > 0 ? " (the application had not caught up: what is missing "
                        + "may still be unprocessed input, not lost; --drain-seconds waits longer)" : ""));
        int deaths = 0;
        for (final ChildProcess p : everyInstance) {
            deaths += (int) p.countLines(THREAD_DIED);
        }
        return ChaosVerifier.verify(options.scenario, options.guarantee, faults, published,
                new ChaosVerifier.ReadBack(outputs.decisionIds(), outputs.deadLetters(), outputs.learnedPerTask(),
                        outputs.lastGateEvent(), outputs.lastGateState(), deaths));
    }

    /** Streams requests for --seconds while the scenario's faults are injected. */
    private void stream(final ChaosDriver driver, final String appClasspath) throws InterruptedException {
        final long start = System.nanoTime();
        final long end = start + Duration.ofSeconds(options.seconds).toNanos();
        long sent = 0;
        long nextFault = start + nextKillDelayNanos();
        int step = 0;
        while (System.nanoTime() < end) {
            // paced by the clock, not by the loop: a slow send or a kill does not lower the rate, it is caught up
            final long due = (long) (options.rate * (System.nanoTime() - start) / 1e9);
            driver.send((int) (due - sent));
            sent = due;
            final long now = System.nanoTime();
            if (faults < options.maxFaults) {
                if (ChaosOptions.KILL.equals(options.scenario) && now >= nextFault) {
                    final ChildProcess victim = instances.get(random.nextInt(instances.size()));
                    victim.kill();
                    faults++;
                    log("SIGKILL %s (fault %d, %d requests so far); restarting it on its state directory", victim.name(), faults,
                            driver.requests());
                    victim.start();
                    nextFault = now + nextKillDelayNanos();
                } else if (ChaosOptions.REBALANCE.equals(options.scenario)) {
                    final double progress = (double) (now - start) / (end - start);
                    step = rebalanceStep(step, progress, appClasspath, driver);
                } else if (ChaosOptions.REGISTRY_OUTAGE.equals(options.scenario)) {
                    step = outageStep(step, (now - start) / 1_000_000_000L, driver);
                } else if (bouncing() && now >= nextFault && (restarting == null || !restarting.isAlive())) {
                    bounce(driver); // the next one only when the last node is back
                    nextFault = System.nanoTime() + nextKillDelayNanos();
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

    /**
     * registry-outage: at 20 s the registry process is stopped (SIGKILL); 5 s later an instance is SIGKILLed and
     * restarted (a fresh JVM knows no schema id yet, so it needs the registry); at 50 s the registry is restarted on
     * its port and its data.
     */
    private int outageStep(final int step, final long elapsedSeconds, final ChaosDriver driver) throws InterruptedException {
        final long[] at = {20, 25, 50};
        if (step >= at.length || elapsedSeconds < at[step]) {
            return step;
        }
        switch (step) {
            case 0 -> {
                registryProcess.kill();
                log("registry down (SIGKILL; %d requests so far)", driver.requests());
            }
            case 1 -> {
                final ChildProcess victim = instances.get(1);
                victim.kill();
                log("SIGKILL %s while the registry is down; restarting it", victim.name());
                victim.start();
            }
            default -> {
                registryProcess.start();
                registryProcess.await(REGISTRY, START_TIMEOUT);
                log("registry up again after %d s", at[2] - at[0]);
            }
        }
        if (step < 2) {
            faults++;
        }
        return step + 1;
    }

    private boolean bouncing() {
        return ChaosOptions.BROKER_BOUNCE.equals(options.scenario);
    }

    /** broker-bounce: three KRaft nodes as processes, fixed ports (kept across restarts), one static voter set. */
    private String startCluster(final String classpath) throws InterruptedException {
        final int[] ports = new int[3];
        final int[] controllerPorts = new int[3];
        final StringBuilder voters = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            ports[i] = freePort();
            controllerPorts[i] = freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@localhost:").append(controllerPorts[i]);
        }
        final String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        final StringBuilder bootstrap = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            final ChildProcess n = new ChildProcess("node-" + (i + 1), classpath, List.of("-Xmx512m", "-XX:+UseSerialGC"),
                    ClusterNode.class.getName(), List.of(Integer.toString(i + 1), Integer.toString(ports[i]),
                    Integer.toString(controllerPorts[i]), voters.toString(), clusterId, workDir.resolve("kafka-" + (i + 1)).toString()),
                    workDir.resolve("logs/node-" + (i + 1) + ".log"));
            nodes.add(n);
            n.start();
            bootstrap.append(i == 0 ? "" : ",").append("localhost:").append(ports[i]);
        }
        for (final ChildProcess n : nodes) {
            n.await(Pattern.compile("node \\d+ ready"), START_TIMEOUT);
        }
        clusterAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.toString(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (clusterAdmin.describeCluster().nodes().get().size() == 3) {
                    break;
                }
            } catch (final java.util.concurrent.ExecutionException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the 3-node cluster did not form within " + START_TIMEOUT);
            }
            Thread.sleep(500);
        }
        log("3-node KRaft cluster up: %s", bootstrap);
        return bootstrap.toString();
    }

    /**
     * broker-bounce: SIGKILL of the leader of the busiest partition (odd faults) or of the active controller (even
     * faults), 5 s down, then a restart on its log directory (its ports kept), on a thread of its own; the next
     * bounce waits until the node is back.
     */
    private void bounce(final ChaosDriver driver) throws InterruptedException {
        final boolean controller = faults % 2 == 1;
        int victimId;
        String what;
        try {
            if (controller) {
                victimId = clusterAdmin.describeMetadataQuorum().quorumInfo().get().leaderId();
                what = "the active controller";
            } else {
                final List<String> topics = List.of("llm.requests", "llm.responses", "tracer.decisions", "tracer.dlq");
                final var descriptions = clusterAdmin.describeTopics(topics).allTopicNames().get();
                final Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new LinkedHashMap<>();
                final Map<org.apache.kafka.common.TopicPartition, Integer> leaders = new LinkedHashMap<>();
                descriptions.forEach((t, d) -> d.partitions().forEach(pi -> {
                    final var tp = new org.apache.kafka.common.TopicPartition(t, pi.partition());
                    specs.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
                    leaders.put(tp, pi.leader() == null ? -1 : pi.leader().id());
                }));
                final var ends = clusterAdmin.listOffsets(specs).all().get();
                final var busiest = ends.entrySet().stream().max(java.util.Comparator.comparingLong(e -> e.getValue().offset()))
                        .orElseThrow().getKey();
                victimId = leaders.get(busiest);
                what = "the leader of the busiest partition " + busiest + " (" + ends.get(busiest).offset() + " records)";
            }
        } catch (final java.util.concurrent.ExecutionException e) {
            log("cannot find a node to bounce (%s); skipping this fault", e.getCause());
            return;
        }
        if (victimId < 1 || victimId > nodes.size()) {
            log("no leader to bounce (%d); skipping this fault", victimId);
            return;
        }
        final ChildProcess victim = nodes.get(victimId - 1);
        victim.kill();
        faults++;
        log("SIGKILL %s, %s (fault %d, %d requests so far)", victim.name(), what, faults, driver.requests());
        // restarted on a thread of its own: the driver keeps streaming while the node is down and recovering
        restarting = new Thread(() -> {
            try {
                Thread.sleep(5_000);
                victim.start();
                victim.await(Pattern.compile("node \\d+ ready"), START_TIMEOUT);
                log("%s restarted", victim.name());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (final RuntimeException e) {
                log("%s did not restart: %s", victim.name(), e.getMessage());
            }
        }, "chaos-restart-" + victim.name());
        restarting.setDaemon(true);
        restarting.start();
    }

    /** Records of the input and repartition topics the application group has not committed yet; -1 if unknown. */
    static long lag(final String bootstrap, final String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            final var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, java.util.concurrent.TimeUnit.SECONDS);
            final Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new LinkedHashMap<>();
            committed.keySet().forEach(tp -> specs.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            final var ends = admin.listOffsets(specs).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            long lag = 0;
            for (final var e : committed.entrySet()) {
                final long at = e.getValue() == null ? 0 : e.getValue().offset();
                // the end offset counts transaction markers too: under exactly-once a caught-up group lags by those
                lag += Math.max(0, ends.get(e.getKey()).offset() - at - 1);
            }
            return lag;
        } catch (final Exception e) {
            return -1;
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
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
        if (ChaosOptions.REBALANCE.equals(options.scenario)) {
            s.put(TracerConfig.KAFKA_PREFIX + "num.standby.replicas", "1");
        }
        if (bouncing()) {
            s.put(TracerConfig.TOPICS_REPLICATION_FACTOR_CONFIG, "3");
        }
        return s;
    }

    static void writeProperties(final Path file, final Map<String, String> settings) {
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
            if (registryProcess != null) {
                registryProcess.terminate(Duration.ofSeconds(30));
            }
            if (broker != null) {
                broker.terminate(Duration.ofSeconds(30));
            }
            if (clusterAdmin != null) {
                clusterAdmin.close(Duration.ofSeconds(2));
            }
            for (final ChildProcess n : nodes) {
                n.terminate(Duration.ofSeconds(30));
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
