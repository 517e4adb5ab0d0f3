/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one demo run ({@link DemoRunner}); the {@code demo} command maps its flags onto these
 * fields one to one. Immutable and validated: a bad value fails at construction naming the field.
 *
 * @param dataset        a JSON-lines dataset ({@code id, text, label}, optionally .gz) to run as one task named
 *                       after the file; null runs the shipped datasets named in {@code tasks}
 * @param tasks          the shipped tasks to run when {@code dataset} is null (see {@link DemoDatasets}); when a
 *                       dataset is given, a single entry renames its task
 * @param rate           requests per second, over all tasks together
 * @param limit          requests to send in all (0: no limit)
 * @param duration       how long to send requests (null or zero: no limit); the run also stops on Ctrl-C
 * @param host           the live view's address (127.0.0.1 keeps it local)
 * @param port           the live view's port, 0 for a free one, -1 for no live view
 * @param alpha          target agreement of every task's gate
 * @param epsilon        audit share of handled requests
 * @param teacherNoise   probability that the simulated LLM answers a random other label instead of the
 *                       dataset's
 * @param delayMs        mean latency of the simulated LLM, in milliseconds (uniform in [0.5, 1.5] times it)
 * @param seed           seed of the request order, the teacher noise and the tasks' own randomness
 * @param embeddingModel the featurizer ({@code minilm}, {@code minilm-q}, {@code bge-small} or {@code hashing})
 * @param progress       print the one-line-per-task progress display on stderr
 * @param json           print the JSON summary on stdout at the end (else a readable summary on stdout)
 */
public record DemoOptions(Path dataset, List<String> tasks, double rate, long limit, Duration duration, String host,
                          int port, double alpha, double epsilon, double teacherNoise, long delayMs, long seed,
                          String embeddingModel, boolean progress, boolean json) {

    /**
     * The defaults: both shipped tasks, 40 requests/s, 5,000 requests (about 2,500 per task: less than one
     * pass over each dataset, so no text repeats), no time limit, port 8080 on 127.0.0.1, alpha 0.90, epsilon 0.05, no teacher noise,
     * 200 ms LLM latency, seed 42, MiniLM embeddings, progress on, readable summary.
     */
    public static final DemoOptions DEFAULTS = new DemoOptions(null, DemoDatasets.shippedTasks(), 40.0, 5_000, null,
            "127.0.0.1", 8080, 0.90, 0.05, 0.0, 200, 42L, "minilm", true, false);

    public DemoOptions {
        Objects.requireNonNull(tasks, "demo option 'tasks' must not be null");
        tasks = List.copyOf(tasks);
        if (dataset == null) {
            check(!tasks.isEmpty(), "tasks", tasks, "must name at least one task");
            for (final String t : tasks) {
                check(DemoDatasets.isShipped(t), "tasks", tasks, "must be shipped tasks " + DemoDatasets.shippedTasks()
                        + " unless a dataset file is given");
            }
            check(tasks.stream().distinct().count() == tasks.size(), "tasks", tasks, "must not repeat a task");
        } else {
            check(tasks.size() <= 1, "tasks", tasks, "with a dataset file, gives at most one name (the task's)");
        }
        check(rate > 0 && rate <= 10_000, "rate", rate, "must be in (0, 10000] requests per second");
        check(limit >= 0, "limit", limit, "must not be negative (0: no limit)");
        check(duration == null || !duration.isNegative(), "duration", duration, "must not be negative");
        check(host != null && !host.isBlank(), "host", host, "must not be blank");
        check(port >= -1 && port <= 65_535, "port", port, "must be in [0, 65535], or -1 for no live view");
        check(alpha > 0.5 && alpha < 1.0, "alpha", alpha, "must be in (0.5, 1)");
        check(epsilon > 0.0 && epsilon <= 1.0, "epsilon", epsilon, "must be in (0, 1]");
        check(teacherNoise >= 0.0 && teacherNoise < 1.0, "teacherNoise", teacherNoise, "must be in [0, 1)");
        check(delayMs >= 0 && delayMs <= 600_000, "delayMs", delayMs, "must be in [0, 600000]");
        check(embeddingModel != null && !embeddingModel.isBlank(), "embeddingModel", embeddingModel,
                "must name a featurizer");
    }

    /** The task names this run uses. */
    public List<String> taskNames() {
        if (dataset == null) {
            return tasks;
        }
        if (!tasks.isEmpty()) {
            return tasks;
        }
        final String file = dataset.getFileName().toString();
        final int dot = file.indexOf('.');
        return List.of(dot > 0 ? file.substring(0, dot) : file);
    }

    /** A copy with another limit. */
    public DemoOptions withLimit(final long newLimit) {
        return new DemoOptions(dataset, tasks, rate, newLimit, duration, host, port, alpha, epsilon, teacherNoise,
                delayMs, seed, embeddingModel, progress, json);
    }

    /** A copy with another rate. */
    public DemoOptions withRate(final double newRate) {
        return new DemoOptions(dataset, tasks, newRate, limit, duration, host, port, alpha, epsilon, teacherNoise,
                delayMs, seed, embeddingModel, progress, json);
    }

    /** A copy with another live-view port (0: a free one, -1: none). */
    public DemoOptions withPort(final int newPort) {
        return new DemoOptions(dataset, tasks, rate, limit, duration, host, newPort, alpha, epsilon, teacherNoise,
                delayMs, seed, embeddingModel, progress, json);
    }

    /** A copy with another featurizer. */
    public DemoOptions withEmbeddingModel(final String newModel) {
        return new DemoOptions(dataset, tasks, rate, limit, duration, host, port, alpha, epsilon, teacherNoise,
                delayMs, seed, newModel, progress, json);
    }

    /** A copy with the progress display on or off. */
    public DemoOptions withProgress(final boolean newProgress) {
        return new DemoOptions(dataset, tasks, rate, limit, duration, host, port, alpha, epsilon, teacherNoise,
                delayMs, seed, embeddingModel, newProgress, json);
    }

    private static void check(final boolean ok, final String field, final Object value, final String rule) {
        if (!ok) {
            throw new IllegalArgumentException("demo option '" + field + "' " + rule + " (got " + value + ")");
        }
    }
}
