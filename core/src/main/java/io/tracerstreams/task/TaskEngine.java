/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateSnapshot;
import io.tracerstreams.gate.GateTransition;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.gate.PerLabelThresholds;
import io.tracerstreams.gate.SequentialAgreementCheck;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.learning.SupportMemory;
import io.tracerstreams.report.ReportBuilder;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.ConfigChange;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.ReportLabelThreshold;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything tracer knows about one task (one classification endpoint): the surrogate zoo (learners and
 * blends, one acceptor and one agreement window each), the out-of-distribution guard, the parity gate over the
 * served surrogate's window, backfill verification, the counters and the boundary report. Plain Java: the
 * topology's task router and the replay harness run this same class. This class is the per-trace loop; each
 * collaborator has one job: {@link SurrogateZoo} (predict, learn test-then-train, re-choose the served
 * surrogate), {@link BackfillVerification}, {@link TaskCounters} (counters and stats), {@link ReportBuilder},
 * {@link EngineSnapshots} (the snapshot format).
 *
 * <h2>The loop</h2>
 * <ul>
 *   <li>{@link #route}: the served surrogate predicts, its acceptor scores the prediction; the request is
 *   HANDLED only if the gate is OPEN, the score reaches the served threshold, the input is in distribution
 *   and the predicted class is a real label (not the overflow class of labels beyond the cap). A HANDLED
 *   request is audited (HANDLED, reason AUDIT, {@code audit = true}: the caller uses the label and the LLM
 *   answers too) with the gate's audit probability p (at least epsilon; more when too few audits would
 *   reach the window), decided by a hash of the seed and the request id, so the choice survives restarts
 *   and replays; p travels on the decision as {@code audit_probability}.</li>
 *   <li>{@link #learn}: prequential (test-then-train). Every surrogate first predicts the trace; whether it
 *   agreed with the LLM enters its window with weight 1/p for an audited trace and 1 otherwise
 *   ({@link TraceOrigin#weight}: the windowed agreement is an unbiased estimate of agreement on live handled
 *   traffic); its acceptor learns the outcome; only then does the surrogate learn the trace. The gate then
 *   re-evaluates the served window.</li>
 *   <li>Every 200 traces the served surrogate is re-chosen: the one whose window gives the highest coverage at
 *   alpha (the coverage of its deployable threshold) serves, if it beats the current one by 0.02. A zoo entry
 *   {@code a+b} is a blend: the mean of the probability vectors of learners a and b (listed too), with an
 *   acceptor and window of its own and nothing to learn (on Banking77 softmax+knn agrees 0.924 against 0.917
 *   for the better of the two).</li>
 *   <li>The acceptor's features include the cosine distance from the input to the nearest recent trace of the
 *   predicted label ({@link SupportMemory}), so inputs far from what the surrogate learned score lower.</li>
 *   <li>Verification after a backfill: while fewer than half of the last N traces were routed live, the
 *   window rests on the log, and the log may flatter the surrogate. Handled requests are then audited with
 *   probability {@link TaskConfig#verificationAuditProbability()} (1.0 by default) and the gate's served
 *   threshold may move up as well as down ({@link ParityGate#setVerifying}); once live outcomes fill half the
 *   window, or N/2 of them arrived (backfill may keep flowing beside live traffic), audits fall back to
 *   epsilon.</li>
 *   <li>Relearning after a refutation: when live evidence refutes alpha (the LLM changed its mind), the gate
 *   closes, the windows keep only the traces since the estimated change point, and for the next N traces the zoo
 *   watches which labels the LLM now contradicts ({@link RelabelWatch}: more than half of the served surrogate's
 *   predictions of the label contradicted, at least three). Each such label's examples from before the change are
 *   forgotten by every learner that can (kNN window, softmax row and rehearsal buffer, class mean) and by the
 *   support memory, so a renamed intent is answered with its new name after a few examples instead of once its
 *   old examples age out.</li>
 * </ul>
 *
 * <p>Deterministic: the same sequence of calls gives the same outputs, so a snapshot plus the calls since
 * it restores the exact state. Not thread-safe: one owner (one stream task) at a time.
 */
public final class TaskEngine {

    private final String task;
    private final TaskConfig config;
    private final SurrogateZoo zoo;
    private final OodGuard ood;
    private final BackfillVerification verification;
    private final ParityGate gate;
    private final ReportBuilder report;
    private final TaskCounters counters;
    private final String embeddingModel;

    /**
     * An engine restored under the current settings ({@link #restore(byte[], String, TaskConfig, ReportConfig,
     * String, long)}).
     *
     * @param engine  the engine to use
     * @param events  the gate events the restore caused (CONFIG_CHANGED, STATE_RESET), to publish like any other
     * @param reset   why the task, or a part of it, was reset (to log), or null when it was restored whole
     * @param changes the settings that changed since the snapshot (empty when none)
     * @param format  the snapshot's format (0 when it could not be read)
     */
    public record Restored(TaskEngine engine, List<GateEvent> events, String reset, List<ConfigChange> changes,
                           int format) {
    }

    TaskEngine(final EngineState state, final String embeddingModel) {
        this.embeddingModel = embeddingModel == null ? "" : embeddingModel;
        this.task = state.task();
        this.config = state.config();
        this.zoo = state.zoo();
        this.ood = state.ood();
        this.verification = state.verification();
        this.gate = state.gate();
        this.report = state.report();
        this.counters = state.counters();
    }

    /**
     * A fresh engine for a task.
     *
     * @throws IllegalArgumentException when the task name is blank or a learner name is unknown
     */
    public static TaskEngine create(final String task, final TaskConfig config) {
        Objects.requireNonNull(config, "config");
        return create(task, config, config.reportConfig());
    }

    /**
     * A fresh engine for a task whose boundary reports follow {@code reportConfig} (e.g. texts hashed).
     *
     * @throws IllegalArgumentException when the task name is blank or a learner name is unknown
     */
    public static TaskEngine create(final String task, final TaskConfig config, final ReportConfig reportConfig) {
        return create(task, config, reportConfig, "");
    }

    /**
     * A fresh engine for a task whose inputs are embedded by {@code embeddingModel} (kept in its snapshots: a
     * restore under another model resets the task, a new model being a new vector space).
     *
     * @throws IllegalArgumentException when the task name is blank or a learner name is unknown
     */
    public static TaskEngine create(final String task, final TaskConfig config, final ReportConfig reportConfig,
                                    final String embeddingModel) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(reportConfig, "reportConfig");
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        return new TaskEngine(new EngineState(task, config, new SurrogateZoo(config, config.gateConfig()),
                freshOod(config),
                new BackfillVerification(config.windowSize(), config.verificationAuditProbability(), config.alpha(),
                        config.delta()),
                new ParityGate(config.gateConfig()), new ReportBuilder(reportConfig), new TaskCounters()), embeddingModel);
    }

    static OodGuard freshOod(final TaskConfig config) {
        return new OodGuard(config.seed() ^ 0x5DEECE66DL);
    }

    /**
     * Restores an engine from {@link #snapshot()} exactly as it was, under the settings it was saved with (for
     * replays and tests; a running service restores with
     * {@link #restore(byte[], String, TaskConfig, ReportConfig, String, long)}).
     *
     * A report whose texts were hashed under a salt does not restore this way: the snapshot holds only a fingerprint
     * of the salt.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot this version reads, or a part of it cannot
     *                                  be read
     */
    public static TaskEngine restore(final byte[] snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        final EngineSnapshots.Parts parts = EngineSnapshots.read(snapshot);
        if (!parts.unreadable().isEmpty()) {
            throw new IllegalArgumentException("snapshot parts cannot be read: " + String.join("; ", parts.unreadable()));
        }
        return new TaskEngine(new EngineState(parts.task(), parts.config(), parts.zoo(), parts.ood(),
                parts.verification(),
                parts.gate(), parts.report(), parts.counters()), parts.embeddingModel());
    }

    /**
     * Restores a task's engine from {@link #snapshot()} under the settings that apply now (see
     * {@link EngineRestore}): settings that apply in place take effect at once, with a gate event CONFIG_CHANGED
     * listing the old and new values; settings whose state cannot carry over (learners, window size, label cap,
     * embedding model) reset the task, gate closed, with a gate event CONFIG_CHANGED; a snapshot that cannot be
     * read resets the task, gate closed, with a gate event STATE_RESET. Never throws for the snapshot's content:
     * a task is never left dead by its saved state.
     *
     * @param snapshot       the saved bytes (this format, or the previous release's)
     * @param task           the task's name
     * @param config         the task's settings now
     * @param reportConfig   the report settings now (e.g. texts hashed)
     * @param embeddingModel what embeds the task's inputs now (empty when unknown: then it is not compared)
     * @param timestampMs    the time of the gate events the restore causes
     */
    public static Restored restore(final byte[] snapshot, final String task, final TaskConfig config,
                                   final ReportConfig reportConfig, final String embeddingModel, final long timestampMs) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(reportConfig, "reportConfig");
        return EngineRestore.restore(snapshot, task, config, reportConfig, embeddingModel, timestampMs);
    }

    /**
     * Saves the whole state (models, windows, gate, counters, report, and the settings it runs under), in the
     * format of {@link EngineSnapshots}.
     */
    public byte[] snapshot() {
        return EngineSnapshots.write(new EngineState(task, config, zoo, ood, verification, gate, report, counters),
                embeddingModel);
    }

    /**
     * Routes one request whose input was embedded upstream. Changes counters only, never the models.
     *
     * @param requestId   the request's id (decides audit sampling)
     * @param input       the input text (for reports; not used to decide)
     * @param embedding   the input's vector from the task's featurizer
     * @param timestampMs the request's time
     */
    public RoutingDecision route(final String requestId, final String input, final float[] embedding,
                                 final long timestampMs) {
        counters.onRequest();
        final RoutingDecision decision = decide(requestId, embedding, timestampMs);
        report.onDecision(decision, input);
        return decision;
    }

    private RoutingDecision decide(final String requestId, final float[] embedding, final long timestampMs) {
        if (embedding == null || embedding.length == 0) {
            return invalidInput(requestId, timestampMs);
        }
        if (zoo.labelCount() == 0) {
            return defer(requestId, Double.NaN, Reason.WARMING_UP, timestampMs);
        }
        final SurrogateZoo.Prediction prediction = zoo.predict(embedding);
        final double score = prediction.score();
        if (!gate.isOpen()) {
            return defer(requestId, score,
                    counters.traces() < config.minAccepted() ? Reason.WARMING_UP : Reason.GATE_CLOSED, timestampMs);
        }
        if (prediction.unknown()) {
            return defer(requestId, score, Reason.UNKNOWN_LABEL, timestampMs);
        }
        if (!gate.accepts(score)) {
            return defer(requestId, score, Reason.LOW_SCORE, timestampMs);
        }
        if (ood.isOutOfDistribution(embedding)) {
            return defer(requestId, score, Reason.OUT_OF_DISTRIBUTION, timestampMs);
        }
        final double auditProbability = verification.auditProbability(gate.auditProbability());
        final boolean audit = AuditSampler.sampled(config.seed(), requestId, auditProbability);
        counters.onHandled(audit);
        return decision(requestId, Decision.HANDLED, prediction.label(), score,
                audit ? Reason.AUDIT : Reason.CONFIDENT, audit, auditProbability, timestampMs);
    }

    /**
     * Learns one trace test-then-train: every surrogate first predicts it (the outcome enters its agreement
     * window with the trace's weight, and its acceptor learns it), then learns it. Returns the gate events
     * this trace caused (none, or one flip or learner switch).
     *
     * <p>The weight follows from how the trace was sampled: 1 for a deferred request and for a trace tracer
     * never routed (backfill), 1 / audit_probability for an audited handled request.
     *
     * @param routed the decision tracer gave this request, or null when it never routed it (backfill)
     * @throws IllegalArgumentException when the label is blank or the embedding is empty (callers validate first)
     */
    public List<GateEvent> learn(final String requestId, final String input, final float[] embedding,
                                 final String llmLabel, final RoutingDecision routed, final long timestampMs) {
        if (llmLabel == null || llmLabel.isBlank()) {
            throw new IllegalArgumentException("trace " + requestId + " of task " + task + " has a blank label");
        }
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("trace " + requestId + " of task " + task + " has no embedding");
        }
        final TraceOrigin origin = TraceOrigin.of(routed);
        final double weight = origin.weight(routed);
        final SurrogateZoo.Outcome served = zoo.learn(embedding, llmLabel, weight);
        report.onOutcome(requestId, input, llmLabel, served.predicted(), served.score(), served.agreed(), weight);
        ood.observe(embedding);
        final Boolean auditedAgreed = origin == TraceOrigin.AUDITED ? llmLabel.equals(routed.getLabel()) : null;
        final SequentialAgreementCheck.Verdict verdict = verification.onTrace(origin != TraceOrigin.BACKFILL,
                auditedAgreed, gate.isOpen(), served.score(), served.agreed());
        gate.setVerifying(verification.active(), verification.stricterThreshold());
        counters.onTrace(origin);
        final List<GateEvent> events = new ArrayList<>(1);
        if (verdict == SequentialAgreementCheck.Verdict.REFUTED) {
            // live evidence at the served threshold refutes alpha: close now, forget what came before the evidence,
            // and let the surrogates forget the old examples of each label the LLM now contradicts (RelabelWatch)
            final int keep = (int) Math.min(verification.tracesSinceStart(), config.windowSize());
            final SequentialAgreementCheck test = verification.lastTest();
            gate.closeOnEvidence(String.format(Locale.ROOT,
                    "sequential test refuted alpha %.3f: %d of %d audited handled requests agreed (%.4f); "
                            + "window cut to the newest %d traces", config.alpha(),
                    Math.round(test.agreement() * test.samples()), test.samples(), test.agreement(), keep))
                    .ifPresent(t -> events.add(event(t, timestampMs)));
            zoo.keepNewest(keep);
            zoo.relearnFrom(keep, config.windowSize());
        }
        gate.evaluate(zoo.servedWindow()).ifPresent(t -> {
            events.add(event(t, timestampMs));
            if (t.from() == GateState.CLOSED && t.to() == GateState.OPEN) {
                verification.onGateOpened();
                gate.setVerifying(true, true);
            }
        });
        if (counters.traces() % SurrogateZoo.SELECTION_EVERY == 0) {
            zoo.reselect().flatMap(why -> gate.switchServed(zoo.servedWindow(), why))
                    .ifPresent(t -> events.add(event(t, timestampMs)));
        }
        events.forEach(report::onGateEvent);
        return events;
    }

    /** Answers an unusable request (empty, oversized, undecodable text): DEFERRED, reason INVALID_INPUT, counted. */
    public RoutingDecision rejectInvalid(final String requestId, final String why, final long timestampMs) {
        counters.onRequest();
        final RoutingDecision decision = invalidInput(requestId, timestampMs);
        report.onDecision(decision, null);
        return decision;
    }

    /** A snapshot of the counters, estimates and frontier. */
    public TaskStats stats(final long timestampMs) {
        return counters.stats(task, config, gate, zoo, timestampMs);
    }

    /**
     * The boundary report now (DESIGN section 6): per-label and per-length slices, deferral reasons,
     * plateaus, boundary pairs, examples, frontier, coverage curve and cost. Emit it periodically and after
     * every gate flip.
     */
    public BoundaryReport report(final long timestampMs) {
        return report.build(stats(timestampMs), timestampMs, labelThresholds());
    }

    /** The served learner's per-label thresholds at the served threshold; empty with one threshold for all labels. */
    public List<ReportLabelThreshold> labelThresholds() {
        final List<ReportLabelThreshold> out = new ArrayList<>();
        for (final PerLabelThresholds.Row row : zoo.perLabelThresholds(gate.threshold())) {
            out.add(ReportLabelThreshold.newBuilder().setLabel(row.label())
                    .setThreshold(Double.isNaN(row.rawThreshold()) ? null : row.rawThreshold())
                    .setOffset(row.offset()).setOutcomes(row.outcomes())
                    .setAgreement(Double.isNaN(row.agreement()) ? null : row.agreement()).build());
        }
        return out;
    }

    /** Closes the gate by an operator's command (reason MANUAL); it stays closed until {@link #releaseGate()}. */
    public Optional<GateEvent> closeGate(final String why, final long timestampMs) {
        final Optional<GateEvent> event = gate.forceClose(why).map(t -> event(t, timestampMs));
        event.ifPresent(report::onGateEvent);
        return event;
    }

    /** Lets an operator-closed gate open again when the statistics allow. */
    public void releaseGate() {
        gate.release();
    }

    /** The task's name. */
    public String task() {
        return task;
    }

    /** The task's settings. */
    public TaskConfig config() {
        return config;
    }

    /** Traces learned so far. */
    public long tracesLearned() {
        return counters.traces();
    }

    /** Traces learned from one origin. */
    public long tracesLearned(final TraceOrigin origin) {
        return counters.traces(origin);
    }

    /** Requests routed so far (invalid ones included). */
    public long requestsSeen() {
        return counters.requests();
    }

    /** Whether the gate is open now. */
    public boolean gateOpen() {
        return gate.isOpen();
    }

    /** The gate's state and estimates now. */
    public GateSnapshot gateSnapshot() {
        return gate.current();
    }

    /** Whether a verification runs: handled requests are audited at the verification rate (see {@link BackfillVerification}). */
    public boolean verifying() {
        return verification.active();
    }

    /** The change detector's current evidence that the LLM changed its mind (log of the e-CUSUM statistic; 0 = none). */
    public double changeEvidence() {
        return verification.detector().logEvidence();
    }

    /** Alarms of the change detector so far. */
    public long changeAlarms() {
        return verification.detector().alarms();
    }

    /** Verifications so far: {started, confirmed by the sequential test, refuted by it}. */
    public long[] verifications() {
        return verification.counts();
    }

    /** Gate flips so far. */
    public long gateFlips() {
        return gate.flips();
    }

    /** The name of the served surrogate. */
    public String servedLearner() {
        return zoo.servedName();
    }

    /** Served surrogate and traces learned, e.g. {@code softmax@1200}. */
    public String modelVersion() {
        return servedLearner() + "@" + counters.traces();
    }

    /** The labels seen so far, in slot order. */
    public List<String> labels() {
        return zoo.labels();
    }

    /** Coverage at alpha that each surrogate's window would give now, by surrogate name (for reports and benchmarks). */
    public Map<String, Double> coverageByLearner() {
        return zoo.coverageByMember();
    }

    private RoutingDecision invalidInput(final String requestId, final long timestampMs) {
        counters.onInvalid();
        return defer(requestId, Double.NaN, Reason.INVALID_INPUT, timestampMs);
    }

    private RoutingDecision defer(final String requestId, final double score, final Reason reason, final long timestampMs) {
        counters.onDeferred(reason);
        return decision(requestId, Decision.DEFERRED, null, score, reason, false, 1.0, timestampMs);
    }

    private RoutingDecision decision(final String requestId, final Decision decision, final String label,
                                     final double score, final Reason reason, final boolean audit,
                                     final double auditProbability, final long timestampMs) {
        return RoutingDecision.newBuilder()
                .setRequestId(requestId)
                .setTask(task)
                .setDecision(decision)
                .setLabel(label)
                .setScore(TaskCounters.finite(score, 0.0))
                .setThreshold(gate.isOpen() ? gate.threshold() : null)
                .setReason(reason)
                .setAudit(audit)
                .setAuditProbability(auditProbability)
                .setModelVersion(modelVersion())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    /** Records gate events the engine did not cause itself (a restore's) in the report's history. */
    void recordEvents(final List<GateEvent> events) {
        events.forEach(report::onGateEvent);
    }

    GateEvent event(final GateTransition transition, final long timestampMs) {
        return transition.toGateEvent(task, config.alpha(), servedLearner(), modelVersion(), counters.traces(),
                timestampMs);
    }
}
