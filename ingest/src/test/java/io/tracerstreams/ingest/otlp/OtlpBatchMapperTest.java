/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import static io.tracerstreams.testkit.GenAiSpans.array;
import static io.tracerstreams.testkit.GenAiSpans.batch;
import static io.tracerstreams.testkit.GenAiSpans.chat;
import static io.tracerstreams.testkit.GenAiSpans.current;
import static io.tracerstreams.testkit.GenAiSpans.currentJsonStrings;
import static io.tracerstreams.testkit.GenAiSpans.embeddings;
import static io.tracerstreams.testkit.GenAiSpans.imagePart;
import static io.tracerstreams.testkit.GenAiSpans.kv;
import static io.tracerstreams.testkit.GenAiSpans.legacyEvents;
import static io.tracerstreams.testkit.GenAiSpans.message;
import static io.tracerstreams.testkit.GenAiSpans.outputMessage;
import static io.tracerstreams.testkit.GenAiSpans.spanIdHex;
import static io.tracerstreams.testkit.GenAiSpans.textPart;
import static io.tracerstreams.testkit.GenAiSpans.toOtlpJson;
import static io.tracerstreams.testkit.GenAiSpans.toolCallPart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.testkit.GenAiSpans;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class OtlpBatchMapperTest {

    private static final long RECORD_TS = 1_800_000_000_000L;

    private static OtlpBatchMapper mapper(final Object... keysAndValues) {
        final Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new OtlpBatchMapper(new OtlpMappingConfig(m), 10_000);
    }

    private static BatchResult proto(final OtlpBatchMapper mapper, final TracesData data) {
        return mapper.map(data.toByteArray(), RECORD_TS);
    }

    private static List<String> labels(final BatchResult r) {
        return r.calls().stream().map(MappedCall::label).toList();
    }

    @Test
    void shouldMapTheCurrentConventionsStructuredAndAsJsonStrings() {
        final BatchResult r = proto(mapper(), batch(current(1, "intents", "my card is lost", "lost_card"),
                currentJsonStrings(2, "intents", "where is my refund?", "refund")));
        assertThat(r.calls()).hasSize(2);
        final MappedCall first = r.calls().get(0);
        assertThat(first.requestId()).isEqualTo(spanIdHex(1));
        assertThat(first.task()).isEqualTo("intents");
        assertThat(first.input()).isEqualTo("my card is lost");
        assertThat(first.label()).isEqualTo("lost_card");
        assertThat(first.model()).isEqualTo("gpt-4o-mini");
        assertThat(first.provider()).isEqualTo("openai");
        assertThat(first.latencyMs()).isEqualTo(250);
        assertThat(first.timestampMs()).isEqualTo((GenAiSpans.START_NANOS + 1_250_000_000L) / 1_000_000L);
        assertThat(r.calls().get(1).input()).isEqualTo("where is my refund?");
        assertThat(r.notes()).doesNotContainKey(SpanNote.LEGACY_FORM);
        final LlmResponse response = first.toResponse();
        assertThat(response.getRequestId()).isEqualTo(spanIdHex(1));
        assertThat(response.getInput()).isEqualTo("my card is lost");
        assertThat(response.getTimestamp()).isEqualTo(Instant.ofEpochMilli(first.timestampMs()));
        final LlmRequest request = first.toRequest();
        assertThat(request.getInput()).isEqualTo("my card is lost");
        assertThat(request.getAttributes()).containsEntry("source", "otlp").containsEntry("gen_ai.provider.name", "openai");
    }

    @Test
    void shouldMapTheOlderConventionsEventsAndGenAiSystem() {
        final BatchResult r = proto(mapper(), batch(legacyEvents(7, "intents", "block my card", "card_block")));
        assertThat(r.calls()).singleElement().satisfies(c -> {
            assertThat(c.input()).isEqualTo("block my card");
            assertThat(c.label()).isEqualTo("card_block");
            assertThat(c.provider()).isEqualTo("openai");
        });
        assertThat(r.notes()).containsEntry(SpanNote.LEGACY_FORM, 1);
    }

    @Test
    void shouldReadEventBodiesGivenAsGenAiEventContentAndTheOldPromptAttributes() {
        final Span withEventContent = chat(3, "intents")
                .addEvents(Span.Event.newBuilder().setName("gen_ai.user.message")
                        .addAttributes(kv("gen_ai.event.content", "{\"role\":\"user\",\"content\":\"reset my pin\"}")))
                .addEvents(Span.Event.newBuilder().setName("gen_ai.choice").addAttributes(kv("gen_ai.event.content",
                        "{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"pin\"}}")))
                .build();
        final Span promptEvents = chat(4, "intents")
                .addEvents(Span.Event.newBuilder().setName("gen_ai.content.prompt").addAttributes(kv("gen_ai.prompt",
                        "[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"card arrived?\"}]")))
                .addEvents(Span.Event.newBuilder().setName("gen_ai.content.completion")
                        .addAttributes(kv("gen_ai.completion", "card_arrival")))
                .build();
        final Span openLlmetry = chat(5, "intents").addAttributes(kv("gen_ai.prompt.0.role", "user"))
                .addAttributes(kv("gen_ai.prompt.0.content", "exchange rate?"))
                .addAttributes(kv("gen_ai.completion.0.role", "assistant"))
                .addAttributes(kv("gen_ai.completion.0.content", "exchange_rate")).build();
        final BatchResult r = proto(mapper(), batch(withEventContent, promptEvents, openLlmetry));
        assertThat(r.calls()).extracting(MappedCall::input).containsExactly("reset my pin", "card arrived?", "exchange rate?");
        assertThat(labels(r)).containsExactly("pin", "card_arrival", "exchange_rate");
    }

    @Test
    void shouldSkipSpansThatAreNoClassificationCallCheaplyAndCountThem() {
        final BatchResult r = proto(mapper(), batch(embeddings(1), current(2, "t", "a", "b"), embeddings(3)));
        assertThat(r.calls()).hasSize(1);
        assertThat(r.spans()).isEqualTo(3);
        assertThat(r.skipped()).containsExactly(Map.entry(SkipReason.NOT_SELECTED, 2));
    }

    @Test
    void shouldTakeTheTaskFromTheAttributeTheResourceARuleOrTheDefault() {
        final OtlpBatchMapper m = mapper("task.rules", "moderation,intents",
                "task.rule.moderation.span.name", "^moderate",
                "task.rule.intents.model", "gpt-4o-mini$",
                "task.default", "fallback");
        final Span byName = Span.newBuilder().mergeFrom(current(2, null, "x", "ok")).setName("moderate gpt-4o-mini").build();
        final Span byModel = current(3, null, "y", "billing");
        final Span byDefault = Span.newBuilder().mergeFrom(current(4, null, "z", "l")).clearAttributes()
                .addAllAttributes(current(4, null, "z", "l").getAttributesList().stream()
                        .filter(kv -> !kv.getKey().equals("gen_ai.request.model")).toList()).build();
        final BatchResult r = proto(m, batch(current(1, "explicit", "w", "a"), byName, byModel, byDefault));
        assertThat(r.calls()).extracting(MappedCall::task).containsExactly("explicit", "moderation", "intents", "fallback");
        final BatchResult fromResource = proto(mapper(), batch(Map.of("tracer.task", "from-resource"),
                List.of(current(9, null, "in", "out"))));
        assertThat(fromResource.calls()).extracting(MappedCall::task).containsExactly("from-resource");
        final BatchResult none = proto(mapper(), batch(current(9, null, "in", "out")));
        assertThat(none.skipped()).containsEntry(SkipReason.NO_TASK, 1);
    }

    @Test
    void shouldUseTheConfiguredRequestIdAttributeAndFallBackToTheSpanId() {
        final OtlpBatchMapper m = mapper("request.id.attribute", "app.request_id");
        final Span with = Span.newBuilder().mergeFrom(current(1, "t", "a", "b")).addAttributes(kv("app.request_id", "req-42")).build();
        final BatchResult r = proto(m, batch(with, current(2, "t", "c", "d")));
        assertThat(r.calls()).extracting(MappedCall::requestId).containsExactly("req-42", spanIdHex(2));
        assertThat(r.notes()).containsEntry(SpanNote.REQUEST_ID_FALLBACK, 1);
    }

    @Test
    void shouldNormaliseLabelsByCaseJsonFieldAndRegex() {
        assertThat(labels(proto(mapper("label.case", "lower"), batch(current(1, "t", "a", "  Billing \n"))))).containsExactly("billing");
        final OtlpBatchMapper json = mapper("label.json.field", "result.intent");
        assertThat(labels(proto(json, batch(current(1, "t", "a", "```json\n{\"result\": {\"intent\": \"refund\"}}\n```"),
                current(2, "t", "a", "{\"result\": {}}"), current(3, "t", "a", "not json")))))
                .containsExactly("refund");
        final OtlpBatchMapper regex = mapper("label.regex", "(?i)label:\\s*(\\w+)");
        final BatchResult r = proto(regex, batch(current(1, "t", "a", "Thinking... Label: card_lost."), current(2, "t", "a", "no idea")));
        assertThat(labels(r)).containsExactly("card_lost");
        assertThat(r.skipped()).containsEntry(SkipReason.LABEL_NOT_FOUND, 1);
    }

    @Test
    void shouldSkipSpansWithoutMessagesWithAReasonAndKeepTheirNeighbours() {
        final Span noMessages = chat(2, "t").build();
        final Span noOutput = Span.newBuilder().mergeFrom(chat(3, "t").build()).addAttributes(KeyValue.newBuilder()
                .setKey("gen_ai.input.messages").setValue(array(message("user", textPart("hello"))))).build();
        final Span onlySystem = Span.newBuilder().mergeFrom(chat(4, "t").build()).addAttributes(KeyValue.newBuilder()
                .setKey("gen_ai.input.messages").setValue(array(message("system", textPart("be nice"))))).build();
        final BatchResult r = proto(mapper(), batch(current(1, "t", "a", "b"), noMessages, noOutput, onlySystem,
                current(5, "t", "c", "d")));
        assertThat(labels(r)).containsExactly("b", "d");
        assertThat(r.skipped()).containsEntry(SkipReason.NO_INPUT, 2).containsEntry(SkipReason.NO_OUTPUT, 1);
        assertThat(r.examples().get(SkipReason.NO_INPUT)).contains("CAPTURE_MESSAGE_CONTENT");
    }

    @Test
    void shouldKeepTheTextOfMultiPartMessagesAndSkipImageOnlyOnes() {
        final Span textAndImage = chat(1, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("what is on this receipt?"), imagePart("https://x/y.png")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(outputMessage(textPart("receipt")))))
                .build();
        final Span imageOnly = chat(2, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", imagePart("https://x/z.png")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(outputMessage(textPart("receipt")))))
                .build();
        final Span openAiContentParts = currentJsonStrings(3, "t", "unused", "billing").toBuilder().clearAttributes()
                .addAllAttributes(chat(3, "t").build().getAttributesList())
                .addAttributes(kv("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"see invoice\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]"))
                .addAttributes(kv("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"billing\"}]")).build();
        final BatchResult r = proto(mapper(), batch(textAndImage, imageOnly, openAiContentParts));
        assertThat(r.calls()).extracting(MappedCall::input).containsExactly("what is on this receipt?", "see invoice");
        assertThat(r.notes()).containsEntry(SpanNote.NON_TEXT_PARTS_DROPPED, 2);
        assertThat(r.skipped()).containsExactly(Map.entry(SkipReason.NON_TEXT_INPUT, 1));
    }

    @Test
    void shouldSkipToolCallsAndNonTextOutputs() {
        final Span toolCall = chat(1, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("weather in Paris?")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(
                        GenAiSpans.map("role", GenAiSpans.text("assistant"), "parts", array(toolCallPart("get_weather")),
                                "finish_reason", GenAiSpans.text("tool_call"))))).build();
        final Span legacyToolCall = legacyEvents(2, "t", "weather?", "").toBuilder().removeEvents(2)
                .addEvents(Span.Event.newBuilder().setName("gen_ai.choice").addAttributes(kv("finish_reason", "tool_calls"))
                        .addAttributes(KeyValue.newBuilder().setKey("message").setValue(GenAiSpans.map("role", GenAiSpans.text("assistant"),
                                "tool_calls", array(GenAiSpans.map("id", GenAiSpans.text("c1"), "type", GenAiSpans.text("function")))))))
                .build();
        final Span imageAnswer = chat(3, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("draw a cat")))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(outputMessage(imagePart("https://x/cat.png")))))
                .build();
        final BatchResult r = proto(mapper(), batch(toolCall, legacyToolCall, imageAnswer, current(4, "t", "ok", "fine")));
        assertThat(labels(r)).containsExactly("fine");
        assertThat(r.skipped()).containsEntry(SkipReason.TOOL_CALL, 2).containsEntry(SkipReason.NON_TEXT_OUTPUT, 1);
    }

    @Test
    void shouldSkipLabelsOutsideTheCapsAndTheAllowedValues() {
        final OtlpBatchMapper m = mapper("label.max.chars", "20", "label.values", "billing,refund");
        final BatchResult r = proto(m, batch(current(1, "t", "a", "billing"),
                current(2, "t", "a", "I think this message is most likely about a refund of a card payment"),
                current(3, "t", "a", "lost_card"), current(4, "t", "a", "   "), current(5, "t", "a", "refund")));
        assertThat(labels(r)).containsExactly("billing", "refund");
        assertThat(r.skipped()).containsEntry(SkipReason.LABEL_TOO_LONG, 1).containsEntry(SkipReason.LABEL_NOT_ALLOWED, 1);
        assertThat(r.skipped().getOrDefault(SkipReason.LABEL_EMPTY, 0) + r.skipped().getOrDefault(SkipReason.NO_OUTPUT, 0))
                .isEqualTo(1);
    }

    @Test
    void shouldSkipFailedCallsTooLongInputsAndBadMessageJson() {
        final Span failed = current(1, "t", "a", "b").toBuilder()
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("429")).build();
        final Span badJson = chat(2, "t").addAttributes(kv("gen_ai.input.messages", "[{\"role\": \"user\", "))
                .addAttributes(kv("gen_ai.output.messages", "[]")).build();
        final OtlpBatchMapper m = new OtlpBatchMapper(new OtlpMappingConfig(Map.of()), 10);
        final BatchResult r = m.map(batch(failed, badJson, current(3, "t", "this input is too long", "b"),
                current(4, "t", "short", "ok")).toByteArray(), RECORD_TS);
        assertThat(labels(r)).containsExactly("ok");
        assertThat(r.skipped()).containsEntry(SkipReason.CALL_FAILED, 1).containsEntry(SkipReason.BAD_MESSAGES, 1)
                .containsEntry(SkipReason.INPUT_TOO_LONG, 1);
    }

    @Test
    void shouldKeepEverySpanBeforeTheCutOfATruncatedProtobufBatch() {
        final List<Span> spans = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            spans.add(i % 4 == 0 ? embeddings(i) : current(i, "t", "input " + i, "label" + i));
        }
        final TracesData data = TracesData.newBuilder().addResourceSpans(batch(Map.of(), spans.subList(0, 6)).getResourceSpans(0))
                .addResourceSpans(batch(Map.of("tracer.task", "r2"), spans.subList(6, 12)).getResourceSpans(0)).build();
        final byte[] full = data.toByteArray();
        final OtlpBatchMapper m = mapper();
        final List<String> all = labels(m.map(full, RECORD_TS));
        assertThat(all).hasSize(9);
        int previous = 0;
        int damaged = 0;
        for (int cut = 1; cut < full.length; cut++) {
            final BatchResult r;
            try {
                r = m.map(Arrays.copyOf(full, cut), RECORD_TS);
            } catch (final UnreadableBatchException e) {
                assertThat(cut).as("only a batch cut inside its first span is unreadable").isLessThan(full.length / 6);
                continue;
            }
            final List<String> got = labels(r);
            // what is kept is a prefix of the full result, and cutting later never keeps less
            assertThat(all.subList(0, got.size())).isEqualTo(got);
            assertThat(got.size()).isGreaterThanOrEqualTo(previous);
            previous = got.size();
            if (r.damage().isPresent()) {
                damaged++;
                assertThat(r.damage().get()).contains("damaged protobuf batch").contains(got.size() + r.skipped().values()
                        .stream().mapToInt(Integer::intValue).sum() + " complete span(s)");
            }
        }
        assertThat(previous).isGreaterThanOrEqualTo(8);
        assertThat(damaged).isPositive();
    }

    @Test
    void shouldRejectRecordsThatAreNoBatchWithAClearReason() {
        final OtlpBatchMapper proto = mapper();
        assertThatThrownBy(() -> proto.map("{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8), RECORD_TS))
                .isInstanceOf(UnreadableBatchException.class).hasMessageContaining("ingest.otlp.encoding=otlp_json");
        assertThatThrownBy(() -> proto.map(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}, RECORD_TS))
                .isInstanceOf(UnreadableBatchException.class).hasMessageContaining("not an OTLP TracesData protobuf");
        assertThatThrownBy(() -> proto.map(null, RECORD_TS)).isInstanceOf(UnreadableBatchException.class);
        assertThat(proto.map(new byte[0], RECORD_TS).spans()).isZero();
        final OtlpBatchMapper json = mapper("encoding", "otlp_json");
        assertThatThrownBy(() -> json.map("{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8), RECORD_TS))
                .isInstanceOf(UnreadableBatchException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> json.map("{\"resourceLogs\": []}".getBytes(StandardCharsets.UTF_8), RECORD_TS))
                .isInstanceOf(UnreadableBatchException.class).hasMessageContaining("no resourceSpans");
        assertThatThrownBy(() -> json.map(batch(current(1, "t", "a", "b")).toByteArray(), RECORD_TS))
                .isInstanceOf(UnreadableBatchException.class).hasMessageContaining("otlp_proto");
    }

    @Test
    void shouldReadOtlpJsonWithHexIdsAndWithBase64IdsAlike() {
        final TracesData data = batch(current(1, "t", "my card", "lost"), legacyEvents(2, "t", "refund?", "refund"));
        final OtlpBatchMapper json = mapper("encoding", "otlp_json");
        final BatchResult hex = json.map(toOtlpJson(data, false).getBytes(StandardCharsets.UTF_8), RECORD_TS);
        final BatchResult b64 = json.map(toOtlpJson(data, true).getBytes(StandardCharsets.UTF_8), RECORD_TS);
        final BatchResult fromProto = proto(mapper(), data);
        assertThat(hex.calls()).isEqualTo(fromProto.calls());
        assertThat(b64.calls()).extracting(MappedCall::requestId).isEqualTo(fromProto.calls().stream().map(MappedCall::requestId).toList());
        assertThat(b64.calls()).extracting(MappedCall::traceId).isEqualTo(fromProto.calls().stream().map(MappedCall::traceId).toList());
        assertThat(hex.notes()).doesNotContainKey(SpanNote.BASE64_IDS);
        assertThat(b64.notes()).containsEntry(SpanNote.BASE64_IDS, 2);
    }

    @Test
    void shouldReadOtlpJsonEnumsAsNumbersOrNamesAndSnakeCaseNamesAndKeepGoodSpansBesideABadOne() {
        final String json = """
                {"resource_spans": [{"resource": {"attributes": [{"key": "tracer.task", "value": {"stringValue": "t"}}]},
                  "scope_spans": [{"scope": {"name": "x"}, "spans": [
                    {"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0000000000000001", "name": "chat",
                     "kind": "SPAN_KIND_CLIENT", "startTimeUnixNano": 1788220800000000000, "endTimeUnixNano": "1788220800500000000",
                     "status": {"code": "STATUS_CODE_OK"},
                     "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                       {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12"}},
                       {"key": "gen_ai.input.messages", "value": {"stringValue": "[{\\"role\\":\\"user\\",\\"parts\\":[{\\"type\\":\\"text\\",\\"content\\":\\"hi\\"}]}]"}},
                       {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\\"role\\":\\"assistant\\",\\"parts\\":[{\\"type\\":\\"text\\",\\"content\\":\\"greeting\\"}]}]"}}]},
                    {"traceId": "not-an-id", "spanId": "0000000000000002", "name": "chat"},
                    {"traceId": "0102030405060708090a0b0c0d0e0f10", "spanId": "0000000000000003", "name": "chat", "kind": 3,
                     "startTimeUnixNano": "1788220800000000000", "endTimeUnixNano": "1788220800100000000", "unknownField": {"x": 1},
                     "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                       {"key": "gen_ai.input.messages", "value": {"stringValue": "[{\\"role\\":\\"user\\",\\"content\\":\\"bye\\"}]"}},
                       {"key": "gen_ai.output.messages", "value": {"stringValue": "[{\\"role\\":\\"assistant\\",\\"content\\":\\"farewell\\"}]"}}]}
                  ]}]}]}
                """;
        final BatchResult r = mapper("encoding", "otlp_json").map(json.getBytes(StandardCharsets.UTF_8), RECORD_TS);
        assertThat(labels(r)).containsExactly("greeting", "farewell");
        assertThat(r.calls()).extracting(MappedCall::latencyMs).containsExactly(500L, 100L);
        assertThat(r.skipped()).containsExactly(Map.entry(SkipReason.BAD_SPAN, 1));
        assertThat(r.examples().get(SkipReason.BAD_SPAN)).contains("spans[1].traceId").contains("neither 32 hex digits");
    }

    @Test
    void shouldMapTenMegabyteBatchesWhole() {
        // many spans
        final List<Span> spans = new ArrayList<>();
        final String padding = "x".repeat(400);
        for (int i = 1; spans.stream().mapToInt(Span::getSerializedSize).sum() < 10_000_000; i++) {
            spans.add(current(i, "t", "input " + i + " " + padding, "label" + (i % 50)));
        }
        final TracesData many = batch(Map.of(), spans);
        assertThat(many.getSerializedSize()).isGreaterThan(10_000_000);
        assertThat(proto(mapper(), many).calls()).hasSize(spans.size());
        // one span carrying a 10 MB image beside its text
        final String image = "data:image/png;base64," + "A".repeat(10_000_000);
        final Span huge = chat(1, "t").addAttributes(KeyValue.newBuilder().setKey("gen_ai.input.messages")
                        .setValue(array(message("user", textPart("what is this?"), imagePart(image)))))
                .addAttributes(KeyValue.newBuilder().setKey("gen_ai.output.messages").setValue(array(outputMessage(textPart("photo")))))
                .build();
        final BatchResult r = proto(mapper(), batch(huge, current(2, "t", "b", "c")));
        assertThat(labels(r)).containsExactly("photo", "c");
        assertThat(r.notes()).containsEntry(SpanNote.NON_TEXT_PARTS_DROPPED, 1);
        final BatchResult json = mapper("encoding", "otlp_json")
                .map(toOtlpJson(batch(huge), false).getBytes(StandardCharsets.UTF_8), RECORD_TS);
        assertThat(labels(json)).containsExactly("photo");
    }

    @Test
    void shouldRejectBadSettingsNamingTheKey() {
        assertThatThrownBy(() -> mapper("label.regex", "(")).isInstanceOf(ConfigException.class).hasMessageContaining("label.regex");
        assertThatThrownBy(() -> mapper("task.rules", "a")).isInstanceOf(ConfigException.class).hasMessageContaining("task.rule.a.model");
        assertThatThrownBy(() -> mapper("task.rules", "a", "task.rule.b.model", "x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("task.rule.b.model");
        assertThatThrownBy(() -> mapper("encoding", "otlp_yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("encoding");
        assertThat(OtlpMappingConfig.fromPrefixed(Map.of("ingest.otlp.emit", "both", "other", "x")).emit())
                .isEqualTo(OtlpMappingConfig.Emit.BOTH);
    }
}
