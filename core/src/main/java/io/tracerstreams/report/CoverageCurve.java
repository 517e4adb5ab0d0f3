/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.ReportCurvePoint;
import io.tracerstreams.schema.state.ReportCurvePointState;
import io.tracerstreams.schema.state.ReportCurveState;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The coverage curve: one point per {@link ReportConfig#curveEvery()} requests with the window's coverage,
 * agreement and accuracy, and the cumulative coverage. Beyond {@link ReportConfig#curveMaxPoints()} points,
 * neighbours merge pairwise and the stride doubles; a merge is exact (points hold sums, not ratios).
 */
final class CoverageCurve implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxPoints;
    private final ArrayList<Point> points = new ArrayList<>();
    private long stride;
    private Point open = new Point();
    private long handled;
    private long traces;

    CoverageCurve(final ReportConfig config) {
        this.maxPoints = config.curveMaxPoints();
        this.stride = config.curveEvery();
    }

    /** A curve restored: its committed points, stride, open point, and the handled requests and outcomes so far. */
    CoverageCurve(final ReportConfig config, final List<Point> points, final long stride, final Point open,
                  final long handled, final long traces) {
        this.maxPoints = config.curveMaxPoints();
        this.points.addAll(points);
        this.stride = stride;
        this.open = open;
        this.handled = handled;
        this.traces = traces;
    }

    /** One request, the {@code requests}-th, routed while the gate was {@code gate} against {@code threshold}. */
    void onRequest(final boolean wasHandled, final long requests, final GateState gate, final Double threshold,
                   final long timestampMs) {
        open.window++;
        if (wasHandled) {
            handled++;
            open.handled++;
        }
        open.close(requests, traces, handled, gate, threshold, timestampMs);
        if (open.window >= stride) {
            commit();
        }
    }

    /** One outcome: {@code agree} of {@code weight} agreed; {@code accepted} when its score cleared the bar. */
    void onOutcome(final double agree, final double weight, final boolean accepted) {
        traces++;
        open.accSum += agree;
        open.accWeight += weight;
        if (accepted) {
            open.agreeSum += agree;
            open.agreeWeight += weight;
        }
        open.traces = traces;
    }

    /** The committed points, then the open one if it has requests. */
    List<ReportCurvePoint> points() {
        final List<ReportCurvePoint> out = new ArrayList<>(points.size() + 1);
        for (final Point point : points) {
            out.add(point.toAvro());
        }
        if (open.window > 0) {
            out.add(open.toAvro());
        }
        return out;
    }

    /** The curve as stored. */
    ReportCurveState toState() {
        final List<ReportCurvePointState> states = new ArrayList<>(points.size());
        for (final Point point : points) {
            states.add(point.toState());
        }
        return ReportCurveState.newBuilder().setPoints(states).setOpen(open.toState()).setStride(stride)
                .setHandled(handled).setTraces(traces).build();
    }

    /**
     * A curve as stored ({@link #toState()}).
     *
     * @throws IllegalArgumentException naming the field that does not validate
     */
    static CoverageCurve fromState(final ReportCurveState s, final ReportConfig config) {
        if (s.getStride() < 1 || s.getPoints().size() > config.curveMaxPoints()) {
            throw new IllegalArgumentException("report state 'curve' has stride " + s.getStride() + " and "
                    + s.getPoints().size() + " points (at most " + config.curveMaxPoints() + ")");
        }
        final List<Point> restored = new ArrayList<>(s.getPoints().size());
        for (int i = 0; i < s.getPoints().size(); i++) {
            restored.add(Point.fromState(s.getPoints().get(i), "curve.points[" + i + "]"));
        }
        return new CoverageCurve(config, restored, s.getStride(), Point.fromState(s.getOpen(), "curve.open"),
                s.getHandled(), s.getTraces());
    }

    /** Committed points held. */
    int retained() {
        return points.size();
    }

    private void commit() {
        points.add(open);
        open = new Point();
        if (points.size() > maxPoints) {
            final List<Point> merged = new ArrayList<>(points.size() / 2 + 1);
            for (int i = 0; i < points.size(); i += 2) {
                merged.add(i + 1 < points.size() ? points.get(i).mergedWith(points.get(i + 1)) : points.get(i));
            }
            points.clear();
            points.addAll(merged);
            stride *= 2;
        }
    }

    /** The sums behind one point; two neighbours merge exactly. */
    static final class Point implements Serializable {
        private static final long serialVersionUID = 1L;
        private long requestsSeen;
        private long traces;
        private long window;
        private long handled;
        private long cumulativeHandled;
        private double agreeSum;
        private double agreeWeight;
        private double accSum;
        private double accWeight;
        private GateState gate = GateState.CLOSED;
        private Double threshold;
        private long timestampMs;

        Point() {
        }

        /** A point restored from its sums. */
        Point(final long requestsSeen, final long traces, final long window, final long handled,
              final long cumulativeHandled, final double[] sums, final GateState gate, final Double threshold,
              final long timestampMs) {
            close(requestsSeen, traces, cumulativeHandled, gate, threshold, timestampMs);
            this.window = window;
            this.handled = handled;
            this.agreeSum = sums[0];
            this.agreeWeight = sums[1];
            this.accSum = sums[2];
            this.accWeight = sums[3];
        }

        void close(final long requests, final long tracesSeen, final long handledSoFar, final GateState state,
                   final Double served, final long ts) {
            requestsSeen = requests;
            traces = tracesSeen;
            cumulativeHandled = handledSoFar;
            gate = state;
            threshold = served;
            timestampMs = ts;
        }

        Point mergedWith(final Point later) {
            final Point m = new Point();
            m.close(later.requestsSeen, later.traces, later.cumulativeHandled, later.gate, later.threshold,
                    later.timestampMs);
            m.window = window + later.window;
            m.handled = handled + later.handled;
            m.agreeSum = agreeSum + later.agreeSum;
            m.agreeWeight = agreeWeight + later.agreeWeight;
            m.accSum = accSum + later.accSum;
            m.accWeight = accWeight + later.accWeight;
            return m;
        }

        ReportCurvePointState toState() {
            return ReportCurvePointState.newBuilder().setRequestsSeen(requestsSeen).setTraces(traces).setWindow(window)
                    .setHandled(handled).setCumulativeHandled(cumulativeHandled).setAgreeSum(agreeSum)
                    .setAgreeWeight(agreeWeight).setAccSum(accSum).setAccWeight(accWeight).setGateState(gate.name())
                    .setThreshold(threshold).setTimestampMs(timestampMs).build();
        }

        static Point fromState(final ReportCurvePointState s, final String field) {
            return new Point(s.getRequestsSeen(), s.getTraces(), s.getWindow(), s.getHandled(), s.getCumulativeHandled(),
                    new double[] {s.getAgreeSum(), s.getAgreeWeight(), s.getAccSum(), s.getAccWeight()},
                    ReportBuilder.gateState(s.getGateState(), field + ".gate_state"), s.getThreshold(), s.getTimestampMs());
        }

        ReportCurvePoint toAvro() {
            return ReportCurvePoint.newBuilder()
                    .setRequestsSeen(requestsSeen)
                    .setTracesSeen(traces)
                    .setWindowRequests(window)
                    .setCoverage(window == 0 ? 0.0 : (double) handled / window)
                    .setCumulativeCoverage(requestsSeen == 0 ? 0.0 : (double) cumulativeHandled / requestsSeen)
                    .setAgreement(agreeWeight > DecayedSum.SMALL ? agreeSum / agreeWeight : null)
                    .setAgreementWeight(agreeWeight)
                    .setAccuracy(accWeight > DecayedSum.SMALL ? accSum / accWeight : null)
                    .setGateState(gate)
                    .setThreshold(threshold)
                    .setTimestamp(Instant.ofEpochMilli(timestampMs))
                    .build();
        }
    }
}
