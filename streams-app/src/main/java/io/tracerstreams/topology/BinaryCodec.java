/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The plain binary encoding of tracer's internal records (repartition topic, state stores): big-endian
 * {@link DataOutputStream} primitives; a nullable string, float array or byte array is an int length
 * ({@code -1} for null) followed by its UTF-8 bytes, floats or bytes. No registry: these records never leave
 * the application, and each encoded type starts with a format version byte.
 */
final class BinaryCodec {

    private BinaryCodec() {
    }

    /** Writes one record. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer writeByte(final int v) {
            try {
                out.writeByte(v);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeBoolean(final boolean v) {
            return writeByte(v ? 1 : 0);
        }

        Writer writeInt(final int v) {
            try {
                out.writeInt(v);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeLong(final long v) {
            try {
                out.writeLong(v);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeString(final String s) {
            return writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        Writer writeBytes(final byte[] b) {
            try {
                if (b == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(b.length);
                    out.write(b);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer writeFloats(final float[] f) {
            if (f == null) {
                return writeInt(-1);
            }
            final ByteBuffer buf = ByteBuffer.allocate(f.length * Float.BYTES);
            buf.asFloatBuffer().put(f);
            writeInt(f.length);
            try {
                out.write(buf.array());
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    /** Reads one record; any malformation is an {@link IllegalArgumentException}. */
    static final class Reader {
        private final ByteBuffer in;

        Reader(final byte[] data) {
            this.in = ByteBuffer.wrap(data);
        }

        int readByte() {
            return in.get();
        }

        boolean readBoolean() {
            return in.get() != 0;
        }

        int readInt() {
            return in.getInt();
        }

        long readLong() {
            return in.getLong();
        }

        String readString() {
            final byte[] b = readBytes();
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        byte[] readBytes() {
            final int n = in.getInt();
            if (n < 0) {
                return null;
            }
            if (n > in.remaining()) {
                throw new IllegalArgumentException("length " + n + " exceeds the " + in.remaining() + " bytes left");
            }
            final byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        float[] readFloats() {
            final int n = in.getInt();
            if (n < 0) {
                return null;
            }
            if ((long) n * Float.BYTES > in.remaining()) {
                throw new IllegalArgumentException("float count " + n + " exceeds the " + in.remaining() + " bytes left");
            }
            final float[] f = new float[n];
            in.asFloatBuffer().get(f);
            in.position(in.position() + n * Float.BYTES);
            return f;
        }
    }
}
