/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.serde.TracerSerdes;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracerAvroConverterTest {

    private static final String REGISTRY = "mock://converter-test";

    @AfterEach
    void drop() {
        MockSchemaRegistryClient.dropScope("converter-test");
    }

    private static TracerAvroConverter converter() {
        final TracerAvroConverter c = new TracerAvroConverter();
        c.configure(Map.of("schema.registry.url", REGISTRY), false);
        return c;
    }

    @Test
    void shouldWriteTheSmtsStructsInTheConfluentWireFormatThatTracersSerdeReads() {
        final LlmTraceToResponse<SourceRecord> smt = new LlmTraceToResponse<>();
        smt.configure(Map.of("task", "intents"));
        final SourceRecord out = smt.apply(new SourceRecord(null, null, "llm.responses", null, null, null,
                Map.of("input", "my card is lost", "teacher", "lost_card", "timestamp", 1_790_000_000_000L)));
        try (TracerAvroConverter c = converter()) {
            final byte[] bytes = c.fromConnectData("llm.responses", out.valueSchema(), out.value());
            assertThat(bytes[0]).as("magic byte").isZero();
            final LlmResponse read = TracerSerdes.llmResponse(REGISTRY, false).deserializer().deserialize("llm.responses", bytes);
            assertThat(read.getTask()).isEqualTo("intents");
            assertThat(read.getLabel()).isEqualTo("lost_card");
            assertThat(read.getInput()).isEqualTo("my card is lost");
            assertThat(read.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1_790_000_000_000L));
            assertThat(MockSchemaRegistryClient.forScope("converter-test").subjects()).containsExactly("llm.responses-value");
            final SchemaAndValue back = c.toConnectData("llm.responses", bytes);
            assertThat(back.value()).isEqualTo(out.value());
        }
    }

    @Test
    void shouldWriteAndReadRequests() {
        final Struct request = new Struct(TracerAvroConverter.REQUEST_SCHEMA).put("request_id", "r-1").put("task", "t")
                .put("input", "hello").put("timestamp", new Date(1_790_000_000_000L)).put("attributes", Map.of("tenant", "a"));
        try (TracerAvroConverter c = converter()) {
            final byte[] bytes = c.fromConnectData("llm.requests", request.schema(), request);
            final LlmRequest read = TracerSerdes.llmRequest(REGISTRY, false).deserializer().deserialize("llm.requests", bytes);
            assertThat(read.getAttributes()).containsEntry("tenant", "a");
            assertThat(c.toConnectData("llm.requests", bytes).value()).isEqualTo(request);
        }
    }

    @Test
    void shouldRejectWhatIsNoTracerRecordWithAClearMessage() {
        try (TracerAvroConverter c = converter()) {
            assertThatThrownBy(() -> c.fromConnectData("t", null, Map.of("input", "x")))
                    .isInstanceOf(DataException.class).hasMessageContaining("LlmTraceToResponse");
            final Struct other = new Struct(org.apache.kafka.connect.data.SchemaBuilder.struct().name("x.Other")
                    .field("a", Schema.STRING_SCHEMA).build()).put("a", "b");
            assertThatThrownBy(() -> c.fromConnectData("t", other.schema(), other))
                    .isInstanceOf(DataException.class).hasMessageContaining("x.Other");
            assertThatThrownBy(() -> c.toConnectData("t", new byte[] {1, 2, 3}))
                    .isInstanceOf(DataException.class).hasMessageContaining("cannot read");
            assertThat(c.fromConnectData("t", null, null)).isNull();
        }
    }

    @Test
    void shouldBeRegisteredForServiceLoading() {
        assertThat(java.util.ServiceLoader.load(org.apache.kafka.connect.storage.Converter.class).stream()
                .map(p -> p.type().getName())).contains(TracerAvroConverter.class.getName());
        assertThat(java.util.ServiceLoader.load(org.apache.kafka.connect.source.SourceConnector.class).stream()
                .map(p -> p.type().getName())).contains(LogFileSourceConnector.class.getName());
    }
}
