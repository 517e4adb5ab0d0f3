/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.gate;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the window of MOA's {@code moa.classifiers.core.driftdetection.ADWIN} (version 2024.07) into an
 * {@link Adwin}: only for a gate read from a snapshot of an earlier format, which held MOA's class. MOA keeps the
 * window in private fields (a linked list of bucket rows, the tail the oldest), so they are read by reflection,
 * once per restore; a MOA whose fields differ is reported, and the caller starts a fresh window.
 */
final class MoaAdwinState {

    private MoaAdwinState() {
    }

    static Adwin copy(final Object moa) {
        try {
            final int clock = (Integer) read(moa, "mintClock");
            if (clock != Adwin.CLOCK) {
                throw new IllegalArgumentException("MOA's ADWIN has clock " + clock + ", expected " + Adwin.CLOCK);
            }
            final double delta = (Double) read(moa, "mdbldelta");
            final int time = (Integer) read(moa, "mintTime");
            final int width = (Integer) read(moa, "WIDTH");
            final double total = (Double) read(moa, "TOTAL");
            final double variance = (Double) read(moa, "VARIANCE");
            final Object list = read(moa, "listRowBuckets");
            final List<double[]> totals = new ArrayList<>();
            final List<double[]> variances = new ArrayList<>();
            for (Object row = read(list, "head"); row != null; row = read(row, "next")) {
                final int n = (Integer) read(row, "bucketSizeRow");
                final double[] t = new double[n];
                final double[] v = new double[n];
                System.arraycopy((double[]) read(row, "bucketTotal"), 0, t, 0, n);
                System.arraycopy((double[]) read(row, "bucketVariance"), 0, v, 0, n);
                totals.add(t);
                variances.add(v);
            }
            return Adwin.of(delta, time, width, total, variance, totals, variances);
        } catch (final ReflectiveOperationException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("cannot read MOA's ADWIN (" + moa.getClass().getName() + "): " + e, e);
        }
    }

    private static Object read(final Object target, final String name) throws ReflectiveOperationException {
        final Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }
}
