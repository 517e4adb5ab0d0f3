/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.broker.RegistryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tracer broker}: a local single-node Kafka broker (Apache Kafka's own KRaft server, in this JVM) and a
 * Confluent-API schema registry over HTTP, until Ctrl-C. Prints the two settings to use on standard output.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a local single-node Kafka broker (KRaft) and a Confluent-API schema registry until Ctrl-C, "
                + "to try tracer run, tracer import and the clients against real ports without installing Kafka.",
            "Prints bootstrap.servers=... and schema.registry.url=... on standard output."})
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Broker port on localhost; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 9092;

    @Option(names = "--registry-port", description = "Registry port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int registryPort = 8081;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Keep the Kafka log and the registry's schemas here, across restarts (default: a temporary "
                    + "directory, deleted on exit).")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        checkPort("--port", port);
        checkPort("--registry-port", registryPort);
        final EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(data == null ? null : data.resolve("kafka"), port, Map.of());
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("cannot start the broker on port " + port + " (in use? --port 0 picks a "
                    + "free one): " + rootMessage(e));
        }
        final RegistryServer registry;
        try {
            registry = RegistryServer.start(registryPort, data == null ? null : data.resolve("registry"));
        } catch (final RuntimeException e) {
            kafka.close();
            throw new IllegalArgumentException("cannot start the registry on port " + registryPort + " (in use? "
                    + "--registry-port 0 picks a free one): " + rootMessage(e));
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            registry.close();
            kafka.close();
            stopped.countDown();
        }, "tracer-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("bootstrap.servers=" + kafka.bootstrapServers());
        System.out.println("schema.registry.url=" + registry.url());
        System.out.flush();
        System.err.println("tracer broker: ready" + (data == null ? " (state in a temporary directory)" : " (state in " + data
                + ")") + "; Ctrl-C stops it");
        stopped.await();
        return 0;
    }

    private static void checkPort(final String option, final int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(option + " must be a port number in [0, 65535], not " + port);
        }
    }

    private static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
