/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The internal record from the featurize stage to the task router, keyed by task, on the repartition topic
 * {@code <application.id>-tracer-by-task-repartition}: a request or response already validated and embedded.
 * Encoded by {@link #serde()} with {@link BinaryCodec} (format version 1), no registry.
 *
 * @param kind            what it is
 * @param requestId       the request id (never empty)
 * @param task            the task (never empty)
 * @param input           the input text; null for a response without (usable) input and for an invalid request
 * @param embedding       the embedded input, or null where {@code input} is null
 * @param label           the LLM's label (responses only)
 * @param note            why the request is invalid, or why a response's input was not used; else null
 * @param timestampMs     the input record's timestamp
 * @param sourceTopic     the topic the record was read from
 * @param sourcePartition its partition
 * @param sourceOffset    its offset
 * @param raw             the original value bytes, for dead letters of the router (null for invalid requests)
 */
record TraceRecord(Kind kind, String requestId, String task, String input, float[] embedding, String label, String note,
                   long timestampMs, String sourceTopic, int sourcePartition, long sourceOffset, byte[] raw) implements Emitted {

    private static final int VERSION = 1;

    /** The kinds of internal records. */
    enum Kind {
        /** A request to route. */
        REQUEST,
        /** A request whose input is unusable: answered DEFERRED, INVALID_INPUT. */
        INVALID_REQUEST,
        /** An LLM response: a trace. */
        RESPONSE
    }

    /** The serde of the repartition topic. */
    static Serde<TraceRecord> serde() {
        return Serdes.serdeFrom(SERIALIZER, DESERIALIZER);
    }

    byte[] toBytes() {
        return new BinaryCodec.Writer().writeByte(VERSION).writeByte(kind.ordinal()).writeString(requestId).writeString(task)
                .writeString(input).writeFloats(embedding).writeString(label).writeString(note).writeLong(timestampMs)
                .writeString(sourceTopic).writeInt(sourcePartition).writeLong(sourceOffset).writeBytes(raw).toBytes();
    }

    static TraceRecord fromBytes(final byte[] data) {
        try {
            final BinaryCodec.Reader r = new BinaryCodec.Reader(data);
            final int version = r.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown internal trace record version " + version);
            }
            return new TraceRecord(Kind.values()[r.readByte()], r.readString(), r.readString(), r.readString(), r.readFloats(),
                    r.readString(), r.readString(), r.readLong(), r.readString(), r.readInt(), r.readLong(), r.readBytes());
        } catch (final RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("malformed internal trace record: " + e, e);
        }
    }

    private static final Serializer<TraceRecord> SERIALIZER = (topic, value) -> value == null ? null : value.toBytes();
    private static final Deserializer<TraceRecord> DESERIALIZER = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
}
