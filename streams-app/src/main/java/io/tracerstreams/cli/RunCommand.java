/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.cli;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.route.RouteHttpServer;
import io.tracerstreams.topology.TracerApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tracer run --config FILE}: the topology against an existing Kafka cluster and schema registry,
 * until the process is stopped (Ctrl-C or SIGTERM close it cleanly).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs tracer against an existing Kafka cluster and Confluent-compatible schema registry.",
            "Settings: defaults < the properties file < TRACER_* environment variables (TRACER_SCHEMA_REGISTRY_URL -> "
                + "schema.registry.url) < --set KEY=VALUE. Every key: tracer run --list-config."})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file (bootstrap.servers, schema.registry.url, ...).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--list-config", description = "Prints every setting with its default and documentation, and for the settings a task's "
            + "saved state depends on whether a change applies in place or resets the task on restart, then exits.")
    boolean listConfig;

    @Override
    public Integer call() throws InterruptedException {
        if (listConfig) {
            System.out.println(TracerConfig.listing());
            return 0;
        }
        final TracerConfig loaded = TracerConfig.load(config, System.getenv(), overrides);
        // the route endpoint binds first: its address is the application.server the other instances forward to
        final RouteHttpServer route = loaded.routeHttp().isPresent() ? RouteHttpServer.bind(loaded) : null;
        final TracerConfig settings = route == null ? loaded : route.streamsConfig();
        // closed in reverse order: the endpoint drains its calls while the application still runs
        try (route; TracerApp app = TracerApp.run(settings); RouteHttpServer draining = route) {
            if (route != null) {
                route.start(app.streams());
                System.err.println("tracer: route endpoint on POST http://" + settings.getString(TracerConfig.ROUTE_HTTP_HOST_CONFIG)
                        + ":" + route.port() + RouteHttpServer.PATH);
            }
            if (!app.awaitRunning(Duration.ofMinutes(2))) {
                System.err.println("tracer: the streams application did not reach RUNNING within 2 minutes (state "
                        + app.state() + "); check bootstrap.servers and the broker logs");
                return 1;
            }
            System.err.println("tracer: running (application.id " + settings.getString(TracerConfig.APPLICATION_ID_CONFIG)
                    + ", " + settings.bootstrapServers() + "); Ctrl-C stops it");
            app.awaitTermination();
        }
        return 0;
    }
}
