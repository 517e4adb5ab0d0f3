/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportPlateau;
import io.tracerstreams.schema.state.ReportIntervalsState;
import io.tracerstreams.schema.state.ReportState;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plateau detection: labels whose handled rate stopped growing while below saturation. Counts the requests
 * routed while the gate was open, per label and for the task, per report interval, and keeps the last
 * {@link ReportConfig#plateauReports()} intervals of each. Over those K intervals a label is a plateau when it
 * had at least {@link ReportConfig#plateauMinRequests()} requests, traffic in both its oldest and its newest
 * K/2 intervals, its handled rate grew less than {@link ReportConfig#plateauMinGrowth()} from the old half to
 * the new, and the new rate is below {@link ReportConfig#plateauSaturation()}. Nothing is flagged before K
 * intervals, nor while the task handled nothing over them.
 */
final class Plateaus implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int k;
    private final long minRequests;
    private final double minGrowth;
    private final double saturation;
    private final Map<String, Intervals> labels;
    private final Intervals task;

    Plateaus(final ReportConfig config) {
        this(config, new Intervals(), Map.of());
    }

    /** Plateau histories restored: the task's and each label's. */
    Plateaus(final ReportConfig config, final Intervals task, final Map<String, Intervals> labels) {
        this.k = config.plateauReports();
        this.minRequests = config.plateauMinRequests();
        this.minGrowth = config.plateauMinGrowth();
        this.saturation = config.plateauSaturation();
        this.task = task;
        this.labels = new HashMap<>(labels);
    }

    /** One request of the task; counted when the gate was open. */
    void onRequest(final boolean gateOpen, final boolean wasHandled) {
        task.count(gateOpen, wasHandled);
    }

    /** One request attributed to a label; counted when the gate was open when it was routed. */
    void onAttributed(final String label, final boolean gateOpen, final boolean wasHandled) {
        labels.computeIfAbsent(label, l -> new Intervals()).count(gateOpen, wasHandled);
    }

    /**
     * Closes a report interval for the task and for every label in {@code known} (a label without requests in
     * the interval gets an empty one), and returns the plateaus, largest traffic share first (ties by label).
     */
    List<ReportPlateau> closeInterval(final Collection<String> known) {
        task.close(k);
        long taskHandled = 0;
        for (final long[] interval : task.history) {
            taskHandled += interval[1];
        }
        for (final String label : known) {
            labels.computeIfAbsent(label, l -> new Intervals());
        }
        long windowRequests = 0;
        for (final Intervals intervals : labels.values()) {
            intervals.close(k);
            for (final long[] interval : intervals.history) {
                windowRequests += interval[0];
            }
        }
        final List<ReportPlateau> out = new ArrayList<>();
        if (task.history.size() < k || taskHandled == 0) {
            return out;
        }
        for (final Map.Entry<String, Intervals> entry : labels.entrySet()) {
            final ReportPlateau plateau = plateau(entry.getKey(), entry.getValue(), windowRequests);
            if (plateau != null) {
                out.add(plateau);
            }
        }
        out.sort(Comparator.comparingDouble(ReportPlateau::getTrafficShare).reversed()
                .thenComparing(ReportPlateau::getLabel));
        return out;
    }

    private ReportPlateau plateau(final String label, final Intervals intervals, final long windowRequests) {
        if (intervals.history.size() < k) {
            return null;
        }
        final int half = k / 2;
        final long[][] history = intervals.history.toArray(new long[0][]);
        long oldRequests = 0;
        long oldHandled = 0;
        long newRequests = 0;
        long newHandled = 0;
        long total = 0;
        long totalHandled = 0;
        final List<Double> rates = new ArrayList<>(k);
        final List<Long> requests = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            final long[] interval = history[i];
            total += interval[0];
            totalHandled += interval[1];
            if (i < half) {
                oldRequests += interval[0];
                oldHandled += interval[1];
            } else if (i >= k - half) {
                newRequests += interval[0];
                newHandled += interval[1];
            }
            rates.add(interval[0] == 0 ? 0.0 : (double) interval[1] / interval[0]);
            requests.add(interval[0]);
        }
        if (total < minRequests || oldRequests == 0 || newRequests == 0) {
            return null;
        }
        final double oldRate = (double) oldHandled / oldRequests;
        final double newRate = (double) newHandled / newRequests;
        final double growth = newRate - oldRate;
        if (growth >= minGrowth || newRate >= saturation) {
            return null;
        }
        return ReportPlateau.newBuilder()
                .setLabel(label)
                .setHandledRates(rates)
                .setRequests(requests)
                .setGrowth(growth)
                .setHandledRate((double) totalHandled / total)
                .setTrafficShare(windowRequests == 0 ? 0.0 : (double) total / windowRequests)
                .setReports(k)
                .build();
    }

    /** Intervals kept: one for the task plus one per label, each at most K. */
    int retained() {
        int entries = task.history.size();
        for (final Intervals intervals : labels.values()) {
            entries += intervals.history.size();
        }
        return entries;
    }

    /** Stores the task's and each label's intervals. */
    void toState(final ReportState.Builder out) {
        out.setPlateauTask(task.toState());
        final Map<String, ReportIntervalsState> states = new TreeMap<>();
        for (final Map.Entry<String, Intervals> e : labels.entrySet()) {
            states.put(e.getKey(), e.getValue().toState());
        }
        out.setPlateauLabels(states);
    }

    /**
     * The plateau histories a state holds ({@link #toState}).
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static Plateaus fromState(final ReportState in, final ReportConfig config) {
        final Map<String, Intervals> restored = new HashMap<>();
        for (final Map.Entry<String, ReportIntervalsState> e : in.getPlateauLabels().entrySet()) {
            restored.put(e.getKey(), Intervals.fromState(e.getValue(), "plateau_labels[" + e.getKey() + "]"));
        }
        return new Plateaus(config, Intervals.fromState(in.getPlateauTask(), "plateau_task"), restored);
    }

    /** Requests and handled requests while the gate was open: running totals and the last K intervals. */
    static final class Intervals implements Serializable {
        private static final long serialVersionUID = 1L;
        private long openRequests;
        private long openHandled;
        private long requestsAtClose;
        private long handledAtClose;
        private final ArrayDeque<long[]> history = new ArrayDeque<>();

        Intervals() {
        }

        /** Running totals, totals at the last close, and the closed intervals ({requests, handled}), oldest first. */
        Intervals(final long openRequests, final long openHandled, final long requestsAtClose, final long handledAtClose,
                  final Collection<long[]> history) {
            this.openRequests = openRequests;
            this.openHandled = openHandled;
            this.requestsAtClose = requestsAtClose;
            this.handledAtClose = handledAtClose;
            this.history.addAll(history);
        }

        ReportIntervalsState toState() {
            final List<Long> requests = new ArrayList<>(history.size());
            final List<Long> handled = new ArrayList<>(history.size());
            for (final long[] interval : history) {
                requests.add(interval[0]);
                handled.add(interval[1]);
            }
            return ReportIntervalsState.newBuilder().setOpenRequests(openRequests).setOpenHandled(openHandled)
                    .setRequestsAtClose(requestsAtClose).setHandledAtClose(handledAtClose).setHistoryRequests(requests)
                    .setHistoryHandled(handled).build();
        }

        static Intervals fromState(final ReportIntervalsState s, final String field) {
            if (s.getHistoryRequests().size() != s.getHistoryHandled().size()) {
                throw new IllegalArgumentException("report state '" + field + "' has " + s.getHistoryRequests().size()
                        + " intervals of requests and " + s.getHistoryHandled().size() + " of handled requests");
            }
            final List<long[]> history = new ArrayList<>(s.getHistoryRequests().size());
            for (int i = 0; i < s.getHistoryRequests().size(); i++) {
                history.add(new long[] {s.getHistoryRequests().get(i), s.getHistoryHandled().get(i)});
            }
            return new Intervals(s.getOpenRequests(), s.getOpenHandled(), s.getRequestsAtClose(), s.getHandledAtClose(),
                    history);
        }

        void count(final boolean gateOpen, final boolean wasHandled) {
            if (gateOpen) {
                openRequests++;
                if (wasHandled) {
                    openHandled++;
                }
            }
        }

        void close(final int k) {
            history.addLast(new long[] {openRequests - requestsAtClose, openHandled - handledAtClose});
            requestsAtClose = openRequests;
            handledAtClose = openHandled;
            while (history.size() > k) {
                history.removeFirst();
            }
        }
    }
}
