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

    /** A failure the registry reported. */
    public SchemaRegistryException(final String message, final int httpStatus, final int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** A failure without an answer from the registry. */
    public SchemaRegistryException(final String message, final Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
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
}
