/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of {@code tracer bench chaos}. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"The fault suite: a broker and registry, and tracer run instances, as separate OS processes; a driver "
                + "streams requests over several tasks with planted bad records, a simulated LLM answers, faults are injected, "
                + "and a verifier reads every output topic with read_committed and checks it record by record.",
            "Exit status 0 when the verification passed, 1 when it failed."})
public final class ChaosOptions {

    /** 2 instances; one is SIGKILLed every kill-min..kill-max seconds and restarted on its state directory. */
    public static final String KILL = "kill";
    /** 1 -> 3 -> 1 instances (SIGTERM), standby replicas on, one restart on a wiped state directory. */
    public static final String REBALANCE = "rebalance";
    /** 2 instances; the registry process is stopped for 30 s, and an instance SIGKILLed and restarted meanwhile. */
    public static final String REGISTRY_OUTAGE = "registry-outage";
    /**
     * 3 KRaft nodes (RF 3, min.insync.replicas 2), 2 instances; alternately the leader of the busiest partition and the
     * active controller get SIGKILL and are restarted, every kill-min..kill-max seconds.
     */
    public static final String BROKER_BOUNCE = "broker-bounce";
    /** The scenarios implemented. */
    public static final java.util.List<String> SCENARIOS = java.util.List.of(KILL, REBALANCE, REGISTRY_OUTAGE, BROKER_BOUNCE);

    @Option(names = "--scenario", description = "kill, rebalance, registry-outage or broker-bounce (default: ${DEFAULT-VALUE}).")
    public String scenario = KILL;

    @Option(names = "--seconds", description = "How long the driver streams requests while faults are injected (default: ${DEFAULT-VALUE}).")
    public int seconds = 120;

    @Option(names = "--guarantee", description = "processing.guarantee of the instances: exactly_once_v2 or at_least_once "
            + "(default: ${DEFAULT-VALUE}).")
    public String guarantee = ChaosVerifier.EXACTLY_ONCE_V2;

    @Option(names = "--json", description = "Print the verdict as one JSON object on standard output.")
    public boolean json;

    @Option(names = "--rate", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    public int rate = 40;

    @Option(names = "--tasks", description = "Number of tasks the requests are spread over (default: ${DEFAULT-VALUE}).")
    public int tasks = 4;

    @Option(names = "--partitions", description = "Partitions of tracer's topics (default: ${DEFAULT-VALUE}).")
    public int partitions = 4;

    @Option(names = "--bad-every", description = "One planted bad record every N requests (default: ${DEFAULT-VALUE}).")
    public int badEvery = 25;

    @Option(names = "--kill-min", description = "kill: shortest time between two SIGKILLs, seconds (default: ${DEFAULT-VALUE}).")
    public int killMinSeconds = 10;

    @Option(names = "--kill-max", description = "kill: longest time between two SIGKILLs, seconds (default: ${DEFAULT-VALUE}).")
    public int killMaxSeconds = 20;

    @Option(names = "--max-faults", description = "Stop injecting faults after this many (default: no limit).")
    public int maxFaults = Integer.MAX_VALUE;

    @Option(names = "--learners", description = "learners of the instances (default: ${DEFAULT-VALUE}: cheap on a shared machine).")
    public String learners = "ncm,softmax";

    @Option(names = "--snapshot-interval", description = "snapshot.interval.calls of the instances, small so that kills "
            + "land between snapshots and restores replay a journal (default: ${DEFAULT-VALUE}).")
    public int snapshotInterval = 300;

    @Option(names = "--seed", description = "Seed of the traffic, the planted records and the fault times (default: ${DEFAULT-VALUE}).")
    public long seed = 1L;

    @Option(names = "--drain-seconds", description = "After the driver stops: how long to wait for every decision, trace "
            + "and dead letter before verifying what is there (default: ${DEFAULT-VALUE}).")
    public int drainSeconds = 600;

    @Option(names = "--work-dir", description = "Logs, broker data and state directories (default: a temporary directory, "
            + "deleted when the run passed).")
    public Path workDir;

    /** Parses the arguments of {@code tracer bench chaos}; null when help or version was printed. */
    public static ChaosOptions parse(final String... args) {
        return CliOptions.parse(new ChaosOptions(), args, ChaosOptions::validate);
    }

    void validate() {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("--scenario must be one of " + SCENARIOS + ", not " + scenario);
        }
        if (REGISTRY_OUTAGE.equals(scenario) && seconds < 60) {
            throw new IllegalArgumentException("--scenario registry-outage needs --seconds >= 60 (a 30 s outage inside the run)");
        }
        if (!ChaosVerifier.EXACTLY_ONCE_V2.equals(guarantee) && !ChaosVerifier.AT_LEAST_ONCE.equals(guarantee)) {
            throw new IllegalArgumentException("--guarantee must be exactly_once_v2 or at_least_once, not " + guarantee);
        }
        if (seconds < 5 || rate < 1 || tasks < 1 || partitions < 1 || badEvery < 0 || drainSeconds < 1) {
            throw new IllegalArgumentException("--seconds >= 5, --rate >= 1, --tasks >= 1, --partitions >= 1, --bad-every >= 0 "
                    + "and --drain-seconds >= 1");
        }
        if (killMinSeconds < 1 || killMaxSeconds < killMinSeconds) {
            throw new IllegalArgumentException("--kill-min must be >= 1 and --kill-max >= --kill-min");
        }
    }
}
