/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM started as a separate OS process (so that a SIGKILL is real), its standard output and error appended to
 * one log file that outlives restarts. {@link #kill()} is {@link Process#destroyForcibly()}: SIGKILL on Linux, no
 * shutdown hook runs. {@link #terminate()} is SIGTERM: the shutdown hooks close the application cleanly.
 */
public final class ChildProcess {

    /**
     * The JVM options the {@code tracer} launcher starts {@code tracer run} with (and {@code docker/Dockerfile}):
     * the parallel collector and the C1 compiler only. Benchmarks that stand for a deployed instance use them.
     */
    public static final List<String> TRACER_JVM_OPTIONS = List.of("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1");

    /**
     * A {@code tracer run} process (not started) with the launcher's JVM options on {@code config}'s settings, written
     * as {@code dir/NAME.properties}; its output goes to {@code dir/NAME.log}.
     */
    public static ChildProcess tracerRun(final String name, final io.tracerstreams.config.TracerConfig config,
                                         final Path dir) throws IOException {
        final Path properties = dir.resolve(name + ".properties");
        final java.util.Properties p = new java.util.Properties();
        config.originals().forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        try (var w = Files.newBufferedWriter(properties)) {
            p.store(w, "tracer run " + name);
        }
        return new ChildProcess(name, Classpaths.streamsApp(System.getProperty("java.class.path")), TRACER_JVM_OPTIONS,
                "io.tracerstreams.cli.TracerAppCli", List.of("run", "--config", properties.toString()), dir.resolve(name + ".log"));
    }

    private final String name;
    private final List<String> command;
    private final String classpath;
    private final Path log;
    private Process process;
    private long logOffset;

    public ChildProcess(final String name, final String classpath, final List<String> jvmOptions, final String mainClass,
                 final List<String> args, final Path log) {
        this.name = name;
        this.classpath = classpath;
        this.log = log;
        final List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.addAll(jvmOptions);
        c.add(mainClass);
        c.addAll(args);
        this.command = List.copyOf(c);
    }

    public String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Starts the process (again); output lines from now on are searched by {@link #await}. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        try {
            Files.createDirectories(log.getParent());
            logOffset = Files.exists(log) ? Files.size(log) : 0L;
            Files.writeString(log, "---- start " + name + " " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            final ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // the classpath goes through the environment: long command lines break some ONNX Runtime releases
            b.environment().put("CLASSPATH", classpath);
            b.environment().keySet().removeIf(k -> k.startsWith("TRACER_"));
            process = b.start();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        final Process p;
        synchronized (this) {
            p = process;
        }
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
            }
        }
    }

    /** SIGTERM, waits up to the timeout for a clean exit, then SIGKILL; whether it exited by itself. */
    public boolean terminate(final Duration timeout) throws InterruptedException {
        final Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null || !p.isAlive()) {
            return true;
        }
        p.destroy();
        if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        kill();
        return false;
    }

    /**
     * Waits until a line printed since the last start matches the pattern; its first group (or the whole match).
     * Fails when the process ends first or the timeout passes, with the tail of the log.
     */
    public String await(final Pattern pattern, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final Optional<String> found = find(pattern);
            if (found.isPresent()) {
                return found.get();
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " ended before printing /" + pattern + "/:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not print /" + pattern + "/ within " + timeout + ":\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    private Optional<String> find(final Pattern pattern) {
        final String text = read(logOffset);
        final Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.groupCount() > 0 ? m.group(1) : m.group());
    }

    /** Lines of the whole log (every start) that contain the text. */
    long countLines(final String text) {
        return read(0).lines().filter(l -> l.contains(text)).count();
    }

    public String tail() {
        final String all = read(0);
        final List<String> lines = all.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private String read(final long from) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            final byte[] bytes = Files.readAllBytes(log);
            final int start = (int) Math.min(from, bytes.length);
            return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}
