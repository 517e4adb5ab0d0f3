/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.bench.chaos.ChaosVerifier.DeadLetterSeen;
import io.tracerstreams.bench.chaos.ChaosVerifier.Position;
import io.tracerstreams.bench.chaos.ChaosVerifier.Published;
import io.tracerstreams.bench.chaos.ChaosVerifier.ReadBack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The verifier of the fault suite must fail on every kind of loss or duplication it is there to find: each test
 * plants one defect into an otherwise clean read-back (over randomized runs) and checks that the verdict names it.
 */
class ChaosVerifierTest {

    private static final String EOS = ChaosVerifier.EXACTLY_ONCE_V2;
    private static final String ALOS = ChaosVerifier.AT_LEAST_ONCE;

    /** A clean run: n requests over 3 tasks, every third answered by the LLM, 5 planted bad records. */
    private record Run(Published published, List<String> decisions, List<DeadLetterSeen> dead, Map<String, Long> learned,
                       Map<String, String> gateEvent, Map<String, String> gateState) {

        static Run clean(final long seed) {
            final Random random = new Random(seed);
            final int n = 50 + random.nextInt(200);
            final Map<String, String> requested = new LinkedHashMap<>();
            final Set<String> accepted = new LinkedHashSet<>();
            final Map<String, Long> learned = new HashMap<>();
            final List<String> decisions = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final String task = "t" + (i % 3);
                final String id = task + "-" + i;
                requested.put(id, task);
                decisions.add(id);
                learned.putIfAbsent(task, 0L);
                if (random.nextInt(3) == 0) {
                    accepted.add(id);
                    learned.merge(task, 1L, Long::sum);
                }
            }
            java.util.Collections.shuffle(decisions, random);
            final Set<Position> planted = new LinkedHashSet<>();
            final List<DeadLetterSeen> dead = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                final Position p = new Position(i % 2 == 0 ? "llm.requests" : "llm.responses", random.nextInt(3), 1000 + i);
                planted.add(p);
                dead.add(new DeadLetterSeen(p, "undecodable"));
            }
            final Map<String, String> gate = Map.of("t0", "OPEN@12", "t1", "CLOSED@3", "t2", "CLOSED@0");
            return new Run(new Published(requested, accepted, planted), decisions, dead, learned, new HashMap<>(gate),
                    new HashMap<>(gate));
        }

        ChaosVerdict verify(final String guarantee) {
            return ChaosVerifier.verify("kill", guarantee, 1, published,
                    new ReadBack(decisions, dead, learned, gateEvent, gateState, 0));
        }
    }

    @Test
    void shouldPassACleanRunUnderEitherGuarantee() {
        for (long seed = 0; seed < 20; seed++) {
            final Run run = Run.clean(seed);
            for (final String g : List.of(EOS, ALOS)) {
                final ChaosVerdict v = run.verify(g);
                assertThat(v.passed()).as("%s: %s", g, v.problems()).isTrue();
                assertThat(v.missing() + v.duplicates() + v.unexpected() + v.deadLettersUnexpected()).isZero();
                assertThat(v.decidedOnce()).isEqualTo(run.published().requested().size());
                assertThat(v.learned()).isEqualTo(v.responses());
                assertThat(v.deadLettersExpected()).isEqualTo(5);
            }
        }
    }

    @Test
    void shouldFailWhenADecisionIsMissingUnderEitherGuarantee() {
        for (long seed = 0; seed < 20; seed++) {
            final Run run = Run.clean(seed);
            final String lost = run.decisions().remove(new Random(seed).nextInt(run.decisions().size()));
            for (final String g : List.of(EOS, ALOS)) {
                final ChaosVerdict v = run.verify(g);
                assertThat(v.passed()).isFalse();
                assertThat(v.missing()).isEqualTo(1);
                assertThat(v.problems()).anyMatch(p -> p.contains("no decision") && p.contains(lost));
            }
        }
    }

    @Test
    void shouldFailOnADuplicateDecisionUnderExactlyOnceAndCountItUnderAtLeastOnce() {
        for (long seed = 0; seed < 20; seed++) {
            final Run run = Run.clean(seed);
            run.decisions().add(run.decisions().get(new Random(seed).nextInt(run.decisions().size())));
            final ChaosVerdict eos = run.verify(EOS);
            assertThat(eos.passed()).isFalse();
            assertThat(eos.duplicates()).isEqualTo(1);
            final ChaosVerdict alos = run.verify(ALOS);
            assertThat(alos.passed()).as("%s", alos.problems()).isTrue();
            assertThat(alos.duplicates()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailOnADecisionForAnIdNeverRequested() {
        final Run run = Run.clean(1);
        run.decisions().add("never-requested");
        for (final String g : List.of(EOS, ALOS)) {
            final ChaosVerdict v = run.verify(g);
            assertThat(v.passed()).isFalse();
            assertThat(v.unexpected()).isEqualTo(1);
        }
    }

    @Test
    void shouldFailWhenAResponseIsNotLearnedOrLearnedTwice() {
        final Run lost = Run.clean(2);
        lost.learned().merge("t1", -1L, Long::sum);
        assertThat(lost.verify(EOS).passed()).isFalse();
        assertThat(lost.verify(ALOS).passed()).isFalse();
        final Run twice = Run.clean(3);
        twice.learned().merge("t2", 1L, Long::sum);
        assertThat(twice.verify(EOS).passed()).isFalse();
        assertThat(twice.verify(EOS).duplicates()).isEqualTo(1);
        assertThat(twice.verify(ALOS).passed()).isTrue();
    }

    @Test
    void shouldFailUnderAtLeastOnceWhenAResponseIsLostInOneTaskAndAnotherLearnedTwiceInAnother() {
        final Run run = Run.clean(4);
        run.learned().merge("t1", -1L, Long::sum);
        run.learned().merge("t2", 1L, Long::sum);
        final ChaosVerdict v = run.verify(ALOS);
        assertThat(v.learned()).isEqualTo(v.responses());
        assertThat(v.passed()).isFalse();
        assertThat(v.problems()).anySatisfy(p -> assertThat(p).startsWith("task t1: traces learned"));
    }

    @Test
    void shouldFailWhenAPlantedBadRecordIsNotDeadLetteredOrAValidOneIs() {
        final Run absent = Run.clean(4);
        absent.dead().remove(0);
        for (final String g : List.of(EOS, ALOS)) {
            assertThat(absent.verify(g).passed()).isFalse();
            assertThat(absent.verify(g).deadLettersExpected()).isEqualTo(4);
        }
        final Run extra = Run.clean(5);
        extra.dead().add(new DeadLetterSeen(new Position("llm.requests", 0, 7), "undecodable"));
        for (final String g : List.of(EOS, ALOS)) {
            assertThat(extra.verify(g).passed()).isFalse();
            assertThat(extra.verify(g).deadLettersUnexpected()).isEqualTo(1);
        }
        final Run redelivered = Run.clean(6);
        redelivered.dead().add(new DeadLetterSeen(new Position("llm.requests", 0, 8), "duplicate-request"));
        assertThat(redelivered.verify(EOS).passed()).isFalse();
        assertThat(redelivered.verify(ALOS).passed()).isTrue();
        final Run twice = Run.clean(7);
        twice.dead().add(twice.dead().get(2));
        assertThat(twice.verify(EOS).passed()).isFalse();
        assertThat(twice.verify(ALOS).passed()).isTrue();
        assertThat(twice.verify(ALOS).duplicates()).isEqualTo(1);
    }

    @Test
    void shouldFailWhenTheCompactedGateStateDiffersFromTheLastGateEvent() {
        final Run run = Run.clean(8);
        run.gateState().put("t1", "OPEN@2");
        assertThat(run.verify(EOS).passed()).isFalse();
        assertThat(run.verify(EOS).problems()).anyMatch(p -> p.contains("task t1"));
    }

    @Test
    void shouldFailWhenAStreamThreadDied() {
        final Run run = Run.clean(9);
        final ChaosVerdict v = ChaosVerifier.verify("kill", EOS, 1, run.published(),
                new ReadBack(run.decisions(), run.dead(), run.learned(), run.gateEvent(), run.gateState(), 1));
        assertThat(v.passed()).isFalse();
    }

    @Test
    void shouldPrintTheIssuesJsonObject() {
        final ChaosVerdict v = Run.clean(10).verify(EOS);
        assertThat(v.toJson()).matches("\\{\"scenario\":\"kill\",\"guarantee\":\"exactly_once_v2\",\"requests\":\\d+,"
                + "\"decided_once\":\\d+,\"missing\":0,\"duplicates\":0,\"unexpected\":0,\"responses\":\\d+,\"learned\":\\d+,"
                + "\"dead_letters_expected\":5,\"dead_letters_unexpected\":0,\"faults\":1,\"passed\":true}");
    }
}
