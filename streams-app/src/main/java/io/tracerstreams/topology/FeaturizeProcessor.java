/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The featurize stage: decodes the input topics' Avro values, validates them, embeds the inputs and forwards
 * {@link TraceRecord}s keyed by task (repartitioned downstream so that a task's records meet in one router).
 * Undecodable records and records without request id, task or (responses) label become {@link DeadLetter}s. A
 * request with an empty, oversized or damaged (not valid UTF-8) input is forwarded as
 * {@link TraceRecord.Kind#INVALID_REQUEST} (the router answers it DEFERRED, INVALID_INPUT); a response's empty,
 * oversized or damaged input is treated as absent.
 *
 * <p><b>Batching that loses nothing.</b> Each record is first held, as read (topic, partition, offset, timestamp,
 * key, value, headers), in the stream task's changelogged store {@value #BUFFER_STORE}. The held records are
 * embedded in one featurizer call (the featurizer sorts them by length and pads each chunk to its longest text)
 * and forwarded in the order they were read, when {@code featurize.batch.max.texts} are held or
 * {@code featurize.batch.max.wait.ms} after the first one (a wall-clock punctuation, scheduled only while records
 * are held). The records, the outputs of a flush and the deletions from the store are written in the same
 * transaction as the input offsets: under exactly_once_v2 a crash loses and duplicates none of them (the store
 * is restored to what the last commit held, the input is re-read from the committed offsets). Under at_least_once
 * nothing ties the buffer's changelog to the outputs of a flush: a held record's offset may already be committed, and
 * a crash right after its flush could keep its deletion from the buffer while losing what the flush produced (the
 * decision, the router's state), and the record would be lost. So under at_least_once a flush requests a commit
 * ({@code ProcessorContext#commit}: done by the stream thread right after the processing step, or for a flush on the
 * wall clock at its next commit check) and its records stay in the buffer (skipped by later flushes) until a settle
 * punctuation has run twice after the flush, at least a settle interval later. A crash before that flushes them again
 * (a duplicate, which the router deduplicates by request id or answers again with the same decision). An in-memory
 * buffer without the changelog would lose its records whenever a commit falls between their read and their flush.
 *
 * <p>A batch flushed by its wait, on time (the stage keeps up with its input: the thread idled in poll), that holds
 * at least one request, requests a commit right after its records are routed ({@code commit.on.partial.batch}):
 * their decisions then become visible at once instead of at the next commit interval. Batches of responses only
 * (learned traces: nobody waits for them), full batches, and flushes that come late because the thread was busy with
 * other work (a backlog), leave the commit rate to {@code commit.interval.ms}.
 *
 * <p><b>Records with nothing to embed.</b> A response without an input text (the usual case: the request brought the
 * input) that arrives while the buffer is empty is forwarded at once, without a write to the buffer or a wait: nothing
 * read before it is still held, so the read order is kept. Behind held records it waits for their flush.
 *
 * <p><b>Records too large to hold.</b> A record whose value exceeds {@value #HOLD_MAX_BYTES} bytes is not held: a
 * changelog, repartition or DLQ record that large would exceed the producer's {@code max.request.size} (1 MiB by
 * default), and the failed send would kill the stream thread on that record again after every restart. What is held
 * is flushed first (read order is kept), then the record is handled alone, in the same transaction as its offset; its
 * value is not copied downstream (a dead letter of it carries no value, and says so in its detail).
 */
final class FeaturizeProcessor implements Processor<byte[], byte[], String, Emitted> {

    private static final Logger LOG = LoggerFactory.getLogger(FeaturizeProcessor.class);
    static final String STAGE = "featurize";
    /** The changelogged store of records read but not yet embedded (key: arrival sequence, big-endian). */
    static final String BUFFER_STORE = "tracer-featurize-buffer";
    /** What a UTF-8 decoder (Avro's among them) puts in place of malformed bytes: such text was damaged on the way. */
    private static final char REPLACEMENT_CHARACTER = '\uFFFD';
    /** Values above this many bytes are neither held in the changelogged buffer nor copied downstream. */
    static final int HOLD_MAX_BYTES = 512 * 1024;

    /** Which input topic a record came from. */
    enum Source { REQUESTS, RESPONSES }

    private final String requestsTopic;
    private final Deserializer<LlmRequest> requestDeserializer;
    private final Deserializer<LlmResponse> responseDeserializer;
    private final Featurizer featurizer;
    private final int maxInputChars;
    private final int maxTexts;
    private final Duration maxWait;
    private final List<String> allowedTasks;
    private final RegistryOutageRetry registryRetry;
    private final boolean commitOnPartialBatch;
    private final long commitSlackMs;
    private final TracerCounters counters;
    private ProcessorContext<String, Emitted> context;
    private KeyValueStore<Long, byte[]> buffer;
    private long nextSeq;
    private int held;
    /** How many of the held records came from the requests topic (each one a decision someone waits for). */
    private int heldRequests;
    private Cancellable scheduled;
    /** 0: flushed records are deleted at once (exactly_once_v2); else the interval of the settle punctuation. */
    private final long settleIntervalMs;
    /** The first key not yet flushed: flushes read from here on. */
    private long unflushedFrom;
    /** The first key not yet deleted. */
    private long deletedFrom;
    /** Keys from deletedFrom up to this one (exclusive) were flushed before the last settle run: deleted at the next. */
    private long armedTo;

    /**
     * @param allowedTasks  tasks.allowed: inputs of other tasks are not embedded (the router answers or dead-letters them)
     * @param registryRetry waits out a registry outage while decoding instead of dead-lettering
     * @param commitOnPartialBatch request a commit after a batch flushed by its wait on time (commit.on.partial.batch)
     * @param pollMs        poll.ms: how late the flush of an idle thread may come and still count as on time (plus the wait)
     */
    FeaturizeProcessor(final String requestsTopic, final TopicSerdes serdes, final Featurizer featurizer, final int maxInputChars,
                       final int maxTexts, final long maxWaitMs, final List<String> allowedTasks,
                       final RegistryOutageRetry registryRetry, final boolean commitOnPartialBatch, final long pollMs,
                       final TracerCounters counters) {
        this(requestsTopic, serdes, featurizer, maxInputChars, maxTexts, maxWaitMs, allowedTasks, registryRetry,
                commitOnPartialBatch, pollMs, 0L, counters);
    }

    /**
     * @param settleIntervalMs 0 to delete flushed records from the buffer at once (exactly_once_v2: in the
     *                         transaction of the flush's outputs); else (at_least_once) the interval of the wall-clock
     *                         punctuation that deletes them once a commit has put the flush's outputs on the broker
     */
    FeaturizeProcessor(final String requestsTopic, final TopicSerdes serdes, final Featurizer featurizer, final int maxInputChars,
                       final int maxTexts, final long maxWaitMs, final List<String> allowedTasks,
                       final RegistryOutageRetry registryRetry, final boolean commitOnPartialBatch, final long pollMs,
                       final long settleIntervalMs, final TracerCounters counters) {
        this.settleIntervalMs = settleIntervalMs;
        this.commitOnPartialBatch = commitOnPartialBatch;
        this.commitSlackMs = pollMs + maxWaitMs;
        this.requestsTopic = requestsTopic;
        this.allowedTasks = List.copyOf(allowedTasks);
        this.registryRetry = registryRetry;
        this.requestDeserializer = serdes.request().deserializer();
        this.responseDeserializer = serdes.response().deserializer();
        this.featurizer = featurizer;
        this.maxInputChars = maxInputChars;
        this.maxTexts = maxTexts;
        this.maxWait = Duration.ofMillis(maxWaitMs);
        this.counters = counters;
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        counters.bind(context.metrics());
        buffer = context.getStateStore(BUFFER_STORE);
        // after a crash or a move, the store holds what the last commit held: embed it first (under at_least_once
        // it may also hold records flushed before the crash: they are flushed again)
        nextSeq = 0;
        held = 0;
        unflushedFrom = Long.MAX_VALUE;
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                final long key = it.next().key;
                nextSeq = Math.max(nextSeq, key + 1);
                unflushedFrom = Math.min(unflushedFrom, key);
                held++;
            }
        }
        if (held == 0) {
            unflushedFrom = 0;
        }
        heldRequests = held; // restored records are not decoded here: count them all as requests
        deletedFrom = unflushedFrom;
        armedTo = unflushedFrom;
        if (held > 0) {
            schedule();
        }
        if (settleIntervalMs > 0) {
            context.schedule(Duration.ofMillis(settleIntervalMs), PunctuationType.WALL_CLOCK_TIME, now -> settleFlushed());
        }
    }

    /**
     * The settle punctuation (at_least_once): deletes from the buffer the records flushed before its previous run
     * (the commit their flush requested is done by now) and arms those flushed since.
     */
    void settleFlushed() {
        if (armedTo > deletedFrom) {
            final List<Long> doomed = new ArrayList<>();
            try (KeyValueIterator<Long, byte[]> it = buffer.range(deletedFrom, armedTo - 1)) {
                it.forEachRemaining(kv -> doomed.add(kv.key));
            }
            doomed.forEach(buffer::delete);
            deletedFrom = armedTo;
        }
        armedTo = unflushedFrom;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final String topic = topic();
        final Source source = requestsTopic.equals(topic) ? Source.REQUESTS : Source.RESPONSES;
        counters.increment(source == Source.REQUESTS ? Counter.REQUESTS_READ : Counter.RESPONSES_READ);
        final HeldRecord h = new HeldRecord(source, topic, partition(), offset(), record.timestamp(), record.key(), record.value(),
                record.headers());
        if (tooLarge(record.value())) {
            flush(); // what is held leaves first: read order is kept
            alone(h);
            return;
        }
        if (source == Source.RESPONSES && held == 0 && deletedFrom == nextSeq) {
            // the buffer is empty, so read order allows it to leave now; with nothing to embed it need not be held
            final Prepared p = prepare(h);
            if (p.text == null) {
                p.finish(null, null);
                return;
            }
        }
        buffer.put(nextSeq++, HeldRecord.encode(h));
        held++;
        if (source == Source.REQUESTS) {
            heldRequests++;
        }
        if (held >= maxTexts) {
            flush();
        } else if (scheduled == null) {
            schedule();
        }
    }

    private void schedule() {
        final long dueAt = context.currentSystemTimeMs() + maxWait.toMillis();
        scheduled = context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> {
            final boolean decisions = heldRequests > 0;
            flush();
            // on time (at most poll.ms + the wait late): the thread idled, the stage keeps up, so make the decisions
            // just routed visible now rather than at the next commit interval; late: the thread was busy (a
            // backlog), and commits stay at commit.interval.ms. Responses alone wait for the next commit: nobody
            // waits for a learned trace, and while the gate is closed they are half the records
            if (commitOnPartialBatch && decisions && now - dueAt <= commitSlackMs) {
                context.commit();
            }
        });
    }

    /** Embeds every held record in one featurizer call and forwards them in the order they were read. */
    void flush() {
        if (scheduled != null) {
            scheduled.cancel();
            scheduled = null;
        }
        final List<Long> keys = new ArrayList<>(held);
        final List<Prepared> batch = new ArrayList<>(held);
        try (KeyValueIterator<Long, byte[]> it = buffer.range(unflushedFrom, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                final KeyValue<Long, byte[]> kv = it.next();
                keys.add(kv.key);
                batch.add(prepare(HeldRecord.decode(kv.value)));
            }
        }
        final List<String> texts = new ArrayList<>();
        for (final Prepared p : batch) {
            if (p.text != null) {
                texts.add(p.text);
            }
        }
        final List<float[]> vectors = embedAll(texts);
        int v = 0;
        for (final Prepared p : batch) {
            if (p.text == null) {
                p.finish(null, null);
            } else {
                final float[] vector = vectors.get(v++);
                p.finish(vector, vector == null ? failures.get(p.text) : null);
            }
        }
        failures.clear();
        if (settleIntervalMs == 0) {
            for (final Long key : keys) {
                buffer.delete(key);
            }
            deletedFrom = nextSeq;
            armedTo = nextSeq;
        } else if (!keys.isEmpty()) {
            context.commit(); // the records stay until settleFlushed has run twice: see the class documentation
        }
        unflushedFrom = nextSeq;
        held = 0;
        heldRequests = 0;
    }

    /** A record too large to hold: decoded, embedded and forwarded at once. */
    private void alone(final HeldRecord h) {
        final Prepared p = prepare(h);
        final float[] vector = p.text == null ? null : embedAll(List.of(p.text)).get(0);
        p.finish(vector, p.text != null && vector == null ? failures.get(p.text) : null);
        failures.clear();
    }

    static boolean tooLarge(final byte[] value) {
        return value != null && value.length > HOLD_MAX_BYTES;
    }

    /** Why a text failed, by text, for the texts of the current flush that the featurizer rejected. */
    private final java.util.Map<String, String> failures = new java.util.HashMap<>();

    /** One vector per text; a null entry where the featurizer failed on that text (its reason in {@link #failures}). */
    private List<float[]> embedAll(final List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        try {
            final List<float[]> out = featurizer.embed(texts);
            counters.increment(Counter.FEATURIZE_BATCHES);
            counters.add(Counter.EMBEDDINGS, texts.size());
            return out;
        } catch (final RuntimeException batchFailure) {
            // one bad text must not fail its batch-mates: embed them one at a time
            LOG.warn("featurizer failed on a batch of {} texts ({}); embedding them one at a time", texts.size(),
                    batchFailure.toString());
            final List<float[]> out = new ArrayList<>(texts.size());
            for (final String text : texts) {
                try {
                    out.add(featurizer.embed(text));
                    counters.increment(Counter.EMBEDDINGS);
                } catch (final RuntimeException e) {
                    failures.put(text, "the featurizer failed: " + describe(e));
                    out.add(null);
                }
            }
            return out;
        }
    }

    /**
     * A held record checked and decoded: {@link Prepared#text} is what it needs embedded (null: nothing), and
     * {@link Prepared#finish} forwards its outcome (a trace, an invalid request or a dead letter), so that every
     * outcome leaves in read order.
     */
    private Prepared prepare(final HeldRecord h) {
        if (h.source() == Source.REQUESTS) {
            final LlmRequest request;
            try {
                request = decodeWaitingOutOutages(requestDeserializer, h);
            } catch (final TaskMigratedException e) {
                throw e;
            } catch (final RuntimeException e) {
                return deadLater(h, DeadLetterReason.UNDECODABLE, describe(e), null, null);
            }
            final Prepared missing = idsProblem(h, request.getRequestId(), request.getTask());
            if (missing != null) {
                return missing;
            }
            if (!allowed(request.getTask())) {
                // not embedded: the router answers DEFERRED, TASK_NOT_ALLOWED
                return new Prepared(null, (vector, failure) -> forward(h, new TraceRecord(TraceRecord.Kind.INVALID_REQUEST,
                        request.getRequestId(), request.getTask(), null, null, null, "task not in tasks.allowed", h.timestamp(),
                        h.topic(), h.partition(), h.offset(), null)));
            }
            final String inputProblem = inputProblem(request.getInput());
            if (inputProblem != null) {
                return new Prepared(null, (vector, failure) -> invalid(h, request.getRequestId(), request.getTask(), inputProblem));
            }
            return new Prepared(request.getInput(), (vector, failure) -> {
                if (vector == null) {
                    LOG.warn("featurizer failed on request {} of task {}: {}", request.getRequestId(), request.getTask(), failure);
                    invalid(h, request.getRequestId(), request.getTask(), failure);
                } else {
                    forward(h, new TraceRecord(TraceRecord.Kind.REQUEST, request.getRequestId(), request.getTask(),
                            request.getInput(), vector, null, null, h.timestamp(), h.topic(), h.partition(), h.offset(), h.value()));
                }
            });
        }
        final LlmResponse response;
        try {
            response = decodeWaitingOutOutages(responseDeserializer, h);
        } catch (final TaskMigratedException e) {
            throw e;
        } catch (final RuntimeException e) {
            return deadLater(h, DeadLetterReason.UNDECODABLE, describe(e), null, null);
        }
        final Prepared missing = idsProblem(h, response.getRequestId(), response.getTask());
        if (missing != null) {
            return missing;
        }
        if (isBlank(response.getLabel())) {
            return deadLater(h, DeadLetterReason.MISSING_FIELD, "label is empty", response.getTask(), response.getRequestId());
        }
        final String input = allowed(response.getTask()) ? response.getInput() : null; // others: not embedded, not learned
        final String inputProblem = input == null ? null : inputProblem(input);
        return new Prepared(input == null || inputProblem != null ? null : input, (vector, failure) -> {
            final String note = inputProblem != null ? inputProblem : failure;
            if (note != null) {
                counters.increment(Counter.RESPONSE_INPUTS_IGNORED);
            }
            forward(h, new TraceRecord(TraceRecord.Kind.RESPONSE, response.getRequestId(), response.getTask(),
                    note == null ? input : null, note == null ? vector : null, response.getLabel(), note, h.timestamp(),
                    h.topic(), h.partition(), h.offset(), h.value()));
        });
    }

    private Prepared deadLater(final HeldRecord h, final DeadLetterReason reason, final String detail, final String task,
                               final String requestId) {
        return new Prepared(null, (vector, failure) -> dead(h, reason, detail, task, requestId));
    }

    /** A record waiting for its embedding. */
    private record Prepared(String text, java.util.function.BiConsumer<float[], String> then) {
        void finish(final float[] vector, final String failure) {
            then.accept(vector, failure);
        }
    }

    /** Null where the record names a request id and a valid task; otherwise its dead letter, to forward in order. */
    private Prepared idsProblem(final HeldRecord h, final String requestId, final String task) {
        if (isBlank(requestId)) {
            return deadLater(h, DeadLetterReason.MISSING_FIELD, "request_id is empty", task, null);
        }
        final String taskProblem = taskProblem(task);
        if (taskProblem != null) {
            return deadLater(h, DeadLetterReason.MISSING_FIELD, taskProblem, null, requestId);
        }
        return null;
    }

    private boolean allowed(final String task) {
        return allowedTasks.isEmpty() || allowedTasks.contains(task);
    }

    /** {@link #decode}, waiting out a registry outage (RegistryOutageRetry) rather than dead-lettering the record. */
    private <T> T decodeWaitingOutOutages(final Deserializer<T> deserializer, final HeldRecord h) {
        return registryRetry.call(() -> decode(deserializer, h), "a record of " + h.topic() + "-" + h.partition() + " at offset "
                + h.offset());
    }

    private static <T> T decode(final Deserializer<T> deserializer, final HeldRecord h) {
        if (h.value() == null) {
            throw new IllegalArgumentException("the value is null");
        }
        final T value = deserializer.deserialize(h.topic(), h.headers(), h.value());
        if (value == null) {
            throw new IllegalArgumentException("the value decoded to null");
        }
        return value;
    }

    private String inputProblem(final String input) {
        if (input == null || input.isBlank()) {
            return "the input is empty";
        }
        if (input.length() > maxInputChars) {
            return "the input has " + input.length() + " characters, more than max.input.chars=" + maxInputChars;
        }
        final int replacement = input.indexOf(REPLACEMENT_CHARACTER);
        if (replacement >= 0) {
            return "the input is not valid UTF-8: U+FFFD (what a decoder puts for malformed bytes) at position " + replacement;
        }
        return null;
    }

    /** A task names a store key prefix and a partition: non-empty, no control characters, valid UTF-8. */
    static String taskProblem(final String task) {
        if (isBlank(task)) {
            return "task is empty";
        }
        for (int i = 0; i < task.length(); i++) {
            if (Character.isISOControl(task.charAt(i))) {
                return "task contains a control character at position " + i;
            }
            if (task.charAt(i) == REPLACEMENT_CHARACTER) {
                return "task is not valid UTF-8: U+FFFD at position " + i;
            }
        }
        return null;
    }

    private void invalid(final HeldRecord h, final String requestId, final String task, final String why) {
        counters.increment(Counter.INVALID_REQUESTS);
        forward(h, new TraceRecord(TraceRecord.Kind.INVALID_REQUEST, requestId, task, null, null, null, why,
                h.timestamp(), h.topic(), h.partition(), h.offset(), null));
    }

    private void forward(final HeldRecord h, final TraceRecord t) {
        final TraceRecord trace = tooLarge(t.raw()) ? new TraceRecord(t.kind(), t.requestId(), t.task(), t.input(), t.embedding(),
                t.label(), t.note(), t.timestampMs(), t.sourceTopic(), t.sourcePartition(), t.sourceOffset(), null) : t;
        context.forward(new Record<String, Emitted>(trace.task(), trace, h.timestamp(), h.headers()));
    }

    private void dead(final HeldRecord h, final DeadLetterReason reason, final String detail, final String task,
                      final String requestId) {
        counters.deadLetter(reason);
        LOG.debug("dead letter from {}: {} ({})", h.topic(), reason.code(), detail);
        final boolean copied = !tooLarge(h.value());
        context.forward(new Record<String, Emitted>(null, new DeadLetter(h.key(), copied ? h.value() : null), h.timestamp(),
                DeadLetter.headers(h.headers(), reason, copied ? detail : detail + "; the value (" + h.value().length
                        + " bytes, more than " + HOLD_MAX_BYTES + ") is not copied", STAGE, h.topic(), h.partition(), h.offset(),
                        task, requestId)));
    }

    static String describe(final Throwable e) {
        final StringBuilder sb = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            sb.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return sb.length() > 2000 ? sb.substring(0, 2000) : sb.toString();
    }

    private static boolean isBlank(final String s) {
        return s == null || s.isBlank();
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(null);
    }

    private int partition() {
        return context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
    }

    private long offset() {
        return context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
    }
}
