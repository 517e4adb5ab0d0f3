/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The verifier of the fault suite, modelled on Apache Kafka's {@code EosTestDriver#verify}: given what the driver
 * published and everything read back from the output topics with read_committed, it checks record by record
 *
 * <ul>
 *   <li>every request has exactly one decision, and no decision exists for an id never requested;</li>
 *   <li>every accepted response is learned exactly once: the traces-learned count summed over tasks equals the
 *       number of distinct accepted responses, and so does each task's count with its own responses;</li>
 *   <li>the dead-letter topic holds exactly the planted bad records (matched by their source topic, partition and
 *       offset, which the driver knows from its producer's acknowledgements);</li>
 *   <li>the final compacted gate state of each task equals its last gate event;</li>
 *   <li>no stream thread died.</li>
 * </ul>
 * Under {@code at_least_once} duplicates are allowed and counted (extra decisions, traces learned more than once,
 * planted records dead-lettered more than once, and duplicate-request / duplicate-response dead letters of valid
 * records processed again after a crash), but nothing may be missing: every task must have learned at least as many
 * traces as it got accepted responses (learned at least once). A count cannot tell which response was learned: a
 * response lost and another learned twice in the same task cancel out, which the per-task check narrows but does
 * not rule out.
 *
 * <p>Pure: no Kafka, so that a unit test can plant a missing or duplicate decision and see it fail.
 */
public final class ChaosVerifier {

    /** Exactly-once v2: the strict checks. */
    public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";
    /** At-least-once: duplicates counted, nothing missing. */
    public static final String AT_LEAST_ONCE = "at_least_once";

    private ChaosVerifier() {
    }

    /** Where a record was read: its source topic, partition and offset. */
    public record Position(String topic, int partition, long offset) {
    }

    /** One record of the dead-letter topic: where its bad record was read (null when the headers do not say) and why. */
    public record DeadLetterSeen(Position source, String reason) {
    }

    /**
     * What the driver published.
     *
     * @param requested request id -&gt; task, of every request published (valid and INVALID_INPUT)
     * @param accepted  request ids of the LLM responses published for decided requests (each once; duplicates are planted)
     * @param planted   the positions of the planted bad records
     */
    public record Published(Map<String, String> requested, Set<String> accepted, Set<Position> planted) {
    }

    /**
     * What was read back.
     *
     * @param decisionIds    the request id of every decision, in topic order
     * @param deadLetters    every record of the dead-letter topic
     * @param learnedPerTask traces learned per task, from each task's last stats record
     * @param lastGateEvent  per task its last gate event (any value with equals)
     * @param lastGateState  per task its last value on the compacted gate-state topic
     * @param threadDeaths   stream threads that died, from the instances' logs
     */
    public record ReadBack(List<String> decisionIds, List<DeadLetterSeen> deadLetters, Map<String, Long> learnedPerTask,
                           Map<String, ?> lastGateEvent, Map<String, ?> lastGateState, int threadDeaths) {
    }

    /** Checks the read-back against what was published, under the guarantee. */
    public static ChaosVerdict verify(final String scenario, final String guarantee, final long faults, final Published published,
                                      final ReadBack read) {
        final boolean exactlyOnce = EXACTLY_ONCE_V2.equals(guarantee);
        final List<String> problems = new ArrayList<>();

        final Map<String, Integer> decisions = new HashMap<>();
        for (final String id : read.decisionIds()) {
            decisions.merge(id, 1, Integer::sum);
        }
        long decidedOnce = 0;
        long missing = 0;
        long duplicates = 0;
        final List<String> missingIds = new ArrayList<>();
        final List<String> duplicateIds = new ArrayList<>();
        for (final String id : published.requested().keySet()) {
            final int n = decisions.getOrDefault(id, 0);
            if (n == 0) {
                missing++;
                missingIds.add(id);
            } else if (n == 1) {
                decidedOnce++;
            } else {
                duplicates += n - 1;
                duplicateIds.add(id);
            }
        }
        long unexpected = 0;
        final List<String> unexpectedIds = new ArrayList<>();
        for (final Map.Entry<String, Integer> e : decisions.entrySet()) {
            if (!published.requested().containsKey(e.getKey())) {
                unexpected += e.getValue();
                unexpectedIds.add(e.getKey());
            }
        }
        if (missing > 0) {
            problems.add(missing + " requests have no decision, e.g. " + first(missingIds));
        }
        if (exactlyOnce && duplicates > 0) {
            problems.add(duplicates + " duplicate decisions, e.g. for " + first(duplicateIds));
        }
        if (unexpected > 0) {
            problems.add(unexpected + " decisions for request ids never requested, e.g. " + first(unexpectedIds));
        }

        final long responses = published.accepted().size();
        final long learned = read.learnedPerTask().values().stream().mapToLong(Long::longValue).sum();
        final Map<String, Long> responsesPerTask = new HashMap<>();
        for (final String id : published.accepted()) {
            final String task = published.requested().get(id);
            if (task != null) {
                responsesPerTask.merge(task, 1L, Long::sum);
            }
        }
        for (final String task : responsesPerTask.keySet()) {
            if (!read.learnedPerTask().containsKey(task)) {
                problems.add("no task stats for task " + task);
            }
        }
        if (exactlyOnce ? learned != responses : learned < responses) {
            problems.add("traces learned " + learned + (exactlyOnce ? " != " : " < ") + responses + " accepted responses");
        } else {
            // per task too, so that a response lost in one task cannot hide behind one learned twice in another
            for (final Map.Entry<String, Long> e : responsesPerTask.entrySet()) {
                final long learnedHere = read.learnedPerTask().getOrDefault(e.getKey(), 0L);
                if (exactlyOnce ? learnedHere != e.getValue() : learnedHere < e.getValue()) {
                    problems.add("task " + e.getKey() + ": traces learned " + learnedHere + (exactlyOnce ? " != " : " < ")
                            + e.getValue() + " accepted responses");
                }
            }
        }
        if (learned > responses) {
            duplicates += learned - responses;
        }

        final Map<Position, Integer> plantedSeen = new HashMap<>();
        long unexpectedDead = 0;
        long redeliveredDead = 0;
        final Map<String, Integer> unexpectedDeadByReason = new java.util.TreeMap<>();
        for (final DeadLetterSeen d : read.deadLetters()) {
            if (d.source() != null && published.planted().contains(d.source())) {
                plantedSeen.merge(d.source(), 1, Integer::sum);
            } else {
                unexpectedDead++;
                if (isRedelivery(d.reason())) {
                    redeliveredDead++;
                }
                unexpectedDeadByReason.merge(d.reason(), 1, Integer::sum);
            }
        }
        long plantedRepeats = 0;
        for (final int n : plantedSeen.values()) {
            plantedRepeats += n - 1;
        }
        final long plantedMissing = published.planted().size() - plantedSeen.size();
        if (plantedMissing > 0) {
            final List<Position> absent = new ArrayList<>(published.planted());
            absent.removeAll(plantedSeen.keySet());
            problems.add(plantedMissing + " planted bad records are not in the dead-letter topic, e.g. " + first(absent));
        }
        if (exactlyOnce && plantedRepeats > 0) {
            problems.add(plantedRepeats + " planted bad records are in the dead-letter topic more than once");
        }
        duplicates += plantedRepeats;
        if (exactlyOnce ? unexpectedDead > 0 : unexpectedDead > redeliveredDead) {
            problems.add(unexpectedDead + " dead letters are no planted record, by reason " + unexpectedDeadByReason);
        }

        final Set<String> tasks = new HashSet<>(read.lastGateEvent().keySet());
        tasks.addAll(read.lastGateState().keySet());
        for (final String task : tasks) {
            if (!Objects.equals(read.lastGateEvent().get(task), read.lastGateState().get(task))) {
                problems.add("task " + task + ": the compacted gate state differs from the last gate event");
            }
        }
        if (read.threadDeaths() > 0) {
            problems.add(read.threadDeaths() + " stream threads died");
        }
        return new ChaosVerdict(scenario, guarantee, published.requested().size(), decidedOnce, missing, duplicates, unexpected,
                responses, learned, plantedSeen.size(), unexpectedDead, faults, problems.isEmpty(), List.copyOf(problems));
    }

    /** A dead letter that at-least-once processing may legitimately produce for a valid record processed twice. */
    private static boolean isRedelivery(final String reason) {
        return "duplicate-request".equals(reason) || "duplicate-response".equals(reason);
    }

    private static String first(final List<?> items) {
        return items.size() <= 3 ? items.toString() : items.subList(0, 3) + " ...";
    }
}
