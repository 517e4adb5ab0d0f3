/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.topology.TracerTopics;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code tracer bench soak}: months of traffic in minutes. A broker with its registry ({@code tracer broker}) and one
 * {@code tracer run} are separate OS processes; a {@link SoakDriver} publishes {@code --traces} requests over
 * {@code --tasks} tasks, never more than {@code --in-flight} undecided, and answers every deferred or audited one as the
 * LLM. Every {@code --every} decided traces it records, of the tracer process, the heap after a full GC (read over JMX),
 * the bytes of its state directory, the bytes of the changelog topics on the broker ({@code describeLogDirs}) and the
 * consumer lag of the application (records of its input and repartition topics not yet committed); then a
 * {@link SoakSeries} verdict per series. Event time is compressed ({@link SoakOptions}) so that the stores' retentions
 * expire inside the run. A benchmark: nothing in it is timed against a target.
 */
public final class SoakBenchmark {

    private static final Pattern BOOTSTRAP = Pattern.compile("bootstrap\\.servers=(\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("schema\\.registry\\.url=(\\S+)");
    private static final Pattern RUNNING = Pattern.compile("tracer: running");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STALL = Duration.ofMinutes(10);

    private SoakBenchmark() {
    }

    /** The outcome of a soak. */
    record Result(SoakOptions options, SoakSeries series, double seconds, long published, long decided, long duplicates,
                  long unexpected, long answered, long learned, long sendFailures, long threadDeaths) {

        boolean passed() {
            return decided == published && duplicates == 0 && unexpected == 0 && learned == answered && sendFailures == 0
                    && threadDeaths == 0;
        }

        String toJson() {
            final StringBuilder flat = new StringBuilder();
            for (final SoakSeries.Verdict v : series.verdicts(options.inFlight)) {
                flat.append(flat.length() == 0 ? "" : ",").append('"').append(v.series()).append("\":")
                        .append(v.flat() == null ? "null" : v.flat().toString());
            }
            final Boolean all = series.allFlat(options.inFlight);
            return String.format(Locale.ROOT, "{\"traces\":%d,\"tasks\":%d,\"featurizer\":\"%s\",\"seconds\":%.1f,"
                    + "\"decided\":%d,\"duplicates\":%d,\"unexpected\":%d,\"responses\":%d,\"learned\":%d,\"thread_deaths\":%d,"
                    + "\"warmup_checkpoints\":%d,\"tolerance\":%.2f,\"checkpoints\":%s,\"flat\":{%s},\"flat_after_warmup\":%s,"
                    + "\"passed\":%s}", published, options.tasks, options.featurizer, seconds, decided, duplicates, unexpected,
                    answered, learned, threadDeaths, options.warmup, options.tolerance, series.checkpointsJson(), flat,
                    all == null ? "null" : all.toString(), passed());
        }

        String summary() {
            final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "soak: %,d traces over %d tasks (%s featurizer) "
                    + "in %.1f s%n", published, options.tasks, options.featurizer, seconds));
            b.append(series.table());
            for (final SoakSeries.Verdict v : series.verdicts(options.inFlight)) {
                b.append(String.format(Locale.ROOT, "  %-16s %s", v.series(), v.word()));
                if (v.flat() != null) {
                    b.append(String.format(Locale.ROOT, " (first after %d warm-up checkpoints %,d, last %,d, allowed %,d)",
                            options.warmup, v.firstAfterWarmup(), v.last(), v.allowed()));
                }
                b.append('\n');
            }
            b.append(String.format(Locale.ROOT, "  decided %,d of %,d (duplicates %d, unexpected %d); responses %,d, learned %,d; "
                    + "stream thread deaths %d: %s", decided, published, duplicates, unexpected, answered, learned, threadDeaths,
                    passed() ? "PASSED" : "FAILED"));
            return b.toString();
        }
    }

    /** {@code tracer bench soak ARGS}. */
    public static void run(final String[] args) {
        final SoakOptions options = SoakOptions.parse(args);
        if (options == null) {
            return;
        }
        final Result result;
        try {
            result = execute(options);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        System.out.println(options.json ? result.toJson() : result.summary());
        if (!result.passed()) {
            throw new IllegalStateException("soak: not every request was decided once and every response learned once");
        }
    }

    static Result execute(final SoakOptions options) throws InterruptedException {
        options.validate();
        final Path dir;
        try {
            dir = options.workDir != null ? Files.createDirectories(options.workDir) : Files.createTempDirectory("tracer-soak-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
        final String toolsClasspath = System.getProperty("java.class.path");
        final String appClasspath = Classpaths.streamsApp(toolsClasspath);
        final ChildProcess broker = new ChildProcess("broker", toolsClasspath, List.of("-Xmx768m", "-XX:+UseSerialGC"),
                "io.tracerstreams.tools.TracerCli", List.of("broker", "--port", "0", "--registry-port", "0", "--data",
                dir.resolve("broker").toString()), dir.resolve("logs/broker.log"));
        ChildProcess tracer = null;
        Result result = null;
        try {
            broker.start();
            final String bootstrap = broker.await(BOOTSTRAP, START_TIMEOUT);
            final String registry = broker.await(REGISTRY, START_TIMEOUT);
            log("work directory %s; broker process %d: %s, registry %s", dir, broker.pid(), bootstrap, registry);
            final Path stateDir = dir.resolve("state");
            final Map<String, String> settings = settings(options, bootstrap, registry, stateDir);
            final Path properties = dir.resolve("tracer.properties");
            ChaosBenchmark.writeProperties(properties, settings);
            final TracerConfig config = new TracerConfig(settings);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TracerTopics.ensure(admin, config);
            }
            final int jmxPort = ChaosBenchmark.freePort();
            final List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.heap));
            jvm.addAll(ChildProcess.TRACER_JVM_OPTIONS);
            jvm.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort,
                    "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                    "-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false"));
            tracer = new ChildProcess("tracer", appClasspath, jvm,
                    "io.tracerstreams.cli.TracerAppCli", List.of("run", "--config", properties.toString()),
                    dir.resolve("logs/tracer.log"));
            tracer.start();
            tracer.await(RUNNING, START_TIMEOUT);
            log("tracer process %d running; %,d traces over %d tasks, checkpoints every %,d", tracer.pid(), options.traces,
                    options.tasks, options.every);
            result = soak(options, config, tracer, jmxPort, stateDir);
            return result;
        } finally {
            if (tracer != null) {
                tracer.terminate(Duration.ofSeconds(30));
            }
            broker.terminate(Duration.ofSeconds(30));
            if (result != null && result.passed() && options.workDir == null) {
                FileUtils.deleteQuietly(dir.toFile());
            } else {
                System.err.println("soak: logs, broker data and the state directory kept in " + dir);
            }
        }
    }

    private static Result soak(final SoakOptions options, final TracerConfig config, final ChildProcess tracer, final int jmxPort,
                               final Path stateDir) throws InterruptedException {
        final List<String> tasks = new ArrayList<>();
        for (int i = 0; i < options.tasks; i++) {
            tasks.add("soak-task-" + i);
        }
        final SoakSeries series = new SoakSeries(options.warmup, options.tolerance);
        // event time ends an hour before now: the broker refuses timestamps more than an hour ahead
        final long startMs = System.currentTimeMillis() - 3_600_000L - options.traces * options.msPerTrace;
        final JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (final java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try (JMXConnector jmx = JMXConnectorFactory.connect(url);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
             SoakDriver driver = new SoakDriver(config, tasks, options.traces, options.seed, startMs, options.msPerTrace)) {
            final MBeanServerConnection connection = jmx.getMBeanServerConnection();
            final MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(connection,
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            final long t0 = System.nanoTime();
            long nextCheckpoint = Math.min(options.every, options.traces);
            long lastDecided = -1;
            long lastProgress = System.nanoTime();
            while (true) {
                final long decided = driver.decidedCount();
                if (driver.published() < options.traces && driver.published() - decided < options.inFlight) {
                    driver.send((int) Math.min(500, options.inFlight - (driver.published() - decided)));
                } else {
                    Thread.sleep(5);
                }
                if (decided >= nextCheckpoint) {
                    final SoakSeries.Checkpoint c = new SoakSeries.Checkpoint(decided, (System.nanoTime() - t0) / 1e9,
                            heapAfterGc(memory), directoryBytes(stateDir), changelogBytes(admin),
                            ChaosBenchmark.lag(config.bootstrapServers(), config.applicationId()));
                    series.add(c);
                    log("checkpoint %,d traces, %.0f s: heap after GC %.1f MiB, state %.1f MiB, changelog %.1f MiB, lag %,d",
                            c.traces(), c.seconds(), SoakSeries.mib(c.heapAfterGcBytes()), SoakSeries.mib(c.stateBytes()),
                            SoakSeries.mib(c.changelogBytes()), c.lag());
                    nextCheckpoint = nextCheckpoint >= options.traces ? Long.MAX_VALUE
                            : Math.min(nextCheckpoint + options.every, options.traces);
                }
                if (decided != lastDecided) {
                    lastDecided = decided;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    log("no decision for %s; stopping (%,d of %,d decided)", STALL, decided, driver.published());
                    break;
                } else if (!tracer.isAlive()) {
                    log("the tracer process ended: %s", tracer.tail());
                    break;
                }
                if (decided >= options.traces) {
                    break;
                }
            }
            final double seconds = (System.nanoTime() - t0) / 1e9;
            driver.flush();
            // every response learned: the stats follow within a stats interval or two
            final long learnDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (driver.learned() < driver.answered() && System.nanoTime() < learnDeadline) {
                Thread.sleep(500);
            }
            Thread.sleep(2 * config.statsIntervalMs() + 500);
            return new Result(options, series, seconds, driver.published(), driver.decidedCount(), driver.duplicates(),
                    driver.unexpected(), driver.answered(), driver.learned(), driver.sendFailures(),
                    tracer.countLines(ChaosBenchmark.THREAD_DIED));
        } catch (final IOException e) {
            throw new UncheckedIOException("JMX connection to the tracer process failed", e);
        }
    }

    private static Map<String, String> settings(final SoakOptions options, final String bootstrap, final String registry,
                                                final Path stateDir) {
        final Map<String, String> s = new LinkedHashMap<>();
        s.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        s.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
        s.put(TracerConfig.APPLICATION_ID_CONFIG, "tracer-soak");
        s.put(TracerConfig.EMBEDDING_MODEL_CONFIG, options.featurizer);
        s.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
        if (options.learners != null) {
            s.put(TracerConfig.LEARNERS_CONFIG, options.learners);
        }
        s.put(TracerConfig.KAFKA_PREFIX + "topic.segment.bytes", Integer.toString(options.segmentBytes));
        s.put(TracerConfig.KAFKA_PREFIX + "topic.delete.retention.ms", Long.toString(options.tombstoneMs));
        return s;
    }

    /** Heap in use right after a full GC of the remote JVM. */
    private static long heapAfterGc(final MemoryMXBean memory) {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long directoryBytes(final Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (final IOException e) {
                    return 0L; // deleted meanwhile (RocksDB compaction)
                }
            }).sum();
        } catch (final IOException | UncheckedIOException e) {
            return directoryBytes(dir); // a file vanished during the walk: once more
        }
    }

    /** Bytes of every changelog topic's partitions on the broker's log directories. */
    private static long changelogBytes(final Admin admin) {
        try {
            final List<Integer> ids = new ArrayList<>();
            for (final Node n : admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)) {
                ids.add(n.id());
            }
            long bytes = 0;
            for (final Map<String, LogDirDescription> dirs : admin.describeLogDirs(ids).allDescriptions().get(30, TimeUnit.SECONDS)
                    .values()) {
                for (final LogDirDescription d : dirs.values()) {
                    for (final var e : d.replicaInfos().entrySet()) {
                        if (e.getKey().topic().endsWith("-changelog")) {
                            bytes += e.getValue().size();
                        }
                    }
                }
            }
            return bytes;
        } catch (final Exception e) {
            log("changelog bytes unknown: %s", e);
            return -1;
        }
    }

    private static void log(final String format, final Object... args) {
        final Object[] all = new Object[args.length + 1];
        all[0] = new java.util.Date();
        System.arraycopy(args, 0, all, 1, args.length);
        System.err.printf(Locale.ROOT, "soak %tT " + format + "%n", all);
    }
}
