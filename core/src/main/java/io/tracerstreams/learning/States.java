/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.apache.avro.Schema;
import org.apache.avro.generic.PrimitivesArrays;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between the learners' primitive arrays and the lists and buffers of their snapshot records
 * ({@code io.tracerstreams.schema.state}), with the length checks a record read back from a changelog needs: a
 * wrong length is an {@link IllegalArgumentException} naming the field.
 */
final class States {

    private States() {
    }

    private static final Schema FLOATS = Schema.createArray(Schema.create(Schema.Type.FLOAT));
    private static final Schema DOUBLES = Schema.createArray(Schema.create(Schema.Type.DOUBLE));
    private static final Schema INTS = Schema.createArray(Schema.create(Schema.Type.INT));
    private static final Schema LONGS = Schema.createArray(Schema.create(Schema.Type.LONG));
    private static final Schema BOOLEANS = Schema.createArray(Schema.create(Schema.Type.BOOLEAN));

    // Avro's unboxed arrays (what its readers return for arrays of primitives): no boxed copy of the values is kept

    static List<Float> floats(final float[] v) {
        final PrimitivesArrays.FloatArray out = new PrimitivesArrays.FloatArray(v.length, FLOATS);
        for (int i = 0; i < v.length; i++) {
            out.add(i, v[i]);
        }
        return out;
    }

    static float[] floats(final List<Float> v) {
        final float[] out = new float[v.size()];
        if (v instanceof PrimitivesArrays.FloatArray a) {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.getFloat(i);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i);
            }
        }
        return out;
    }

    static List<Double> doubles(final double[] v) {
        final PrimitivesArrays.DoubleArray out = new PrimitivesArrays.DoubleArray(v.length, DOUBLES);
        for (int i = 0; i < v.length; i++) {
            out.add(i, v[i]);
        }
        return out;
    }

    static double[] doubles(final List<Double> v) {
        final double[] out = new double[v.size()];
        if (v instanceof PrimitivesArrays.DoubleArray a) {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.getDouble(i);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i);
            }
        }
        return out;
    }

    static List<Integer> ints(final int[] v) {
        final PrimitivesArrays.IntArray out = new PrimitivesArrays.IntArray(v.length, INTS);
        for (int i = 0; i < v.length; i++) {
            out.add(i, v[i]);
        }
        return out;
    }

    static int[] ints(final List<Integer> v) {
        final int[] out = new int[v.size()];
        if (v instanceof PrimitivesArrays.IntArray a) {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.getInt(i);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i);
            }
        }
        return out;
    }

    static List<Long> longs(final long[] v) {
        final PrimitivesArrays.LongArray out = new PrimitivesArrays.LongArray(v.length, LONGS);
        for (int i = 0; i < v.length; i++) {
            out.add(i, v[i]);
        }
        return out;
    }

    static long[] longs(final List<Long> v) {
        final long[] out = new long[v.size()];
        if (v instanceof PrimitivesArrays.LongArray a) {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.getLong(i);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i);
            }
        }
        return out;
    }

    static List<Boolean> booleans(final boolean[] v) {
        final PrimitivesArrays.BooleanArray out = new PrimitivesArrays.BooleanArray(v.length, BOOLEANS);
        for (int i = 0; i < v.length; i++) {
            out.add(i, v[i]);
        }
        return out;
    }

    static boolean[] booleans(final List<Boolean> v) {
        final boolean[] out = new boolean[v.size()];
        if (v instanceof PrimitivesArrays.BooleanArray a) {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.getBoolean(i);
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = v.get(i);
            }
        }
        return out;
    }

    static List<List<Float>> floatRows(final float[][] rows) {
        final List<List<Float>> out = new ArrayList<>(rows.length);
        for (final float[] row : rows) {
            out.add(floats(row));
        }
        return out;
    }

    static float[][] floatRows(final List<List<Float>> rows, final int dim, final String field) {
        final float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats(rows.get(i));
            length(out[i].length, dim, field + "[" + i + "]");
        }
        return out;
    }

    static List<List<Double>> doubleRows(final double[][] rows) {
        final List<List<Double>> out = new ArrayList<>(rows.length);
        for (final double[] row : rows) {
            out.add(doubles(row));
        }
        return out;
    }

    static double[][] doubleRows(final List<List<Double>> rows, final int dim, final String field) {
        final double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles(rows.get(i));
            length(out[i].length, dim, field + "[" + i + "]");
        }
        return out;
    }

    static ByteBuffer bytes(final byte[] v) {
        return ByteBuffer.wrap(v.clone());
    }

    static byte[] bytes(final ByteBuffer v) {
        final ByteBuffer b = v.duplicate();
        final byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * Checks that the first {@code n} entries of an array of slots are -1 (none) or below {@code numSlots}.
     *
     * @throws IllegalArgumentException naming the field when one is not
     */
    static void slots(final int[] slots, final int n, final int numSlots, final String field) {
        for (int i = 0; slots != null && i < Math.min(n, slots.length); i++) {
            if (slots[i] < -1 || slots[i] >= numSlots) {
                throw new IllegalArgumentException("snapshot field '" + field + "[" + i + "]' is slot " + slots[i]
                        + ", not one of the " + numSlots + " learned");
            }
        }
    }

    /**
     * @throws IllegalArgumentException naming the field when the length is not the expected one
     */
    static void length(final int actual, final int expected, final String field) {
        if (actual != expected) {
            throw new IllegalArgumentException("snapshot field '" + field + "' holds " + actual + " values, expected "
                    + expected);
        }
    }
}
