/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InternalCodecTest {

    @Test
    void shouldRoundTripTraceRecordsWithAndWithoutOptionalFields() {
        final Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            final float[] embedding = random.nextBoolean() ? null : new float[random.nextInt(50)];
            if (embedding != null) {
                for (int j = 0; j < embedding.length; j++) {
                    embedding[j] = (float) random.nextGaussian();
                }
            }
            final TraceRecord t = new TraceRecord(TraceRecord.Kind.values()[random.nextInt(3)], "r-" + i, "täsk " + i,
                    random.nextBoolean() ? null : "input ü " + i, embedding, random.nextBoolean() ? null : "label",
                    random.nextBoolean() ? null : "note", random.nextLong(), "topic", random.nextInt(10), random.nextLong(),
                    random.nextBoolean() ? null : new byte[random.nextInt(20)]);
            final TraceRecord back = TraceRecord.serde().deserializer().deserialize("x", TraceRecord.serde().serializer().serialize("x", t));
            assertThat(back.kind()).isEqualTo(t.kind());
            assertThat(back.requestId()).isEqualTo(t.requestId());
            assertThat(back.task()).isEqualTo(t.task());
            assertThat(back.input()).isEqualTo(t.input());
            assertThat(back.embedding()).isEqualTo(t.embedding());
            assertThat(back.label()).isEqualTo(t.label());
            assertThat(back.note()).isEqualTo(t.note());
            assertThat(back.timestampMs()).isEqualTo(t.timestampMs());
            assertThat(back.sourcePartition()).isEqualTo(t.sourcePartition());
            assertThat(back.sourceOffset()).isEqualTo(t.sourceOffset());
            assertThat(back.raw()).isEqualTo(t.raw());
        }
    }

    @Test
    void shouldRejectTruncatedOrForeignBytesWithASerializationException() {
        final byte[] good = new TraceRecord(TraceRecord.Kind.REQUEST, "r", "t", "in", new float[] {1f, 2f}, null, null, 1L,
                "topic", 0, 1L, new byte[] {1}).toBytes();
        for (int cut = 0; cut < good.length; cut++) {
            final byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> TraceRecord.fromBytes(truncated)).isInstanceOf(SerializationException.class);
        }
        assertThatThrownBy(() -> TraceRecord.fromBytes(new byte[] {9, 0, 0})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version");
    }

    @Test
    void shouldRoundTripDecisionsIncludingNullAndNaN() {
        final RoutingDecision d = RoutingDecision.newBuilder().setRequestId("r").setTask("t").setDecision(Decision.HANDLED)
                .setLabel("l").setScore(Double.NaN).setThreshold(0.7).setReason(Reason.AUDIT).setAudit(true)
                .setAuditProbability(0.05).setModelVersion("ncm@10").setTimestamp(Instant.ofEpochMilli(5)).build();
        for (final RoutingDecision in : new RoutingDecision[] {d, null,
            RoutingDecision.newBuilder(d).setThreshold(null).setLabel(null).setDecision(Decision.DEFERRED).build()}) {
            final BinaryCodec.Writer w = new BinaryCodec.Writer();
            DecisionCodec.write(w, in);
            // Avro equality says NaN != NaN: compare the rendered records
            assertThat(String.valueOf(DecisionCodec.read(new BinaryCodec.Reader(w.toBytes())))).isEqualTo(String.valueOf(in));
        }
    }
}
