/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.task.TraceOrigin;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The task router: one processor per stream task (partition of the by-task repartition topic) that owns
 * the {@code TaskEngine} of every task hashed to it.
 *
 * <ul>
 *   <li>Request: {@code engine.route} -&gt; a decision (key request id). The request is kept in
 *       {@value #PENDING_STORE} (key request id) until its response or pending.retention.ms: with its input and
 *       embedding when the LLM will answer it (DEFERRED, or HANDLED with audit), as a bare marker otherwise.
 *       An invalid request -&gt; {@code engine.rejectInvalid} -&gt; DEFERRED, INVALID_INPUT. A request id seen
 *       before -&gt; dead letter, not routed again.</li>
 *   <li>Response: learned once ({@link LearnedMarks} remembers learned ids for dedupe.retention.ms, in the
 *       journal store's changelog so that a crash under at_least_once cannot keep the mark without the learn), with
 *       the decision its request got (the engine derives the trace's origin and weight from it: DEFERRED, or
 *       AUDITED with weight 1 / audit_probability). Without a pending request (never seen, expired) a response
 *       with a usable input is learned as BACKFILL (no decision); a response to a request HANDLED without audit
 *       is learned from its own input (the engine weighs it as backfill); one without input is a dead letter. {@code engine.learn}'s gate events go to the
 *       gate-events topic and its compacted gate-state copy (key task). A label that is new when the task
 *       already knows label.cap labels is learned (the engine treats it as unknown) and copied to the
 *       dead-letter topic.</li>
 *   <li>Every stats.interval.ms (wall clock): {@code engine.stats} of every task here -&gt; task-stats.</li>
 *   <li>Every engine call that changes state is journaled by {@link EngineStore}, which snapshots the engines.</li>
 * </ul>
 * An engine that throws does not stop the stream: the record becomes a dead letter (reason engine-error), a
 * request is answered DEFERRED, and the engine is reloaded from its stores (the failed call is not journaled).
 */
final class TaskRouter implements Processor<String, TraceRecord, String, Emitted> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRouter.class);
    static final String STAGE = "router";

    static final String PENDING_STORE = "tracer-pending";
    static final String LEARNED_STORE = "tracer-learned";
    static final String LABELS_STORE = "tracer-labels";
    /** How often the pending entries of learned requests are settled under at_least_once (see dropPending). */
    static final Duration SETTLE_INTERVAL = Duration.ofSeconds(1);

    /** Every store this processor uses. */
    static final String[] STORES = {PENDING_STORE, LEARNED_STORE, LABELS_STORE, EngineStore.META_STORE,
        EngineStore.SNAPSHOT_STORE, EngineStore.JOURNAL_STORE};

    private static final byte AWAITING_LLM = 1;
    private static final byte HANDLED = 2;
    private static final byte INVALID = 3;

    private final TracerConfig config;
    private final RouterEngine.Factory factory;
    private final TracerCounters counters;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<String, byte[]> pending;
    private KeyValueStore<String, byte[]> learned;
    private KeyValueStore<String, byte[]> labels;
    private EngineStore engines;
    private LearnedMarks marks;
    /** Under at_least_once: request ids learned since the last settle punctuation, whose pending entry is to go. */
    private List<String> pendingDropsQueued = new ArrayList<>();
    /** Under at_least_once: request ids queued before the last settle punctuation: their learn is committed. */
    private List<String> pendingDropsArmed = new ArrayList<>();

    TaskRouter(final TracerConfig config, final RouterEngine.Factory factory, final TracerCounters counters) {
        this.config = config;
        this.factory = factory;
        this.counters = counters;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        this.pending = context.getStateStore(PENDING_STORE);
        counters.bind(context.metrics());
        this.learned = context.getStateStore(LEARNED_STORE);
        this.labels = context.getStateStore(LABELS_STORE);
        this.marks = new LearnedMarks(context.getStateStore(EngineStore.JOURNAL_STORE), learned);
        pendingDropsQueued = new ArrayList<>();
        pendingDropsArmed = new ArrayList<>();
        if (!config.exactlyOnce()) {
            context.schedule(SETTLE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> settlePendingDrops());
        }
        this.engines = new EngineStore(config, factory, counters, context.getStateStore(EngineStore.META_STORE),
                context.getStateStore(EngineStore.SNAPSHOT_STORE), context.getStateStore(EngineStore.JOURNAL_STORE),
                context::currentSystemTimeMs, this::emitGateEvents, context::commit);
        final long idleCheckEvery = Math.max(1_000L, Math.min(60_000L, config.tasksIdleMs() / 2));
        context.schedule(Duration.ofMillis(idleCheckEvery), PunctuationType.WALL_CLOCK_TIME, engines::evictIdle);
        context.schedule(Duration.ofMillis(config.statsIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::emitStats);
        context.schedule(Duration.ofMillis(config.reportsIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::emitReports);
        final long purgeEvery = Math.max(1_000L, Math.min(60_000L, config.pendingRetentionMs() / 4));
        context.schedule(Duration.ofMillis(purgeEvery), PunctuationType.WALL_CLOCK_TIME, now -> purge());
    }

    @Override
    public void close() {
        if (engines != null) {
            engines.clear();
        }
        pendingDropsQueued = new ArrayList<>();
        pendingDropsArmed = new ArrayList<>();
    }

    @Override
    public void process(final Record<String, TraceRecord> record) {
        final TraceRecord t = record.value();
        if (t == null) {
            return;
        }
        switch (t.kind()) {
            case REQUEST -> onRequest(t);
            case INVALID_REQUEST -> onInvalidRequest(t);
            case RESPONSE -> onResponse(t);
            default -> throw new IllegalStateException("unknown kind " + t.kind());
        }
    }

    private void onRequest(final TraceRecord t) {
        if (refused(t) || isDuplicateRequest(t)) {
            return;
        }
        final RoutingDecision decision;
        try {
            decision = engines.engine(t.task()).engine().route(t.requestId(), t.input(), t.embedding(), t.timestampMs());
        } catch (final RuntimeException e) {
            engineFailed(t, e);
            return;
        }
        engines.journalRoute(t.task(), t.requestId(), t.input(), t.embedding(), t.timestampMs());
        final boolean llmAnswers = decision.getDecision() == Decision.DEFERRED || decision.getAudit();
        pending.put(t.requestId(), encodePending(llmAnswers ? AWAITING_LLM : HANDLED, decision, t,
                llmAnswers ? t.input() : null, llmAnswers ? t.embedding() : null));
        emitDecision(decision, t.timestampMs());
    }

    private void onInvalidRequest(final TraceRecord t) {
        if (refused(t) || isDuplicateRequest(t)) {
            return;
        }
        final RoutingDecision decision;
        try {
            decision = engines.engine(t.task()).engine().rejectInvalid(t.requestId(), t.note(), t.timestampMs());
        } catch (final RuntimeException e) {
            engineFailed(t, e);
            return;
        }
        engines.journalReject(t.task(), t.requestId(), t.note(), t.timestampMs());
        pending.put(t.requestId(), encodePending(INVALID, decision, t, null, null));
        emitDecision(decision, t.timestampMs());
    }

    /**
     * Whether the task may not have an engine here (tasks.allowed, tasks.max): a request is then answered DEFERRED
     * with reason TASK_NOT_ALLOWED or TASK_LIMIT, a response goes to the DLQ (not learned; it can be replayed once
     * the task is admitted); nothing is stored for the task. Counted either way.
     */
    private boolean refused(final TraceRecord t) {
        final EngineStore.Admission admission = engines.admit(t.task());
        if (admission == EngineStore.Admission.ADMITTED) {
            return false;
        }
        final boolean limit = admission == EngineStore.Admission.LIMIT;
        if (t.kind() == TraceRecord.Kind.RESPONSE) {
            dead(t, limit ? DeadLetterReason.TASK_LIMIT : DeadLetterReason.TASK_NOT_ALLOWED, limit
                    ? "task " + t.task() + " is new and its router partition already holds tasks.max=" + config.tasksMax()
                    + " tasks; not learned" : "task " + t.task() + " is not in tasks.allowed; not learned");
            return true;
        }
        counters.increment(limit ? Counter.REQUESTS_TASK_LIMIT : Counter.REQUESTS_TASK_NOT_ALLOWED);
        emitDecision(RoutingDecision.newBuilder().setRequestId(t.requestId()).setTask(t.task()).setDecision(Decision.DEFERRED)
                .setLabel(null).setScore(0.0).setThreshold(null).setReason(limit ? Reason.TASK_LIMIT : Reason.TASK_NOT_ALLOWED)
                .setAudit(false).setModelVersion("none").setTimestamp(java.time.Instant.ofEpochMilli(t.timestampMs())).build(),
                t.timestampMs());
        return true;
    }

    private boolean isDuplicateRequest(final TraceRecord t) {
        final byte[] p = pending.get(t.requestId());
        if (p != null && !config.exactlyOnce() && answeredAgain(t, decodePending(p))) {
            return true;
        }
        if (p != null || marks.contains(t.requestId())) {
            dead(t, DeadLetterReason.DUPLICATE_REQUEST, "request id " + t.requestId() + " was routed before; not routed again");
            return true;
        }
        return false;
    }

    /**
     * Under at_least_once, a request read again from the same source position (topic, partition, offset) as the one
     * its pending entry was made from is not a repeat but the same record processed again after a crash: the
     * pending entry's changelog may have kept it while the decision never reached the decisions topic. It is
     * answered again with the decision it got (a duplicate decision, counted as DECISIONS_REPEATED) instead of a
     * duplicate-request dead letter, so that no request is left without a decision. A repeat read from another
     * position is still a dead letter. (Requests mapped from one OTLP record share its position.)
     */
    private boolean answeredAgain(final TraceRecord t, final Pending req) {
        if (req.sourceTopic == null || !req.sourceTopic.equals(t.sourceTopic()) || req.sourcePartition != t.sourcePartition()
                || req.sourceOffset != t.sourceOffset() || !req.task.equals(t.task())) {
            return false;
        }
        counters.increment(Counter.DECISIONS_REPEATED);
        LOG.debug("task {}: request {} read again at {}-{}@{}: answered again with its decision", t.task(), t.requestId(),
                t.sourceTopic(), t.sourcePartition(), t.sourceOffset());
        emitDecision(req.decision, t.timestampMs());
        return true;
    }

    private void onResponse(final TraceRecord t) {
        if (refused(t)) {
            return;
        }
        if (marks.contains(t.requestId())) {
            dead(t, DeadLetterReason.DUPLICATE_RESPONSE, "request id " + t.requestId() + " was learned before; not learned twice");
            return;
        }
        final byte[] p = pending.get(t.requestId());
        final Pending req = p == null ? null : decodePending(p);
        if (req != null && !req.task.equals(t.task())) {
            dead(t, DeadLetterReason.TASK_MISMATCH, "the request of " + t.requestId() + " was for task " + req.task);
            return;
        }
        if (req != null && req.kind == INVALID) {
            dead(t, DeadLetterReason.RESPONSE_TO_INVALID_REQUEST, "the request was answered INVALID_INPUT");
            pending.delete(t.requestId());
            return;
        }
        final String input;
        final float[] embedding;
        final RoutingDecision routed;
        if (req != null && req.kind == AWAITING_LLM) {
            input = req.input;
            embedding = req.embedding;
            routed = req.decision;
        } else if (t.input() != null) {
            // never routed (or expired): backfill; handled without audit: the engine weighs it as backfill too
            input = t.input();
            embedding = t.embedding();
            routed = req == null ? null : req.decision;
        } else {
            final String why = req != null ? "the request was HANDLED without audit and the response carries no usable input"
                    : "no pending request (never seen, or older than pending.retention.ms) and no usable input";
            dead(t, DeadLetterReason.RESPONSE_WITHOUT_REQUEST, t.note() == null ? why : why + " (" + t.note() + ")");
            return;
        }
        final List<GateEvent> events;
        try {
            events = engines.engine(t.task()).engine().learn(t.requestId(), input, embedding, t.label(), routed, t.timestampMs());
        } catch (final RuntimeException e) {
            engineFailed(t, e);
            return;
        }
        engines.journalLearn(t.task(), t.requestId(), input, embedding, t.label(), routed, t.timestampMs());
        checkLabelCap(t);
        if (req != null) {
            dropPending(t.requestId());
        }
        // after the journal entry, in the same store: a restored mark implies the learn is restored too
        marks.mark(t.requestId(), t.timestampMs());
        counters.increment(Counter.TRACES_LEARNED);
        if (TraceOrigin.of(routed) == TraceOrigin.BACKFILL) {
            counters.increment(Counter.BACKFILL_TRACES);
        }
        emitGateEvents(t.task(), events, t.timestampMs());
        if (events.stream().anyMatch(e -> e.getState() != e.getPrevious())) {
            emitReport(t.task(), t.timestampMs());
        }
    }

    /** Publishes gate events a load caused (CONFIG_CHANGED, STATE_RESET) at their own time. */
    private void emitGateEvents(final String task, final List<GateEvent> events) {
        for (final GateEvent e : events) {
            emitGateEvents(task, List.of(e), e.getTimestamp().toEpochMilli());
        }
    }

    private void emitGateEvents(final String task, final List<GateEvent> events, final long timestampMs) {
        for (final GateEvent e : events) {
            counters.increment(Counter.GATE_EVENTS);
            LOG.info("task {}: gate {} -> {} ({}), agreement {} [{}, {}], coverage {}", e.getTask(), e.getPrevious(), e.getState(),
                    e.getReason(), e.getAgreement(), e.getAgreementLower(), e.getAgreementUpper(), e.getCoverage());
            context.forward(new Record<>(task, new Emitted.Gate(e), timestampMs));
        }
    }

    /** Keeps the task's label set (up to the cap) and copies a trace with a label beyond the cap to the DLQ. */
    private void checkLabelCap(final TraceRecord t) {
        final byte[] known = labels.get(t.task());
        final Set<String> set = decodeLabels(known);
        if (set.contains(t.label())) {
            return;
        }
        final int cap = config.taskConfig(t.task()).labelCap();
        if (set.size() < cap) {
            set.add(t.label());
            labels.put(t.task(), encodeLabels(set));
        } else {
            dead(t, DeadLetterReason.LABEL_BEYOND_CAP, "label '" + t.label() + "' is new and the task already has label.cap=" + cap
                    + " labels; learned as an unknown label (always deferred)");
        }
    }

    private void engineFailed(final TraceRecord t, final RuntimeException e) {
        LOG.error("task {}: the engine threw on {} {}; the engine is reloaded from its stores", t.task(), t.kind(), t.requestId(), e);
        engines.evict(t.task());
        dead(t, DeadLetterReason.ENGINE_ERROR, FeaturizeProcessor.describe(e));
        if (t.kind() != TraceRecord.Kind.RESPONSE) {
            // the caller waits for an answer: the safe one is to ask the LLM
            emitDecision(RoutingDecision.newBuilder().setRequestId(t.requestId()).setTask(t.task()).setDecision(Decision.DEFERRED)
                    .setLabel(null).setScore(0.0).setThreshold(null).setReason(Reason.GATE_CLOSED).setAudit(false)
                    .setModelVersion("engine-error").setTimestamp(java.time.Instant.ofEpochMilli(t.timestampMs())).build(),
                    t.timestampMs());
        }
    }

    private void emitDecision(final RoutingDecision decision, final long timestampMs) {
        counters.increment(Counter.DECISIONS);
        context.forward(new Record<>(decision.getRequestId(), new Emitted.Decision(decision), timestampMs));
    }

    private void dead(final TraceRecord t, final DeadLetterReason reason, final String detail) {
        counters.deadLetter(reason);
        context.forward(new Record<String, Emitted>(t.requestId(),
                new DeadLetter(t.task().getBytes(StandardCharsets.UTF_8), t.raw()), t.timestampMs(),
                DeadLetter.headers(null, reason, detail, STAGE, t.sourceTopic(), t.sourcePartition(), t.sourceOffset(), t.task(),
                        t.requestId())));
    }

    /** Stats of the engines in memory (an idle task's last stats stay on the topic; its next record reloads it). */
    private void emitStats(final long now) {
        for (final String task : engines.loadedTasks()) {
            try {
                final var stats = engines.peek(task).engine().stats(now);
                counters.increment(Counter.STATS_EMITTED);
                context.forward(new Record<>(task, new Emitted.Stats(stats), now));
            } catch (final RuntimeException e) {
                LOG.error("task {}: stats failed; the engine is reloaded from its stores", task, e);
                engines.evict(task);
            }
        }
    }

    /** Reports of the engines in memory, as for stats. */
    private void emitReports(final long now) {
        for (final String task : engines.loadedTasks()) {
            emitReport(task, now);
        }
    }

    /** A boundary report of one task to tracer.reports (periodically and after every gate flip). */
    private void emitReport(final String task, final long now) {
        try {
            final EngineStore.Loaded loaded = engines.peek(task);
            final var report = (loaded != null ? loaded : engines.engine(task)).engine().report(now);
            engines.journalReport(task, now);
            counters.increment(Counter.REPORTS_EMITTED);
            context.forward(new Record<>(task, new Emitted.Report(report), now));
        } catch (final RuntimeException e) {
            LOG.error("task {}: report failed; the engine is reloaded from its stores", task, e);
            engines.evict(task);
        }
    }

    /**
     * Deletes the pending entry of a request just learned. Under exactly_once_v2 at once (one transaction with the
     * learn). Under at_least_once only once the learn is surely on the broker: the pending store has a changelog of
     * its own, so a crash could keep its delete while losing the journal entry and the mark, and the response,
     * processed again, would find neither its request (input, embedding, decision) nor a mark: lost for learning.
     * So a commit is requested now ({@code ProcessorContext#commit}: the stream thread does it right after the
     * processing step that asked for it, flushing every changelog record written so far), and the delete is left to
     * {@link #settlePendingDrops()}. A wall-clock delay alone would not do: under producer backpressure one
     * processing step can run for seconds, and the stream thread runs due punctuations before its periodic commit.
     * Drops not done before a crash or a close are left to pending.retention.ms; until then the mark answers
     * duplicates.
     */
    private void dropPending(final String requestId) {
        if (config.exactlyOnce()) {
            pending.delete(requestId);
        } else {
            pendingDropsQueued.add(requestId);
            context.commit();
        }
    }

    /**
     * Under at_least_once: deletes the pending entries queued before the previous run of this punctuation (at least
     * {@link #SETTLE_INTERVAL} ago), and arms those queued since. An entry is queued in a processing step that asks
     * for a commit, which the stream thread does right after that step, before it runs punctuations: so every entry
     * deleted here was queued before a commit that completed.
     */
    private void settlePendingDrops() {
        engines.settle(); // the same iteration boundary holds back a snapshot until the last one is committed
        for (final String id : pendingDropsArmed) {
            pending.delete(id);
        }
        pendingDropsArmed = pendingDropsQueued;
        pendingDropsQueued = new ArrayList<>();
    }

    /** Drops what is older than its retention (pending requests, learned marks; in stream time). */
    private void purge() {
        final long streamTime = context.currentStreamTimeMs();
        if (streamTime <= 0) {
            return;
        }
        counters.add(Counter.PENDING_EXPIRED, purgePending(streamTime - config.pendingRetentionMs()));
        marks.purge(streamTime - config.dedupeRetentionMs());
    }

    /** Drops pending requests older than {@code olderThan}; returns how many had no response (a learned one is not). */
    private int purgePending(final long olderThan) {
        final List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> kv = it.next();
                if (decodePending(kv.value).timestampMs < olderThan) {
                    doomed.add(kv.key);
                }
            }
        }
        int expired = 0;
        for (final String k : doomed) {
            pending.delete(k);
            if (!marks.contains(k)) {
                expired++;
            }
        }
        return expired;
    }

    // ------------------------------------------------------------------ store values

    /** A pending request; version 2 adds the source position of the request record (null topic in version 1). */
    private record Pending(byte kind, RoutingDecision decision, String task, String input, float[] embedding, long timestampMs,
                           String sourceTopic, int sourcePartition, long sourceOffset) {
    }

    private static byte[] encodePending(final byte kind, final RoutingDecision decision, final TraceRecord t, final String input,
                                        final float[] embedding) {
        final BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(2).writeByte(kind);
        DecisionCodec.write(w, decision);
        return w.writeString(t.task()).writeString(input).writeFloats(embedding).writeLong(t.timestampMs())
                .writeString(t.sourceTopic()).writeInt(t.sourcePartition()).writeLong(t.sourceOffset()).toBytes();
    }

    private static Pending decodePending(final byte[] b) {
        final BinaryCodec.Reader r = new BinaryCodec.Reader(b);
        final int version = r.readByte();
        if (version != 1 && version != 2) {
            throw new IllegalStateException("unknown pending-request version " + version);
        }
        final byte kind = (byte) r.readByte();
        final RoutingDecision decision = DecisionCodec.read(r);
        final String task = r.readString();
        final String input = r.readString();
        final float[] embedding = r.readFloats();
        final long ts = r.readLong();
        if (version == 1) {
            return new Pending(kind, decision, task, input, embedding, ts, null, -1, -1L);
        }
        return new Pending(kind, decision, task, input, embedding, ts, r.readString(), r.readInt(), r.readLong());
    }

    private static Set<String> decodeLabels(final byte[] b) {
        final Set<String> out = new LinkedHashSet<>();
        if (b == null) {
            return out;
        }
        final BinaryCodec.Reader r = new BinaryCodec.Reader(b);
        final int n = r.readInt();
        for (int i = 0; i < n; i++) {
            out.add(r.readString());
        }
        return out;
    }

    private static byte[] encodeLabels(final Set<String> labels) {
        final BinaryCodec.Writer w = new BinaryCodec.Writer().writeInt(labels.size());
        for (final String l : labels) {
            w.writeString(l);
        }
        return w.toBytes();
    }
}
