/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.liveview.LiveState;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's terminal display: one line per task (requests, coverage, agreement estimate with its lower
 * bound, gate state, LLM calls saved), redrawn in place on a terminal, printed every few seconds
 * otherwise (a pipe or a log file).
 */
final class ProgressDisplay {

    private final PrintStream out;
    private final boolean redraw;
    private int drawnLines;

    ProgressDisplay(final PrintStream out, final boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /** Prints the current lines. */
    synchronized void show(final List<DemoSummary.TaskResult> results, final LiveState state, final long sent,
                           final double seconds) {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "[%5.0fs] %,d requests sent", seconds, sent));
        for (final DemoSummary.TaskResult r : results) {
            final LiveState.TaskSummary s = state.summary(r.task());
            final String gate = s == null ? "CLOSED" : s.gate();
            final String est = s == null || Double.isNaN(s.agreement()) ? "  -  "
                    : String.format(Locale.ROOT, "%5.1f%% (lb %5.1f%%)", 100 * s.agreement(), 100 * s.agreementLower());
            lines.add(String.format(Locale.ROOT, "  %-18s %-6s saved %6s  req %,7d  cov %6s  agree est %s  real %6s",
                    r.task(), gate, pct(r.llmCallsSaved()), r.requests(), pct(r.coverage()), est,
                    pct(r.realisedAgreement())));
        }
        if (redraw && drawnLines > 0) {
            out.print("\033[" + drawnLines + "A");
        }
        for (final String line : lines) {
            out.print(redraw ? line + "\033[K\n" : line + "\n");
        }
        out.flush();
        drawnLines = lines.size();
    }

    private static String pct(final Double x) {
        return x == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }
}
