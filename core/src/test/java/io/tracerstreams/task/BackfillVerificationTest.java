/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillVerificationTest {

    private static final int N = 100;

    private static void feed(final BackfillVerification v, final int n, final boolean live) {
        for (int i = 0; i < n; i++) {
            v.onTrace(live);
        }
    }

    @Test
    void shouldNotVerifyBeforeAnyTraceNorOnLiveTrafficAlone() {
        final BackfillVerification v = new BackfillVerification(N, 1.0);
        assertThat(v.active()).isFalse();
        feed(v, 3 * N, true);
        assertThat(v.active()).isFalse();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.05);
    }

    @Test
    void shouldVerifyAWindowOfBackfillUntilLiveOutcomesFillHalfOfIt() {
        final BackfillVerification v = new BackfillVerification(N, 0.8);
        feed(v, N, false);
        assertThat(v.active()).isTrue();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.8);
        assertThat(v.auditProbability(0.9)).isEqualTo(0.9);
        feed(v, N / 2 - 1, true);
        assertThat(v.active()).isTrue();
        feed(v, 1, true);
        assertThat(v.active()).isFalse();
        assertThat(v.auditProbability(0.05)).isEqualTo(0.05);
    }

    @Test
    void shouldEndAfterHalfAWindowOfLiveOutcomesWhenBackfillKeepsFlowing() {
        final BackfillVerification v = new BackfillVerification(N, 1.0);
        feed(v, N, false);
        for (int live = 0; live < N / 2; live++) {
            assertThat(v.active()).as("after %d live traces", live).isTrue();
            feed(v, 1, true);
            feed(v, 2, false); // a third of the window live: the share alone would never end verification
        }
        assertThat(v.active()).isFalse();
    }

    @Test
    void shouldVerifyAfreshOnceTheWindowRestsOnBackfillAlone() {
        final BackfillVerification v = new BackfillVerification(N, 1.0);
        feed(v, N, false);
        feed(v, N / 2, true);
        assertThat(v.active()).isFalse();
        feed(v, N - 1, false);
        assertThat(v.active()).isFalse(); // one live trace still in the window: N/2 live outcomes verified it
        feed(v, 1, false);
        assertThat(v.active()).isTrue();
    }
}
