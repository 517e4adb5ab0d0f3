/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.state.ReportDecayedState;

import java.io.Serializable;

/**
 * An exponentially decayed sum over the request clock, updated lazily: an amount added at request {@code t}
 * weighs {@code factor^(now - t)} at request {@code now}.
 */
final class DecayedSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Below this a denominator counts as empty. */
    static final double SMALL = 1e-12;

    private double value;
    private long at;

    DecayedSum() {
    }

    /** A sum of {@code value} as of request {@code at} (a restored one). */
    DecayedSum(final double value, final long at) {
        this.value = value;
        this.at = at;
    }

    /** Adds an amount at request {@code now}. */
    void add(final double amount, final long now, final double factor) {
        value = get(now, factor) + amount;
        at = now;
    }

    /** The decayed sum at request {@code now} (not before the last addition). */
    double get(final long now, final double factor) {
        return now == at ? value : value * Math.pow(factor, now - at);
    }

    /** {@code numerator / denominator} at {@code now}, or 0 when the denominator is empty. */
    static double ratio(final DecayedSum numerator, final DecayedSum denominator, final long now, final double factor) {
        final double all = denominator.get(now, factor);
        return all > SMALL ? numerator.get(now, factor) / all : 0.0;
    }

    /** The sum as stored. */
    ReportDecayedState toState() {
        return ReportDecayedState.newBuilder().setValue(value).setAt(at).build();
    }

    /** A sum as stored ({@link #toState()}). */
    static DecayedSum fromState(final ReportDecayedState state) {
        return new DecayedSum(state.getValue(), state.getAt());
    }
}
