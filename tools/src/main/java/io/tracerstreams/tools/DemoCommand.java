/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import io.tracerstreams.demo.DemoOptions;
import io.tracerstreams.demo.DemoRunner;
import io.tracerstreams.demo.DemoSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tracer demo}: the whole product in one JVM: Apache Kafka's own KRaft broker in-process, an
 * in-process schema registry, the topology, a request generator and a simulated LLM, with a live page.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole product on an embedded Kafka broker: requests in, routing decisions and gate "
                + "flips out, a simulated LLM answering what tracer defers or audits, and a live page.",
            "Default tasks: support-intents (28 intents; its gate opens as the surrogate learns) and "
                + "ticket-priority (labels the text cannot predict; its gate stays closed)."})
public final class DemoCommand implements Callable<Integer> {

    private static final DemoOptions D = DemoOptions.DEFAULTS;

    @Option(names = "--dataset", paramLabel = "FILE",
            description = "Run this {\"id\",\"text\",\"label\"} JSONL(.gz) file as one task instead of the shipped data.")
    Path dataset;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "Shipped tasks to run (default: support-intents,ticket-priority); with --dataset, the task's "
                    + "name (default: the file's name).")
    List<String> tasks;

    @Option(names = "--rate", description = "Requests per second over all tasks (default: ${DEFAULT-VALUE}).")
    double rate = D.rate();

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N requests, 0 for no limit (default: ${DEFAULT-VALUE}).")
    long limit = D.limit();

    @Option(names = "--duration", paramLabel = "D",
            description = "Stop after this long, e.g. 90s, 5m or PT2M (default: no time limit).")
    String duration;

    @Option(names = "--host", description = "Address of the live page (default: ${DEFAULT-VALUE}).")
    String host = D.host();

    @Option(names = "--port", description = "Port of the live page; 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
    int port = D.port();

    @Option(names = "--alpha", description = "Target agreement of every gate (default: ${DEFAULT-VALUE}).")
    double alpha = D.alpha();

    @Option(names = "--epsilon", description = "Audit share of handled requests (default: ${DEFAULT-VALUE}).")
    double epsilon = D.epsilon();

    @Option(names = "--teacher-noise", description = "Probability the simulated LLM answers another label (default: ${DEFAULT-VALUE}).")
    double teacherNoise = D.teacherNoise();

    @Option(names = "--delay", paramLabel = "MS", description = "Mean latency of the simulated LLM in ms (default: ${DEFAULT-VALUE}).")
    long delayMs = D.delayMs();

    @Option(names = "--seed", description = "Seed of order, noise and engines (default: ${DEFAULT-VALUE}).")
    long seed = D.seed();

    @Option(names = "--featurizer", description = "minilm, minilm-q, bge-small or hashing (default: ${DEFAULT-VALUE}).")
    String featurizer = D.embeddingModel();

    @Option(names = "--no-progress", description = "No live progress lines on stderr.")
    boolean noProgress;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        final List<String> taskNames = tasks != null ? tasks : dataset == null ? D.tasks() : List.of();
        final DemoOptions options = new DemoOptions(dataset, taskNames, rate, limit, parseDuration(duration), host, port,
                alpha, epsilon, teacherNoise, delayMs, seed, featurizer, !noProgress, json);
        final DemoSummary summary = new DemoRunner(options).run();
        return summary.stopReason().startsWith("failed") ? 1 : 0;
    }

    static Duration parseDuration(final String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            final long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("demo option '--duration' must look like 90s, 5m, 1h or PT2M (got '"
                    + text + "')");
        }
    }
}
