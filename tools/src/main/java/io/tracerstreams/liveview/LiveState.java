/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the live view shows, per task: the latest gate state and statistics, coverage and agreement
 * curves over requests, the gate flip timeline, deferral reasons and the last decisions. Fed with the
 * records of {@code tracer.decisions}, {@code tracer.gate-events} and {@code tracer.task-stats}.
 *
 * <p>Thread-safe: the feeding consumer and the HTTP threads may call it concurrently. Memory is bounded:
 * curves keep at most {@code maxPoints} points per task (older points are thinned, every other one
 * dropped, so the whole run stays visible at a coarser grain), the gate timeline its last
 * {@code maxGateEvents} gate events (flips, and re-statements such as a learner switch while open) and
 * the table its last {@code maxDecisions} decisions. A record that cannot be used (null, no task) is
 * counted in {@link #rejected()} and otherwise ignored.
 */
public final class LiveState {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxPoints;
    private final int maxGateEvents;
    private final int maxDecisions;
    private final Map<String, TaskView> tasks = new TreeMap<>();
    private final AtomicLong version = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /**
     * A state with explicit bounds.
     *
     * @param maxPoints    curve points kept per task, at least 16
     * @param maxGateEvents     gate events kept per task for the timeline, at least 1
     * @param maxDecisions recent decisions kept per task, at least 1
     */
    public LiveState(final int maxPoints, final int maxGateEvents, final int maxDecisions) {
        if (maxPoints < 16) {
            throw new IllegalArgumentException("live state field 'maxPoints' must be at least 16 (got " + maxPoints + ")");
        }
        if (maxGateEvents < 1) {
            throw new IllegalArgumentException("live state field 'maxGateEvents' must be at least 1 (got " + maxGateEvents + ")");
        }
        if (maxDecisions < 1) {
            throw new IllegalArgumentException(
                    "live state field 'maxDecisions' must be at least 1 (got " + maxDecisions + ")");
        }
        this.maxPoints = maxPoints;
        this.maxGateEvents = maxGateEvents;
        this.maxDecisions = maxDecisions;
    }

    /** A state with 400 curve points, 200 gate events and 25 decisions per task. */
    public LiveState() {
        this(400, 200, 25);
    }

    /** Records one routing decision. */
    public void onDecision(final RoutingDecision decision) {
        if (decision == null || decision.getTask() == null) {
            rejected.incrementAndGet();
            return;
        }
        synchronized (this) {
            task(decision.getTask()).add(decision);
            version.incrementAndGet();
        }
    }

    /** Records one gate event (a flip, or a re-statement of the current state). */
    public void onGateEvent(final GateEvent event) {
        if (event == null || event.getTask() == null) {
            rejected.incrementAndGet();
            return;
        }
        synchronized (this) {
            task(event.getTask()).add(event);
            version.incrementAndGet();
        }
    }

    /** Records one statistics snapshot; it adds a point to the task's curves. */
    public void onTaskStats(final TaskStats stats) {
        if (stats == null || stats.getTask() == null) {
            rejected.incrementAndGet();
            return;
        }
        synchronized (this) {
            task(stats.getTask()).add(stats);
            version.incrementAndGet();
        }
    }

    /** Increases on every accepted record: a cheap "has anything changed" check. */
    public long version() {
        return version.get();
    }

    /** Records that could not be used. */
    public long rejected() {
        return rejected.get();
    }

    /** The task names seen so far, sorted. */
    public synchronized List<String> taskNames() {
        return List.copyOf(tasks.keySet());
    }

    /** An immutable copy of one task's counters and estimates, or null for an unknown task. */
    public synchronized TaskSummary summary(final String task) {
        final TaskView view = tasks.get(task);
        return view == null ? null : view.summary();
    }

    /** Immutable copies of every task's counters and estimates, sorted by task. */
    public synchronized List<TaskSummary> summaries() {
        final List<TaskSummary> out = new ArrayList<>(tasks.size());
        for (final TaskView view : tasks.values()) {
            out.add(view.summary());
        }
        return out;
    }

    /**
     * The whole state as JSON: {@code {"version", "rejected", "tasks": [{"task", "gate", "alpha", "stats",
     * "frontier", "curve", "timeline", "reasons", "deferrals_by_reason", "decisions"}, ...]}}; "reasons" counts
     * the decisions this view observed, "deferrals_by_reason" is the engine's own count from its stats. This is what {@code /api/state} and the server-sent events carry.
     */
    public String toJson() {
        final ObjectNode root = JSON.createObjectNode();
        synchronized (this) {
            root.put("version", version.get());
            root.put("rejected", rejected.get());
            final ArrayNode list = root.putArray("tasks");
            for (final TaskView view : tasks.values()) {
                view.write(list.addObject());
            }
        }
        return root.toString();
    }

    private TaskView task(final String name) {
        return tasks.computeIfAbsent(name, TaskView::new);
    }

    /**
     * One task's counters and estimates at a point in time.
     *
     * @param task             the task
     * @param gate             the current gate state
     * @param alpha            the target agreement (NaN before the first stats or gate event)
     * @param requests         requests the engine has seen (from stats; decisions observed when larger)
     * @param traces           traces the engine has learned
     * @param handled          handled requests
     * @param deferred         deferred requests
     * @param audited          audited requests
     * @param llmCallsAvoided  LLM calls avoided, a count: handled requests that were not audited
     * @param coverage         the coverage estimate at the served threshold (0 while the gate is closed)
     * @param agreement        the agreement estimate
     * @param agreementLower   its lower confidence bound
     * @param agreementUpper   its upper confidence bound
     * @param threshold        the served threshold, NaN while closed
     * @param gateFlips        gate flips observed
     * @param decisionsByReason decisions observed by the view, per reason
     */
    public record TaskSummary(String task, String gate, double alpha, long requests, long traces, long handled,
                              long deferred, long audited, long llmCallsAvoided, double coverage, double agreement,
                              double agreementLower, double agreementUpper, double threshold, long gateFlips,
                              Map<String, Long> decisionsByReason) {
        public TaskSummary {
            decisionsByReason = Map.copyOf(decisionsByReason);
        }

        /** Requests the LLM answered: deferred + audited. */
        public long llmCalls() {
            return deferred + audited;
        }

        /** The headline: LLM calls saved = 1 - LLM calls / requests, a fraction (NaN before any request). */
        public double llmCallsSaved() {
            return requests == 0 ? Double.NaN : 1.0 - (double) llmCalls() / requests;
        }
    }

    /** The mutable per-task part; guarded by the enclosing LiveState's monitor. */
    private final class TaskView {
        private final String name;
        private GateState gate = GateState.CLOSED;
        private double alpha = Double.NaN;
        private TaskStats last;
        private long decisions;
        private long handledSeen;
        private long auditedSeen;
        private long flips;
        private final Map<String, Long> byReason = new TreeMap<>();
        private final List<double[]> curve = new ArrayList<>();
        private int stride = 1;
        private long statsSeen;
        private final Deque<GateEvent> flipLog = new ArrayDeque<>();
        private final Deque<RoutingDecision> recent = new ArrayDeque<>();

        TaskView(final String name) {
            this.name = name;
        }

        void add(final RoutingDecision d) {
            decisions++;
            if (d.getDecision() == Decision.HANDLED) {
                handledSeen++;
            }
            if (d.getAudit()) {
                auditedSeen++;
            }
            byReason.merge(String.valueOf(d.getReason()), 1L, Long::sum);
            recent.addLast(d);
            while (recent.size() > maxDecisions) {
                recent.removeFirst();
            }
        }

        void add(final GateEvent e) {
            alpha = e.getAlpha();
            if (e.getState() != e.getPrevious()) {
                flips++;
            }
            flipLog.addLast(e); // flips and re-statements (e.g. a learner switch while open)
            while (flipLog.size() > maxGateEvents) {
                flipLog.removeFirst();
            }
            gate = e.getState();
        }

        void add(final TaskStats s) {
            if (last != null && s.getTimestamp() != null && last.getTimestamp() != null
                    && s.getTimestamp().isBefore(last.getTimestamp())) {
                return; // out of order: keep the newer snapshot
            }
            last = s;
            alpha = s.getAlpha();
            gate = s.getGateState();
            statsSeen++;
            if (statsSeen % stride != 0) {
                return;
            }
            final double realised = s.getRequestsSeen() == 0 ? 0.0 : (double) s.getHandled() / s.getRequestsSeen();
            curve.add(new double[] {s.getRequestsSeen(), s.getTracesSeen(), servedCoverage(s), realised,
                s.getAgreement(), s.getAgreementLower(), s.getAgreementUpper(),
                s.getGateState() == GateState.OPEN ? 1 : 0});
            if (curve.size() > maxPoints) {
                // thin: keep every other point, and from now on keep every 2*stride-th snapshot
                final List<double[]> kept = new ArrayList<>(curve.size() / 2 + 1);
                for (int i = 0; i < curve.size(); i += 2) {
                    kept.add(curve.get(i));
                }
                curve.clear();
                curve.addAll(kept);
                stride *= 2;
            }
        }

        TaskSummary summary() {
            final long requests = Math.max(last == null ? 0 : last.getRequestsSeen(), decisions);
            final long handled = last == null ? handledSeen : Math.max(last.getHandled(), handledSeen);
            final long audited = last == null ? auditedSeen : Math.max(last.getAudited(), auditedSeen);
            return new TaskSummary(name, gate.name(), alpha, requests, last == null ? 0 : last.getTracesSeen(),
                    handled, last == null ? decisions - handledSeen : last.getDeferred(), audited,
                    last == null ? handledSeen - auditedSeen : last.getTeacherCallsSaved(),
                    last == null ? 0.0 : servedCoverage(last), last == null ? Double.NaN : last.getAgreement(),
                    last == null ? Double.NaN : last.getAgreementLower(),
                    last == null ? Double.NaN : last.getAgreementUpper(),
                    last == null || last.getThreshold() == null ? Double.NaN : last.getThreshold(), flips, byReason);
        }

        void write(final ObjectNode node) {
            final TaskSummary sum = summary();
            node.put("task", name);
            node.put("gate", sum.gate());
            putNumber(node, "alpha", sum.alpha());
            final ObjectNode stats = node.putObject("stats");
            putNumber(stats, "llm_calls_saved", sum.llmCallsSaved());
            stats.put("requests", sum.requests());
            stats.put("llm_calls", sum.llmCalls());
            stats.put("llm_calls_avoided", sum.llmCallsAvoided());
            stats.put("traces", sum.traces());
            stats.put("handled", sum.handled());
            stats.put("deferred", sum.deferred());
            stats.put("audited", sum.audited());
            putNumber(stats, "coverage", sum.coverage());
            putNumber(stats, "realised_coverage", sum.requests() == 0 ? 0.0 : (double) sum.handled() / sum.requests());
            putNumber(stats, "agreement", sum.agreement());
            putNumber(stats, "agreement_lower", sum.agreementLower());
            putNumber(stats, "agreement_upper", sum.agreementUpper());
            putNumber(stats, "threshold", sum.threshold());
            stats.put("gate_flips", sum.gateFlips());
            stats.put("served_learner", last == null ? "" : String.valueOf(last.getServedLearner()));
            stats.put("labels", last == null ? 0 : last.getLabels());
            stats.put("estimated_cost_saved", last == null ? 0.0 : last.getEstimatedCostSaved());
            final ArrayNode frontier = node.putArray("frontier");
            if (last != null) {
                for (final FrontierPoint p : last.getFrontier()) {
                    final ObjectNode fp = frontier.addObject();
                    fp.put("alpha", p.getAlpha());
                    fp.put("coverage", p.getCoverage());
                }
            }
            final ObjectNode curveNode = node.putObject("curve");
            final String[] names = {"requests", "traces", "coverage", "realised_coverage", "agreement",
                "agreement_lower", "agreement_upper", "open"};
            for (int k = 0; k < names.length; k++) {
                final ArrayNode series = curveNode.putArray(names[k]);
                for (final double[] p : curve) {
                    if (Double.isFinite(p[k])) {
                        series.add(p[k]);
                    } else {
                        series.addNull();
                    }
                }
            }
            final ArrayNode flipsNode = node.putArray("timeline");
            for (final GateEvent e : flipLog) {
                final ObjectNode f = flipsNode.addObject();
                f.put("timestamp", e.getTimestamp() == null ? 0 : e.getTimestamp().toEpochMilli());
                f.put("flip", e.getState() != e.getPrevious());
                f.put("from", String.valueOf(e.getPrevious()));
                f.put("to", String.valueOf(e.getState()));
                f.put("reason", String.valueOf(e.getReason()));
                f.put("detail", String.valueOf(e.getDetail()));
                f.put("traces", e.getTracesSeen());
                putNumber(f, "agreement", e.getAgreement());
                putNumber(f, "agreement_lower", e.getAgreementLower());
                putNumber(f, "agreement_upper", e.getAgreementUpper());
                putNumber(f, "coverage", e.getCoverage());
                if (e.getThreshold() != null) {
                    putNumber(f, "threshold", e.getThreshold());
                }
            }
            final ObjectNode reasons = node.putObject("reasons");
            byReason.forEach(reasons::put);
            final ObjectNode deferrals = node.putObject("deferrals_by_reason");
            (last == null ? Map.<String, Long>of() : toStringMap(last.getDeferralsByReason())).forEach(deferrals::put);
            final ArrayNode recentNode = node.putArray("decisions");
            final List<RoutingDecision> newestFirst = new ArrayList<>(recent);
            for (int i = newestFirst.size() - 1; i >= 0; i--) {
                final RoutingDecision d = newestFirst.get(i);
                final ObjectNode r = recentNode.addObject();
                r.put("request_id", String.valueOf(d.getRequestId()));
                r.put("decision", String.valueOf(d.getDecision()));
                r.put("label", d.getLabel());
                putNumber(r, "score", d.getScore());
                r.put("reason", String.valueOf(d.getReason()));
                r.put("audit", d.getAudit());
                r.put("timestamp", d.getTimestamp() == null ? 0 : d.getTimestamp().toEpochMilli());
            }
        }
    }

    /** The coverage estimate at the served threshold: 0 while the gate is closed (nothing is served). */
    private static double servedCoverage(final TaskStats s) {
        return s.getGateState() == GateState.OPEN ? s.getCoverageEstimate() : 0.0;
    }

    private static Map<String, Long> toStringMap(final Map<String, Long> map) {
        final Map<String, Long> out = new TreeMap<>();
        if (map != null) {
            for (final Map.Entry<String, Long> e : map.entrySet()) {
                out.put(e.getKey(), Objects.requireNonNullElse(e.getValue(), 0L));
            }
        }
        return out;
    }

    private static void putNumber(final ObjectNode node, final String field, final double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }
}
