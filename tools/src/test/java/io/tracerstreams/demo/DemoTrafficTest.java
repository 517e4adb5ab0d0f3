/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DemoTrafficTest {

    private static Map<String, List<LabelledText>> data() {
        final Map<String, List<LabelledText>> data = new LinkedHashMap<>();
        final List<LabelledText> a = new ArrayList<>();
        final List<LabelledText> b = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            a.add(new LabelledText("a" + i, "text a " + i, "l" + (i % 4)));
            b.add(new LabelledText("b" + i, "text b " + i, i % 2 == 0 ? "x" : "y"));
        }
        data.put("task-a", a);
        data.put("task#b", b);
        return data;
    }

    @Test
    void shouldGiveTheSameSequenceForTheSameSeedAndAnotherForAnother() {
        final List<String> one = ids(new DemoTraffic(data(), 7, 0.0), 500);
        assertThat(ids(new DemoTraffic(data(), 7, 0.0), 500)).isEqualTo(one);
        assertThat(ids(new DemoTraffic(data(), 8, 0.0), 500)).isNotEqualTo(one);
    }

    @Test
    void shouldVisitEveryRowOncePerPassAndResolveEveryId() {
        final DemoTraffic traffic = new DemoTraffic(data(), 3, 0.0);
        final Map<String, Set<String>> texts = new HashMap<>();
        int aSeen = 0;
        for (int i = 0; i < 390; i++) {
            final DemoTraffic.Request r = traffic.next();
            assertThat(traffic.lookup(r.requestId())).isEqualTo(r);
            if (r.task().equals("task-a") && aSeen++ < 200) {
                assertThat(texts.computeIfAbsent(r.task(), k -> new HashSet<>()).add(r.text()))
                        .as("row repeated within a pass").isTrue();
            }
        }
        assertThat(traffic.lookup("nothing")).isNull();
        assertThat(traffic.lookup("task-a#0#999")).isNull();
        assertThat(traffic.lookup("other#0#1")).isNull();
    }

    @Test
    void shouldFlipTeacherLabelsAtTheNoiseRateToAnotherLabelOfTheTask() {
        final DemoTraffic traffic = new DemoTraffic(data(), 11, 0.2);
        int flipped = 0;
        final int n = 20_000;
        for (int i = 0; i < n; i++) {
            final DemoTraffic.Request r = traffic.next();
            if (!r.teacherLabel().equals(r.datasetLabel())) {
                flipped++;
                assertThat(r.task().equals("task-a") ? List.of("l0", "l1", "l2", "l3") : List.of("x", "y"))
                        .contains(r.teacherLabel());
            }
        }
        assertThat((double) flipped / n).isCloseTo(0.2, within(0.015));
    }

    @Test
    void shouldScoreRealisedAgreementOnHandledRequestsAgainstTheTeacher() {
        final DemoTraffic traffic = new DemoTraffic(data(), 5, 0.0);
        final DemoScore score = new DemoScore(traffic);
        int handled = 0;
        int agree = 0;
        int audited = 0;
        int deferred = 0;
        for (int i = 0; i < 1_000; i++) {
            final DemoTraffic.Request r = traffic.next();
            if (!r.task().equals("task-a")) {
                continue;
            }
            final boolean handle = i % 3 != 0;
            final boolean right = i % 10 != 0;
            final boolean audit = handle && i % 20 == 1;
            score.onDecision(RoutingDecision.newBuilder().setRequestId(r.requestId()).setTask(r.task())
                    .setDecision(handle ? Decision.HANDLED : Decision.DEFERRED)
                    .setLabel(handle ? (right ? r.teacherLabel() : "wrong") : null).setScore(0.5)
                    .setReason(handle ? (audit ? Reason.AUDIT : Reason.CONFIDENT) : Reason.LOW_SCORE).setAudit(audit)
                    .setModelVersion("m").setTimestamp(Instant.EPOCH).build());
            if (handle) {
                handled++;
                agree += right ? 1 : 0;
                audited += audit ? 1 : 0;
            } else {
                deferred++;
            }
        }
        score.onGateEvent(GateEvent.newBuilder().setTask("task-a").setState(GateState.OPEN)
                .setPrevious(GateState.CLOSED).setAlpha(0.9).setAgreement(1).setAgreementLower(1).setAgreementUpper(1)
                .setCoverage(1).setWindowSize(1).setReason(GateReason.LOWER_BOUND_CROSSED).setModelVersion("m")
                .setTimestamp(Instant.EPOCH).build());
        final DemoSummary.TaskResult a = score.results().get(0);
        assertThat(a.task()).isEqualTo("task-a");
        assertThat(a.requests()).isEqualTo(handled + deferred);
        assertThat(a.coverage()).isCloseTo((double) handled / (handled + deferred), within(1e-12));
        assertThat(a.realisedAgreement()).isCloseTo((double) agree / handled, within(1e-12));
        assertThat(a.llmCalls()).isEqualTo(deferred + audited);
        assertThat(a.gateOpened()).isTrue();
        assertThat(a.gateFlips()).isEqualTo(1);
        assertThat(score.results().get(1).requests()).isZero();
        assertThat(score.results().get(1).coverage()).isNull();
    }

    private static List<String> ids(final DemoTraffic traffic, final int n) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(traffic.next().requestId());
        }
        return out;
    }
}
