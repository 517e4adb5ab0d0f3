/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.TaskStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixtures of the snapshot-upgrade test: an engine of the learners of every kind (MOA's included) after
 * 3,000 closed-loop requests, its snapshot ({@code engine-formatN.snapshot.gz}, N the format of the version that
 * ran this class) and what it does on the next 600 requests ({@code engine-formatN.expected}). Every later
 * version must restore each committed fixture and behave the same ({@link EngineSnapshotUpgradeTest}). Format 3
 * was written at commit 3a67872 (Java serialization, before the Avro format); format 4 by the version that
 * introduced it; {@code engine-format4-gate-records} by 0ce420b (gate and verification as records);
 * {@code engine-format4-records} by the version that gave every part a record. When the format or a part's record
 * changes, run this class once (test classpath, arguments: the directory src/test/resources/snapshots and a name
 * suffix such as {@code -records}) and commit the new pair beside the old ones.
 */
final class LegacySnapshotFixture {

    /** The fixture's task settings (the restoring test passes the same). */
    static final TaskConfig CONFIG = TaskConfig.DEFAULTS.withLearners(
            List.of("softmax", "ncm", "knn", "nb", "moa-sgd", "softmax+knn"));
    static final String TASK = "intents";
    static final int WARM_UP = 3_000;
    static final int PROBES = 600;

    private LegacySnapshotFixture() {
    }

    /** The warm-up stream. */
    static SyntheticIntents warmUp() {
        return new SyntheticIntents(8, 32, 0.35, 11);
    }

    /** The probe stream that follows the snapshot. */
    static SyntheticIntents probes() {
        return new SyntheticIntents(8, 32, 0.35, 99);
    }

    /** Runs the closed loop and writes one line per decision and per gate event. */
    static List<String> loop(final TaskEngine engine, final SyntheticIntents data, final int from, final int n) {
        final List<String> lines = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            final int c = data.nextClass();
            final float[] x = data.sample(c);
            final RoutingDecision d = engine.route("r" + i, "text " + i, x, i);
            lines.add(line(d));
            if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                for (final GateEvent e : engine.learn("r" + i, "text " + i, x, SyntheticIntents.label(c), d, i)) {
                    lines.add(line(e));
                }
            }
        }
        return lines;
    }

    static String line(final RoutingDecision d) {
        return "decision " + d.getRequestId() + " " + d.getDecision() + " " + d.getLabel() + " " + d.getReason() + " "
                + d.getAudit() + " " + d.getScore() + " " + d.getThreshold() + " " + d.getModelVersion();
    }

    static String line(final GateEvent e) {
        return "event " + e.getState() + " " + e.getPrevious() + " " + e.getReason() + " " + e.getThreshold() + " "
                + e.getServedLearner() + " " + e.getTracesSeen();
    }

    static String line(final TaskStats s) {
        return "stats " + s.getTracesSeen() + " " + s.getRequestsSeen() + " " + s.getHandled() + " " + s.getDeferred()
                + " " + s.getAudited() + " " + s.getGateState() + " " + s.getServedLearner() + " " + s.getLabels() + " "
                + s.getAgreementLower() + " " + s.getCoverageEstimate();
    }

    public static void main(final String[] args) throws IOException {
        final Path dir = Path.of(args[0]);
        final String name = "engine-format" + EngineSnapshots.FORMAT + (args.length > 1 ? args[1] : "");
        final TaskEngine engine = TaskEngine.create(TASK, CONFIG);
        loop(engine, warmUp(), 0, WARM_UP);
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(name + ".snapshot.gz")))) {
            out.write(engine.snapshot());
        }
        final List<String> expected = new ArrayList<>();
        expected.add(line(engine.stats(WARM_UP)));
        expected.addAll(loop(engine, probes(), WARM_UP, PROBES));
        expected.add(line(engine.stats(WARM_UP + PROBES)));
        Files.write(dir.resolve(name + ".expected"), expected, StandardCharsets.UTF_8);
    }
}
