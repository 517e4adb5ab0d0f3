/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A record for the dead-letter topic: the original key and value bytes (where still known) plus headers
 * that say why.
 *
 * <p>Headers (UTF-8 strings): {@value #REASON} (a {@link DeadLetterReason} code), {@value #DETAIL} (the
 * specifics in words), {@value #STAGE} ({@code featurize} or {@code router}), {@value #SOURCE_TOPIC},
 * {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET} (where the bad record was read), and where known
 * {@value #TASK} and {@value #REQUEST_ID}. The original record's own headers are kept.
 */
record DeadLetter(byte[] key, byte[] value) implements Emitted {

    static final String REASON = "x-tracer-reason";
    static final String DETAIL = "x-tracer-detail";
    static final String STAGE = "x-tracer-stage";
    static final String SOURCE_TOPIC = "x-tracer-source-topic";
    static final String SOURCE_PARTITION = "x-tracer-source-partition";
    static final String SOURCE_OFFSET = "x-tracer-source-offset";
    static final String TASK = "x-tracer-task";
    static final String REQUEST_ID = "x-tracer-request-id";

    /** The headers of a dead letter, added to {@code base} (a copy is made). */
    static Headers headers(final Headers base, final DeadLetterReason reason, final String detail, final String stage,
                           final String sourceTopic, final int sourcePartition, final long sourceOffset,
                           final String task, final String requestId) {
        final Headers h = new RecordHeaders(base == null ? new RecordHeaders().toArray() : base.toArray());
        put(h, REASON, reason.code());
        put(h, DETAIL, detail);
        put(h, STAGE, stage);
        put(h, SOURCE_TOPIC, sourceTopic);
        put(h, SOURCE_PARTITION, sourcePartition < 0 ? null : Integer.toString(sourcePartition));
        put(h, SOURCE_OFFSET, sourceOffset < 0 ? null : Long.toString(sourceOffset));
        put(h, TASK, task);
        put(h, REQUEST_ID, requestId);
        return h;
    }

    private static void put(final Headers h, final String name, final String value) {
        h.remove(name);
        if (value != null) {
            h.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
