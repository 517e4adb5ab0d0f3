/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.report.SyntheticStream.LabelSpec;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.state.ReportExampleState;
import io.tracerstreams.schema.state.ReportState;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The report's explicit snapshot state ({@link ReportBuilder#toState()}, {@link ReportBuilder#fromState}): a builder
 * restored from its state's Avro bytes builds the same reports as the original on the same further inputs, and the
 * stored bytes hold no clear text (nor the hash salt) when texts are hashed.
 */
class ReportStateTest {

    /** Small caps, so that a short stream pools labels, drops pending requests and thins the curve. */
    private static final ReportConfig SMALL = ReportConfig.DEFAULTS.withCaps(6, 150, 8).withPlateau(3, 0.05, 50);

    private static List<LabelSpec> labels() {
        final List<LabelSpec> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            final double level = 0.1 + 0.08 * i;
            out.add(new LabelSpec("label_" + i, 1.0 + i % 3, p -> Math.min(0.95, level + 0.3 * p)));
        }
        return out;
    }

    private static SyntheticStream stream(final long seed) {
        return new SyntheticStream(labels(), 9_000, seed).unanswered(0.2).closedBetween(0.3, 0.4)
                .threshold(p -> 0.55 + 0.2 * p);
    }

    static byte[] encode(final ReportState state) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ReportState.class).write(state, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    static ReportState decode(final byte[] bytes) throws IOException {
        final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        return new SpecificDatumReader<>(ReportState.class).read(null, decoder);
    }

    /** Feeds both builders the rest of their (twin) streams, building a report every 500 requests. */
    private static void feedBoth(final SyntheticStream a, final ReportBuilder original, final SyntheticStream b,
                                 final ReportBuilder restored, final List<BoundaryReport> expected,
                                 final List<BoundaryReport> actual) {
        while (a.hasNext()) {
            a.next(original);
            b.next(restored);
            if (a.index() % 500 == 0) {
                expected.add(original.build(a.stats(a.timestamp()), a.timestamp()));
                actual.add(restored.build(b.stats(b.timestamp()), b.timestamp()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 4, 5})
    void shouldBuildTheSameReportsAfterARoundTripThroughItsAvroState(final long seed) throws IOException {
        final ReportConfig config = SMALL.withSeed(seed);
        final ReportBuilder original = new ReportBuilder(config);
        final ReportBuilder twin = new ReportBuilder(config);
        final SyntheticStream a = stream(seed);
        final SyntheticStream b = stream(seed);
        while (a.index() < 4_321) { // mid-interval: reservoirs, pending answers and the open curve point are partial
            a.next(original);
            b.next(twin);
            if (a.index() % 500 == 0) {
                original.build(a.stats(a.timestamp()), a.timestamp());
                twin.build(b.stats(b.timestamp()), b.timestamp());
            }
        }
        final ReportState state = twin.toState();
        // the state exercises every part
        assertThat(state.getPending()).isNotEmpty();
        assertThat(state.getPendingDropped()).isPositive();
        assertThat(state.getLabelSlices()).extracting(s -> s.getKey()).contains(ReportBuilder.OTHER_LABEL);
        assertThat(state.getCurve().getStride()).isGreaterThan(config.curveEvery());
        assertThat(state.getGateFlips()).isNotEmpty();
        assertThat(state.getBoundaryCandidates()).isNotEmpty();
        assertThat(state.getHandledSamples()).isNotEmpty();
        assertThat(state.getDeferredSamples()).isNotEmpty();
        // examples are stored once: no two entries are the same request
        assertThat(state.getExamples()).extracting(ReportExampleState::getRequestId).doesNotHaveDuplicates();

        final ReportBuilder restored = ReportBuilder.fromState(decode(encode(state)), config);
        assertThat(restored.retained()).isEqualTo(twin.retained());
        assertThat(restored.reportsBuilt()).isEqualTo(twin.reportsBuilt());
        assertThat(restored.pendingDropped()).isEqualTo(twin.pendingDropped());
        assertThat(restored.ignored()).isEqualTo(twin.ignored());

        final List<BoundaryReport> expected = new ArrayList<>();
        final List<BoundaryReport> actual = new ArrayList<>();
        feedBoth(a, original, b, restored, expected, actual);
        assertThat(actual).isEqualTo(expected);
        final BoundaryReport last = actual.get(actual.size() - 1);
        assertThat(last.getHandledExamples()).isNotEmpty();
        assertThat(last.getDeferredExamples()).isNotEmpty();
        assertThat(last.getBoundaryPairs()).isNotEmpty();
        assertThat(last.getPlateaus().size() + last.getLabels().size()).isPositive();
        // and the restored builder's state is the original's again
        assertThat(restored.toState()).isEqualTo(original.toState());
    }

    @Test
    void shouldRestoreABuilderThatNeverSawAnything() throws IOException {
        final ReportBuilder fresh = new ReportBuilder(ReportConfig.DEFAULTS);
        final ReportBuilder restored = ReportBuilder.fromState(decode(encode(fresh.toState())), ReportConfig.DEFAULTS);
        final SyntheticStream a = stream(8);
        final SyntheticStream b = stream(8);
        final List<BoundaryReport> expected = new ArrayList<>();
        final List<BoundaryReport> actual = new ArrayList<>();
        feedBoth(a, fresh, b, restored, expected, actual);
        assertThat(actual).isEqualTo(expected).isNotEmpty();
    }

    @Test
    void shouldStoreNoClearTextAndNoSaltWhenTextsAreHashed() throws IOException {
        final String salt = "s3cret-pepper-salt";
        final ReportConfig hashed = SMALL.withHashTexts(true).withHashSalt(salt);
        final ReportBuilder builder = new ReportBuilder(hashed);
        final SyntheticStream s = stream(6).textPrefix("zebracanary ").keepTexts();
        while (s.hasNext()) {
            s.next(builder);
            if (s.index() % 500 == 0) {
                builder.build(s.stats(s.timestamp()), s.timestamp());
            }
        }
        final ReportState state = builder.toState();
        final String bytes = new String(encode(state), StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain("zebracanary").doesNotContain(salt);
        for (final String text : s.texts()) {
            // every text holds its request's marker " q<index>": none appears in the stored bytes
            assertThat(bytes).doesNotContain(text.substring("zebracanary ".length()));
        }
        assertThat(state.getExamples()).isNotEmpty().allSatisfy(e ->
                assertThat(e.getText() == null || TextHasher.isHash(e.getText())).as(e.getText()).isTrue());
        assertThat(state.getExamples()).anySatisfy(e -> assertThat(e.getText()).startsWith(TextHasher.PREFIX));

        // the same stream in clear: the texts are there (so the check above can fail)
        final ReportBuilder clear = new ReportBuilder(SMALL);
        final SyntheticStream c = stream(6).textPrefix("zebracanary ");
        while (c.hasNext()) {
            c.next(clear);
        }
        assertThat(new String(encode(clear.toState()), StandardCharsets.ISO_8859_1)).contains("zebracanary");

        // restored under the same salt it goes on hashing with it
        final ReportBuilder restored = ReportBuilder.fromState(decode(encode(state)), hashed);
        assertThat(restored.toState()).isEqualTo(state);
    }

    @Test
    void shouldRejectAStateUnderOtherSettingsOrWithClearTextUnderHashingNamingTheField() throws IOException {
        final ReportBuilder builder = new ReportBuilder(SMALL);
        final SyntheticStream s = stream(7);
        while (s.index() < 2_000) {
            s.next(builder);
        }
        final ReportState state = builder.toState();
        assertThatThrownBy(() -> ReportBuilder.fromState(state, SMALL.withHashTexts(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other settings");
        assertThatThrownBy(() -> ReportBuilder.fromState(state, SMALL.withSeed(99)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other settings");

        // a state claiming hashed texts that holds clear ones is refused
        final ReportState tampered = decode(encode(state));
        final ReportConfig hashed = SMALL.withHashTexts(true);
        tampered.setSettings(hashed.toState());
        assertThatThrownBy(() -> ReportBuilder.fromState(tampered, hashed))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("examples[").hasMessageContaining("clear text");

        // hashed under one salt, restored under another: refused, the salt named, neither salt shown
        final ReportState salted = new ReportBuilder(hashed.withHashSalt("alpha-salt")).toState();
        assertThatThrownBy(() -> ReportBuilder.fromState(salted, hashed.withHashSalt("beta-salt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hashSalt")
                .message().doesNotContain("alpha-salt").doesNotContain("beta-salt");

        // an index that refers to no example
        final ReportState broken = decode(encode(state));
        broken.setPending(List.of(broken.getExamples().size()));
        assertThatThrownBy(() -> ReportBuilder.fromState(broken, SMALL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pending'");
    }
}
