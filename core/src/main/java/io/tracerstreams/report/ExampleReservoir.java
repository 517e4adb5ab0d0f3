/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.state.ReportReservoirState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

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

    /**
     * Offers an example; true when the reservoir kept it. {@code uniform} draws in [0, 1) (once per offer beyond
     * the capacity); a reservoir of capacity 0 draws nothing.
     */
    boolean offer(final KeptExample example, final DoubleSupplier uniform) {
        if (capacity == 0) {
            return false;
        }
        seen++;
        if (items.size() < capacity) {
            items.add(example);
            return true;
        }
        final long slot = (long) (uniform.getAsDouble() * seen);
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

    /** The reservoir as stored, its examples by index in {@code table}. */
    ReportReservoirState toState(final ExampleTable table) {
        return ReportReservoirState.newBuilder().setCapacity(capacity).setItems(table.indexesOf(items))
                .setPublished(table.indexesOf(published)).setSeen(seen).build();
    }

    /**
     * A reservoir as stored ({@link #toState}).
     *
     * @throws IllegalArgumentException naming {@code field} when the state does not validate
     */
    static ExampleReservoir fromState(final ReportReservoirState state, final ExampleTable table, final String field) {
        if (state.getCapacity() < 0 || state.getItems().size() > state.getCapacity() || state.getSeen() < 0
                || state.getSeen() < state.getItems().size()) {
            throw new IllegalArgumentException("report state '" + field + "' holds " + state.getItems().size()
                    + " items of capacity " + state.getCapacity() + " after " + state.getSeen() + " offers");
        }
        return new ExampleReservoir(state.getCapacity(), table.at(state.getItems(), field + ".items"),
                table.at(state.getPublished(), field + ".published"), state.getSeen());
    }
}
