/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code tracer} command line as a real OS process on this test's classpath (what {@code ./tracer} runs), with
 * its standard output and error read line by line.
 */
final class JavaProcess implements AutoCloseable {

    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JavaProcess(final Process process) {
        this.process = process;
        pump(process.getInputStream(), "out: ");
        pump(process.getErrorStream(), "err: ");
    }

    /** Starts {@code io.tracerstreams.tools.TracerCli ARGS}, logging to {@code log}. */
    static JavaProcess tracer(final Path workDir, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("io.tracerstreams.tools.TracerCli");
        command.addAll(List.of(args));
        final ProcessBuilder b = new ProcessBuilder(command).directory(workDir.toFile());
        b.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        b.environment().keySet().removeIf(k -> k.startsWith("TRACER_"));
        return new JavaProcess(b.start());
    }

    private void pump(final java.io.InputStream in, final String prefix) {
        final Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(prefix + line);
                    all.add(prefix + line);
                }
            } catch (final IOException e) {
                // the process ended
            }
        }, "process-" + prefix.trim());
        t.setDaemon(true);
        t.start();
    }

    /** Waits for an output line (with its "out: " or "err: " prefix) matching the predicate. */
    String await(final Predicate<String> wanted, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no such line within " + timeout + "; the process printed:\n" + String.join("\n", all));
    }

    /** Everything printed so far. */
    List<String> output() {
        return List.copyOf(all);
    }

    /** Waits for the process to end; its exit code. */
    int waitFor(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not end within " + timeout + ":\n" + String.join("\n", all));
        }
        Thread.sleep(100); // let the pumps drain
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
