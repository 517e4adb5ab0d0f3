/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of {@code tracer bench soak}. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"The soak: traces through a broker process and a tracer run process (the application's defaults "
                + "unless given), over many tasks, with a simulated LLM answering; at every checkpoint the heap of the tracer "
                + "process after a full GC (JMX), its state directory's bytes, the changelog bytes on the broker and the "
                + "consumer lag; then a verdict per series: flat after warm-up, or growing.",
            "The hashing featurizer stands in for the model by default, so that a million traces take minutes, not hours.",
            "Event time is compressed: each trace is --ms-per-trace later than the one before (the default 500 ms makes a "
                + "million traces 5.8 days), so that pending.retention.ms (1 h) and dedupe.retention.ms (24 h) expire "
                + "inside the run; changelog segments are --segment-bytes and tombstones are kept --tombstone-ms so that the "
                + "broker compacts inside the run too.",
            "A benchmark, not a test: exit status 1 only when a request went undecided or a trace unlearned."})
public final class SoakOptions {

    @Option(names = "--traces", description = "Requests to publish (default: ${DEFAULT-VALUE}).")
    public int traces = 1_000_000;

    @Option(names = "--tasks", description = "Tasks the requests are spread over, round robin (default: ${DEFAULT-VALUE}).")
    public int tasks = 20;

    @Option(names = "--featurizer", description = "embedding.model of the tracer process (default: ${DEFAULT-VALUE}; "
            + "minilm is the application's default and takes hours for a million traces on 2 cores).")
    public String featurizer = "hashing";

    @Option(names = "--learners", description = "learners of the tracer process (default: the application's).")
    public String learners;

    @Option(names = "--every", description = "Traces between two checkpoints (default: ${DEFAULT-VALUE}).")
    public int every = 100_000;

    @Option(names = "--warmup", description = "Checkpoints that are warm-up, left out of the verdict (default: "
            + "${DEFAULT-VALUE}: with the default --ms-per-trace the 24 h dedupe retention expires at trace 172,800).")
    public int warmup = 2;

    @Option(names = "--tolerance", description = "Flat: the last checkpoint is at most this fraction above the first after "
            + "warm-up, plus the series' slack (default: ${DEFAULT-VALUE}).")
    public double tolerance = 0.20;

    @Option(names = "--in-flight", description = "Requests published but not yet decided, at most: the driver waits above "
            + "this, so the application is driven at its own pace (default: ${DEFAULT-VALUE}).")
    public int inFlight = 2_000;

    @Option(names = "--ms-per-trace", description = "Event time between two traces, ms (default: ${DEFAULT-VALUE}).")
    public long msPerTrace = 500;

    @Option(names = "--segment-bytes", description = "segment.bytes of the changelog topics (default: ${DEFAULT-VALUE}).")
    public int segmentBytes = 8 * 1024 * 1024;

    @Option(names = "--tombstone-ms", description = "delete.retention.ms of the changelog topics (default: ${DEFAULT-VALUE}).")
    public long tombstoneMs = 60_000;

    @Option(names = "--heap", description = "-Xmx of the tracer process (default: ${DEFAULT-VALUE}).")
    public String heap = "1g";

    @Option(names = "--seed", description = "Seed of the traffic (default: ${DEFAULT-VALUE}).")
    public long seed = 1L;

    @Option(names = "--json", description = "Print the result as one JSON object on standard output.")
    public boolean json;

    @Option(names = "--work-dir", description = "Logs, broker data and the state directory (default: a temporary directory, "
            + "deleted afterwards when everything was decided and learned).")
    public Path workDir;

    /** Parses the arguments; null when help was printed. */
    public static SoakOptions parse(final String... args) {
        return CliOptions.parse(new SoakOptions(), args, SoakOptions::validate);
    }

    void validate() {
        if (traces < 1 || tasks < 1 || every < 1 || inFlight < 1 || warmup < 0 || msPerTrace < 0 || segmentBytes < 1_048_576
                || tombstoneMs < 0 || tolerance < 0) {
            throw new IllegalArgumentException("--traces, --tasks, --every and --in-flight must be >= 1, --warmup, "
                    + "--ms-per-trace, --tombstone-ms and --tolerance >= 0, --segment-bytes >= 1 MiB");
        }
    }
}
