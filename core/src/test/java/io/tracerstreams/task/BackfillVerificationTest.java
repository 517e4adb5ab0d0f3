/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.SequentialAgreementCheck.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillVerificationTest {

    private static final int N = 100;
    private static final int BIG_N = 2_000;

    private static BackfillVerification verification(final int n, final double rate) {
        return new BackfillVerification(n, rate, 0.90, 0.05);
    }

    private static void feed(final BackfillVerification v, final int n, final boolean live) {
        for (int i = 0; i < n; i++) {
            v.onTrace(live, null, false, Double.NaN, true);
        }
    }

    /** Audited handled outcomes, every k-th one a disagreement; returns the verdict after the last non-OPEN or OPEN. */
    private static Verdict audits(final BackfillVerification v, final int n, final int disagreeEvery) {
        Verdict last = Verdict.OPEN;
        for (int i = 1; i <= n && last == Verdict.OPEN; i++) {
            last = v.onTrace(true, i % disagreeEvery != 0, true, 0.99, true);
        }
        return last;
    }

    @Test
    void shouldNotVerifyBeforeAnyTraceNorOnLiveTrafficAlone() {
        final BackfillVerification v = verification(N, 1.0);
        assertThat(v.active()).isFalse();
        feed(v, 3 * N, true);
        assertThat(v.active()).isFalse();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.05);
    }

    @Test
    void shouldVerifyAWindowOfBackfillUntilAWindowOfLiveTracesWithoutEvidence() {
        final BackfillVerification v = verification(N, 0.8);
        feed(v, N, false);
        assertThat(v.active()).isTrue();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.8);
        assertThat(v.auditProbability(0.9)).isEqualTo(0.9);
        // deferred live traces (no audits): the window is wholly live after N of them
        feed(v, N - 1, true);
        assertThat(v.active()).isTrue();
        feed(v, 1, true);
        assertThat(v.active()).isFalse();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.05);
    }

    @Test
    void shouldEndAVerificationWithoutAVerdictAfterHalfAWindowOfAudits() {
        final BackfillVerification v = verification(N, 1.0);
        feed(v, N, false);
        // agreement exactly alpha: no verdict either way within N/2 = 50 audits
        assertThat(audits(v, N / 2 - 1, 10)).isEqualTo(Verdict.OPEN);
        assertThat(v.active()).isTrue();
        assertThat(audits(v, 1, 10)).isEqualTo(Verdict.OPEN);
        assertThat(v.active()).isFalse();
        assertThat(v.counts()).containsExactly(1L, 0L, 0L);
    }

    @Test
    void shouldStopVerifyingAsSoonAsTheAuditsConfirmAlpha() {
        final BackfillVerification v = verification(BIG_N, 1.0);
        feed(v, BIG_N, false);
        assertThat(v.active()).isTrue();
        final Verdict verdict = audits(v, BIG_N, 50); // agreement 0.98 against alpha 0.90
        assertThat(verdict).isEqualTo(Verdict.CONFIRMED);
        assertThat(v.lastTest().samples()).isLessThan(BIG_N / 4);
        assertThat(v.active()).isFalse();
    }

    @Test
    void shouldRefuteAlphaWhenTheAuditsDisagreeAndReportTheTracesToKeep() {
        final BackfillVerification v = verification(BIG_N, 1.0);
        feed(v, BIG_N, false);
        final Verdict verdict = audits(v, BIG_N, 4); // agreement 0.75
        assertThat(verdict).isEqualTo(Verdict.REFUTED);
        assertThat(v.lastTest().samples()).isLessThan(200);
        assertThat(v.tracesSinceStart()).isEqualTo(v.lastTest().samples());
        assertThat(v.active()).isFalse();
    }

    @Test
    void shouldVerifyAfterEveryOpeningOfTheGate() {
        final BackfillVerification v = verification(N, 1.0);
        feed(v, 3 * N, true);
        assertThat(v.active()).isFalse();
        v.onGateOpened();
        assertThat(v.active()).isTrue();
        assertThat(v.auditProbability(0.05)).isEqualTo(1.0);
    }

    @Test
    void shouldStartAVerificationWhenTheSurrogateSuddenlyDisagreesWithConfidentScores() {
        final BackfillVerification v = verification(BIG_N, 1.0);
        feed(v, BIG_N, true);
        int alarmAfter = -1;
        for (int i = 0; i < 500 && alarmAfter < 0; i++) {
            // deferred answers (not audits) scored 0.9, but a third of them now disagree
            v.onTrace(true, null, true, 0.9, i % 3 != 0);
            if (v.active()) {
                alarmAfter = i + 1;
            }
        }
        assertThat(alarmAfter).isPositive().isLessThan(300);
        assertThat(v.tracesSinceStart()).isGreaterThan(alarmAfter / 2L);
    }

    @Test
    void shouldVerifyAfreshOnceTheWindowRestsOnBackfillAlone() {
        final BackfillVerification v = verification(N, 1.0);
        feed(v, N, false);
        feed(v, N, true);
        assertThat(v.active()).isFalse();
        feed(v, N - 1, false);
        assertThat(v.active()).isFalse(); // one live trace still in the window: N live outcomes verified it
        feed(v, 1, false);
        assertThat(v.active()).isTrue();
    }
}
