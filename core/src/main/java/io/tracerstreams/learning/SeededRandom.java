/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.io.Serializable;

/** A SplitMix64 generator whose whole state is one long: deterministic and cheap to serialise. */
final class SeededRandom implements Serializable {

    private static final long serialVersionUID = 1L;

    private long state;

    SeededRandom(final long seed) {
        this.state = seed;
    }

    /** The generator's state (for a snapshot: {@link #reset} with it continues the sequence). */
    long state() {
        return state;
    }

    /** Restarts the sequence from a seed. */
    void reset(final long seed) {
        this.state = seed;
    }

    /** A uniform long. */
    long nextLong() {
        state = Vectors.nextState(state);
        return Vectors.mix(state);
    }

    /** A uniform int in {@code [0, bound)}; bound must be positive. */
    int nextInt(final int bound) {
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /** A uniform double in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
