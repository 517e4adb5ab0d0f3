/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import picocli.CommandLine;

import java.util.function.Consumer;

/** Parsing shared by the options of {@code tracer bench chaos}, {@code fuzz} and {@code soak}. */
final class CliOptions {

    private CliOptions() {
    }

    /**
     * Parses {@code args} into {@code options} and validates them; null when help or version was printed.
     *
     * @throws IllegalArgumentException from {@code validate}, naming the option
     */
    static <T> T parse(final T options, final String[] args, final Consumer<T> validate) {
        final CommandLine cli = new CommandLine(options);
        cli.parseArgs(args);
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
            cli.usage(System.out);
            return null;
        }
        validate.accept(options);
        return options;
    }
}
