/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.cli;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/**
 * The production command line: {@code tracer run} and {@code tracer report}, on the classpath of this module
 * alone (no embedded broker, no demo, no benchmarks). The {@code ./tracer} launcher runs it for these two
 * commands and the full tool set ({@code io.tracerstreams.tools.TracerCli}) for the others; the container image
 * runs it directly.
 */
@Command(name = "tracer", mixinStandardHelpOptions = true, version = "tracer-streams 0.1.0",
        description = "Routes LLM classification requests to a surrogate learned from the LLM's traces, under a "
                + "parity gate, as a Kafka Streams application.",
        subcommands = {RunCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class TracerAppCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Entry point; exits with the command's status. */
    public static void main(final String[] args) {
        System.exit(configure(new CommandLine(new TracerAppCli())).execute(args));
    }

    /**
     * The settings every tracer command line shares: enum values case-insensitive, and errors a user can act on
     * (a bad argument, an unreadable file, a bad setting) printed as one line {@code tracer: ...} with exit status
     * 2 instead of a stack trace.
     */
    public static CommandLine configure(final CommandLine cli) {
        return cli
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException
                            || e instanceof ConfigException) {
                        cmd.getErr().println("tracer: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
