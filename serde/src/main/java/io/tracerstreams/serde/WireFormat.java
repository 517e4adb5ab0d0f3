/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary
 * encoding of the datum (no container header).
 */
public final class WireFormat {

    /** The only magic byte defined. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id in a framed payload; throws {@link SerializationException} when the frame is invalid. */
    public static int schemaId(final String topic, final byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("Undecodable record on topic " + topic + ": " + data.length
                    + " bytes, shorter than the 5-byte Confluent wire-format header (magic byte + schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException("Undecodable record on topic " + topic + ": unknown magic byte "
                    + data[0] + " (expected 0: Confluent wire format)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** The 5-byte header for a schema id. */
    public static byte[] header(final int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }
}
