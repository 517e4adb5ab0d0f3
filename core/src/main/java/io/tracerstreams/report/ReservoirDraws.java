/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import java.io.Serializable;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * The uniform draws of the example reservoirs: the 48-bit linear congruential generator of {@link Random} (the
 * same multiplier, increment, seed scrambling and {@code nextDouble}), so a seed draws exactly the sequence
 * {@code new Random(seed).nextDouble()} draws, with its whole state one long ({@link #state()}) that a snapshot
 * stores and restores exactly, without reflection into {@link Random}. Not thread-safe.
 */
final class ReservoirDraws implements DoubleSupplier, Serializable {

    private static final long serialVersionUID = 1L;

    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long INCREMENT = 0xBL;
    private static final long MASK = (1L << 48) - 1;
    /** MULTIPLIER^-1 modulo 2^48 (Newton's iteration doubles the correct low bits: 3, 6, 12, 24, 48). */
    private static final long INVERSE = inverse(MULTIPLIER);

    private long state;

    private ReservoirDraws(final long state) {
        this.state = state;
    }

    /** The draws of {@code new Random(seed)}. */
    static ReservoirDraws seeded(final long seed) {
        return new ReservoirDraws((seed ^ MULTIPLIER) & MASK);
    }

    /**
     * Draws that continue from a state ({@link #state()}).
     *
     * @throws IllegalArgumentException when the state has bits beyond the generator's 48
     */
    static ReservoirDraws ofState(final long state) {
        if ((state & ~MASK) != 0) {
            throw new IllegalArgumentException("report state 'draws_state' must be a 48-bit value (got " + state + ")");
        }
        return new ReservoirDraws(state);
    }

    /**
     * Draws that continue exactly where {@code random} stands (a {@link Random} read back from an earlier snapshot
     * format): its state is worked out from three of its outputs, so {@code random} itself moves on.
     *
     * @throws IllegalArgumentException when {@code random} does not draw as {@link Random} does (a subclass)
     */
    static ReservoirDraws continuing(final Random random) {
        final long first = random.nextInt() & 0xFFFFFFFFL;
        final long second = random.nextInt() & 0xFFFFFFFFL;
        final long third = random.nextInt() & 0xFFFFFFFFL;
        // nextInt() shows the top 32 of the 48 bits: try the 2^16 possible low bits against the next outputs
        for (long low = 0; low < 1L << 16; low++) {
            final long afterFirst = first << 16 | low;
            final long afterSecond = step(afterFirst);
            if (afterSecond >>> 16 == second && step(afterSecond) >>> 16 == third) {
                return new ReservoirDraws(((afterFirst - INCREMENT) * INVERSE) & MASK);
            }
        }
        throw new IllegalArgumentException("the reservoirs' random generator (" + random.getClass().getName()
                + ") does not draw as java.util.Random");
    }

    /** A uniform draw in [0, 1), as {@link Random#nextDouble()}. */
    @Override
    public double getAsDouble() {
        return ((long) next(26) << 27 | next(27)) * 0x1.0p-53;
    }

    /** The generator's whole state. */
    long state() {
        return state;
    }

    private int next(final int bits) {
        state = step(state);
        return (int) (state >>> (48 - bits));
    }

    private static long step(final long s) {
        return (s * MULTIPLIER + INCREMENT) & MASK;
    }

    private static long inverse(final long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x & MASK;
    }
}
