/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.io.Serializable;

/**
 * An inverse temperature {@code beta} for {@code softmax(beta * s)}, fitted online by stochastic gradient
 * descent on the prequential log loss: before a labelled example is learned, its scores {@code s} (e.g.
 * cosine similarities) and true slot give the gradient {@code d(-log p_y)/d beta = E_p[s] - s_y}. The step
 * is taken on {@code log beta} (scale-free), and beta stays within {@code [min, max]}.
 */
final class OnlineTemperature implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double min;
    private final double max;
    private final double rate;
    private double logBeta;

    OnlineTemperature(final double initial, final double min, final double max, final double rate) {
        this.min = min;
        this.max = max;
        this.rate = rate;
        this.logBeta = Math.log(initial);
    }

    double beta() {
        return Math.exp(logBeta);
    }

    /** The log of beta (its state in a snapshot). */
    double logBeta() {
        return logBeta;
    }

    /** Restores the log of beta from a snapshot, kept within {@code [log min, log max]}. */
    void restoreLogBeta(final double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("snapshot field 'log_beta' must be finite, was " + value);
        }
        this.logBeta = Math.max(Math.log(min), Math.min(Math.log(max), value));
    }

    /**
     * One gradient step.
     *
     * @param s     raw scores of slots {@code 0..n-1}
     * @param n     how many
     * @param truth the true slot, {@code < n}
     * @param work  a buffer of at least n doubles
     */
    void update(final double[] s, final int n, final int truth, final double[] work) {
        if (truth < 0 || truth >= n || n < 2) {
            return;
        }
        final double beta = beta();
        System.arraycopy(s, 0, work, 0, n);
        Vectors.softmax(work, n, beta);
        double expected = 0;
        for (int k = 0; k < n; k++) {
            expected += work[k] * s[k];
        }
        final double gradLogBeta = beta * (expected - s[truth]);
        if (Double.isFinite(gradLogBeta)) {
            final double clipped = Math.max(-1, Math.min(1, rate * gradLogBeta));
            logBeta = Math.max(Math.log(min), Math.min(Math.log(max), logBeta - clipped));
        }
    }
}
