/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;

import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The stateless featurize stage: decodes one topic's Avro values, validates them, embeds the input and
 * forwards a {@link TraceRecord} keyed by task (repartitioned downstream so that a task's records meet in
 * one router). Undecodable records and records without request id, task or (responses) label become
 * {@link DeadLetter}s. A request with an empty, oversized or damaged (not valid UTF-8) input is forwarded as
 * {@link TraceRecord.Kind#INVALID_REQUEST} (the router answers it DEFERRED, INVALID_INPUT); a response's
 * empty, oversized or damaged input is treated as absent.
 */
final class FeaturizeProcessor implements Processor<byte[], byte[], String, Emitted> {

    private static final Logger LOG = LoggerFactory.getLogger(FeaturizeProcessor.class);
    static final String STAGE = "featurize";
    /** What a UTF-8 decoder (Avro's among them) puts in place of malformed bytes: such text was damaged on the way. */
    private static final char REPLACEMENT_CHARACTER = '\uFFFD';

    /** Which input topic this instance reads. */
    enum Source { REQUESTS, RESPONSES }

    private final Source source;
    private final Deserializer<LlmRequest> requestDeserializer;
    private final Deserializer<LlmResponse> responseDeserializer;
    private final Featurizer featurizer;
    private final int maxInputChars;
    private final List<String> allowedTasks;
    private final TracerCounters counters;
    private final RegistryOutageRetry registryRetry;
    private ProcessorContext<String, Emitted> context;

    /**
     * With max.input.chars, tasks.allowed (inputs of other tasks are not embedded: the router answers or dead-letters
     * them) and the registry outage settings (decodes wait out a registry outage: {@link RegistryOutageRetry}).
     */
    FeaturizeProcessor(final Source source, final TopicSerdes serdes, final Featurizer featurizer, final TracerConfig config,
                       final TracerCounters counters) {
        this.allowedTasks = config.tasksAllowed();
        this.source = source;
        this.requestDeserializer = serdes.request().deserializer();
        this.responseDeserializer = serdes.response().deserializer();
        this.featurizer = featurizer;
        this.maxInputChars = config.maxInputChars();
        this.counters = counters;
        this.registryRetry = new RegistryOutageRetry(config.schemaRegistryOutageBackoffMaxMs(),
                config.schemaRegistryOutageWaitMaxMs(), counters);
    }

    @Override
    public void init(final ProcessorContext<String, Emitted> context) {
        this.context = context;
        counters.bind(context.metrics());
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        if (source == Source.REQUESTS) {
            counters.increment(Counter.REQUESTS_READ);
            processRequest(record);
        } else {
            counters.increment(Counter.RESPONSES_READ);
            processResponse(record);
        }
    }

    /**
     * The decoded value, or null after the record went to the DLQ as undecodable. A registry outage is waited out
     * (RegistryOutageRetry), never dead-lettered.
     */
    private <T> T decodeOrDead(final Deserializer<T> deserializer, final Record<byte[], byte[]> record) {
        try {
            return registryRetry.call(() -> decode(deserializer, record), "a record of " + topic() + "-" + partition()
                    + " at offset " + offset());
        } catch (final org.apache.kafka.streams.errors.TaskMigratedException e) {
            throw e;
        } catch (final RuntimeException e) {
            dead(record, DeadLetterReason.UNDECODABLE, describe(e), null, null);
            return null;
        }
    }

    /** Whether the record names a request id and a valid task; if not, it went to the DLQ. */
    private boolean idsOrDead(final Record<byte[], byte[]> record, final String requestId, final String task) {
        if (isBlank(requestId)) {
            dead(record, DeadLetterReason.MISSING_FIELD, "request_id is empty", task, null);
            return false;
        }
        final String taskProblem = taskProblem(task);
        if (taskProblem != null) {
            dead(record, DeadLetterReason.MISSING_FIELD, taskProblem, null, requestId);
            return false;
        }
        return true;
    }

    private void processRequest(final Record<byte[], byte[]> record) {
        final LlmRequest request = decodeOrDead(requestDeserializer, record);
        if (request == null || !idsOrDead(record, request.getRequestId(), request.getTask())) {
            return;
        }
        final String requestId = request.getRequestId();
        final String task = request.getTask();
        if (!allowed(task)) {
            forward(record, new TraceRecord(TraceRecord.Kind.INVALID_REQUEST, requestId, task, null, null, null,
                    "task not in tasks.allowed", record.timestamp(), topic(), partition(), offset(), null));
            return;
        }
        final String input = request.getInput();
        final String inputProblem = inputProblem(input);
        if (inputProblem != null) {
            invalid(record, requestId, task, inputProblem);
            return;
        }
        final float[] embedding;
        try {
            embedding = featurizer.embed(input);
            counters.increment(Counter.EMBEDDINGS);
        } catch (final RuntimeException e) {
            LOG.warn("featurizer failed on request {} of task {}: {}", requestId, task, e.toString());
            invalid(record, requestId, task, "the featurizer failed: " + describe(e));
            return;
        }
        forward(record, new TraceRecord(TraceRecord.Kind.REQUEST, requestId, task, input, embedding, null, null,
                record.timestamp(), topic(), partition(), offset(), record.value()));
    }

    private void processResponse(final Record<byte[], byte[]> record) {
        final LlmResponse response = decodeOrDead(responseDeserializer, record);
        if (response == null || !idsOrDead(record, response.getRequestId(), response.getTask())) {
            return;
        }
        final String requestId = response.getRequestId();
        final String task = response.getTask();
        if (isBlank(response.getLabel())) {
            dead(record, DeadLetterReason.MISSING_FIELD, "label is empty", task, requestId);
            return;
        }
        String input = allowed(task) ? response.getInput() : null;
        float[] embedding = null;
        String note = null;
        if (input != null) {
            note = inputProblem(input);
            if (note == null) {
                try {
                    embedding = featurizer.embed(input);
                    counters.increment(Counter.EMBEDDINGS);
                } catch (final RuntimeException e) {
                    note = "the featurizer failed: " + describe(e);
                }
            }
            if (note != null) {
                counters.increment(Counter.RESPONSE_INPUTS_IGNORED);
                input = null;
            }
        }
        forward(record, new TraceRecord(TraceRecord.Kind.RESPONSE, requestId, task, input, embedding, response.getLabel(), note,
                record.timestamp(), topic(), partition(), offset(), record.value()));
    }

    private boolean allowed(final String task) {
        return allowedTasks.isEmpty() || allowedTasks.contains(task);
    }

    private <T> T decode(final Deserializer<T> deserializer, final Record<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("the value is null");
        }
        final T value = deserializer.deserialize(topic(), record.headers(), record.value());
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

    private void invalid(final Record<byte[], byte[]> record, final String requestId, final String task, final String why) {
        counters.increment(Counter.INVALID_REQUESTS);
        forward(record, new TraceRecord(TraceRecord.Kind.INVALID_REQUEST, requestId, task, null, null, null, why,
                record.timestamp(), topic(), partition(), offset(), null));
    }

    private void forward(final Record<byte[], byte[]> record, final TraceRecord trace) {
        context.forward(record.withKey(trace.task()).withValue((Emitted) trace));
    }

    private void dead(final Record<byte[], byte[]> record, final DeadLetterReason reason, final String detail, final String task,
                      final String requestId) {
        counters.deadLetter(reason);
        LOG.debug("dead letter from {}: {} ({})", topic(), reason.code(), detail);
        context.forward(new Record<String, Emitted>(null, new DeadLetter(record.key(), record.value()), record.timestamp(),
                DeadLetter.headers(record.headers(), reason, detail, STAGE, topic(), partition(), offset(), task, requestId)));
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
