/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of {@code tracer bench fuzz}. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Bad input on a real broker: a broker with its registry and one tracer run are separate OS processes; "
                + "a generated corpus of bad records of every kind (random bytes, truncated Avro, unknown schema ids, a wrong "
                + "schema, invalid UTF-8, null and empty fields, 10 MiB inputs, label floods, orphan responses, duplicates, "
                + "tasks beyond tasks.max) is interleaved with valid traffic, and a simulated LLM answers.",
            "Checks: the process and its stream threads live; every valid request decided once and every valid response "
                + "learned; every bad record dead-lettered once at its source offset, or answered INVALID_INPUT or TASK_LIMIT.",
            "Exit status 0 when every check held, 1 otherwise."})
public final class FuzzOptions {

    @Option(names = "--bad", description = "Bad records to plant (default: ${DEFAULT-VALUE}).")
    public int bad = 10_000;

    @Option(names = "--huge", description = "How many of them are 10 MiB inputs (default: ${DEFAULT-VALUE}).")
    public int huge = 3;

    @Option(names = "--featurizer", description = "embedding.model of the tracer process (default: ${DEFAULT-VALUE}).")
    public String featurizer = "hashing";

    @Option(names = "--seed", description = "Seed of the corpus (default: ${DEFAULT-VALUE}).")
    public long seed = 42L;

    @Option(names = "--drain-seconds", description = "After the corpus is sent: how long to wait for every decision, trace "
            + "and dead letter before checking what is there (default: ${DEFAULT-VALUE}).")
    public int drainSeconds = 600;

    @Option(names = "--json", description = "Print the result as one JSON object on standard output.")
    public boolean json;

    @Option(names = "--work-dir", description = "Logs, broker data and the state directory (default: a temporary directory, "
            + "deleted when the run passed).")
    public Path workDir;

    /** Parses the arguments; null when help was printed. */
    public static FuzzOptions parse(final String... args) {
        return CliOptions.parse(new FuzzOptions(), args, FuzzOptions::validate);
    }

    void validate() {
        if (bad < 1 || huge < 0 || drainSeconds < 1) {
            throw new IllegalArgumentException("--bad and --drain-seconds must be >= 1, --huge >= 0");
        }
    }
}
