/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of precomputed embeddings for benchmarks: magic {@code TRE1}, int count, int dimension, then
 * count x dimension big-endian floats, in the row order of the dataset split they were computed from.
 */
public final class EmbeddingCache {

    private static final int MAGIC = 0x54524531;

    private EmbeddingCache() {
    }

    /** The cache file of a split such as {@code banking77/train} under a directory. */
    public static Path fileFor(final Path dir, final String split) {
        return dir.resolve(split.replace('/', '-') + ".f32");
    }

    /** Writes vectors (all of one length). */
    public static void write(final Path file, final List<float[]> vectors) {
        final int dim = vectors.isEmpty() ? 0 : vectors.get(0).length;
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(vectors.size());
            out.writeInt(dim);
            for (final float[] v : vectors) {
                if (v.length != dim) {
                    throw new IllegalArgumentException("vectors differ in length: " + v.length + " vs " + dim);
                }
                for (final float f : v) {
                    out.writeFloat(f);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a file written by {@link #write}. */
    public static List<float[]> read(final Path file) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException(file + " is not an embedding cache file");
            }
            final int n = in.readInt();
            final int dim = in.readInt();
            final List<float[]> vectors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                final float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = in.readFloat();
                }
                vectors.add(v);
            }
            return vectors;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
