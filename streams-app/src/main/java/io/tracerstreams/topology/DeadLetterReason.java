/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

/**
 * Why a record went to the dead-letter topic (header {@code x-tracer-reason}). Requests with an unusable
 * input are not dead letters: they are answered DEFERRED with reason INVALID_INPUT.
 */
public enum DeadLetterReason {
    /** The value could not be decoded: not Avro in the Confluent wire format, unknown schema id, wrong schema, null. */
    UNDECODABLE("undecodable"),
    /** A required field is empty: request id, task or (responses) label. */
    MISSING_FIELD("missing-field"),
    /** A response whose request is unknown (never seen or expired) and that carries no usable input. */
    RESPONSE_WITHOUT_REQUEST("response-without-request"),
    /** A response to a request that was answered INVALID_INPUT. */
    RESPONSE_TO_INVALID_REQUEST("response-to-invalid-request"),
    /** A response whose task differs from its request's task. */
    TASK_MISMATCH("task-mismatch"),
    /** A second request with an id already routed: not routed again. */
    DUPLICATE_REQUEST("duplicate-request"),
    /** A second response for a request id already learned: not learned twice. */
    DUPLICATE_RESPONSE("duplicate-response"),
    /**
     * A trace whose label is new while the task already knows label.cap labels. The trace is still learned
     * (the engine counts it as UNKNOWN_LABEL, and the surrogate's miss enters the agreement window); this
     * dead letter is a copy for the operator.
     */
    LABEL_BEYOND_CAP("label-beyond-cap"),
    /** The task engine threw on this record; the request was answered DEFERRED, the trace not learned. */
    ENGINE_ERROR("engine-error"),
    /**
     * A response for a task that is new while its router partition already holds tasks.max tasks: not learned
     * (its requests are answered DEFERRED, TASK_LIMIT). Replay it after raising tasks.max.
     */
    TASK_LIMIT("task-limit"),
    /** A response for a task that tasks.allowed does not list: not learned (requests: DEFERRED, TASK_NOT_ALLOWED). */
    TASK_NOT_ALLOWED("task-not-allowed");

    private final String code;

    DeadLetterReason(final String code) {
        this.code = code;
    }

    /** The header value, e.g. {@code response-without-request}. */
    public String code() {
        return code;
    }
}
