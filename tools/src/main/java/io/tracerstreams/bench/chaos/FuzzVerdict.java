/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.ChaosVerifier.DeadLetterSeen;
import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.bench.chaos.FuzzCorpus.Bad;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of {@code tracer bench fuzz}, computed from what the corpus sent and what was read back with
 * read_committed.
 *
 * @param bad               bad records the broker accepted (refused ones are in {@code refusedAtProduce})
 * @param deadLettered      bad records found in the DLQ exactly once, at their source offset
 * @param answeredInvalid   bad requests answered DEFERRED, INVALID_INPUT, exactly once
 * @param answeredTaskLimit requests of tasks beyond the cap answered DEFERRED, TASK_LIMIT, exactly once
 * @param lost              bad records neither dead-lettered once nor answered once with their reason
 * @param strayDeadLetters  dead letters that are no planted record (a valid record dead-lettered)
 * @param validRequests     valid requests sent
 * @param decidedOnce       valid requests with exactly one decision
 * @param missing           valid requests without a decision
 * @param duplicates        decisions beyond the first
 * @param unexpected        decisions for ids never requested
 * @param responses         valid LLM responses sent, plus label-flood traces
 * @param learned           the traces-learned count of the last task stats, summed over tasks
 * @param threadDeaths      stream threads that died
 * @param alive             whether the tracer process was still running at the end
 */
record FuzzVerdict(long bad, long deadLettered, long answeredInvalid, long answeredTaskLimit, long lost, long strayDeadLetters,
                   long validRequests, long decidedOnce, long missing, long duplicates, long unexpected, long responses,
                   long learned, long threadDeaths, boolean alive, Map<Bad, Integer> plantedByKind,
                   Map<Bad, Integer> refusedAtProduce, List<String> problems) {

    boolean passed() {
        return problems.isEmpty();
    }

    static FuzzVerdict verify(final FuzzCorpus.Expected e, final List<String> decisionIds, final List<DeadLetterSeen> deadLetters,
                              final Map<String, Long> learnedPerTask, final long threadDeaths, final boolean alive) {
        final List<String> problems = new ArrayList<>();
        final Map<String, Integer> decided = new HashMap<>();
        decisionIds.forEach(id -> decided.merge(id, 1, Integer::sum));
        long decidedOnce = 0;
        long missing = 0;
        long duplicates = 0;
        long unexpected = 0;
        for (final String id : e.valid()) {
            final int n = decided.getOrDefault(id, 0);
            decidedOnce += n == 1 ? 1 : 0;
            missing += n == 0 ? 1 : 0;
        }
        for (final Map.Entry<String, Integer> d : decided.entrySet()) {
            duplicates += Math.max(0, d.getValue() - 1);
            if (!e.valid().contains(d.getKey()) && !e.answered().containsKey(d.getKey())) {
                unexpected++;
            }
        }
        long invalid = 0;
        long limit = 0;
        long lost = 0;
        final Map<Bad, Integer> planted = new EnumMap<>(Bad.class);
        for (final Map.Entry<String, Bad> a : e.answered().entrySet()) {
            planted.merge(a.getValue(), 1, Integer::sum);
            final RoutingDecision d = e.decisionOf().get(a.getKey());
            final boolean ok = decided.getOrDefault(a.getKey(), 0) == 1 && d != null && d.getDecision() == Decision.DEFERRED
                    && d.getReason() == a.getValue().answeredWith();
            if (!ok) {
                lost++;
                if (problems.size() < 20) {
                    problems.add(a.getValue() + " request " + a.getKey() + " not answered once with " + a.getValue().answeredWith()
                            + " (decisions " + decided.getOrDefault(a.getKey(), 0) + ", first " + (d == null ? "none"
                            : d.getDecision() + "/" + d.getReason()) + ")");
                }
            } else if (a.getValue().answeredWith() == io.tracerstreams.schema.Reason.TASK_LIMIT) {
                limit++;
            } else {
                invalid++;
            }
        }
        final Map<Position, Integer> deadAt = new HashMap<>();
        long strays = 0;
        for (final DeadLetterSeen d : deadLetters) {
            if (d.source() == null || !e.planted().containsKey(d.source())) {
                strays++;
                if (problems.size() < 20) {
                    problems.add("dead letter that is no planted record: " + d.source() + " " + d.reason());
                }
                continue;
            }
            deadAt.merge(d.source(), 1, Integer::sum);
        }
        long dead = 0;
        for (final Map.Entry<Position, Bad> p : e.planted().entrySet()) {
            planted.merge(p.getValue(), 1, Integer::sum);
            final int n = deadAt.getOrDefault(p.getKey(), 0);
            if (n == 1) {
                dead++;
            } else {
                lost++;
                if (problems.size() < 20) {
                    problems.add(p.getValue() + " at " + p.getKey() + " dead-lettered " + n + " times");
                }
            }
        }
        final long learned = learnedPerTask.values().stream().mapToLong(Long::longValue).sum();
        final long responses = e.validResponses() + e.floodLearned();
        if (missing > 0) {
            problems.add(missing + " valid requests without a decision");
        }
        if (duplicates > 0) {
            problems.add(duplicates + " decisions beyond the first");
        }
        if (unexpected > 0 || e.unexpected() > 0) {
            problems.add(Math.max(unexpected, e.unexpected()) + " decisions for ids never requested");
        }
        if (learned != responses) {
            problems.add("learned " + learned + " traces, expected " + responses + " (valid responses and label-flood traces)");
        }
        if (threadDeaths > 0) {
            problems.add(threadDeaths + " stream threads died");
        }
        if (!alive) {
            problems.add("the tracer process ended");
        }
        if (e.sendFailures() > 0) {
            problems.add(e.sendFailures() + " valid records could not be produced");
        }
        final long bad = e.planted().size() + e.answered().size();
        return new FuzzVerdict(bad, dead, invalid, limit, lost, strays, e.valid().size(), decidedOnce, missing, duplicates,
                Math.max(unexpected, e.unexpected()), responses, learned, threadDeaths, alive, planted,
                new EnumMap<>(e.refused()), List.copyOf(problems));
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"bad\":%d,\"dead_lettered\":%d,\"answered_invalid_input\":%d,\"answered_task_limit\":%d,"
                + "\"refused_at_produce\":%d,\"lost\":%d,\"stray_dead_letters\":%d,\"valid_requests\":%d,\"decided_once\":%d,"
                + "\"missing\":%d,\"duplicates\":%d,\"unexpected\":%d,\"responses\":%d,\"learned\":%d,\"thread_deaths\":%d,"
                + "\"by_kind\":{%s},\"passed\":%s}", bad, deadLettered, answeredInvalid, answeredTaskLimit,
                refusedAtProduce.values().stream().mapToInt(Integer::intValue).sum(), lost, strayDeadLetters, validRequests,
                decidedOnce, missing, duplicates, unexpected, responses, learned, threadDeaths,
                plantedByKind.entrySet().stream().map(k -> "\"" + k.getKey().name().toLowerCase(Locale.ROOT) + "\":" + k.getValue())
                        .collect(Collectors.joining(",")), passed());
    }

    String summary() {
        return String.format(Locale.ROOT, "fuzz: %s%n  %,d bad records accepted by the broker (%s)%n  dead-lettered once at their "
                + "source offset %,d; answered INVALID_INPUT %,d; answered TASK_LIMIT %,d; lost %d; stray dead letters %d; refused "
                + "at produce %s%n  valid requests %,d, decided once %,d (missing %d, duplicates %d, unexpected %d); responses and "
                + "flood traces %,d, learned %,d; stream thread deaths %d; process %s%s",
                passed() ? "PASSED" : "FAILED", bad, plantedByKind, deadLettered, answeredInvalid, answeredTaskLimit, lost,
                strayDeadLetters, refusedAtProduce.isEmpty() ? "none" : refusedAtProduce, validRequests, decidedOnce, missing,
                duplicates, unexpected, responses, learned, threadDeaths, alive ? "alive" : "ENDED",
                problems.isEmpty() ? "" : "\n  problems: " + String.join("; ", problems));
    }
}
