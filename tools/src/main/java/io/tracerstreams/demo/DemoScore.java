/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.RoutingDecision;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's side of the evaluation protocol (design section 7): it sees every decision and knows the
 * hidden LLM label, so it measures what tracer cannot: the realised agreement of HANDLED requests with
 * the LLM. Duplicate decisions for one request id are counted once. Thread-safe.
 */
public final class DemoScore {

    private static final byte DEFERRED = 0;
    private static final byte HANDLED_AGREE = 1;
    private static final byte HANDLED_DISAGREE = 2;

    private final DemoTraffic traffic;
    private final Map<String, PerTask> tasks = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();
    private long foreign;
    private long firstDecisionNanos;

    /** A score over the given traffic; its tasks appear in the summary even before their first decision. */
    public DemoScore(final DemoTraffic traffic) {
        this.traffic = traffic;
        for (final String t : traffic.tasks()) {
            tasks.put(t, new PerTask());
        }
    }

    /** Scores one decision. */
    public synchronized void onDecision(final RoutingDecision d) {
        final DemoTraffic.Request r = traffic.lookup(d.getRequestId());
        if (r == null || !seen.add(d.getRequestId())) {
            foreign++;
            return;
        }
        if (firstDecisionNanos == 0) {
            firstDecisionNanos = System.nanoTime();
        }
        final PerTask t = tasks.computeIfAbsent(r.task(), k -> new PerTask());
        if (d.getDecision() == Decision.HANDLED) {
            final boolean agree = r.teacherLabel().equals(d.getLabel());
            t.outcomes.add(agree ? HANDLED_AGREE : HANDLED_DISAGREE);
            if (r.datasetLabel().equals(d.getLabel())) {
                t.handledDatasetAgree++;
            }
            if (d.getAudit()) {
                t.audited++;
            }
        } else {
            t.outcomes.add(DEFERRED);
        }
    }

    /** Records a gate event. */
    public synchronized void onGateEvent(final GateEvent e) {
        final PerTask t = tasks.computeIfAbsent(e.getTask(), k -> new PerTask());
        if (e.getState() != e.getPrevious()) {
            t.flips++;
        }
        if (e.getState() == GateState.OPEN) {
            if (!t.opened) {
                t.openedAtNanos = System.nanoTime();
            }
            t.opened = true;
        }
    }

    /** When the first decision of this traffic was read ({@link System#nanoTime()}), or 0 before. */
    public synchronized long firstDecisionNanos() {
        return firstDecisionNanos;
    }

    /** Per task in the traffic's order: when its first OPEN gate event was read ({@link System#nanoTime()}), or 0 before. */
    public synchronized Map<String, Long> gateOpenNanos() {
        final Map<String, Long> out = new LinkedHashMap<>();
        tasks.forEach((task, t) -> out.put(task, t.openedAtNanos));
        return out;
    }

    /** Decisions scored so far, over all tasks. */
    public synchronized long decisions() {
        return seen.size();
    }

    /** Decisions for request ids that are not from this traffic, or repeated. */
    public synchronized long ignored() {
        return foreign;
    }

    /** The results so far, per task in the traffic's order. */
    public synchronized List<DemoSummary.TaskResult> results() {
        final List<DemoSummary.TaskResult> out = new ArrayList<>();
        for (final Map.Entry<String, PerTask> e : tasks.entrySet()) {
            out.add(e.getValue().result(e.getKey()));
        }
        return out;
    }

    private static final class PerTask {
        private final List<Byte> outcomes = new ArrayList<>();
        private long handledDatasetAgree;
        private long audited;
        private long flips;
        private boolean opened;
        private long openedAtNanos;

        DemoSummary.TaskResult result(final String task) {
            final long[] all = count(0);
            final long[] tail = count(outcomes.size() - outcomes.size() / 5);
            final long requests = outcomes.size();
            final long handled = all[1] + all[2];
            return new DemoSummary.TaskResult(task, requests, handled, ratio(handled, requests),
                    ratio(all[1], handled), ratio(handledDatasetAgree, handled),
                    ratio(tail[1] + tail[2], tail[0] + tail[1] + tail[2]), ratio(tail[1], tail[1] + tail[2]),
                    opened, flips, all[0] + audited, audited);
        }

        private long[] count(final int from) {
            final long[] n = new long[3];
            for (int i = Math.max(0, from); i < outcomes.size(); i++) {
                n[outcomes.get(i)]++;
            }
            return n;
        }

        private static Double ratio(final long num, final long den) {
            return den == 0 ? null : (double) num / den;
        }
    }
}
