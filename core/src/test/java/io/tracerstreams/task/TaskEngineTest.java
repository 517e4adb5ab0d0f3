/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TaskEngineTest {

    private static final TaskConfig CONFIG = TaskConfig.DEFAULTS.withAlpha(0.9).withLearners(List.of("ncm", "softmax"));

    /** Runs the closed loop (requests, then the LLM's answers for deferred and audited ones) for n requests. */
    private static List<RoutingDecision> loop(final TaskEngine engine, final SyntheticIntents data, final int from,
                                              final int n, final List<GateEvent> events) {
        final List<RoutingDecision> decisions = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final RoutingDecision d = engine.route("r" + i, "text " + i, x, i);
            decisions.add(d);
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                events.addAll(engine.learn("r" + i, null, x, SyntheticIntents.label(c), d, i));
            }
        }
        return decisions;
    }

    @Test
    void shouldWarmUpThenOpenTheGateOnALearnableStream() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG);
        final SyntheticIntents data = new SyntheticIntents(10, 32, 0.35, 7);
        final List<GateEvent> events = new ArrayList<>();
        final List<RoutingDecision> decisions = loop(engine, data, 0, 5_000, events);

        assertThat(decisions.get(0).getReason()).isEqualTo(Reason.WARMING_UP);
        assertThat(events).anySatisfy(e -> assertThat(e.getState()).isEqualTo(GateState.OPEN));
        final long handled = decisions.stream().filter(d -> d.getDecision() == Decision.HANDLED).count();
        assertThat(handled).isGreaterThan(2_000);
        final TaskStats stats = engine.stats(5_000);
        assertThat(stats.getRequestsSeen()).isEqualTo(5_000);
        assertThat(stats.getHandled() + stats.getDeferred()).isEqualTo(5_000);
        assertThat(stats.getTeacherCallsSaved()).isEqualTo(stats.getHandled() - stats.getAudited());
        final long llmCalls = decisions.stream().filter(d -> d.getDecision() == Decision.DEFERRED || d.getAudit()).count();
        assertThat(stats.getLlmCallsSaved()).isCloseTo(1.0 - llmCalls / 5_000.0, within(1e-12));
        assertThat(TaskEngine.create("fresh", CONFIG).stats(0).getLlmCallsSaved()).isZero();
        assertThat(stats.getLabels()).isEqualTo(10);
        assertThat(stats.getFrontier()).hasSize(CONFIG.frontierAlphas().size());
    }

    @Test
    void shouldAuditAboutEpsilonOfHandledRequests() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG.withEpsilon(0.2));
        final SyntheticIntents data = new SyntheticIntents(5, 32, 0.2, 3);
        final List<RoutingDecision> decisions = loop(engine, data, 0, 6_000, new ArrayList<>());
        final List<RoutingDecision> handled = decisions.stream().filter(d -> d.getDecision() == Decision.HANDLED).toList();
        assertThat(handled).hasSizeGreaterThan(2_000);
        final double auditShare = handled.stream().filter(RoutingDecision::getAudit).count() / (double) handled.size();
        assertThat(auditShare).isCloseTo(0.2, within(0.03));
        assertThat(handled).allSatisfy(d -> assertThat(d.getAuditProbability()).isGreaterThanOrEqualTo(0.2));
        assertThat(handled).allSatisfy(d -> assertThat(d.getReason())
                .isEqualTo(d.getAudit() ? Reason.AUDIT : Reason.CONFIDENT));
    }

    @Test
    void shouldMakeTheSameDecisionsAfterRestoreAsTheOriginal() {
        final SyntheticIntents data = new SyntheticIntents(8, 32, 0.4, 11);
        final TaskEngine original = TaskEngine.create("intents", CONFIG);
        loop(original, data, 0, 1_500, new ArrayList<>());
        final TaskEngine restored = TaskEngine.restore(original.snapshot());

        final SyntheticIntents sameStreamA = new SyntheticIntents(8, 32, 0.4, 99);
        final SyntheticIntents sameStreamB = new SyntheticIntents(8, 32, 0.4, 99);
        final List<GateEvent> eventsA = new ArrayList<>();
        final List<GateEvent> eventsB = new ArrayList<>();
        final List<RoutingDecision> a = loop(original, sameStreamA, 1_500, 1_500, eventsA);
        final List<RoutingDecision> b = loop(restored, sameStreamB, 1_500, 1_500, eventsB);

        assertThat(b).isEqualTo(a);
        assertThat(eventsB).isEqualTo(eventsA);
        assertThat(restored.stats(1).toString()).isEqualTo(original.stats(1).toString());
    }

    @Test
    void shouldDecideTheSameWhetherOrNotReportsAndStatsAreBuilt() {
        final TaskConfig defaults = TaskConfig.DEFAULTS.withAlpha(0.9); // every default learner, the blend included
        final TaskEngine quiet = TaskEngine.create("intents", defaults);
        final TaskEngine reporting = TaskEngine.create("intents", defaults);
        final SyntheticIntents streamA = new SyntheticIntents(8, 32, 0.4, 21);
        final SyntheticIntents streamB = new SyntheticIntents(8, 32, 0.4, 21);
        final List<RoutingDecision> a = new ArrayList<>();
        final List<RoutingDecision> b = new ArrayList<>();
        final List<GateEvent> eventsA = new ArrayList<>();
        final List<GateEvent> eventsB = new ArrayList<>();
        for (int block = 0; block < 30; block++) {
            a.addAll(loop(quiet, streamA, block * 100, 100, eventsA));
            b.addAll(loop(reporting, streamB, block * 100, 100, eventsB));
            reporting.report(block); // reports and stats are reads: building them must not change what is decided
            reporting.stats(block);
        }
        assertThat(eventsA).anySatisfy(e -> assertThat(e.getState()).isEqualTo(GateState.OPEN)); // reports of an open gate too
        assertThat(b).isEqualTo(a);
        assertThat(eventsB).isEqualTo(eventsA);
    }

    /** Learns {@code n} backfilled traces (responses tracer never routed). */
    private static void backfill(final TaskEngine engine, final SyntheticIntents data, final int n) {
        for (int i = 0; i < n; i++) {
            final int c = data.nextClass();
            engine.learn("b" + i, null, data.sample(c), SyntheticIntents.label(c), null, i);
        }
    }

    @Test
    void shouldAuditEveryHandledRequestAfterABackfillUntilTheSequentialTestConfirmsAlpha() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG);
        final SyntheticIntents data = new SyntheticIntents(10, 32, 0.35, 5);
        backfill(engine, data, 3_000);
        assertThat(engine.gateOpen()).isTrue();

        final List<RoutingDecision> decisions = loop(engine, data, 0, 4_000, new ArrayList<>());
        final List<RoutingDecision> handled = decisions.stream().filter(d -> d.getDecision() == Decision.HANDLED).toList();
        assertThat(handled.size()).isGreaterThan(3_000);
        // the verification audits every handled request until the audits settle alpha ...
        final long verifying = handled.stream().filter(d -> d.getAuditProbability() == 1.0).count();
        assertThat(handled.subList(0, (int) verifying)).allSatisfy(d -> assertThat(d.getAudit()).isTrue());
        assertThat(verifying).isGreaterThan(20);
        // ... which takes far fewer than the worst case of N/2 = 1,000 live outcomes when agreement is well above alpha
        final int half = CONFIG.windowSize() / 2;
        assertThat(verifying).isLessThan(half / 2);
        // then the rate fell back to epsilon (more only when coverage is low)
        final List<RoutingDecision> late = handled.subList(handled.size() - 1_000, handled.size());
        assertThat(late).allSatisfy(d -> assertThat(d.getAuditProbability()).isLessThan(0.5));
        assertThat(late.stream().filter(RoutingDecision::getAudit).count()).isLessThan(150);
        final long verified = engine.tracesLearned(TraceOrigin.AUDITED) + engine.tracesLearned(TraceOrigin.DEFERRED);
        assertThat(verified).isLessThan(half + 600);
    }

    @Test
    void shouldEndVerificationAfterHalfAWindowOfLiveOutcomesWhenBackfillKeepsFlowing() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG);
        final SyntheticIntents data = new SyntheticIntents(10, 32, 0.35, 5);
        backfill(engine, data, 3_000);
        assertThat(engine.gateOpen()).isTrue();
        // two traces from an LLM called outside the router for every routed request: live traces never make up
        // half of the window
        final List<RoutingDecision> handled = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            backfill(engine, data, 2);
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final RoutingDecision d = engine.route("r" + i, null, x, i);
            if (d.getDecision() == Decision.HANDLED) {
                handled.add(d);
            }
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                engine.learn("r" + i, null, x, SyntheticIntents.label(c), d, i);
            }
        }
        final long live = engine.tracesLearned(TraceOrigin.AUDITED) + engine.tracesLearned(TraceOrigin.DEFERRED);
        assertThat(live).isLessThan(CONFIG.windowSize() / 2 + 600);
        assertThat(handled.subList(handled.size() - 1_000, handled.size()))
                .allSatisfy(d -> assertThat(d.getAuditProbability()).isLessThan(0.5));
    }

    @Test
    void shouldNotVerifyWhenTheVerifyRateIsAtMostEpsilon() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG.withVerifyRate(0.05));
        final SyntheticIntents data = new SyntheticIntents(10, 32, 0.35, 5);
        backfill(engine, data, 3_000);
        assertThat(engine.gateOpen()).isTrue();
        final List<RoutingDecision> handled = loop(engine, data, 0, 1_000, new ArrayList<>()).stream()
                .filter(d -> d.getDecision() == Decision.HANDLED).toList();
        assertThat(handled).isNotEmpty().allSatisfy(d -> assertThat(d.getAuditProbability()).isLessThan(0.5));
    }

    @Test
    void shouldRunABlendOfTwoLearnersAsAMemberOfTheZoo() {
        final TaskEngine engine = TaskEngine.create("intents",
                CONFIG.withLearners(List.of("ncm+softmax", "ncm", "softmax")));
        loop(engine, new SyntheticIntents(8, 32, 0.4, 13), 0, 3_000, new ArrayList<>());
        assertThat(engine.coverageByLearner()).containsOnlyKeys("ncm", "softmax", "ncm+softmax");
        assertThat(engine.coverageByLearner().get("ncm+softmax")).isGreaterThan(0.0);
        final TaskEngine restored = TaskEngine.restore(engine.snapshot());
        assertThat(restored.coverageByLearner()).isEqualTo(engine.coverageByLearner());
    }

    @Test
    void shouldRejectABlendWhosePartIsNotInTheZoo() {
        assertThatThrownBy(() -> TaskEngine.create("intents", CONFIG.withLearners(List.of("ncm", "ncm+knn"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'learners'")
                .hasMessageContaining("'knn'");
    }

    @Test
    void shouldRejectInvalidInputAndCountIt() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG);
        final RoutingDecision d = engine.rejectInvalid("r1", "empty input", 0);
        assertThat(d.getDecision()).isEqualTo(Decision.DEFERRED);
        assertThat(d.getReason()).isEqualTo(Reason.INVALID_INPUT);
        assertThat(engine.route("r2", "x", new float[0], 0).getReason()).isEqualTo(Reason.INVALID_INPUT);
        assertThat(engine.stats(0).getInvalid()).isEqualTo(2);
        assertThatThrownBy(() -> engine.learn("r3", "x", new float[] {1f}, " ", null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank label");
    }

    @Test
    void shouldNeverHandleRequestsPredictedAsALabelBeyondTheCap() {
        final TaskConfig capped = new TaskConfig(0.9, 0.05, 0.05, 1.0, 2_000, 50, 0.05, 3, List.of("ncm"),
                List.of(0.9), 0.0, 1L);
        final TaskEngine engine = TaskEngine.create("capped", capped);
        final SyntheticIntents data = new SyntheticIntents(6, 32, 0.2, 5);
        final List<RoutingDecision> decisions = loop(engine, data, 0, 5_000, new ArrayList<>());
        assertThat(engine.labels()).hasSize(3);
        assertThat(decisions).anySatisfy(d -> assertThat(d.getReason()).isEqualTo(Reason.UNKNOWN_LABEL));
        assertThat(decisions).filteredOn(d -> d.getDecision() == Decision.HANDLED)
                .allSatisfy(d -> assertThat(engine.labels()).contains(d.getLabel()));
    }

    @Test
    void shouldKeepTheGateClosedWhenLabelsAreNoise() {
        final TaskEngine engine = TaskEngine.create("noise", CONFIG);
        final java.util.Random random = new java.util.Random(5);
        final SyntheticIntents data = new SyntheticIntents(3, 32, 0.5, 5);
        final List<GateEvent> events = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            final float[] x = data.sample(data.nextClass());
            final RoutingDecision d = engine.route("r" + i, null, x, i);
            assertThat(d.getDecision()).isEqualTo(Decision.DEFERRED);
            events.addAll(engine.learn("r" + i, null, x, SyntheticIntents.label(random.nextInt(3)), d, i));
        }
        assertThat(events).isEmpty();
    }

    @Test
    void shouldReportItsBoundaryAndKeepTheReportAcrossRestore() {
        final TaskEngine engine = TaskEngine.create("intents", CONFIG);
        final SyntheticIntents data = new SyntheticIntents(6, 32, 0.35, 21);
        loop(engine, data, 0, 4_000, new ArrayList<>());
        final io.tracerstreams.schema.BoundaryReport report = engine.report(4_000);
        assertThat(report.getTask()).isEqualTo("intents");
        assertThat(report.getRequestsSeen()).isEqualTo(4_000);
        assertThat(report.getGateState()).isEqualTo(engine.stats(4_000).getGateState());
        assertThat(report.toString()).contains("intent_0", "intent_5");
        final TaskEngine restored = TaskEngine.restore(engine.snapshot());
        assertThat(restored.report(4_001).toString()).isEqualTo(engine.report(4_001).toString());
    }

    @Test
    void shouldServePerLabelThresholdsListThemInTheReportAndKeepThemAcrossRestore() {
        final TaskConfig perLabel = CONFIG.withPerLabelThresholds(true);
        final TaskEngine engine = TaskEngine.create("intents", perLabel);
        final SyntheticIntents data = new SyntheticIntents(6, 32, 0.35, 21);
        final List<GateEvent> events = new ArrayList<>();
        final List<RoutingDecision> decisions = loop(engine, data, 0, 4_000, events);
        assertThat(events).anySatisfy(e -> assertThat(e.getState()).isEqualTo(GateState.OPEN));
        assertThat(decisions.stream().filter(d -> d.getDecision() == Decision.HANDLED).count()).isGreaterThan(1_000);
        final io.tracerstreams.schema.BoundaryReport report = engine.report(4_000);
        assertThat(report.getLabelThresholds()).extracting(io.tracerstreams.schema.ReportLabelThreshold::getLabel)
                .contains("intent_0", "intent_5");
        assertThat(report.getLabelThresholds()).allSatisfy(row -> {
            assertThat(row.getOutcomes()).isPositive();
            if (engine.stats(4_000).getGateState() == GateState.OPEN && row.getThreshold() != null) {
                assertThat(row.getThreshold())
                        .isCloseTo(Math.max(0.0, engine.stats(4_000).getThreshold() - row.getOffset()), within(1e-9));
            }
        });
        assertThat(TaskEngine.create("single", CONFIG).report(0).getLabelThresholds()).isEmpty();
        final TaskEngine restored = TaskEngine.restore(engine.snapshot());
        assertThat(restored.report(4_001).toString()).isEqualTo(engine.report(4_001).toString());
        final SyntheticIntents sameStreamA = new SyntheticIntents(6, 32, 0.35, 5);
        final SyntheticIntents sameStreamB = new SyntheticIntents(6, 32, 0.35, 5);
        assertThat(loop(restored, sameStreamB, 4_000, 500, new ArrayList<>()))
                .isEqualTo(loop(engine, sameStreamA, 4_000, 500, new ArrayList<>()));
    }

    @Test
    void shouldRefuseSomethingThatIsNotASnapshot() {
        assertThatThrownBy(() -> TaskEngine.restore(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot");
    }

    @Test
    void shouldRefuseASnapshotOfAnotherFormatNamingBothVersions() {
        final byte[] snapshot = TaskEngine.create("intents", CONFIG).snapshot();
        assertThat(new String(snapshot, 0, 16, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("TRACER-ENGINE-4\n");
        snapshot[14] = '2';
        assertThatThrownBy(() -> TaskEngine.restore(snapshot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snapshot was written by another version of tracer (format 2, this version reads 3 and 4)");
    }

    @Test
    void shouldDrawAuditsUniformlyAndReproducibly() {
        int below = 0;
        for (int i = 0; i < 100_000; i++) {
            final double u = AuditSampler.uniform(42, "request-" + i);
            assertThat(u).isBetween(0.0, 1.0);
            if (u < 0.05) {
                below++;
            }
        }
        assertThat(below / 100_000.0).isCloseTo(0.05, within(0.004));
        assertThat(AuditSampler.uniform(42, "x")).isEqualTo(AuditSampler.uniform(42, "x"));
        assertThat(AuditSampler.uniform(42, "x")).isNotEqualTo(AuditSampler.uniform(43, "x"));
    }
}
