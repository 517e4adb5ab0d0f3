/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import io.tracerstreams.bench.chaos.ChaosVerifier.DeadLetterSeen;
import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.bench.chaos.FuzzCorpus.Bad;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FuzzVerdictTest {

    private static final Position RANDOM = new Position("llm.requests", 0, 7);
    private static final Position ORPHAN = new Position("llm.responses", 0, 3);

    private static RoutingDecision deferred(final String id, final Reason reason) {
        return RoutingDecision.newBuilder().setRequestId(id).setTask("fuzz-a").setDecision(Decision.DEFERRED).setLabel(null)
                .setScore(0.0).setThreshold(null).setReason(reason).setAudit(false).setModelVersion("none")
                .setTimestamp(Instant.EPOCH).build();
    }

    private static FuzzCorpus.Expected expected(final Map<String, RoutingDecision> decisionOf) {
        return new FuzzCorpus.Expected(Set.of("v-0", "v-1"), Map.of("b-2", Bad.EMPTY_INPUT, "b-3", Bad.TASK_LIMIT_REQUEST),
                Map.of(RANDOM, Bad.RANDOM_BYTES, ORPHAN, Bad.ORPHAN_RESPONSE), new EnumMap<>(Bad.class), Map.of(), decisionOf,
                1, 2, 0, 0);
    }

    private static Map<String, RoutingDecision> rightAnswers() {
        return Map.of("b-2", deferred("b-2", Reason.INVALID_INPUT), "b-3", deferred("b-3", Reason.TASK_LIMIT));
    }

    private static List<DeadLetterSeen> bothDead() {
        return List.of(new DeadLetterSeen(RANDOM, "undecodable"), new DeadLetterSeen(ORPHAN, "response-without-request"));
    }

    @Test
    void shouldPassWhenEverythingEndsWhereItMust() {
        final FuzzVerdict v = FuzzVerdict.verify(expected(rightAnswers()), List.of("v-0", "v-1", "b-2", "b-3"), bothDead(),
                Map.of("fuzz-a", 3L), 0, true);
        assertThat(v.problems()).isEmpty();
        assertThat(v.passed()).isTrue();
        assertThat(v.bad()).isEqualTo(4);
        assertThat(v.deadLettered()).isEqualTo(2);
        assertThat(v.answeredInvalid()).isEqualTo(1);
        assertThat(v.answeredTaskLimit()).isEqualTo(1);
        assertThat(v.toJson()).contains("\"passed\":true");
    }

    @Test
    void shouldFailOnEachPlantedDefect() {
        final List<String> all = List.of("v-0", "v-1", "b-2", "b-3");
        // a valid request without a decision
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), List.of("v-0", "b-2", "b-3"), bothDead(), Map.of("t", 3L), 0, true)
                .missing()).isEqualTo(1);
        // a valid request decided twice
        final List<String> twice = new ArrayList<>(all);
        twice.add("v-1");
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), twice, bothDead(), Map.of("t", 3L), 0, true).passed()).isFalse();
        // a bad record not dead-lettered, and one dead-lettered twice
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, List.of(new DeadLetterSeen(RANDOM, "undecodable")),
                Map.of("t", 3L), 0, true).lost()).isEqualTo(1);
        final List<DeadLetterSeen> dup = new ArrayList<>(bothDead());
        dup.add(new DeadLetterSeen(ORPHAN, "response-without-request"));
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, dup, Map.of("t", 3L), 0, true).passed()).isFalse();
        // a valid record dead-lettered
        final List<DeadLetterSeen> stray = new ArrayList<>(bothDead());
        stray.add(new DeadLetterSeen(new Position("llm.requests", 0, 99), "undecodable"));
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, stray, Map.of("t", 3L), 0, true).strayDeadLetters()).isEqualTo(1);
        // an invalid request answered with the wrong reason
        final FuzzVerdict wrong = FuzzVerdict.verify(expected(Map.of("b-2", deferred("b-2", Reason.TASK_LIMIT), "b-3",
                deferred("b-3", Reason.TASK_LIMIT))), all, bothDead(), Map.of("t", 3L), 0, true);
        assertThat(wrong.lost()).isEqualTo(1);
        assertThat(wrong.passed()).isFalse();
        // a trace not learned; a stream thread died; the process ended
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, bothDead(), Map.of("t", 2L), 0, true).passed()).isFalse();
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, bothDead(), Map.of("t", 3L), 1, true).passed()).isFalse();
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), all, bothDead(), Map.of("t", 3L), 0, false).passed()).isFalse();
        // a decision for an id never requested
        final List<String> unexpected = new ArrayList<>(all);
        unexpected.add("x-9");
        assertThat(FuzzVerdict.verify(expected(rightAnswers()), unexpected, bothDead(), Map.of("t", 3L), 0, true).unexpected())
                .isEqualTo(1);
    }
}
