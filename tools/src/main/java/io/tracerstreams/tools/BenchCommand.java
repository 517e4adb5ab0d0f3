/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import io.tracerstreams.bench.EngineBenchmark;
import io.tracerstreams.bench.GateBenchmark;
import io.tracerstreams.bench.DecisionLatencyBenchmark;
import io.tracerstreams.bench.EmbeddingBenchmark;
import io.tracerstreams.bench.LearnerBenchmark;
import io.tracerstreams.bench.ReplaySuiteBenchmark;
import io.tracerstreams.bench.ReportStateSize;
import io.tracerstreams.bench.RouteHttpBenchmark;
import io.tracerstreams.bench.ThroughputBenchmark;
import io.tracerstreams.bench.ZooSnapshotBenchmark;
import io.tracerstreams.bench.chaos.ChaosBenchmark;
import io.tracerstreams.bench.chaos.FuzzBenchmark;
import io.tracerstreams.bench.chaos.SoakBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code tracer bench NAME [ARGS...]}: the benchmarks. Their figures go to stdout and into
 * docs/BENCHMARKS.md; the test suite has no timing assertions.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark: replay (the Banking77/CLINC150/SNLI table), engine (per-trace cost and "
                + "memory of the learning core), embedding (featurizer throughput), latency (request to decision on the "
                + "embedded broker, exactly-once), route (the synchronous POST /v1/route call at a fixed rate, model time included), throughput (sustained decisions/s end to end against the featurizer's raw "
                + "rate), learners (accuracy and cost of each surrogate), gate (cost and closed-loop simulations), chaos (the "
                + "fault suite: SIGKILLs and rebalances of tracer run processes, checked by a read_committed verifier; chaos "
                + "--help), soak (a million traces through a broker and a tracer run process: heap after GC, state and changelog "
                + "bytes, lag; soak --help), fuzz (10,000 bad records of every kind against a broker and a tracer run process; "
                + "fuzz --help), snapshot-zoo and snapshot-report (bytes and time of the engine snapshot's zoo/OOD and "
                + "report parts, Avro records against Java serialization).")
public final class BenchCommand implements Callable<Integer> {

    static final Map<String, Consumer<String[]>> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("replay", ReplaySuiteBenchmark::run);
        BENCHMARKS.put("engine", EngineBenchmark::run);
        BENCHMARKS.put("embedding", EmbeddingBenchmark::run);
        BENCHMARKS.put("latency", args -> {
            try {
                DecisionLatencyBenchmark.run(args);
            } catch (final Exception e) {
                throw new IllegalStateException("latency benchmark failed: " + e, e);
            }
        });
        BENCHMARKS.put("route", args -> {
            try {
                RouteHttpBenchmark.run(args);
            } catch (final Exception e) {
                throw new IllegalStateException("route benchmark failed: " + e, e);
            }
        });
        BENCHMARKS.put("throughput", args -> {
            try {
                ThroughputBenchmark.run(args);
            } catch (final Exception e) {
                throw new IllegalStateException("throughput benchmark failed: " + e, e);
            }
        });
        BENCHMARKS.put("learners", LearnerBenchmark::run);
        BENCHMARKS.put("gate", GateBenchmark::run);
        BENCHMARKS.put("chaos", ChaosBenchmark::run);
        BENCHMARKS.put("soak", SoakBenchmark::run);
        BENCHMARKS.put("fuzz", FuzzBenchmark::run);
        BENCHMARKS.put("snapshot-zoo", args -> {
            try {
                ZooSnapshotBenchmark.main(args);
            } catch (final ReflectiveOperationException e) {
                throw new IllegalStateException("snapshot-zoo benchmark failed: " + e, e);
            }
        });
        BENCHMARKS.put("snapshot-report", args -> {
            try {
                ReportStateSize.main(args);
            } catch (final java.io.IOException e) {
                throw new IllegalStateException("snapshot-report benchmark failed: " + e, e);
            }
        });
    }

    @Parameters(index = "0", paramLabel = "NAME", description = "One of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Passed to the benchmark.")
    List<String> args = List.of();

    @Override
    public Integer call() {
        final Consumer<String[]> benchmark = BENCHMARKS.get(name);
        if (benchmark == null) {
            throw new IllegalArgumentException("unknown benchmark '" + name + "': expected one of "
                    + String.join(", ", BENCHMARKS.keySet()));
        }
        benchmark.accept(args.toArray(String[]::new));
        return 0;
    }

    /** The benchmark names, for help and completion. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BENCHMARKS.keySet().iterator();
        }
    }
}
