/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A cheap deterministic featurizer for cache tests: counts what it embeds and whether it was closed. */
final class CountingFeaturizer implements Featurizer {

    final AtomicLong embedded = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();
    private final String id;
    private final int dimension;

    CountingFeaturizer(final String id, final int dimension) {
        this.id = id;
        this.dimension = dimension;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public List<float[]> embed(final List<String> texts) {
        final List<float[]> out = new ArrayList<>();
        for (final String text : texts) {
            embedded.incrementAndGet();
            final Random random = new Random(text.hashCode());
            final float[] v = new float[dimension];
            double norm = 0;
            for (int d = 0; d < dimension; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < dimension; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            out.add(v);
        }
        return out;
    }

    @Override
    public long truncatedCount() {
        return 0;
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
