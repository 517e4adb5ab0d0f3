/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.bench.chaos.ChaosBenchmark;
import io.tracerstreams.bench.chaos.ChaosOptions;
import io.tracerstreams.bench.chaos.ChaosVerdict;
import org.junit.jupiter.api.Test;

/**
 * The short {@code kill} scenario of the fault suite ({@code tracer bench chaos --scenario kill}): a broker and
 * registry process and two {@code tracer run} processes under exactly_once_v2; one instance gets SIGKILL once and is
 * restarted on its state directory while requests, planted bad records and LLM answers stream; the verifier then
 * reads every output topic with read_committed. It fails on any missing or duplicate decision, a decision for an
 * unknown id, a trace not learned or learned twice, a planted record missing from the DLQ or a valid one in it, a
 * gate-state mismatch or a dead stream thread ({@code ChaosVerifierTest} shows each of these failing). The long
 * runs are benchmarks.
 */
class ChaosKillIT {

    @Test
    void shouldLoseAndDuplicateNothingWhenAnInstanceIsKilledAndRestarted() {
        final ChaosOptions options = ChaosOptions.parse("--scenario", "kill", "--guarantee", "exactly_once_v2",
                "--seconds", "35", "--rate", "30", "--kill-min", "12", "--kill-max", "16", "--max-faults", "1",
                "--drain-seconds", "400");
        final ChaosVerdict verdict = ChaosBenchmark.execute(options);
        assertThat(verdict.problems()).as(verdict.toJson()).isEmpty();
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.faults()).as("one SIGKILL").isEqualTo(1);
        assertThat(verdict.requests()).isGreaterThan(500);
        assertThat(verdict.decidedOnce()).isEqualTo(verdict.requests());
        assertThat(verdict.responses()).isPositive();
        assertThat(verdict.learned()).isEqualTo(verdict.responses());
        assertThat(verdict.deadLettersExpected()).isPositive();
    }
}
