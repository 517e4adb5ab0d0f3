/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.state.JavaSerializedPart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * The MOA models inside the zoo's record of an engine snapshot, and the parts of snapshots written before those parts
 * had records of their own: their Java serialization, read back only through {@link #ALLOW_LIST}. A snapshot comes back from a Kafka changelog, which anyone allowed to write to that topic
 * can fill: the filter rejects every class outside tracer ({@code io.tracerstreams.**}), the parts of MOA that
 * models hold (its classifiers and drift detectors {@code moa.classifiers.**}, {@code moa.core.*},
 * {@code moa.options.*}, SAMOA's instance headers {@code com.yahoo.labs.samoa.instances.*}, and their options
 * {@code com.github.javacliparser.*}) and the plain JDK value and collection packages ({@code java.lang.*},
 * {@code java.util.*}, not their subpackages), so such a record cannot instantiate arbitrary classes (no gadget
 * chain of other libraries on the classpath, no MOA streams or tasks, no lambdas); it also bounds the depth and
 * the number of references of the object graph.
 */
final class JavaParts {

    /** The classes a snapshot part may hold (an {@link ObjectInputFilter} pattern). */
    static final String ALLOW_LIST = "maxdepth=100000;maxrefs=50000000;io.tracerstreams.**;moa.AbstractMOAObject;"
            + "moa.classifiers.**;moa.core.*;moa.options.*;com.yahoo.labs.samoa.instances.*;com.github.javacliparser.*;"
            + "java.lang.*;java.util.*;!*";

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(ALLOW_LIST);

    private JavaParts() {
    }

    /** The part holding an object's Java serialization. */
    static JavaSerializedPart write(final Serializable part) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(part);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot serialize " + part.getClass().getName() + ": " + e, e);
        }
        return JavaSerializedPart.newBuilder().setClassName(part.getClass().getName())
                .setBytes(ByteBuffer.wrap(bytes.toByteArray())).build();
    }

    /**
     * The object a part holds.
     *
     * @throws IllegalArgumentException when the part is not of this type, was written by an incompatible version of
     *                                  a class, holds a class outside the allow-list, or is corrupt
     */
    static <T> T read(final JavaSerializedPart part, final Class<T> type) {
        return read(part.getBytes(), type);
    }

    /**
     * The object Java-serialized in a buffer (a MOA model inside a part's record), through the allow-list.
     *
     * @throws IllegalArgumentException as {@link #read(JavaSerializedPart, Class)}
     */
    static <T> T read(final ByteBuffer serialized, final Class<T> type) {
        final ByteBuffer buffer = serialized.duplicate();
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        final Object value = readObject(new ByteArrayInputStream(bytes));
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("serialized object is " + value.getClass().getName() + ", expected "
                    + type.getName());
        }
        return type.cast(value);
    }

    /** One object from a stream of Java serialization, through the allow-list. */
    static Object readObject(final InputStream in) {
        try (ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(FILTER);
            return objects.readObject();
        } catch (final InvalidClassException e) {
            throw new IllegalArgumentException("written by an incompatible version, or a class outside the allow-list: "
                    + e.getMessage(), e);
        } catch (final IOException | ClassNotFoundException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt: " + e, e);
        }
    }
}
