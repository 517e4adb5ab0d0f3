/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import static io.tracerstreams.testkit.GenAiSpans.array;
import static io.tracerstreams.testkit.GenAiSpans.batch;
import static io.tracerstreams.testkit.GenAiSpans.chat;
import static io.tracerstreams.testkit.GenAiSpans.current;
import static io.tracerstreams.testkit.GenAiSpans.embeddings;
import static io.tracerstreams.testkit.GenAiSpans.imagePart;
import static io.tracerstreams.testkit.GenAiSpans.legacyEvents;
import static io.tracerstreams.testkit.GenAiSpans.message;
import static io.tracerstreams.testkit.GenAiSpans.outputMessage;
import static io.tracerstreams.testkit.GenAiSpans.spanIdHex;
import static io.tracerstreams.testkit.GenAiSpans.textPart;
import static io.tracerstreams.testkit.GenAiSpans.toOtlpJson;
import static io.tracerstreams.testkit.GenAiSpans.toolCallPart;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracerstreams.ingest.otlp.SkipReason;
import io.tracerstreams.ingest.otlp.SpanNote;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class OtlpIngestStageTest {

    private static final String OTLP = "otlp_spans";

    @TempDir
    Path stateDir;

    private Map<String, Object> settings(final Object... extra) {
        final Map<String, Object> s = TopologyHarness.settings(stateDir);
        s.put("ingest.otlp.topic", OTLP);
        s.put("max.input.chars", "10000");
        for (int i = 0; i < extra.length; i += 2) {
            s.put((String) extra[i], extra[i + 1]);
        }
        return s;
    }

    private static TestInputTopic<byte[], byte[]> otlp(final TopologyHarness h) {
        return h.driver.createInputTopic(OTLP, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String header(final Headers headers, final String name) {
        final Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static double metric(final TopologyHarness h, final String name) {
        return h.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-tracer-metrics") && e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    @Test
    void shouldLearnTheGenAiCallsOfABatchAndCountTheSpansThatMapToNothing() {
        final Span toolCall = chat(4, "intents").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("weather?")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages")
                        .setValue(array(outputMessage(toolCallPart("get_weather"))))).build();
        try (TopologyHarness h = new TopologyHarness(settings())) {
            otlp(h).pipeInput(null, batch(current(1, "intents", "my card is lost", "lost_card"), embeddings(2),
                    legacyEvents(3, "intents", "where is my refund", "refund"), toolCall,
                    current(5, "intents", "block my card", "lost_card")).toByteArray());
            assertThat(h.counters.get(Counter.OTLP_BATCHES_READ)).isEqualTo(1);
            assertThat(h.counters.get(Counter.OTLP_SPANS_READ)).isEqualTo(5);
            assertThat(h.counters.get(Counter.OTLP_CALLS_MAPPED)).isEqualTo(3);
            assertThat(h.counters.get(Counter.RESPONSES_READ)).as("the traces went through llm.responses").isEqualTo(3);
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isEqualTo(3);
            assertThat(h.counters.spansSkipped(SkipReason.NOT_SELECTED)).isEqualTo(1);
            assertThat(h.counters.spansSkipped(SkipReason.TOOL_CALL)).isEqualTo(1);
            assertThat(h.counters.spanNotes(SpanNote.LEGACY_FORM)).isEqualTo(1);
            assertThat(metric(h, "otlp-spans-skipped-tool-call-total")).isEqualTo(1.0);
            assertThat(metric(h, "otlp-calls-mapped-total")).isEqualTo(3.0);
            assertThat(h.dlq.isEmpty()).as("skipped spans are no dead letters").isTrue();
        }
    }

    @Test
    void shouldDeadLetterUnreadableRecordsAndKeepTheCompleteSpansOfATruncatedBatch() {
        try (TopologyHarness h = new TopologyHarness(settings())) {
            final TestInputTopic<byte[], byte[]> in = otlp(h);
            in.pipeInput(null, "{\"resourceSpans\": []}".getBytes(StandardCharsets.UTF_8));
            final List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("undecodable");
                assertThat(header(r.headers(), DeadLetter.STAGE)).isEqualTo("ingest-otlp");
                assertThat(header(r.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo(OTLP);
                assertThat(header(r.headers(), DeadLetter.DETAIL)).contains("ingest.otlp.encoding=otlp_json");
            });
            final byte[] full = batch(current(1, "t", "one", "a"), current(2, "t", "two", "b"), current(3, "t", "three", "c"))
                    .toByteArray();
            in.pipeInput(null, Arrays.copyOf(full, full.length - 40));
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isEqualTo(2);
            assertThat(h.dlq.readRecordsToList()).singleElement().satisfies(r -> {
                assertThat(header(r.headers(), DeadLetter.DETAIL)).contains("damaged protobuf batch").contains("2 complete span(s)");
                assertThat(r.value()).hasSize(full.length - 40);
            });
            // a huge unreadable record: its DLQ copy has no value, the headers point to it
            final byte[] junk = new byte[OtlpIngestStage.MAX_DEAD_LETTER_BYTES + 1];
            Arrays.fill(junk, (byte) 0xFF);
            in.pipeInput(null, junk);
            assertThat(h.dlq.readRecordsToList()).singleElement().satisfies(r -> {
                assertThat(r.value()).isNull();
                assertThat(header(r.headers(), DeadLetter.DETAIL)).contains("is not copied");
                assertThat(header(r.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("2");
            });
            assertThat(h.counters.deadLetters(DeadLetterReason.UNDECODABLE)).isEqualTo(3);
        }
    }

    @Test
    void shouldReadOtlpJsonWithBase64Ids() {
        try (TopologyHarness h = new TopologyHarness(settings("ingest.otlp.encoding", "otlp_json"))) {
            otlp(h).pipeInput(null, toOtlpJson(batch(current(1, "t", "hello", "greeting")), true).getBytes(StandardCharsets.UTF_8));
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isEqualTo(1);
            assertThat(h.counters.spanNotes(SpanNote.BASE64_IDS)).isEqualTo(1);
        }
    }

    @Test
    void shouldRouteTheRequestAndLearnTheResponseWhenEmittingBoth() {
        try (TopologyHarness h = new TopologyHarness(settings("ingest.otlp.emit", "both"))) {
            otlp(h).pipeInput(null, batch(current(1, "intents", "my card is lost", "lost_card"),
                    current(2, "intents", "refund please", "refund")).toByteArray());
            final List<RoutingDecision> decisions = h.decisions.readValuesToList();
            assertThat(decisions).extracting(RoutingDecision::getRequestId).containsExactly(spanIdHex(1), spanIdHex(2));
            assertThat(decisions).allMatch(d -> d.getDecision() == Decision.DEFERRED);
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(2);
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).as("each response met its request").isZero();
        }
    }

    @Test
    void shouldStillLearnTheOtherSpansOfABatchWhoseLabelIsBeyondTheTasksLabelCap() {
        try (TopologyHarness h = new TopologyHarness(settings("task.capped.label.cap", "2"))) {
            otlp(h).pipeInput(null, batch(current(1, "capped", "a", "one"), current(2, "capped", "b", "two"),
                    current(3, "capped", "c", "three"), current(4, "capped", "d", "one")).toByteArray());
            assertThat(h.counters.get(Counter.TRACES_LEARNED)).isEqualTo(4);
            assertThat(h.dlq.readRecordsToList()).singleElement()
                    .satisfies(r -> assertThat(header(r.headers(), DeadLetter.REASON)).isEqualTo("label-beyond-cap"));
        }
    }

    @Test
    void shouldLearnFromATenMegabyteBatch() {
        final String image = "data:image/png;base64," + "A".repeat(10_000_000);
        final Span huge = chat(1, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("what is on this photo?"), imagePart(image)))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(outputMessage(textPart("photo")))))
                .build();
        try (TopologyHarness h = new TopologyHarness(settings())) {
            final byte[] value = batch(huge, current(2, "t", "b", "c")).toByteArray();
            assertThat(value.length).isGreaterThan(10_000_000);
            otlp(h).pipeInput(null, value);
            assertThat(h.counters.get(Counter.BACKFILL_TRACES)).isEqualTo(2);
            assertThat(h.counters.spanNotes(SpanNote.NON_TEXT_PARTS_DROPPED)).isEqualTo(1);
            assertThat(h.dlq.isEmpty()).isTrue();
        }
    }
}
