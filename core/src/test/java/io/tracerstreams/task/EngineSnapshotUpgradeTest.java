/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.report.TextHasher;
import io.tracerstreams.schema.ConfigChange;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.state.EngineSnapshot;
import io.tracerstreams.schema.state.JavaSerializedPart;
import io.tracerstreams.schema.state.MoaLearnerState;
import io.tracerstreams.schema.state.OodState;
import io.tracerstreams.schema.state.ReportState;
import io.tracerstreams.schema.state.ZooMemberState;
import io.tracerstreams.schema.state.ZooState;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots survive upgrades and settings changes: the snapshots of every format still read (format 3 of the
 * previous release, written by {@link LegacySnapshotFixture} at commit 3a67872 before the format changed; format
 * 4, the first Avro one) restore and then behave exactly as recorded in {@code engine-formatN.expected}; a snapshot
 * that cannot be read resets the task with a STATE_RESET event; a class
 * outside the allow-list is never instantiated; a restart under other settings applies them, with a
 * CONFIG_CHANGED event naming old and new values.
 *
 * <p>The recorded behaviour is that of the current engine after the restore. It was the writer's own until the
 * gate's verification became a sequential test with a change detector (the gate branch): decisions after a restore
 * follow the new rules (audit rates, verification), so both .expected files were re-recorded then from the
 * restored engines, with the snapshots themselves unchanged. Restore fidelity within one version is checked by
 * TaskEngineTest (same decisions after restore as the original).
 */
class EngineSnapshotUpgradeTest {

    private static final Path FIXTURES = Path.of("src", "test", "resources", "snapshots");
    private static final byte[] HEADER_4 = "TRACER-ENGINE-4\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] legacySnapshot() throws IOException {
        return fixture("engine-format3");
    }

    private static byte[] fixture(final String name) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(FIXTURES.resolve(name + ".snapshot.gz")))) {
            return in.readAllBytes();
        }
    }

    private static List<String> expected() throws IOException {
        return expected("engine-format3");
    }

    private static List<String> expected(final String name) throws IOException {
        return Files.readAllLines(FIXTURES.resolve(name + ".expected"), StandardCharsets.UTF_8);
    }

    /** The fixture's stats line, then its probe decisions and events, then the final stats line. */
    private static List<String> behaviour(final TaskEngine engine) {
        final List<String> lines = new ArrayList<>();
        lines.add(LegacySnapshotFixture.line(engine.stats(LegacySnapshotFixture.WARM_UP)));
        lines.addAll(LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.probes(), LegacySnapshotFixture.WARM_UP,
                LegacySnapshotFixture.PROBES));
        lines.add(LegacySnapshotFixture.line(engine.stats(LegacySnapshotFixture.WARM_UP + LegacySnapshotFixture.PROBES)));
        return lines;
    }

    private static TaskEngine.Restored restoreUnder(final byte[] snapshot, final TaskConfig config) {
        return TaskEngine.restore(snapshot, LegacySnapshotFixture.TASK, config, config.reportConfig(), "", 7L);
    }

    /**
     * Every committed fixture: format 3 (Java serialization, 3a67872); format 4 as first released (every part but
     * settings and counters Java-serialized); format 4 with the gate and verification as records (0ce420b); format 4
     * with every part a record (written by the version that gave the zoo, OOD guard and report their records).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"engine-format3", "engine-format4", "engine-format4-gate-records", "engine-format4-records"})
    void shouldRestoreASnapshotOfAnEarlierFormatAndBehaveExactlyAsTheEngineThatWroteIt(final String name) throws IOException {
        final TaskEngine.Restored restored = restoreUnder(fixture(name), LegacySnapshotFixture.CONFIG);
        assertThat(restored.format()).isEqualTo(name.startsWith("engine-format3") ? 3 : 4);
        assertThat(restored.reset()).isNull();
        assertThat(restored.events()).isEmpty();
        assertThat(restored.engine().gateOpen()).isTrue();
        assertThat(behaviour(restored.engine())).isEqualTo(expected(name));
    }

    @Test
    void shouldWriteThePreviousReleasesStateInTheAvroFormatAndRestoreItUnchanged() throws IOException {
        final TaskEngine migrated = restoreUnder(legacySnapshot(), LegacySnapshotFixture.CONFIG).engine();
        final byte[] avro = migrated.snapshot();
        assertThat(Arrays.copyOf(avro, HEADER_4.length)).isEqualTo(HEADER_4);
        final EngineSnapshot decoded = decode(avro);
        assertThat(decoded.getTask()).isEqualTo(LegacySnapshotFixture.TASK);
        assertThat(decoded.getSettings().getLearners()).isEqualTo(LegacySnapshotFixture.CONFIG.learners());
        assertThat(decoded.getCounters().getTraces()).isEqualTo(migrated.tracesLearned());
        // the previous release's Java-serialized zoo and OOD guard are written as their own records
        assertThat(decoded.getZoo()).isInstanceOf(ZooState.class);
        assertThat(decoded.getOod()).isInstanceOf(OodState.class);
        assertThat(decoded.getReport()).isInstanceOf(ReportState.class);

        final TaskEngine.Restored again = restoreUnder(avro, LegacySnapshotFixture.CONFIG);
        assertThat(again.format()).isEqualTo(4);
        assertThat(again.reset()).isNull();
        assertThat(again.events()).isEmpty();
        assertThat(behaviour(again.engine())).isEqualTo(expected());
        assertThat(behaviour(TaskEngine.restore(avro))).isEqualTo(expected());
    }

    @Test
    void shouldResetTheTaskWithAStateResetEventWhenTheSnapshotCannotBeRead() throws IOException {
        final byte[] good = restoreUnder(legacySnapshot(), LegacySnapshotFixture.CONFIG).engine().snapshot();
        final Random random = new Random(3);
        final List<byte[]> broken = new ArrayList<>();
        broken.add(new byte[0]);
        broken.add("TRACER-ENGINE-9\n".getBytes(StandardCharsets.US_ASCII));
        broken.add(Arrays.copyOf(good, good.length / 2));
        broken.add(Arrays.copyOf(good, HEADER_4.length + 10));
        final byte[] garbage = new byte[4_096];
        random.nextBytes(garbage);
        System.arraycopy(HEADER_4, 0, garbage, 0, HEADER_4.length);
        broken.add(garbage);
        final byte[] legacy = legacySnapshot();
        broken.add(Arrays.copyOf(legacy, legacy.length - 100));
        for (final byte[] bytes : broken) {
            final TaskEngine.Restored restored = restoreUnder(bytes, LegacySnapshotFixture.CONFIG);
            assertThat(restored.reset()).as("reset of %d bytes", bytes.length).isNotNull();
            assertThat(restored.events()).singleElement().satisfies(e -> {
                assertThat(e.getReason()).isEqualTo(GateReason.STATE_RESET);
                assertThat(e.getState()).isEqualTo(GateState.CLOSED);
                assertThat(e.getTask()).isEqualTo(LegacySnapshotFixture.TASK);
            });
            final TaskEngine engine = restored.engine();
            assertThat(engine.gateOpen()).isFalse();
            assertThat(engine.tracesLearned()).isZero();
            // a fresh, working engine under the current settings
            assertThat(engine.config()).isEqualTo(LegacySnapshotFixture.CONFIG);
            final List<String> lines = LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.warmUp(), 0, 300);
            assertThat(lines).anyMatch(l -> l.startsWith("decision"));
            assertThat(engine.tracesLearned()).isGreaterThan(0);
        }
    }

    @Test
    void shouldNeverInstantiateAClassOutsideTheAllowList() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.io.File("/etc/passwd")); // java.io is not allowed
        }
        final JavaSerializedPart hostile = JavaSerializedPart.newBuilder().setClassName(SurrogateZoo.class.getName())
                .setBytes(ByteBuffer.wrap(bytes.toByteArray())).build();
        assertThatThrownBy(() -> JavaParts.read(hostile, SurrogateZoo.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REJECTED");

        // a MOA class outside the parts models hold (a stream generator) is rejected too
        final ByteArrayOutputStream moa = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(moa)) {
            out.writeObject(new moa.streams.generators.RandomRBFGenerator());
        }
        assertThatThrownBy(() -> JavaParts.read(JavaSerializedPart.newBuilder().setClassName("x")
                .setBytes(ByteBuffer.wrap(moa.toByteArray())).build(), Object.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REJECTED");

        // as the zoo part of a snapshot: the task resets
        final EngineSnapshot snapshot = decode(TaskEngine.create("t", LegacySnapshotFixture.CONFIG).snapshot());
        snapshot.setZoo(hostile);
        final TaskEngine.Restored restored = restoreUnder(encode(snapshot), LegacySnapshotFixture.CONFIG);
        assertThat(restored.reset()).contains("zoo").contains("REJECTED");
        assertThat(restored.events()).singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo(GateReason.STATE_RESET));

        // in the previous format: the same filter
        final byte[] legacy = new byte[16 + bytes.size()];
        System.arraycopy("TRACER-ENGINE-3\n".getBytes(StandardCharsets.US_ASCII), 0, legacy, 0, 16);
        System.arraycopy(bytes.toByteArray(), 0, legacy, 16, bytes.size());
        assertThat(restoreUnder(legacy, LegacySnapshotFixture.CONFIG).reset()).contains("REJECTED");
    }

    @Test
    void shouldNeverInstantiateAClassOutsideTheAllowListFromTheMoaModelInsideTheZooRecord() throws IOException {
        final TaskConfig config = LegacySnapshotFixture.CONFIG.withLearners(List.of("moa-sgd", "ncm"));
        final TaskEngine engine = TaskEngine.create("t", config);
        LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.warmUp(), 0, 300);
        final EngineSnapshot snapshot = decode(engine.snapshot());
        final ZooMemberState moa = ((ZooState) snapshot.getZoo()).getMembers().get(0);
        assertThat(moa.getLearner().getModel()).isInstanceOf(MoaLearnerState.class);
        // the MOA-backed learner restores through the allow-list
        assertThat(restoreUnder(encode(snapshot), config).reset()).isNull();

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.io.File("/etc/passwd")); // java.io is not allowed
        }
        ((MoaLearnerState) moa.getLearner().getModel()).setClassifier(ByteBuffer.wrap(bytes.toByteArray()));
        final TaskEngine.Restored restored = restoreUnder(encode(snapshot), config);
        assertThat(restored.reset()).contains("zoo").contains("REJECTED");
        assertThat(restored.events()).singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo(GateReason.STATE_RESET));
        assertThat(restored.engine().tracesLearned()).isZero();
    }

    @Test
    void shouldResetOnlyTheGateWhenOnlyTheGatePartCannotBeReadAndReopenOnTheEvidenceInTheWindows() throws IOException {
        final TaskEngine original = restoreUnder(legacySnapshot(), LegacySnapshotFixture.CONFIG).engine();
        final EngineSnapshot snapshot = decode(original.snapshot());
        snapshot.setGate(JavaSerializedPart.newBuilder().setClassName("x").setBytes(ByteBuffer.wrap(new byte[] {1, 2, 3})).build());
        final TaskEngine.Restored restored = restoreUnder(encode(snapshot), LegacySnapshotFixture.CONFIG);
        assertThat(restored.reset()).contains("gate");
        assertThat(restored.events()).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo(GateReason.STATE_RESET);
            assertThat(e.getState()).isEqualTo(GateState.CLOSED);
        });
        final TaskEngine engine = restored.engine();
        assertThat(engine.gateOpen()).isFalse();
        assertThat(engine.tracesLearned()).isEqualTo(original.tracesLearned());
        final List<String> lines = LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.probes(), 10_000, 200);
        assertThat(lines).anyMatch(l -> l.startsWith("event OPEN CLOSED LOWER_BOUND_CROSSED"));
    }

    @Test
    void shouldApplyANewAlphaAtOnceWithAConfigChangedEventNamingOldAndNewValues() throws IOException {
        final TaskConfig stricter = LegacySnapshotFixture.CONFIG.withAlpha(0.97).withEpsilon(0.1);
        final TaskEngine.Restored restored = restoreUnder(legacySnapshot(), stricter);
        assertThat(restored.reset()).isNull();
        assertThat(restored.changes()).extracting(ConfigChange::getKey).containsExactly("alpha", "epsilon");
        final GateEvent event = restored.events().get(0);
        assertThat(restored.events()).hasSize(1);
        assertThat(event.getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
        assertThat(event.getAlpha()).isEqualTo(0.97);
        assertThat(event.getConfigChanges()).anySatisfy(c -> {
            assertThat(c.getKey()).isEqualTo("alpha");
            assertThat(c.getOldValue()).isEqualTo("0.9");
            assertThat(c.getNewValue()).isEqualTo("0.97");
            assertThat(c.getLive()).isTrue();
        });
        final TaskEngine engine = restored.engine();
        assertThat(engine.config()).isEqualTo(stricter);
        assertThat(engine.stats(1).getAlpha()).isEqualTo(0.97);
        assertThat(engine.tracesLearned()).isGreaterThan(0);
        // the gate decides under the new alpha: open only where the lower bound reaches 0.97
        if (engine.gateOpen()) {
            assertThat(engine.gateSnapshot().lower()).isGreaterThanOrEqualTo(0.97);
        } else {
            assertThat(event.getState()).isEqualTo(GateState.CLOSED);
        }
        // audits at the new epsilon at least
        final SyntheticIntents probes = LegacySnapshotFixture.probes();
        for (int i = 0; i < 300; i++) {
            final RoutingDecision d = engine.route("p" + i, null, probes.sample(probes.nextClass()), i);
            if (d.getDecision() == Decision.HANDLED) {
                assertThat(d.getAuditProbability()).isGreaterThanOrEqualTo(0.1);
            }
        }
    }

    @ParameterizedTest(name = "alpha {0}")
    @ValueSource(doubles = {0.6, 0.8, 0.85, 0.89, 0.93, 0.96, 0.98, 0.995})
    void shouldKeepTheGateOpenAfterAnAlphaChangeOnlyWhereTheWindowsEvidenceMeetsTheNewAlpha(final double alpha)
            throws IOException {
        final TaskEngine.Restored restored = restoreUnder(legacySnapshot(), LegacySnapshotFixture.CONFIG.withAlpha(alpha));
        final GateEvent event = restored.events().get(0);
        assertThat(event.getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
        assertThat(event.getPrevious()).isEqualTo(GateState.OPEN);
        final TaskEngine engine = restored.engine();
        assertThat(engine.gateOpen()).isEqualTo(event.getState() == GateState.OPEN);
        if (engine.gateOpen()) {
            assertThat(engine.gateSnapshot().lower()).as("lower bound at the served threshold").isGreaterThanOrEqualTo(alpha);
            assertThat(event.getAgreementLower()).isGreaterThanOrEqualTo(alpha);
        }
        // the served window's lower bound at restore is 0.987 (the fixture's stats line): a looser alpha keeps the
        // gate open, an alpha above what the window can show closes it
        if (alpha < 0.9) {
            assertThat(engine.gateOpen()).isTrue();
        }
        if (alpha >= 0.99) {
            assertThat(engine.gateOpen()).isFalse();
        }
    }

    @Test
    void shouldEmitAConfigChangedEventAndKeepTheGateWhenOnlyANonGateSettingChanged() throws IOException {
        final TaskConfig config = LegacySnapshotFixture.CONFIG;
        final TaskConfig pricier = new TaskConfig(config.alpha(), config.delta(), config.epsilon(), config.verifyRate(),
                config.windowSize(), config.minAccepted(), config.minCoverage(), config.labelCap(), config.learners(),
                config.frontierAlphas(), 0.01, config.seed());
        final TaskEngine.Restored restored = restoreUnder(legacySnapshot(), pricier);
        assertThat(restored.events()).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
            assertThat(e.getState()).isEqualTo(GateState.OPEN);
            assertThat(e.getPrevious()).isEqualTo(GateState.OPEN);
            assertThat(e.getConfigChanges()).extracting(ConfigChange::getKey).containsExactly("cost.per.call");
        });
        assertThat(restored.engine().gateOpen()).isTrue();
        assertThat(restored.engine().report(1).getCost().getPricePerCall()).isEqualTo(0.01);
    }

    @Test
    void shouldStoreTheReportAsItsOwnRecordWithHashedTextsOnlyAndRestoreIt() throws IOException {
        final TaskConfig config = LegacySnapshotFixture.CONFIG;
        final ReportConfig hashed = config.reportConfig().withHashTexts(true);
        final TaskEngine engine = TaskEngine.create("t", config, hashed, "");
        LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.warmUp(), 0, 3_000);
        final byte[] snapshot = engine.snapshot();
        final ReportState report = (ReportState) decode(snapshot).getReport();
        assertThat(report.getSettings().getHashTexts()).isTrue();
        assertThat(report.getExamples()).isNotEmpty().allSatisfy(e ->
                assertThat(e.getText() == null || TextHasher.isHash(e.getText())).as(e.getText()).isTrue());
        final TaskEngine.Restored restored = TaskEngine.restore(snapshot, "t", config, hashed, "", 1);
        assertThat(restored.reset()).isNull();
        assertThat(restored.events()).isEmpty();
        assertThat(restored.engine().report(5)).isEqualTo(engine.report(5));

        // under another salt the stored hashes no longer match new ones: the report alone starts afresh, and the
        // message names the salt without showing either
        final TaskEngine salted = TaskEngine.create("t", config, hashed.withHashSalt("first-secret-salt"), "");
        LegacySnapshotFixture.loop(salted, LegacySnapshotFixture.warmUp(), 0, 1_000);
        final TaskEngine.Restored resalted = TaskEngine.restore(salted.snapshot(), "t", config,
                hashed.withHashSalt("second-secret-salt"), "", 1);
        assertThat(resalted.reset()).contains("report starts afresh").contains("hashSalt")
                .doesNotContain("first-secret-salt").doesNotContain("second-secret-salt");
        assertThat(resalted.engine().tracesLearned()).isEqualTo(salted.tracesLearned());
        assertThat(resalted.engine().report(5).getHandledExamples()).isEmpty();
    }

    @Test
    void shouldResetTheTaskWhenTheLearnersChange() throws IOException {
        final TaskConfig other = LegacySnapshotFixture.CONFIG.withLearners(List.of("ncm", "softmax"));
        final TaskEngine.Restored restored = restoreUnder(legacySnapshot(), other);
        assertThat(restored.reset()).contains("learners");
        assertThat(restored.events()).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo(GateReason.CONFIG_CHANGED);
            assertThat(e.getPrevious()).isEqualTo(GateState.OPEN);
            assertThat(e.getState()).isEqualTo(GateState.CLOSED);
            assertThat(e.getConfigChanges()).singleElement().satisfies(c -> {
                assertThat(c.getKey()).isEqualTo("learners");
                assertThat(c.getLive()).isFalse();
            });
        });
        assertThat(restored.engine().gateOpen()).isFalse();
        assertThat(restored.engine().tracesLearned()).isZero();
        assertThat(restored.engine().coverageByLearner()).containsOnlyKeys("ncm", "softmax");
    }

    @Test
    void shouldResetTheTaskWhenTheEmbeddingModelChanges() {
        final TaskEngine engine = TaskEngine.create("t", LegacySnapshotFixture.CONFIG,
                LegacySnapshotFixture.CONFIG.reportConfig(), "all-MiniLM-L6-v2");
        LegacySnapshotFixture.loop(engine, LegacySnapshotFixture.warmUp(), 0, 500);
        final TaskEngine.Restored same = TaskEngine.restore(engine.snapshot(), "t", LegacySnapshotFixture.CONFIG,
                LegacySnapshotFixture.CONFIG.reportConfig(), "all-MiniLM-L6-v2", 1);
        assertThat(same.events()).isEmpty();
        final TaskEngine.Restored other = TaskEngine.restore(engine.snapshot(), "t", LegacySnapshotFixture.CONFIG,
                LegacySnapshotFixture.CONFIG.reportConfig(), "hashing-384", 1);
        assertThat(other.reset()).contains("embedding.model");
        assertThat(other.engine().tracesLearned()).isZero();
    }

    @Test
    void shouldRebuildTheReportWhenTextsAreToBeHashedFromNowOn() throws IOException {
        final TaskConfig config = LegacySnapshotFixture.CONFIG;
        // the previous release's report comes back with the engine (its texts as it kept them)
        assertThat(restoreUnder(legacySnapshot(), config).engine().report(2).toString()).contains("text 1");
        final TaskEngine migrated = restoreUnder(legacySnapshot(), config).engine();
        LegacySnapshotFixture.loop(migrated, LegacySnapshotFixture.probes(), LegacySnapshotFixture.WARM_UP,
                LegacySnapshotFixture.PROBES);
        final byte[] snapshot = migrated.snapshot();
        assertThat(restoreUnder(snapshot, config).engine().report(2).toString()).contains("text 3");
        final TaskEngine.Restored restored = TaskEngine.restore(snapshot, LegacySnapshotFixture.TASK, config,
                config.reportConfig().withHashTexts(true), "", 1);
        assertThat(restored.events()).singleElement().satisfies(e ->
                assertThat(e.getConfigChanges()).extracting(ConfigChange::getKey).containsExactly("reports.hash.texts"));
        final TaskEngine engine = restored.engine();
        assertThat(engine.gateOpen()).isTrue();
        final io.tracerstreams.schema.BoundaryReport report = engine.report(2);
        assertThat(report.getTextsHashed()).isTrue();
        assertThat(report.toString()).doesNotContain("text 3");
    }

    private static EngineSnapshot decode(final byte[] bytes) throws IOException {
        try (DataFileStream<EngineSnapshot> in = new DataFileStream<>(new ByteArrayInputStream(bytes, HEADER_4.length,
                bytes.length - HEADER_4.length), new SpecificDatumReader<>(EngineSnapshot.class))) {
            return in.next();
        }
    }

    private static byte[] encode(final EngineSnapshot snapshot) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER_4);
        try (DataFileWriter<EngineSnapshot> writer = new DataFileWriter<>(new SpecificDatumWriter<>(EngineSnapshot.class))) {
            writer.create(EngineSnapshot.getClassSchema(), out);
            writer.append(snapshot);
        }
        return out.toByteArray();
    }
}
