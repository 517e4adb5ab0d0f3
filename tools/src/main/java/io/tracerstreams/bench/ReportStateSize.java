/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.report.ReportBuilder;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.schema.state.EngineSnapshot;
import io.tracerstreams.schema.state.ReportState;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * The size of an engine snapshot's report part, as its Avro record ({@link ReportState}, what snapshots store now)
 * and as the Java serialization of the same builder (what they stored before), after a seeded run: Banking77's
 * train split drawn at random (seeded) as requests to one engine on the hashing featurizer; the LLM answers every
 * deferred and audited request except a share left unanswered; a report every 5,000 requests.
 *
 * <p>Arguments: {@code --data DIR} (default {@code ../shared/data}), {@code --requests N} (default 50,000),
 * {@code --seed S} (default 1), {@code --hash-texts} (the privacy switch on). Command:
 * {@code ./tracer bench snapshot-report [--hash-texts]}.
 */
public final class ReportStateSize {

    private static final byte[] HEADER = "TRACER-ENGINE-4\n".getBytes(StandardCharsets.US_ASCII);
    private static final double UNANSWERED = 0.02;

    private ReportStateSize() {
    }

    /** Runs the measurement and prints the sizes. */
    public static void main(final String[] args) throws IOException {
        Path data = Path.of("..", "shared", "data");
        int requests = 50_000;
        long seed = 1;
        boolean hashTexts = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--hash-texts" -> hashTexts = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --data DIR, --requests N, --seed S, --hash-texts)");
            }
        }
        final List<LabelledText> train = Datasets.read(data.resolve("banking77/train.jsonl.gz"));
        final List<float[]> vectors;
        try (Featurizer f = Featurizers.open("hashing", null)) {
            vectors = f.embed(train.stream().map(LabelledText::text).toList());
        }
        final TaskConfig config = TaskConfig.DEFAULTS.withAlpha(0.9).withSeed(seed);
        final ReportConfig reportConfig = config.reportConfig().withHashTexts(hashTexts);
        final TaskEngine engine = TaskEngine.create("bench", config, reportConfig, "hashing");
        final Random random = new Random(seed);
        long handled = 0;
        for (int i = 0; i < requests; i++) {
            final int k = random.nextInt(train.size());
            final String id = "q" + i;
            final long ts = 1_700_000_000_000L + i * 50L;
            final RoutingDecision d = engine.route(id, train.get(k).text(), vectors.get(k), ts);
            final boolean handledNow = d.getDecision() == Decision.HANDLED;
            handled += handledNow ? 1 : 0;
            if ((!handledNow || d.getAudit()) && random.nextDouble() >= UNANSWERED) {
                engine.learn(id, train.get(k).text(), vectors.get(k), train.get(k).label(), d, ts + 20);
            }
            if ((i + 1) % 5_000 == 0) {
                engine.report(ts);
            }
        }
        final ReportState state = reportPart(engine.snapshot());
        final ReportBuilder builder = ReportBuilder.fromState(state, reportConfig);
        final byte[] avro = avro(state);
        final byte[] java = java(builder);
        System.out.printf(Locale.ROOT, "report part after %,d requests (Banking77 train, hashing featurizer, seed %d, "
                        + "texts %s): %,d handled, %,d examples kept, %,d awaiting the LLM%n", requests, seed,
                hashTexts ? "hashed" : "in clear", handled, state.getExamples().size(), state.getPending().size());
        System.out.printf(Locale.ROOT, "  Avro ReportState (binary datum):     %,10d bytes, gzip %,10d%n", avro.length,
                gzip(avro).length);
        System.out.printf(Locale.ROOT, "  Java serialization (same builder):   %,10d bytes, gzip %,10d%n", java.length,
                gzip(java).length);
        System.out.printf(Locale.ROOT, "  ReportState schema (once per snapshot container): %,d bytes%n",
                ReportState.getClassSchema().toString().getBytes(StandardCharsets.UTF_8).length);
    }

    private static ReportState reportPart(final byte[] snapshot) throws IOException {
        try (DataFileStream<EngineSnapshot> in = new DataFileStream<>(new ByteArrayInputStream(snapshot, HEADER.length,
                snapshot.length - HEADER.length), new SpecificDatumReader<>(EngineSnapshot.class))) {
            return (ReportState) in.next().getReport();
        }
    }

    private static byte[] avro(final ReportState state) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ReportState.class).write(state, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static byte[] java(final Object builder) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(builder);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(final byte[] raw) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }
}
