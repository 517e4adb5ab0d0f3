/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import io.tracerstreams.cli.ReportCommand;
import io.tracerstreams.cli.RunCommand;
import io.tracerstreams.cli.TracerAppCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tracer} command line with every command: the production ones ({@link RunCommand},
 * {@link ReportCommand}, also runnable alone from {@link TracerAppCli}) and the tools. Run it through the
 * {@code ./tracer} launcher at the top of the repository, which builds the project on first use:
 * <pre>
 *   ./tracer demo                      # the whole product on an embedded broker, with a live page
 *   ./tracer replay --train F --alpha 0.9 [--test F] [--json]
 *   ./tracer run --config tracer.properties
 *   ./tracer report --task T --out report.html
 *   ./tracer bench NAME
 * </pre>
 */
@Command(name = "tracer", mixinStandardHelpOptions = true, version = "tracer-streams 0.1.0",
        description = "Learns a cheap surrogate for an LLM classification endpoint from its traces and routes "
                + "requests to it under a parity gate.",
        subcommands = {DemoCommand.class, ReplayCommand.class, RunCommand.class, ReportCommand.class, BenchCommand.class,
            BrokerCommand.class, ImportCommand.class,
            CommandLine.HelpCommand.class})
public final class TracerCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Entry point; exits with the command's status. */
    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line without exiting (for tests). */
    public static int execute(final String... args) {
        final CommandLine cli = new CommandLine(new TracerCli());
        // a benchmark's own flags (--data DIR, ...) pass through to it
        cli.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        return TracerAppCli.configure(cli).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
