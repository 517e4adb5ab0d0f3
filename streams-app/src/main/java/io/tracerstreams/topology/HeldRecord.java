/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An input record as the featurize stage read it, held in its changelogged buffer until it is embedded:
 * where it was read (topic, partition, offset), its timestamp, key and value bytes and headers. The binary form
 * (version byte first) is internal to the buffer store and its changelog.
 */
record HeldRecord(FeaturizeProcessor.Source source, String topic, int partition, long offset, long timestamp, byte[] key,
                  byte[] value, Headers headers) {

    private static final byte VERSION = 1;

    static byte[] encode(final HeldRecord h) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (h.value == null ? 0 : h.value.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(h.source.ordinal());
            out.writeUTF(h.topic == null ? "" : h.topic);
            out.writeInt(h.partition);
            out.writeLong(h.offset);
            out.writeLong(h.timestamp);
            writeBytes(out, h.key);
            writeBytes(out, h.value);
            final Header[] headers = h.headers == null ? new Header[0] : h.headers.toArray();
            out.writeInt(headers.length);
            for (final Header header : headers) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static HeldRecord decode(final byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            final byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("featurize buffer entry of unknown version " + version);
            }
            final FeaturizeProcessor.Source source = FeaturizeProcessor.Source.values()[in.readByte()];
            final String topic = in.readUTF();
            final int partition = in.readInt();
            final long offset = in.readLong();
            final long timestamp = in.readLong();
            final byte[] key = readBytes(in);
            final byte[] value = readBytes(in);
            final int n = in.readInt();
            final RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < n; i++) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new HeldRecord(source, topic.isEmpty() ? null : topic, partition, offset, timestamp, key, value, headers);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(final DataOutputStream out, final byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(final DataInputStream in) throws IOException {
        final int n = in.readInt();
        if (n < 0) {
            return null;
        }
        final byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
