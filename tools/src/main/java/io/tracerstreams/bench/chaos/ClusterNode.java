/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One node of a 3-node KRaft cluster (combined broker and controller, Apache Kafka's own {@link KafkaRaftServer}) in
 * its own JVM, for the {@code broker-bounce} scenario: replication factor 3 and {@code min.insync.replicas=2} for
 * every topic, internal ones included; a static voter set, so that a node restarted on its log directory rejoins.
 *
 * <p>{@code ClusterNode NODE_ID PORT CONTROLLER_PORT VOTERS CLUSTER_ID LOG_DIR}; prints {@code node N ready} when
 * started, runs until the process is stopped.
 */
public final class ClusterNode {

    private ClusterNode() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: ClusterNode NODE_ID PORT CONTROLLER_PORT VOTERS CLUSTER_ID LOG_DIR");
            System.exit(2);
        }
        final String nodeId = args[0];
        final Path logDir = Path.of(args[5]);
        Files.createDirectories(logDir);
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", nodeId);
        p.put("controller.quorum.voters", args[3]);
        p.put("listeners", "PLAINTEXT://localhost:" + args[1] + ",CONTROLLER://localhost:" + args[2]);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + args[1]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("unclean.leader.election.enable", "false");
        p.put("offsets.topic.replication.factor", "3");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        final Path config = logDir.resolve("server.properties");
        final Properties props = new Properties();
        props.putAll(p);
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "tracer chaos cluster node " + nodeId);
        }
        if (!Files.isRegularFile(logDir.resolve("meta.properties"))) {
            final ByteArrayOutputStream log = new ByteArrayOutputStream();
            final int rc;
            try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {"format", "-t", args[4], "-c", config.toString(), "--ignore-formatted"}, ps);
            }
            if (rc != 0) {
                throw new IOException("cannot format " + logDir + " (exit " + rc + "): " + log.toString(StandardCharsets.UTF_8));
            }
        }
        final KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "node-shutdown"));
        server.startup();
        System.out.println("node " + nodeId + " ready");
        System.out.flush();
        server.awaitShutdown();
    }
}
