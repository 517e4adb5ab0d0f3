/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worked examples of the README, found by their marker comment {@code <!-- snippet: NAME -->} right before a
 * fenced code block, so tests run what the README shows.
 */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /** The repository root (integration-tests' parent). */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("docker/compose.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The code block after {@code <!-- snippet: NAME -->} in README.md. */
    static String snippet(final String name) {
        final String readme;
        try {
            readme = Files.readString(root().resolve("README.md"));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final Matcher m = Pattern.compile("<!-- snippet: " + Pattern.quote(name) + " -->\\s*```[a-z]*\\n(.*?)\\n```",
                Pattern.DOTALL).matcher(readme);
        if (!m.find()) {
            throw new IllegalStateException("README.md has no snippet '" + name + "'");
        }
        return m.group(1);
    }
}
