/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared datasets ({@code ../shared/data} beside the checkout, or the system property
 * {@code tracer.shared.dir}) and skips the calling test with a clear message where they are absent,
 * as on a user's fresh clone. CI has them.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The shared directory, or null when it is absent. */
    public static Path sharedDir() {
        final String configured = System.getProperty("tracer.shared.dir");
        final Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        return Files.isDirectory(dir.resolve("data")) ? dir.toAbsolutePath().normalize() : null;
    }

    /** A file under {@code shared/data}, e.g. {@code banking77/train.jsonl.gz}; skips the test when it is absent. */
    public static Path dataFile(final String relative) {
        final Path dir = sharedDir();
        Assumptions.assumeTrue(dir != null,
                "skipped: ../shared/data is not beside this checkout (set -Dtracer.shared.dir=DIR to point at it)");
        final Path file = dir.resolve("data").resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: " + file + " is absent");
        return file;
    }
}
