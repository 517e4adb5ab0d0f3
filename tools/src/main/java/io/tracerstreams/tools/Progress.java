/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn at most every 200 ms; silent when quiet or when the
 * process is not attached to a terminal (logs and pipes get only the "done" lines).
 */
final class Progress {

    private static final int WIDTH = 30;
    private final boolean quiet;
    private final boolean interactive;
    private long lastDraw;

    Progress(final boolean quiet) {
        this.quiet = quiet;
        this.interactive = System.console() != null;
    }

    void update(final String label, final long done, final long total) {
        final long now = System.nanoTime();
        if (quiet || !interactive || now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        draw(label, done, total);
    }

    void done(final String label) {
        if (!quiet) {
            System.err.print((interactive ? "\r\033[K" : "") + label + " done\n");
            System.err.flush();
            lastDraw = 0;
        }
    }

    private static void draw(final String label, final long done, final long total) {
        final double share = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
        final int filled = (int) Math.round(share * WIDTH);
        System.err.printf(Locale.ROOT, "\r\033[K%s [%s%s] %d/%d", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total);
        System.err.flush();
    }
}
