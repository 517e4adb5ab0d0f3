/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import io.tracerstreams.testkit.SampleRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {

    private static final String SCOPE = "serde-test";
    private static final String URL = "mock://" + SCOPE;
    private MockSchemaRegistryClient registry;

    @BeforeEach
    void setUp() {
        MockSchemaRegistryClient.dropScope(SCOPE);
        registry = MockSchemaRegistryClient.forScope(SCOPE);
    }

    @AfterEach
    void tearDown() {
        MockSchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void shouldRoundTripEveryRecordType() {
        final List<Serde<? extends SpecificRecord>> serdes = List.of(TracerSerdes.llmRequest(URL, false),
                TracerSerdes.llmResponse(URL, false), TracerSerdes.routingDecision(URL, false),
                TracerSerdes.gateEvent(URL, false), TracerSerdes.taskStats(URL, false));
        final List<SpecificRecord> records = SampleRecords.all();
        for (int i = 0; i < records.size(); i++) {
            final SpecificRecord back = roundTrip(serdes.get(i), "topic-" + i, records.get(i));
            assertThat(back).isEqualTo(records.get(i)).isNotSameAs(records.get(i));
            final Schema registered = registry.getLatest("topic-" + i + "-value").schema();
            assertThat(registered).isEqualTo(AvroSchemas.withoutJavaProperties(records.get(i).getSchema()));
            assertThat(registered.toString()).doesNotContain("avro.java");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> SpecificRecord roundTrip(final Serde<T> serde, final String topic,
                                                                       final SpecificRecord record) {
        final byte[] bytes = serde.serializer().serialize(topic, (T) record);
        return serde.deserializer().deserialize(topic, bytes);
    }

    @Test
    void shouldWriteConfluentWireFormat() throws IOException {
        final LlmRequest request = SampleRecords.request();
        final byte[] bytes = TracerSerdes.llmRequest(URL, false).serializer().serialize("llm.requests", request);

        final int id = registry.getLatest("llm.requests-value").id();
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        final ByteArrayOutputStream avro = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
        new SpecificDatumWriter<LlmRequest>(LlmRequest.getClassSchema()).write(request, encoder);
        encoder.flush();
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avro.toByteArray());
    }

    @Test
    void shouldUseTopicNameStrategySubjectsForKeysAndValues() {
        TracerSerdes.llmRequest(URL, true).serializer().serialize("t", SampleRecords.request());
        TracerSerdes.llmResponse(URL, false).serializer().serialize("t", SampleRecords.response());

        assertThat(registry.subjects()).containsExactlyInAnyOrder("t-key", "t-value");
        assertThat(registry.getLatest("t-key").schema())
                .isEqualTo(AvroSchemas.withoutJavaProperties(LlmRequest.getClassSchema()));
        assertThat(registry.getLatest("t-value").schema())
                .isEqualTo(AvroSchemas.withoutJavaProperties(LlmResponse.getClassSchema()));
    }

    @Test
    void shouldMapNullToNull() {
        final SpecificAvroSerde<LlmRequest> serde = TracerSerdes.llmRequest(URL, false);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldOnlyLookUpIdsWhenAutoRegisterIsOff() {
        final Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        final SpecificAvroSerde<LlmRequest> serde = TracerSerdes.llmRequest(config, false);

        assertThatThrownBy(() -> serde.serializer().serialize("t", SampleRecords.request()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("auto.register.schemas=false").hasMessageContaining("t-value");

        final int id = registry.register("t-value", AvroSchemas.withoutJavaProperties(LlmRequest.getClassSchema()));
        final byte[] bytes = serde.serializer().serialize("t", SampleRecords.request());
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void shouldRegisterTheGeneratedSchemaVerbatimWhenAskedTo() {
        final SpecificAvroSerde<LlmRequest> serde = TracerSerdes.llmRequest(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL, AvroSerdeConfig.AVRO_REMOVE_JAVA_PROPERTIES, false), false);
        final byte[] bytes = serde.serializer().serialize("t", SampleRecords.request());

        assertThat(registry.getLatest("t-value").schema()).isEqualTo(LlmRequest.getClassSchema());
        assertThat(registry.getLatest("t-value").schema().toString()).contains("avro.java.string");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(SampleRecords.request());
    }

    @Test
    void shouldStripOnlyJavaPropertiesFromSchemas() {
        final Schema stripped = AvroSchemas.withoutJavaProperties(io.tracerstreams.schema.TaskStats.getClassSchema());
        assertThat(stripped.toString()).doesNotContain("avro.java");
        assertThat(org.apache.avro.SchemaNormalization.parsingFingerprint64(stripped)).isEqualTo(
                org.apache.avro.SchemaNormalization.parsingFingerprint64(
                        io.tracerstreams.schema.TaskStats.getClassSchema()));
        assertThat(stripped.getField("frontier").doc()).isNull();
        assertThat(stripped.getField("labels").doc()).isEqualTo("Labels the surrogate has seen.");
        assertThat(stripped.getField("timestamp").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
    }

    @Test
    void shouldRejectBytesWithWrongMagicByte() {
        final byte[] bytes = validBytes();
        bytes[0] = 1;
        assertThatThrownBy(() -> deserialize(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 1");
    }

    @Test
    void shouldRejectBytesShorterThanTheHeader() {
        assertThatThrownBy(() -> deserialize(new byte[] {0, 0, 1})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("shorter than the 5-byte");
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        final byte[] bytes = validBytes();
        ByteBuffer.wrap(bytes).putInt(1, 4242);
        assertThatThrownBy(() -> deserialize(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema id 4242").hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shouldRejectEveryTruncationOfAValidRecord() {
        final byte[] bytes = validBytes();
        for (int len = 0; len < bytes.length; len++) {
            final byte[] cut = Arrays.copyOf(bytes, len);
            assertThatThrownBy(() -> deserialize(cut)).as("truncated to %d bytes", len)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("Undecodable record");
        }
    }

    @Test
    void shouldRejectTrailingBytes() {
        final byte[] bytes = Arrays.copyOf(validBytes(), validBytes().length + 3);
        assertThatThrownBy(() -> deserialize(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void shouldReadRecordsWrittenWithAnOlderSchema() throws IOException {
        // LlmResponse as a first release might have had it: no input, model, latency or cost
        final Schema older = SchemaBuilder.record("LlmResponse").namespace("io.tracerstreams.schema").fields()
                .requiredString("request_id").requiredString("task").requiredString("label")
                .name("timestamp").type(timestampMillis()).noDefault()
                .endRecord();
        final int id = registry.register("llm.responses-value", older);
        final GenericRecord old = new GenericData.Record(older);
        old.put("request_id", "r-9");
        old.put("task", "clinc150");
        old.put("label", "balance");
        old.put("timestamp", 1_790_000_000_000L);

        final LlmResponse read = TracerSerdes.llmResponse(URL, false).deserializer()
                .deserialize("llm.responses", frame(id, older, old));

        assertThat(read.getRequestId()).isEqualTo("r-9");
        assertThat(read.getLabel()).isEqualTo("balance");
        assertThat(read.getInput()).isNull();
        assertThat(read.getModel()).isEmpty();
        assertThat(read.getLatencyMs()).isZero();
        assertThat(read.getCost()).isNull();
        assertThat(read.getTimestamp().toEpochMilli()).isEqualTo(1_790_000_000_000L);
    }

    @Test
    void shouldReadRecordsWrittenWithANewerSchema() throws IOException {
        // a later release adds a field with a default: today's reader skips it
        final Schema newer = SchemaBuilder.record("LlmRequest").namespace("io.tracerstreams.schema").fields()
                .requiredString("request_id").requiredString("task").requiredString("input")
                .name("timestamp").type(timestampMillis()).noDefault()
                .name("attributes").type().map().values().stringType().mapDefault(Map.of())
                .name("priority").type().intType().intDefault(0)
                .endRecord();
        final int id = registry.register("llm.requests-value", newer);
        final GenericRecord rec = new GenericData.Record(newer);
        rec.put("request_id", "r-2");
        rec.put("task", "t");
        rec.put("input", "hello");
        rec.put("timestamp", 5L);
        rec.put("attributes", Map.of("k", "v"));
        rec.put("priority", 7);

        final LlmRequest read = TracerSerdes.llmRequest(URL, false).deserializer()
                .deserialize("llm.requests", frame(id, newer, rec));

        assertThat(read.getInput()).isEqualTo("hello");
        assertThat(read.getAttributes()).containsEntry("k", "v");
    }

    @Test
    void shouldRejectRecordsWhoseWriterSchemaTheReaderCannotResolve() throws IOException {
        final Schema other = SchemaBuilder.record("LlmRequest").namespace("io.tracerstreams.schema").fields()
                .requiredString("something_else").endRecord();
        final int id = registry.register("elsewhere-value", other);
        final GenericRecord rec = new GenericData.Record(other);
        rec.put("something_else", "x");
        final byte[] bytes = frame(id, other, rec);
        assertThatThrownBy(() -> TracerSerdes.llmRequest(URL, false).deserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id " + id);
    }

    @Test
    void shouldConfigureReflectivelyAndFindTheReaderClassFromTheWriterSchema() {
        final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        final Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL);
        serde.configure(config, false);

        final byte[] bytes = serde.serializer().serialize("t", SampleRecords.gateEvent());
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(SampleRecords.gateEvent());
        serde.close();
    }

    @Test
    void shouldReadIntoTheConfiguredValueType() {
        final byte[] bytes = validBytes();
        final SpecificAvroDeserializer<SpecificRecord> typed = new SpecificAvroDeserializer<>();
        typed.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, LlmRequest.class.getName()), false);
        assertThat(typed.deserialize("t", bytes)).isInstanceOf(LlmRequest.class).isEqualTo(SampleRecords.request());

        final SpecificAvroDeserializer<SpecificRecord> wrong = new SpecificAvroDeserializer<>();
        assertThatThrownBy(() -> wrong.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, "java.lang.String"), false))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("specific.avro.value.type");
        assertThatThrownBy(() -> wrong.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, URL,
                AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, "no.such.Type"), true))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("specific.avro.key.type").hasMessageContaining("class not found");
    }

    @Test
    void shouldShareTheMockRegistryBetweenSerdesOfTheSameScope() {
        final byte[] bytes = TracerSerdes.taskStats(URL, false).serializer().serialize("s", SampleRecords.taskStats());
        final SpecificAvroSerde<io.tracerstreams.schema.TaskStats> other = TracerSerdes.taskStats(URL, false);
        assertThat(other.deserializer().deserialize("s", bytes)).isEqualTo(SampleRecords.taskStats());

        MockSchemaRegistryClient.dropScope(SCOPE);
        final SpecificAvroSerde<io.tracerstreams.schema.TaskStats> fresh = TracerSerdes.taskStats(URL, false);
        assertThatThrownBy(() -> fresh.deserializer().deserialize("s", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id");
    }

    @Test
    void shouldFailSerializationWithTheRegistryReasonWhenTheSchemaIsIncompatible() {
        final Schema breaking = SchemaBuilder.record("LlmRequest").namespace("io.tracerstreams.schema").fields()
                .requiredString("request_id").endRecord();
        registry.register("t-value", breaking);
        // the current LlmRequest adds required fields without defaults: BACKWARD rejects it
        assertThatThrownBy(() -> TracerSerdes.llmRequest(URL, false).serializer().serialize("t",
                SampleRecords.request()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("incompatible")
                .hasMessageContaining("t-value");
    }

    private static Schema timestampMillis() {
        return org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }

    private static byte[] frame(final int id, final Schema schema, final GenericRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFormat.header(id));
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private byte[] validBytes() {
        return TracerSerdes.llmRequest(URL, false).serializer().serialize("t", SampleRecords.request());
    }

    private LlmRequest deserialize(final byte[] bytes) {
        return TracerSerdes.llmRequest(URL, false).deserializer().deserialize("t", bytes);
    }
}
