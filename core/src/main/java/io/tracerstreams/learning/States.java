/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conversions between the learners' primitive arrays and the lists and buffers of their snapshot records
 * ({@code io.tracerstreams.schema.state}), with the length checks a record read back from a changelog needs: a
 * wrong length is an {@link IllegalArgumentException} naming the field.
 */
final class States {

    private States() {
    }

    static List<Float> floats(final float[] v) {
        final List<Float> out = new ArrayList<>(v.length);
        for (final float x : v) {
            out.add(x);
        }
        return out;
    }

    static float[] floats(final List<Float> v) {
        final float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static List<Double> doubles(final double[] v) {
        return Arrays.stream(v).boxed().toList();
    }

    static double[] doubles(final List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static List<Integer> ints(final int[] v) {
        return Arrays.stream(v).boxed().toList();
    }

    static int[] ints(final List<Integer> v) {
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Long> longs(final long[] v) {
        return Arrays.stream(v).boxed().toList();
    }

    static long[] longs(final List<Long> v) {
        return v.stream().mapToLong(Long::longValue).toArray();
    }

    static List<Boolean> booleans(final boolean[] v) {
        final List<Boolean> out = new ArrayList<>(v.length);
        for (final boolean x : v) {
            out.add(x);
        }
        return out;
    }

    static boolean[] booleans(final List<Boolean> v) {
        final boolean[] out = new boolean[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
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
