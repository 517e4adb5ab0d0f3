/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.AgreementWindow;
import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.GateSnapshot;
import io.tracerstreams.gate.GateStatistics;
import io.tracerstreams.gate.GateTransition;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.learning.Acceptor;
import io.tracerstreams.learning.EmbeddingClassifier;
import io.tracerstreams.learning.LabelSpace;
import io.tracerstreams.learning.Learners;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.learning.SupportMemory;
import io.tracerstreams.report.ReportBuilder;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything tracer knows about one task (one classification endpoint): the label space, the surrogate
 * zoo with one acceptor and one agreement window per surrogate, the out-of-distribution guard, the parity
 * gate over the served surrogate's window, and the counters. Plain Java: the topology's task router and the
 * replay harness run this same class.
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
 *   agreed with the LLM enters its window with weight 1/p for an audited trace and 1 otherwise (so the
 *   windowed agreement is an unbiased estimate of agreement on live handled traffic); its acceptor
 *   learns the outcome; only then does the surrogate learn the trace. The gate then re-evaluates the
 *   served window.</li>
 *   <li>Every {@value #SELECTION_EVERY} traces the served surrogate is re-chosen: the one whose window gives
 *   the highest coverage at alpha (the coverage of its deployable threshold) serves, if it beats the
 *   current one by {@value #SWITCH_MARGIN}. A zoo entry {@code a+b} is a blend: the mean of the probability
 *   vectors of learners a and b (listed too), with an acceptor and window of its own and nothing to learn
 *   (on Banking77 softmax+knn agrees 0.924 against 0.917 for the better of the two).</li>
 *   <li>The acceptor's features include the cosine distance from the input to the nearest recent trace of the
 *   predicted label ({@link SupportMemory}), so inputs far from what the surrogate learned score lower.</li>
 *   <li>Verification after a backfill: while fewer than half of the last N traces were routed live, the
 *   window rests on the log, and the log may flatter the surrogate. Handled requests are then audited with
 *   probability {@link TaskConfig#verificationAuditProbability()} (1.0 by default) and the gate's served
 *   threshold may move up as well as down ({@link ParityGate#setVerifying}); once live outcomes fill half the
 *   window, or N/2 of them arrived (backfill may keep flowing beside live traffic), audits fall back to
 *   epsilon.</li>
 * </ul>
 *
 * <p>Deterministic: the same sequence of calls gives the same outputs, so a snapshot plus the calls since
 * it restores the exact state. Not thread-safe: one owner (one stream task) at a time.
 */
public final class TaskEngine implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Traces between two choices of the served surrogate. */
    static final int SELECTION_EVERY = 200;
    /** Coverage (at alpha) by which a challenger must beat the served surrogate to replace it. */
    static final double SWITCH_MARGIN = 0.02;

    private static final byte[] SNAPSHOT_MAGIC = "TRACER-ENGINE-2\n".getBytes(StandardCharsets.US_ASCII);

    private final String task;
    private final TaskConfig config;
    private final GateConfig gateConfig;
    private final GateStatistics statistics;
    private final LabelSpace labels;
    private final List<Member> members;
    private final OodGuard ood;
    private final SupportMemory support;
    private final boolean[] liveRing; // per window position: whether that trace was routed by tracer (not backfill)
    private int liveInRing;
    private int verifiedLive; // live traces learned during the current verification
    private final ParityGate gate;
    private final ReportBuilder report;
    private int served;

    private long requests;
    private long handled;
    private long deferred;
    private long audited;
    private long invalid;
    private long traces;
    private final long[] tracesByOrigin = new long[TraceOrigin.values().length];
    private final EnumMap<Reason, Long> deferrals = new EnumMap<>(Reason.class);

    /**
     * One surrogate with its acceptor and agreement window: a learner, or a blend of other members (a name like
     * {@code softmax+knn}: the mean of their probability vectors; it learns nothing itself, its parts do).
     */
    private static final class Member implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final EmbeddingClassifier learner; // null for a blend
        private final int[] parts;                 // member indices of a blend's parts; empty for a learner
        private final Acceptor acceptor;
        private final AgreementWindow window;

        Member(final String name, final EmbeddingClassifier learner, final int[] parts, final GateConfig gate) {
            this.name = name;
            this.learner = learner;
            this.parts = parts;
            this.acceptor = new Acceptor();
            this.window = new AgreementWindow(gate);
        }

        boolean isBlend() {
            return learner == null;
        }
    }

    private TaskEngine(final String task, final TaskConfig config, final ReportConfig reportConfig) {
        this.task = task;
        this.config = config;
        this.gateConfig = GateConfig.from(config);
        this.statistics = new GateStatistics(gateConfig);
        this.labels = new LabelSpace(config.labelCap());
        this.members = zoo(config, gateConfig);
        this.ood = new OodGuard(config.seed() ^ 0x5DEECE66DL);
        this.support = new SupportMemory();
        this.liveRing = new boolean[config.windowSize()];
        this.gate = new ParityGate(gateConfig);
        this.report = new ReportBuilder(reportConfig);
        this.served = 0;
    }

    /** The members named by the config: learners first in their order, then blends of them. */
    private static List<Member> zoo(final TaskConfig config, final GateConfig gateConfig) {
        final List<Member> zoo = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        long seed = config.seed();
        for (final String name : config.learners()) {
            if (!name.contains("+")) {
                zoo.add(new Member(name.trim().toLowerCase(java.util.Locale.ROOT), Learners.create(name, seed++),
                        new int[0], gateConfig));
                names.add(zoo.get(zoo.size() - 1).name);
            }
        }
        for (final String name : config.learners()) {
            if (name.contains("+")) {
                final String[] parts = name.trim().toLowerCase(java.util.Locale.ROOT).split("\\+");
                final int[] indices = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = parts[i].trim();
                    indices[i] = names.indexOf(parts[i]);
                    if (indices[i] < 0) {
                        throw new IllegalArgumentException("task config field 'learners': blend '" + name
                                + "' needs its part '" + parts[i] + "' in the list too (got " + config.learners() + ")");
                    }
                }
                zoo.add(new Member(String.join("+", parts), null, indices, gateConfig));
            }
        }
        return List.copyOf(zoo);
    }

    /**
     * A fresh engine for a task.
     *
     * @throws IllegalArgumentException when the task name is blank or a learner name is unknown
     */
    public static TaskEngine create(final String task, final TaskConfig config) {
        Objects.requireNonNull(config, "config");
        return create(task, config, ReportConfig.forTask(config));
    }

    /**
     * A fresh engine for a task whose boundary reports follow {@code reportConfig} (e.g. texts hashed).
     *
     * @throws IllegalArgumentException when the task name is blank or a learner name is unknown
     */
    public static TaskEngine create(final String task, final TaskConfig config, final ReportConfig reportConfig) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(reportConfig, "reportConfig");
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task name must not be blank");
        }
        return new TaskEngine(task, config, reportConfig);
    }

    /**
     * Restores an engine from {@link #snapshot()}.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of this version of tracer
     */
    public static TaskEngine restore(final byte[] snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (snapshot.length < SNAPSHOT_MAGIC.length) {
            throw new IllegalArgumentException("not a tracer engine snapshot: " + snapshot.length + " bytes");
        }
        for (int i = 0; i < SNAPSHOT_MAGIC.length; i++) {
            if (snapshot[i] != SNAPSHOT_MAGIC[i]) {
                throw new IllegalArgumentException(i == SNAPSHOT_MAGIC.length - 2
                        ? "snapshot was written by another version of tracer (format " + (char) snapshot[i]
                        + ", this version reads " + (char) SNAPSHOT_MAGIC[i] + ")"
                        : "not a tracer engine snapshot (bad header)");
            }
        }
        final ByteArrayInputStream bytes = new ByteArrayInputStream(snapshot, SNAPSHOT_MAGIC.length,
                snapshot.length - SNAPSHOT_MAGIC.length);
        try (ObjectInputStream in = new ObjectInputStream(bytes)) {
            return (TaskEngine) in.readObject();
        } catch (final InvalidClassException e) {
            throw new IllegalArgumentException("snapshot was written by another version of tracer: " + e.getMessage(), e);
        } catch (final IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("corrupt tracer engine snapshot: " + e, e);
        }
    }

    /** Serialises the whole state (models, windows, gate, counters). */
    public byte[] snapshot() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        bytes.writeBytes(SNAPSHOT_MAGIC);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot snapshot task " + task + ": " + e, e);
        }
        return bytes.toByteArray();
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
        final RoutingDecision decision = decide(requestId, embedding, timestampMs);
        report.onDecision(decision, input);
        return decision;
    }

    private RoutingDecision decide(final String requestId, final float[] embedding, final long timestampMs) {
        requests++;
        if (embedding == null || embedding.length == 0 || labels.size() == 0) {
            return embedding == null || embedding.length == 0
                    ? invalidInput(requestId, timestampMs)
                    : defer(requestId, Double.NaN, Reason.WARMING_UP, timestampMs);
        }
        final Member member = members.get(served);
        final double[] probs = probabilities(member, embedding, slotCount(), null);
        final int top = EmbeddingClassifier.argmax(probs);
        final boolean unknown = top < 0 || labels.isOverflow(top);
        final double score = unknown ? 0.0
                : member.acceptor.score(Acceptor.features(probs, support.distance(embedding, top)));
        if (!gate.isOpen()) {
            return defer(requestId, score, traces < config.minAccepted() ? Reason.WARMING_UP : Reason.GATE_CLOSED,
                    timestampMs);
        }
        if (unknown) {
            return defer(requestId, score, Reason.UNKNOWN_LABEL, timestampMs);
        }
        if (!gate.accepts(score)) {
            return defer(requestId, score, Reason.LOW_SCORE, timestampMs);
        }
        if (ood.isOutOfDistribution(embedding)) {
            return defer(requestId, score, Reason.OUT_OF_DISTRIBUTION, timestampMs);
        }
        final double auditProbability = verifying()
                ? Math.max(gate.auditProbability(), config.verificationAuditProbability()) : gate.auditProbability();
        final boolean audit = AuditSampler.sampled(config.seed(), requestId, auditProbability);
        handled++;
        if (audit) {
            audited++;
        }
        return decision(requestId, Decision.HANDLED, labels.label(top), score, audit ? Reason.AUDIT : Reason.CONFIDENT,
                audit, auditProbability, timestampMs);
    }

    /** Answers an unusable request (empty, oversized, undecodable text): DEFERRED, reason INVALID_INPUT, counted. */
    public RoutingDecision rejectInvalid(final String requestId, final String why, final long timestampMs) {
        requests++;
        final RoutingDecision decision = invalidInput(requestId, timestampMs);
        report.onDecision(decision, null);
        return decision;
    }

    private RoutingDecision invalidInput(final String requestId, final long timestampMs) {
        invalid++;
        return defer(requestId, Double.NaN, Reason.INVALID_INPUT, timestampMs);
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
        final TraceOrigin origin = TraceOrigin.of(routed);
        final double weight = origin == TraceOrigin.AUDITED ? 1.0 / routed.getAuditProbability() : 1.0;
        if (llmLabel == null || llmLabel.isBlank()) {
            throw new IllegalArgumentException("trace " + requestId + " of task " + task + " has a blank label");
        }
        if (embedding == null || embedding.length == 0) {
            throw new IllegalArgumentException("trace " + requestId + " of task " + task + " has no embedding");
        }
        // predict against the label space as it was: a label seen for the first time can never be agreed with
        final int known = labels.slotOf(llmLabel);
        final int slots = slotCount();
        final double[][] memberProbs = new double[members.size()][];
        final int[] predictions = new int[members.size()];
        final double[] distances = new double[members.size()];
        for (int m = 0; m < members.size(); m++) {
            final Member member = members.get(m);
            final double[] probs = probabilities(member, embedding, slots, memberProbs);
            memberProbs[m] = probs;
            final int predicted = EmbeddingClassifier.argmax(probs);
            final boolean agreed = known >= 0 && predicted == known && !labels.isOverflow(known);
            final boolean unknown = predicted < 0 || labels.isOverflow(predicted);
            predictions[m] = predicted;
            distances[m] = unknown ? SupportMemory.NO_SUPPORT : supportDistance(embedding, predicted, m, predictions, distances);
            final double distance = distances[m];
            final double[] features = Acceptor.features(probs, distance);
            // routing would answer UNKNOWN_LABEL whatever the score: never in accepted(t) for t > 0
            final double score = unknown ? 0.0 : member.acceptor.score(features);
            member.window.add(score, agreed, weight);
            if (!unknown) {
                member.acceptor.learn(features, agreed, weight);
            }
            if (m == served) {
                report.onOutcome(requestId, input, llmLabel, unknown ? null : labels.label(predicted), score, agreed,
                        weight);
            }
        }
        final int slot = labels.register(llmLabel);
        for (final Member member : members) {
            if (!member.isBlend()) {
                member.learner.learn(embedding, slot);
            }
        }
        ood.observe(embedding);
        support.add(embedding, slot);
        final boolean live = origin != TraceOrigin.BACKFILL;
        if (live && verifying()) {
            verifiedLive++;
        }
        final int pos = (int) (traces % liveRing.length);
        liveInRing += (live ? 1 : 0) - (liveRing[pos] ? 1 : 0);
        liveRing[pos] = live;
        traces++;
        if (liveInRing == 0 && traces >= liveRing.length) {
            verifiedLive = 0; // the window rests on the log alone: verify afresh
        }
        gate.setVerifying(verifying());
        tracesByOrigin[origin.ordinal()]++;
        final List<GateEvent> events = new ArrayList<>(1);
        gate.evaluate(members.get(served).window).ifPresent(t -> events.add(event(t, timestampMs)));
        if (traces % SELECTION_EVERY == 0 && members.size() > 1) {
            reselect().ifPresent(t -> events.add(event(t, timestampMs)));
        }
        events.forEach(report::onGateEvent);
        return events;
    }

    /** A snapshot of the counters, estimates and frontier. */
    public TaskStats stats(final long timestampMs) {
        final GateSnapshot now = gate.current();
        final List<FrontierPoint> frontier = new ArrayList<>();
        for (final GateStatistics.FrontierEntry entry : statistics.frontier(members.get(served).window,
                config.frontierAlphas())) {
            frontier.add(entry.toAvro());
        }
        final Map<String, Long> reasons = new LinkedHashMap<>();
        deferrals.forEach((reason, count) -> reasons.put(reason.name(), count));
        final long saved = handled - audited;
        return TaskStats.newBuilder()
                .setTask(task)
                .setTracesSeen(traces)
                .setRequestsSeen(requests)
                .setHandled(handled)
                .setDeferred(deferred)
                .setAudited(audited)
                .setInvalid(invalid)
                .setTeacherCallsSaved(saved)
                .setEstimatedCostSaved(saved * config.costPerCall())
                .setGateState(now.state())
                .setAlpha(config.alpha())
                .setThreshold(gate.isOpen() ? gate.threshold() : null)
                .setAgreement(finite(now.agreement(), 0.0))
                .setAgreementLower(finite(now.lower(), 0.0))
                .setAgreementUpper(finite(now.upper(), 1.0))
                // the share of traffic the gate hands to the surrogate now: 0 while closed (the frontier
                // says what it would hand over at each alpha)
                .setCoverageEstimate(gate.isOpen() ? finite(now.coverage(), 0.0) : 0.0)
                .setFrontier(frontier)
                .setDeferralsByReason(reasons)
                .setServedLearner(servedLearner())
                .setLabels(labels.size())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    /**
     * The boundary report now (DESIGN section 6): per-label and per-length slices, deferral reasons,
     * plateaus, boundary pairs, examples, frontier, coverage curve and cost. Emit it periodically and after
     * every gate flip.
     */
    public BoundaryReport report(final long timestampMs) {
        return report.build(stats(timestampMs), timestampMs);
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
        return traces;
    }

    /** Requests routed so far (invalid ones included). */
    public long requestsSeen() {
        return requests;
    }

    /** Whether the gate is open now. */
    public boolean gateOpen() {
        return gate.isOpen();
    }

    /** The gate's state and estimates now. */
    public GateSnapshot gateSnapshot() {
        return gate.current();
    }

    /** Gate flips so far. */
    public long gateFlips() {
        return gate.flips();
    }

    /** The name of the served surrogate. */
    public String servedLearner() {
        return members.get(served).name;
    }

    /** Served surrogate and traces learned, e.g. {@code softmax@1200}. */
    public String modelVersion() {
        return servedLearner() + "@" + traces;
    }

    /** The labels seen so far, in slot order. */
    public List<String> labels() {
        return labels.labels();
    }

    /** Coverage at alpha that each surrogate's window would give now, by surrogate name (for reports and benchmarks). */
    public Map<String, Double> coverageByLearner() {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (final Member member : members) {
            out.put(member.name, coverageAtAlpha(member));
        }
        return out;
    }

    private Optional<GateTransition> reselect() {
        int best = served;
        double bestCoverage = coverageAtAlpha(members.get(served));
        for (int i = 0; i < members.size(); i++) {
            final double coverage = coverageAtAlpha(members.get(i));
            if (i != served && coverage > bestCoverage + SWITCH_MARGIN) {
                best = i;
                bestCoverage = coverage;
            }
        }
        if (best == served) {
            return Optional.empty();
        }
        final String from = members.get(served).name;
        served = best;
        return gate.switchServed(members.get(best).window, String.format(java.util.Locale.ROOT,
                "served learner %s -> %s (coverage at alpha %.3f)", from, members.get(best).name,
                bestCoverage));
    }

    private double coverageAtAlpha(final Member member) {
        final GateStatistics.Estimate e = statistics.deployable(member.window, config.alpha());
        return e.index() < 0 ? 0.0 : e.coverage();
    }

    /**
     * Whether the window is being verified on live traffic: fewer than half of the last N traces were routed
     * live, and fewer than N/2 live traces were learned since the window last rested on backfilled traces
     * alone. The second condition ends verification when backfill keeps flowing beside live traffic (an LLM
     * also called outside the router): N/2 live outcomes verify the window whatever the mix.
     */
    private boolean verifying() {
        final long inWindow = Math.min(traces, liveRing.length);
        return inWindow > 0 && 2L * liveInRing < inWindow && 2L * verifiedLive < liveRing.length;
    }

    /** The support distance of member m's prediction, reusing an earlier member's scan of the same label. */
    private double supportDistance(final float[] embedding, final int predicted, final int m, final int[] predictions,
                                   final double[] distances) {
        for (int j = 0; j < m; j++) {
            if (predictions[j] == predicted) {
                return distances[j];
            }
        }
        return support.distance(embedding, predicted);
    }

    /**
     * A member's class probabilities: its learner's, or the mean of its parts' (taken from {@code known} when
     * they were computed already: learners come before blends).
     */
    private double[] probabilities(final Member member, final float[] embedding, final int slots,
                                   final double[][] known) {
        if (!member.isBlend()) {
            return member.learner.probabilities(embedding, slots);
        }
        final double[] mean = new double[slots];
        for (final int part : member.parts) {
            final double[] p = known != null && known[part] != null
                    ? known[part] : members.get(part).learner.probabilities(embedding, slots);
            for (int i = 0; i < slots; i++) {
                mean[i] += p[i] / member.parts.length;
            }
        }
        return mean;
    }

    private int slotCount() {
        return labels.size() + (labels.overflowRegistrations() > 0 ? 1 : 0);
    }

    private RoutingDecision defer(final String requestId, final double score, final Reason reason, final long timestampMs) {
        deferred++;
        deferrals.merge(reason, 1L, Long::sum);
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
                .setScore(finite(score, 0.0))
                .setThreshold(gate.isOpen() ? gate.threshold() : null)
                .setReason(reason)
                .setAudit(audit)
                .setAuditProbability(auditProbability)
                .setModelVersion(modelVersion())
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }

    private GateEvent event(final GateTransition transition, final long timestampMs) {
        return transition.toGateEvent(task, config.alpha(), servedLearner(), modelVersion(), traces, timestampMs);
    }

    private static double finite(final double value, final double otherwise) {
        return Double.isFinite(value) ? value : otherwise;
    }

    /** Traces learned from one origin. */
    public long tracesLearned(final TraceOrigin origin) {
        return tracesByOrigin[origin.ordinal()];
    }
}
