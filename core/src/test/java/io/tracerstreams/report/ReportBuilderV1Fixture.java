/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the fixtures of {@link ReportBuilderV1Test}: a builder's Java serialization after {@link #SERIALISED_AT}
 * requests of a {@link Feed} (mid-interval: reports come every {@link #EVERY} requests), and the reports it builds
 * over the rest of the feed, up to {@link #TOTAL} requests. The
 * committed fixtures were written at commit b9de2dc, by the release's ReportBuilder (one class, before the split
 * into parts): {@code java -cp <core classes, this class, dependencies> io.tracerstreams.report.ReportBuilderV1Fixture
 * DIR}, the expected reports then gzipped with {@code gzip -9 -n}.
 */
final class ReportBuilderV1Fixture {

    static final ReportConfig CONFIG = ReportConfig.DEFAULTS.withSeed(21).withPlateau(4, 0.05, 100).withCaps(6, 300, 16);
    static final int SERIALISED_AT = 6_500;
    static final int TOTAL = 12_000;
    static final int EVERY = 1_000;
    static final String TASK = "intents";

    private ReportBuilderV1Fixture() {
    }

    /**
     * A seeded feed: nine labels (more than the 6 tracked one by one), the gate open from request 300 with a
     * closed stretch, deferred and audited requests answered 1 to 120 requests later (10% never), so that
     * requests awaiting their answer span the serialisation.
     */
    static final class Feed {
        private final Random random = new Random(21);
        private final PriorityQueue<long[]> due = new PriorityQueue<>((x, y) -> x[0] != y[0]
                ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        private final List<Object[]> answers = new ArrayList<>();
        private GateState gate = GateState.CLOSED;
        private int index;
        private long handled;
        private long deferred;
        private long audited;
        private long traces;

        int index() {
            return index;
        }

        long timestamp() {
            return 1_700_000_000_000L + index * 100L;
        }

        void next(final ReportBuilder builder) {
            index++;
            if (index == 300 || index == 8_200) {
                gate(builder, GateState.OPEN);
            } else if (index == 7_500) {
                gate(builder, GateState.CLOSED);
            }
            final int label = random.nextInt(9);
            final double progress = (double) index / TOTAL;
            final double rate = Math.min(0.95, 0.2 + 0.08 * label + (label % 2 == 0 ? 0.5 * progress : 0.0));
            final boolean isHandled = gate == GateState.OPEN && random.nextDouble() < rate;
            final String truth = "intent_" + label;
            final String surrogate = random.nextDouble() < 0.9 ? truth : "intent_" + random.nextInt(9);
            final double t = 0.6 + 0.2 * progress;
            final StringBuilder text = new StringBuilder(truth).append(" q").append(index);
            for (int i = random.nextInt(30); i > 0; i--) {
                text.append(" w").append(random.nextInt(50));
            }
            final RoutingDecision.Builder decision = RoutingDecision.newBuilder().setRequestId("r" + index)
                    .setTask(TASK).setModelVersion("ncm@" + traces).setTimestamp(Instant.ofEpochMilli(timestamp()))
                    .setThreshold(gate == GateState.OPEN ? t : null);
            final double score;
            final boolean awaits;
            if (isHandled) {
                final boolean audit = random.nextDouble() < 0.1;
                score = t + (1.0 - t) * random.nextDouble();
                decision.setDecision(Decision.HANDLED).setLabel(surrogate).setScore(score)
                        .setReason(audit ? Reason.AUDIT : Reason.CONFIDENT).setAudit(audit);
                handled++;
                audited += audit ? 1 : 0;
                awaits = audit;
            } else {
                final Reason reason = gate == GateState.CLOSED ? Reason.GATE_CLOSED
                        : random.nextDouble() < 0.1 ? Reason.OUT_OF_DISTRIBUTION : Reason.LOW_SCORE;
                score = (gate == GateState.OPEN ? t : 1.0) * random.nextDouble();
                decision.setDecision(Decision.DEFERRED).setScore(score).setReason(reason).setAudit(false)
                        .setLabel(reason == Reason.LOW_SCORE && random.nextBoolean() ? surrogate : null);
                deferred++;
                awaits = true;
            }
            builder.onDecision(decision.build(), text.toString());
            if (awaits && random.nextDouble() < 0.9) {
                answers.add(new Object[] {"r" + index, text.toString(), truth, surrogate, score,
                    isHandled ? 1.0 / 0.1 : 1.0});
                due.add(new long[] {index + 1 + random.nextInt(120), answers.size() - 1});
            }
            while (!due.isEmpty() && due.peek()[0] <= index) {
                final Object[] a = answers.get((int) due.poll()[1]);
                traces++;
                builder.onOutcome((String) a[0], random.nextBoolean() ? (String) a[1] : null, (String) a[2],
                        (String) a[3], (Double) a[4], a[2].equals(a[3]), (Double) a[5]);
            }
        }

        private void gate(final ReportBuilder builder, final GateState state) {
            final GateState previous = gate;
            gate = state;
            builder.onGateEvent(GateEvent.newBuilder().setTask(TASK).setState(state).setPrevious(previous)
                    .setAlpha(0.9).setAgreement(0.93).setAgreementLower(0.905).setAgreementUpper(0.95)
                    .setCoverage(0.4).setThreshold(state == GateState.OPEN ? 0.6 : null).setWindowSize(2000)
                    .setReason(state == GateState.OPEN ? GateReason.LOWER_BOUND_CROSSED : GateReason.DRIFT_DETECTED)
                    .setDetail("event at " + index).setModelVersion("ncm@" + traces).setTracesSeen(traces)
                    .setTimestamp(Instant.ofEpochMilli(timestamp())).build());
        }

        TaskStats stats() {
            return TaskStats.newBuilder().setTask(TASK).setTracesSeen(traces).setRequestsSeen(index)
                    .setHandled(handled).setDeferred(deferred).setAudited(audited)
                    .setTeacherCallsSaved(handled - audited).setEstimatedCostSaved((handled - audited) * 0.002)
                    .setGateState(gate).setAlpha(0.9).setThreshold(gate == GateState.OPEN ? 0.7 : null)
                    .setAgreement(0.93).setAgreementLower(0.91).setAgreementUpper(0.95)
                    .setCoverageEstimate(index == 0 ? 0.0 : (double) handled / index).setFrontier(List.of())
                    .setDeferralsByReason(Map.of()).setServedLearner("ncm").setLabels(9)
                    .setTimestamp(Instant.ofEpochMilli(timestamp())).build();
        }
    }

    public static void main(final String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final ReportBuilder builder = new ReportBuilder(CONFIG);
        final Feed feed = new Feed();
        while (feed.index() < SERIALISED_AT) {
            feed.next(builder);
            if (feed.index() % EVERY == 0) {
                builder.build(feed.stats(), feed.timestamp());
            }
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(builder);
        }
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(dir.resolve("report-builder-v1.ser.gz")))) {
            gz.write(bytes.toByteArray());
        }
        final List<BoundaryReport> reports = new ArrayList<>();
        while (feed.index() < TOTAL) {
            feed.next(builder);
            if (feed.index() % EVERY == 0) {
                reports.add(builder.build(feed.stats(), feed.timestamp()));
            }
        }
        Files.writeString(dir.resolve("report-builder-v1.expected.json"),
                ReportJson.toJson(reports, RenderOptions.DEFAULTS) + "\n");
        System.out.println("pending at the end " + builder.retained().pendingOutcomes() + ", dropped "
                + builder.pendingDropped());
    }
}
