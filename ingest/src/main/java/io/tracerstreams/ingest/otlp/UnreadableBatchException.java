/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

/** A record that is not an OTLP TracesData batch in the configured encoding; the message says why. */
public final class UnreadableBatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A batch that cannot be read, with the reason. */
    public UnreadableBatchException(final String message) {
        super(message, null, false, false);
    }

    /** A batch that cannot be read, with the reason and the parser's error. */
    public UnreadableBatchException(final String message, final Throwable cause) {
        super(message, cause, false, false);
    }
}
