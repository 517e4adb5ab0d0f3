/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the production classpath ({@code tracer run}'s: streams-app and what it depends on) is, when it can be found. */
public final class Classpaths {

    private Classpaths() {
    }

    /**
     * The streams-app classpath the {@code tracer} launcher uses ({@code streams-app/target/tracer-*.jar} and
     * {@code runtime-classpath.txt}), found from the tools jar on {@code toolsClasspath}; {@code toolsClasspath} itself
     * (a superset: tools depends on streams-app) when the build layout is not there, e.g. under Maven's test runner.
     */
    public static String streamsApp(final String toolsClasspath) {
        for (final String entry : toolsClasspath.split(File.pathSeparator)) {
            final Path p = Path.of(entry).toAbsolutePath();
            final Path name = p.getFileName();
            if (name == null || !name.toString().startsWith("tracer-tools-") || !name.toString().endsWith(".jar")) {
                continue;
            }
            final Path repo = p.getParent() == null || p.getParent().getParent() == null ? null : p.getParent().getParent().getParent();
            if (repo == null) {
                continue;
            }
            final Path target = repo.resolve("streams-app").resolve("target");
            final Path deps = target.resolve("runtime-classpath.txt");
            if (!Files.isRegularFile(deps)) {
                continue;
            }
            try (Stream<Path> files = Files.list(target)) {
                final var jar = files.filter(f -> f.getFileName().toString().matches("tracer-.*\\.jar")
                        && !f.getFileName().toString().endsWith("-tests.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get() + File.pathSeparator + Files.readString(deps).trim();
                }
            } catch (final IOException e) {
                return toolsClasspath;
            }
        }
        return toolsClasspath;
    }
}
