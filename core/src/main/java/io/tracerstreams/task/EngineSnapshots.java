/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.report.ReportBuilder;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.state.EngineSnapshot;
import io.tracerstreams.schema.state.JavaSerializedPart;
import io.tracerstreams.schema.state.OodState;
import io.tracerstreams.schema.state.ParityGateState;
import io.tracerstreams.schema.state.ReportState;
import io.tracerstreams.schema.state.TaskSettingsState;
import io.tracerstreams.schema.state.VerificationState;
import io.tracerstreams.schema.state.ZooState;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The snapshot format of a task engine. Format 4 (this version writes it): the header {@code TRACER-ENGINE-4\n},
 * then one {@link EngineSnapshot} in an Avro object container, so the writer's schema travels with the data and
 * a later version reads it with its own schema (Avro schema resolution: a part added later is an optional field
 * with a default; the schema's compatibility with released versions is checked like the event schemas'). Each
 * part is a field of its own and an explicit record: the settings, counters, backfill verification, surrogate zoo,
 * OOD guard, gate and report (inside the zoo's, a MOA-backed learner keeps its MOA model as Java serialization: MOA's
 * models have no schema). Java serialization is read only through {@link JavaParts#ALLOW_LIST}; the parts of
 * snapshots written before they had records are still read that way. A part that cannot be read is reported as such
 * ({@link Parts#unreadable()}), not as a failure of the whole snapshot, so the restore can rebuild that part alone.
 *
 * <p>Adding a part (e.g. new gate evidence): give it a record of its own in
 * {@code schemas/src/main/avro/state/EngineSnapshot.avsc} and a field {@code ["null", ThatState]} with
 * {@code "default": null}; write it here; on read, a null part (a snapshot written before the part existed) is
 * rebuilt fresh from the current settings, like an unreadable one in {@link EngineRestore}. No format bump is
 * needed: Avro resolves the old writer schema against the new one. Keep the fixture of every format
 * ({@link EngineSnapshots} is checked by EngineSnapshotUpgradeTest against src/test/resources/snapshots).
 *
 * <p>Format history: 2, the engine as one serialized object; 3, the engine's parts ({@link EngineState}) as one
 * serialized object graph: still read (through the same allow-list), so a task saved by the previous release
 * restores; 4, Avro (this class).
 */
final class EngineSnapshots {

    /** The format this version writes. */
    static final int FORMAT = 4;
    /** The previous format, still read. */
    static final int LEGACY_FORMAT = 3;

    private static final String PREFIX = "TRACER-ENGINE-";
    private static final byte[] HEADER = (PREFIX + FORMAT + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEGACY_HEADER = (PREFIX + LEGACY_FORMAT + "\n").getBytes(StandardCharsets.US_ASCII);

    /**
     * What a snapshot holds, part by part; a part that could not be read is null and named in {@code unreadable}.
     *
     * @param task           the task's name
     * @param config         the task's settings when the snapshot was written
     * @param embeddingModel what embedded the inputs (empty when unknown)
     * @param zoo            the surrogates
     * @param ood            the OOD guard
     * @param gate           the parity gate
     * @param report         the report's running state
     * @param counters       the counters
     * @param verification   the backfill verification
     * @param unreadable     "part: why" for each part that could not be read
     * @param format         the snapshot's format
     */
    record Parts(String task, TaskConfig config, String embeddingModel, SurrogateZoo zoo, OodGuard ood, ParityGate gate,
                 ReportBuilder report, TaskCounters counters, BackfillVerification verification, List<String> unreadable,
                 int format) {
    }

    private EngineSnapshots() {
    }

    /** The snapshot of an engine's state. */
    static byte[] write(final EngineState state, final String embeddingModel) {
        final EngineSnapshot snapshot = EngineSnapshot.newBuilder()
                .setTask(state.task())
                .setWrittenBy(version())
                .setSettings(settings(state.config(), embeddingModel))
                .setCounters(state.counters().toState())
                .setVerification(state.verification().toState())
                .setZoo(state.zoo().toState())
                .setOod(state.ood().toState())
                .setGate(state.gate().toState())
                .setReport(state.report().toState())
                .build();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        bytes.writeBytes(HEADER);
        try (DataFileWriter<EngineSnapshot> out = new DataFileWriter<>(new SpecificDatumWriter<>(EngineSnapshot.class))) {
            out.create(EngineSnapshot.getClassSchema(), bytes);
            out.append(snapshot);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot snapshot task " + state.task() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    /**
     * The parts a snapshot holds.
     *
     * @throws IllegalArgumentException when the bytes are no tracer engine snapshot of a format this version reads,
     *                                  or its envelope (settings, task) cannot be read
     */
    static Parts read(final byte[] snapshot) {
        return read(snapshot, "");
    }

    /**
     * The parts a snapshot holds, its report restored with {@code reportHashSalt} (the report's state holds only a
     * fingerprint of the salt, a secret: a report written under another salt is unreadable, and starts afresh).
     *
     * @throws IllegalArgumentException as {@link #read(byte[])}
     */
    static Parts read(final byte[] snapshot, final String reportHashSalt) {
        if (startsWith(snapshot, HEADER)) {
            return readAvro(snapshot, reportHashSalt);
        }
        if (startsWith(snapshot, LEGACY_HEADER)) {
            return readLegacy(snapshot);
        }
        final byte[] prefix = PREFIX.getBytes(StandardCharsets.US_ASCII);
        if (startsWith(snapshot, prefix) && snapshot.length > prefix.length) {
            throw new IllegalArgumentException("snapshot was written by another version of tracer (format "
                    + (char) snapshot[prefix.length] + ", this version reads " + LEGACY_FORMAT + " and " + FORMAT + ")");
        }
        throw new IllegalArgumentException("not a tracer engine snapshot (bad header, " + snapshot.length + " bytes)");
    }

    private static Parts readAvro(final byte[] snapshot, final String reportHashSalt) {
        final EngineSnapshot s;
        try (DataFileStream<EngineSnapshot> in = new DataFileStream<>(new ByteArrayInputStream(snapshot, HEADER.length,
                snapshot.length - HEADER.length), new SpecificDatumReader<>(EngineSnapshot.class))) {
            if (!in.hasNext()) {
                throw new IllegalArgumentException("corrupt tracer engine snapshot: no record");
            }
            s = in.next();
        } catch (final IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("corrupt")) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt tracer engine snapshot: " + e, e);
        }
        final TaskConfig config;
        try {
            config = config(s.getSettings());
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("snapshot settings cannot be read: " + e.getMessage(), e);
        }
        final List<String> unreadable = new ArrayList<>();
        final SurrogateZoo zoo = part("zoo", s.getZoo(), p -> zoo(p, config), unreadable);
        final OodGuard ood = part("ood", s.getOod(), EngineSnapshots::ood, unreadable);
        final ParityGate gate = part("gate", s.getGate(), p -> gate(p, zoo), unreadable);
        final ReportBuilder report = part("report", s.getReport(), p -> report(p, reportHashSalt), unreadable);
        final TaskCounters counters = part("counters", s.getCounters(), TaskCounters::fromState, unreadable);
        final BackfillVerification verification = part("verification", s.getVerification(),
                EngineSnapshots::verification, unreadable);
        return new Parts(s.getTask(), config, s.getSettings().getEmbeddingModel(), zoo, ood, gate, report, counters,
                verification, List.copyOf(unreadable), FORMAT);
    }

    /** The zoo part: its own record, or (snapshots written before it had one) its Java serialization. */
    private static SurrogateZoo zoo(final Object part, final TaskConfig config) {
        if (part instanceof ZooState state) {
            return SurrogateZoo.fromState(state, config.gateConfig());
        }
        return JavaParts.read((JavaSerializedPart) part, SurrogateZoo.class);
    }

    /** The OOD part: its own record, or (snapshots written before it had one) its Java serialization. */
    private static OodGuard ood(final Object part) {
        if (part instanceof OodState state) {
            return OodGuard.fromState(state);
        }
        return JavaParts.read((JavaSerializedPart) part, OodGuard.class);
    }

    /** The gate part: its own record, or (snapshots written before it had one) its Java serialization. */
    private static ParityGate gate(final Object part, final SurrogateZoo zoo) {
        if (part instanceof ParityGateState state) {
            return ParityGate.fromState(state, zoo == null ? null : zoo.servedWindow());
        }
        return JavaParts.read((JavaSerializedPart) part, ParityGate.class);
    }

    /** The verification part: its own record, or (snapshots written before it had one) its Java serialization. */
    private static BackfillVerification verification(final Object part) {
        if (part instanceof VerificationState state) {
            return BackfillVerification.fromState(state);
        }
        return JavaParts.read((JavaSerializedPart) part, BackfillVerification.class);
    }

    /** The report part: its own record, or (snapshots written before it had one) its Java serialization. */
    private static ReportBuilder report(final Object part, final String hashSalt) {
        if (part instanceof ReportState state) {
            return ReportBuilder.fromState(state, ReportConfig.fromState(state.getSettings(), hashSalt));
        }
        return JavaParts.read((JavaSerializedPart) part, ReportBuilder.class);
    }

    private static <P, T> T part(final String name, final P part, final Function<P, T> read, final List<String> unreadable) {
        if (part == null) {
            unreadable.add(name + ": missing");
            return null;
        }
        try {
            return read.apply(part);
        } catch (final RuntimeException e) {
            unreadable.add(name + ": " + e.getMessage());
            return null;
        }
    }

    /** Format 3: the {@link EngineState} as one Java-serialized object graph, read through the allow-list. */
    private static Parts readLegacy(final byte[] snapshot) {
        final Object value = JavaParts.readObject(new ByteArrayInputStream(snapshot, LEGACY_HEADER.length,
                snapshot.length - LEGACY_HEADER.length));
        if (!(value instanceof EngineState state)) {
            throw new IllegalArgumentException("corrupt tracer engine snapshot: format 3 holds " + value.getClass().getName());
        }
        return new Parts(state.task(), state.config(), "", state.zoo(), state.ood(), state.gate(), state.report(),
                state.counters(), state.verification(), List.of(), LEGACY_FORMAT);
    }

    static TaskSettingsState settings(final TaskConfig c, final String embeddingModel) {
        return TaskSettingsState.newBuilder().setAlpha(c.alpha()).setDelta(c.delta()).setEpsilon(c.epsilon())
                .setVerifyRate(c.verifyRate()).setWindowSize(c.windowSize()).setMinAccepted(c.minAccepted())
                .setMinCoverage(c.minCoverage()).setLabelCap(c.labelCap()).setLearners(c.learners())
                .setFrontierAlphas(c.frontierAlphas()).setCostPerCall(c.costPerCall()).setSeed(c.seed())
                .setEmbeddingModel(embeddingModel == null ? "" : embeddingModel)
                .setPerLabelThresholds(c.perLabelThresholds()).build();
    }

    static TaskConfig config(final TaskSettingsState s) {
        return new TaskConfig(s.getAlpha(), s.getDelta(), s.getEpsilon(), s.getVerifyRate(), s.getWindowSize(),
                s.getMinAccepted(), s.getMinCoverage(), s.getLabelCap(), List.copyOf(s.getLearners()),
                List.copyOf(s.getFrontierAlphas()), s.getCostPerCall(), s.getSeed(), s.getPerLabelThresholds());
    }

    private static boolean startsWith(final byte[] bytes, final byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String version() {
        final String v = EngineSnapshots.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
