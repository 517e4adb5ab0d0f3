/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.broker;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM: Apache
 * Kafka's own {@link KafkaRaftServer} from {@code org.apache.kafka:kafka_2.13}, not a fake. Used by the demo,
 * the integration tests and the benchmarks.
 *
 * <p>It listens on free ports of the loopback interface, keeps its log in a fresh temporary directory (or a
 * given one, kept on close), and sets every internal topic (consumer offsets, transaction state, share-group
 * state) to replication factor 1 so exactly-once transactions work on one node. {@link #start()} returns when
 * the broker answers {@code describeCluster}.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(3, "llm.requests", "llm.responses");
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path logDir;
    private final boolean ownsLogDir;
    private final String bootstrapServers;
    private final KafkaRaftServer server;
    private final Admin admin;
    private volatile boolean closed;

    private EmbeddedKafka(final Path logDir, final boolean ownsLogDir, final Map<String, String> extraProperties) {
        this(logDir, ownsLogDir, 0, extraProperties);
    }

    private EmbeddedKafka(final Path logDir, final boolean ownsLogDir, final int port, final Map<String, String> extraProperties) {
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        final int brokerPort = port > 0 ? port : freePort();
        // a kept log directory keeps its controller port: KRaft's voter set (formatted --standalone) records it
        final int controllerPort = previousControllerPort(logDir).orElseGet(EmbeddedKafka::freePort);
        this.bootstrapServers = "localhost:" + brokerPort;
        final Map<String, String> props = brokerProperties(logDir, brokerPort, controllerPort);
        props.putAll(extraProperties);
        format(logDir, props);
        final long started = System.nanoTime();
        this.server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        Admin created = null;
        try {
            server.startup();
            created = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
            awaitReady(created);
        } catch (final RuntimeException e) {
            if (created != null) {
                created.close(Duration.ofSeconds(1));
            }
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        this.admin = created;
        LOG.info("embedded Kafka broker ready at {} in {} ms (log dir {})", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
    }

    /** Starts a broker with a fresh temporary log directory, deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /** Starts a broker with extra broker properties (they win over the defaults, e.g. {@code num.partitions}). */
    public static EmbeddedKafka start(final Map<String, String> brokerProperties) {
        try {
            return new EmbeddedKafka(Files.createTempDirectory("tracer-kafka-"), true, brokerProperties);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a temporary log directory", e);
        }
    }

    /**
     * Starts a broker on a log directory that survives {@link #close()} (formatted on first use). Ports are new
     * on each start.
     */
    public static EmbeddedKafka startIn(final Path logDir, final Map<String, String> brokerProperties) {
        try {
            Files.createDirectories(logDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        return new EmbeddedKafka(logDir, false, brokerProperties);
    }

    /**
     * Starts a broker listening on a given port (0: a free one), on a log directory that survives {@link #close()}
     * (formatted on first use; its controller port is kept across restarts), or on a fresh temporary one when
     * {@code logDir} is null.
     */
    public static EmbeddedKafka start(final Path logDir, final int port, final Map<String, String> brokerProperties) {
        try {
            if (logDir == null) {
                return new EmbeddedKafka(Files.createTempDirectory("tracer-kafka-"), true, port, brokerProperties);
            }
            Files.createDirectories(logDir);
            return new EmbeddedKafka(logDir, false, port, brokerProperties);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + logDir, e);
        }
    }

    private static java.util.Optional<Integer> previousControllerPort(final Path logDir) {
        final Path config = logDir.resolve("server.properties");
        if (!Files.isRegularFile(config)) {
            return java.util.Optional.empty();
        }
        final Properties p = new Properties();
        try (java.io.InputStream in = Files.newInputStream(config)) {
            p.load(in);
        } catch (final IOException e) {
            return java.util.Optional.empty();
        }
        final String servers = p.getProperty("controller.quorum.bootstrap.servers", "");
        final int colon = servers.lastIndexOf(':');
        try {
            return colon < 0 ? java.util.Optional.empty() : java.util.Optional.of(Integer.parseInt(servers.substring(colon + 1)));
        } catch (final NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code localhost:PORT} of the broker listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's log directory. */
    public Path logDir() {
        return logDir;
    }

    /** An admin client connected to this broker; owned by this object, do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates topics with the given partition count (replication 1); topics that exist are left as they are. */
    public void createTopics(final int partitions, final String... topics) {
        final List<NewTopic> list = new ArrayList<>();
        for (final String t : topics) {
            list.add(new NewTopic(t, partitions, (short) 1));
        }
        createTopics(list);
    }

    /** Creates topics (e.g. with configs such as {@code cleanup.policy=compact}); existing ones are skipped. */
    public void createTopics(final Collection<NewTopic> topics) {
        for (final Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : admin.createTopics(topics).values().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS);
            } catch (final ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex.getCause());
                }
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + e.getKey(), ex);
            } catch (final java.util.concurrent.TimeoutException ex) {
                throw new IllegalStateException("timed out creating topic " + e.getKey(), ex);
            }
        }
    }

    /** Stops the broker (about half a second) and deletes a temporary log directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(2));
        server.shutdown();
        server.awaitShutdown();
        if (ownsLogDir) {
            FileUtils.deleteQuietly(logDir.toFile());
        }
        LOG.info("embedded Kafka broker at {} stopped", bootstrapServers);
    }

    private static Map<String, String> brokerProperties(final Path logDir, final int brokerPort, final int controllerPort) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // internal topics on one node: replication 1, and few partitions so that the first group and the first
        // transaction do not wait for 50 partitions to be created
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private static void format(final Path logDir, final Map<String, String> props) {
        final Path configFile = logDir.resolve("server.properties");
        final boolean formatted = Files.isRegularFile(logDir.resolve("meta.properties"));
        final Properties asProperties = new Properties();
        asProperties.putAll(props);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            asProperties.store(out, "embedded tracer-streams broker");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
        if (formatted) {
            return; // a kept log directory: its cluster id and voter set stay as they are
        }
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final int rc;
        try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            // execute, not main: main calls System.exit
            rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(),
                "--standalone", "--ignore-formatted"}, ps);
        } catch (final RuntimeException e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
        if (rc != 0) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + " (exit " + rc + "): "
                    + log.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(final Admin admin) {
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
            } catch (final ExecutionException | java.util.concurrent.TimeoutException e) {
                last = new IllegalStateException(e.getMessage(), e);
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
            }
        }
        throw new IllegalStateException("the embedded broker did not answer describeCluster within " + READY_TIMEOUT, last);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
