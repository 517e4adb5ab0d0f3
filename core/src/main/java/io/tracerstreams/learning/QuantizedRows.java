/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.QuantizedRowsState;

import java.io.Serializable;

/**
 * A fixed number of vectors stored as one signed byte per component and one float scale per row (symmetric
 * int8 quantisation: component = code x scale, scale = max |component| / 127). The learners' example buffers
 * (kNN window, support memory, OOD reservoir, rehearsal buffer) hold unit vectors of a few hundred
 * dimensions; a quarter of the bytes of {@code float[]} makes the engine snapshot, which the topology writes to a
 * changelog, about half as large. The error of a dot product with a unit query is about 1e-3 (each component
 * is off by at most scale / 2), far below the distances the learners compare. Callers that add and later
 * subtract a stored vector (running class sums) must use the decoded vector ({@link #get}) both times.
 * Not thread-safe; Serializable.
 */
final class QuantizedRows implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int dim;
    private final byte[] codes;
    private final float[] scales;

    QuantizedRows(final int rows, final int dim) {
        this.dim = dim;
        this.codes = new byte[rows * dim];
        this.scales = new float[rows];
    }

    private QuantizedRows(final int dim, final byte[] codes, final float[] scales) {
        this.dim = dim;
        this.codes = codes;
        this.scales = scales;
    }

    /** The rows for a snapshot. */
    QuantizedRowsState toState() {
        return QuantizedRowsState.newBuilder().setDim(dim).setCodes(States.bytes(codes)).setScales(States.floats(scales))
                .build();
    }

    /**
     * The rows a snapshot holds.
     *
     * @param rows  the number of rows expected
     * @param dim   the vector length expected
     * @param field the snapshot field, for messages
     * @throws IllegalArgumentException naming the field when the shape is not the expected one
     */
    static QuantizedRows fromState(final QuantizedRowsState state, final int rows, final int dim, final String field) {
        if (state.getDim() != dim) {
            throw new IllegalArgumentException("snapshot field '" + field + ".dim' is " + state.getDim() + ", expected " + dim);
        }
        final float[] scales = States.floats(state.getScales());
        States.length(scales.length, rows, field + ".scales");
        final byte[] codes = States.bytes(state.getCodes());
        States.length(codes.length, rows * dim, field + ".codes");
        return new QuantizedRows(dim, codes, scales);
    }

    /** Number of rows. */
    int rows() {
        return scales.length;
    }

    /** Stores {@code v[0..dim)} as row {@code row}. */
    void set(final int row, final float[] v) {
        float max = 0f;
        for (int i = 0; i < dim; i++) {
            max = Math.max(max, Math.abs(v[i]));
        }
        final int off = row * dim;
        if (!(max > 0f) || !Float.isFinite(max)) {
            scales[row] = 0f;
            java.util.Arrays.fill(codes, off, off + dim, (byte) 0);
            return;
        }
        final float scale = max / 127f;
        final float inv = 1f / scale;
        for (int i = 0; i < dim; i++) {
            codes[off + i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] * inv)));
        }
        scales[row] = scale;
    }

    /** Decodes row {@code row} into {@code out[0..dim)}. */
    void get(final int row, final float[] out) {
        final int off = row * dim;
        final float scale = scales[row];
        for (int i = 0; i < dim; i++) {
            out[i] = codes[off + i] * scale;
        }
    }

    /** Dot product of row {@code row} with {@code q[0..dim)}, 8 independent accumulators. */
    float dot(final int row, final float[] q) {
        final int off = row * dim;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = 0;
        for (; i + 7 < dim; i += 8) {
            final int o = off + i;
            s0 += codes[o] * q[i];
            s1 += codes[o + 1] * q[i + 1];
            s2 += codes[o + 2] * q[i + 2];
            s3 += codes[o + 3] * q[i + 3];
            s4 += codes[o + 4] * q[i + 4];
            s5 += codes[o + 5] * q[i + 5];
            s6 += codes[o + 6] * q[i + 6];
            s7 += codes[o + 7] * q[i + 7];
        }
        for (; i < dim; i++) {
            s0 += codes[off + i] * q[i];
        }
        return (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) * scales[row];
    }
}
