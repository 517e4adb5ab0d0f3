/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real Apicurio Registry (io.apicurio:apicurio-registry-app:zip:all, in-memory storage) in a child JVM on a
 * free port. Its Confluent-compatible API is {@link #ccompatUrl()}. The runner jar comes from
 * {@code apicurio.dir} (unpacked by the build), else from the zip in the local Maven repository; when neither
 * exists {@link #runnerJar()} is empty and {@link #missingArtifactReason()} says why.
 */
final class ApicurioRegistry implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final int port;
    private final Path log;
    private final Duration startup;

    private ApicurioRegistry(final Process process, final int port, final Path log, final Duration startup) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startup = startup;
    }

    /** Starts the registry from its runner jar and waits until it is ready. */
    static ApicurioRegistry start(final Path runner) throws IOException, InterruptedException {
        final int port = freePort();
        final Path log = runner.getParent().resolve("apicurio-it-" + port + ".log");
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.test-port=0", "-jar", runner.toString())
                .directory(runner.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        final long t0 = System.nanoTime();
        final Process process = builder.start();
        final ApicurioRegistry registry;
        try {
            awaitReady(process, port, log);
            registry = new ApicurioRegistry(process, port, log, Duration.ofNanos(System.nanoTime() - t0));
        } catch (final IOException | InterruptedException | RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
        System.out.printf("Apicurio Registry %s ready on port %d in %.1f s (log: %s)%n", version(), port,
                registry.startup.toMillis() / 1000.0, log);
        return registry;
    }

    /** The base URL of the Confluent-compatible API. */
    String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Time from process start to readiness. */
    Duration startup() {
        return startup;
    }

    /** Stops the registry process (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String version() {
        return System.getProperty("apicurio.version", "3.0.9");
    }

    /**
     * The runner jar: unpacked by the build into {@code apicurio.dir}, else unpacked here from the zip in the
     * local Maven repository ({@code apicurio.local.zip}); empty when neither exists.
     */
    static Optional<Path> runnerJar() throws IOException {
        final Path runner = runnerPath();
        if (Files.isRegularFile(runner)) {
            return Optional.of(runner);
        }
        final Optional<Path> zip = Optional.ofNullable(System.getProperty("apicurio.local.zip")).map(Path::of)
                .filter(Files::isRegularFile);
        if (zip.isEmpty()) {
            return Optional.empty();
        }
        unzip(zip.get(), runner.getParent());
        return Optional.of(runner);
    }

    /** Why {@link #runnerJar()} is empty. */
    static String missingArtifactReason() {
        return "SKIPPED: Apicurio Registry " + version() + " is not available: no runner jar at " + runnerPath()
                + " and no io.apicurio:apicurio-registry-app:" + version() + ":zip:all in the local Maven repository ("
                + System.getProperty("apicurio.local.zip") + "). Run `mvn verify` on integration-tests without "
                + "-Ddownload.plugin.skip so the build fetches it from Maven Central.";
    }

    private static Path runnerPath() {
        final Path dir = Path.of(System.getProperty("apicurio.dir", "target/apicurio"));
        return dir.resolve("apicurio-registry-app-" + version() + "-runner.jar");
    }

    private static void unzip(final Path zip, final Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (final Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                final ZipEntry entry = e.nextElement();
                final Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir.normalize())) {
                    throw new IOException("zip entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void awaitReady(final Process process, final int port, final Path log)
            throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready; last log lines:\n" + tail(log));
            }
            try {
                final HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (final IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Apicurio Registry not ready after " + READY_TIMEOUT.toSeconds()
                + " s; last log lines:\n" + tail(log));
    }

    private static String tail(final Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
