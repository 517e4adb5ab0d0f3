/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The snapshot format of a task engine: the header {@code TRACER-ENGINE-3\n}, then the {@link EngineState} in
 * Java serialization. The digit in the header is the format version: a snapshot of another format is refused
 * with a message naming both versions. Bump it whenever a serialized class of the engine changes shape.
 *
 * <p>Format history: 2, the engine as one serialized object; 3, the engine's parts ({@link EngineState}).
 */
final class EngineSnapshots {

    /** The format this version writes and reads. */
    static final int FORMAT = 3;

    private static final byte[] MAGIC = ("TRACER-ENGINE-" + FORMAT + "\n").getBytes(StandardCharsets.US_ASCII);

    private EngineSnapshots() {
    }

    /** The snapshot of an engine's state. */
    static byte[] write(final EngineState state) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        bytes.writeBytes(MAGIC);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot snapshot task " + state.task() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * The state a snapshot holds.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of this format
     */
    static EngineState read(final byte[] snapshot) {
        if (snapshot.length < MAGIC.length) {
            throw new IllegalArgumentException("not a tracer engine snapshot: " + snapshot.length + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (snapshot[i] != MAGIC[i]) {
                throw new IllegalArgumentException(i == MAGIC.length - 2
                        ? "snapshot was written by another version of tracer (format " + (char) snapshot[i]
                        + ", this version reads " + (char) MAGIC[i] + ")"
                        : "not a tracer engine snapshot (bad header)");
            }
        }
        final ByteArrayInputStream bytes = new ByteArrayInputStream(snapshot, MAGIC.length,
                snapshot.length - MAGIC.length);
        try (ObjectInputStream in = new ObjectInputStream(bytes)) {
            return (EngineState) in.readObject();
        } catch (final InvalidClassException e) {
            throw new IllegalArgumentException("snapshot was written by another version of tracer: " + e.getMessage(), e);
        } catch (final IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("corrupt tracer engine snapshot: " + e, e);
        }
    }
}
