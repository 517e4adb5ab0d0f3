/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded reservoir (algorithm R) over one report interval; at each report the interval's sample is
 * published and a new interval starts (an interval without traffic keeps the last sample). Holds at most
 * twice its capacity.
 */
final class ExampleReservoir implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final ArrayList<KeptExample> items = new ArrayList<>();
    private ArrayList<KeptExample> published = new ArrayList<>();
    private long seen;

    ExampleReservoir(final int capacity) {
        this.capacity = capacity;
    }

    /** A reservoir restored mid-interval. */
    ExampleReservoir(final int capacity, final List<KeptExample> items, final List<KeptExample> published,
                     final long seen) {
        this.capacity = capacity;
        this.items.addAll(items);
        this.published = new ArrayList<>(published);
        this.seen = seen;
    }

    /** Offers an example; true when the reservoir kept it. A reservoir of capacity 0 draws nothing. */
    boolean offer(final KeptExample example, final Random random) {
        if (capacity == 0) {
            return false;
        }
        seen++;
        if (items.size() < capacity) {
            items.add(example);
            return true;
        }
        final long slot = (long) (random.nextDouble() * seen);
        if (slot < capacity) {
            items.set((int) slot, example);
            return true;
        }
        return false;
    }

    /** Publishes the interval's sample and starts a new interval, unless the interval saw nothing. */
    void rotate() {
        if (seen > 0) {
            published = new ArrayList<>(items);
            items.clear();
            seen = 0;
        }
    }

    List<KeptExample> published() {
        return published;
    }

    int retained() {
        return items.size() + published.size();
    }
}
