/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

/**
 * A schema registry call failed. Carries the HTTP status and the registry's {@code error_code} when the
 * registry answered (both -1 when it did not, e.g. connection refused after all retries).
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: the schema is incompatible with an earlier one. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: the schema is invalid. */
    public static final int INVALID_SCHEMA = 42201;

    private final int httpStatus;
    private final int errorCode;
    private final boolean unreachable;

    /** A failure the registry reported. */
    public SchemaRegistryException(final String message, final int httpStatus, final int errorCode) {
        this(message, httpStatus, errorCode, false, null);
    }

    /** A failure without an HTTP status (an unusable answer, an interrupt), with its cause; not transient. */
    public SchemaRegistryException(final String message, final Throwable cause) {
        this(message, -1, -1, false, cause);
    }

    /** A failure; {@code unreachable}: the registry did not answer (connection refused, timeout). */
    public SchemaRegistryException(final String message, final int httpStatus, final int errorCode, final boolean unreachable,
                                   final Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.unreachable = unreachable;
    }

    /** The registry did not answer (an I/O error: connection refused, reset, timeout, TLS handshake). */
    public static SchemaRegistryException unreachable(final String message, final Throwable cause) {
        return new SchemaRegistryException(message, -1, -1, true, cause);
    }

    /** The HTTP status, or -1 when the registry did not answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code}, or -1 when absent. */
    public int errorCode() {
        return errorCode;
    }

    /** True for "not found" answers (404 or a 404xx error code). */
    public boolean isNotFound() {
        return httpStatus == 404 || errorCode / 100 == 404;
    }

    /** True when the registry rejected a schema as incompatible with earlier versions. */
    public boolean isIncompatible() {
        return errorCode == INCOMPATIBLE_SCHEMA || httpStatus == 409;
    }

    /** True when retrying later may succeed: no answer, 5xx or 429. */
    public boolean isRetriable() {
        return httpStatus == -1 || httpStatus == 429 || httpStatus >= 500;
    }

    /**
     * True for an outage rather than an answer: the registry did not answer (connection refused, timeout), or
     * answered 5xx or 429. A 404 (unknown schema id), other 4xx and unusable answers are not transient.
     */
    public boolean isTransient() {
        return unreachable || httpStatus == 429 || httpStatus >= 500;
    }
}
