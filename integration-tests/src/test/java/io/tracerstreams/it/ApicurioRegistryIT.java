/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import io.tracerstreams.testkit.SampleRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.AvroSchemas;
import io.tracerstreams.serde.AvroSerdeConfig;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryException;
import io.tracerstreams.serde.SpecificAvroSerde;
import io.tracerstreams.serde.TracerSerdes;
import io.tracerstreams.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.LogicalTypes;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tracer's serde and REST client against a real registry: Apicurio Registry 3.0.9 (Maven Central artifact,
 * in-memory storage) through its Confluent-compatible API. Skipped, with the reason, only when the Apicurio
 * artifact cannot be found.
 */
class ApicurioRegistryIT {

    private static ApicurioRegistry apicurio;
    private static SchemaRegistryClient admin;
    private static String skipReason;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        final Optional<Path> runner = ApicurioRegistry.runnerJar();
        if (runner.isEmpty()) {
            // reported per test (a @BeforeAll abort would show as "0 tests run" in failsafe's summary)
            skipReason = ApicurioRegistry.missingArtifactReason();
            System.err.println(skipReason);
            return;
        }
        apicurio = ApicurioRegistry.start(runner.get());
        admin = new RestSchemaRegistryClient(apicurio.ccompatUrl());
        // Apicurio's default is NONE; tracer's schemas evolve BACKWARD (DESIGN.md section 3)
        admin.setCompatibility(null, CompatibilityLevel.BACKWARD);
    }

    @BeforeEach
    void requireRegistry() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @Test
    void shouldUseBackwardCompatibilityGlobally() {
        assertThat(admin.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(admin.getCompatibility("no-such-subject")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldRoundTripEveryRecordTypeInTheConfluentWireFormat() throws IOException {
        final List<SpecificRecord> records = SampleRecords.all();
        final long t0 = System.nanoTime();
        for (final SpecificRecord record : records) {
            final String topic = "it.roundtrip." + record.getSchema().getName();
            final SpecificAvroSerde<SpecificRecord> writer = serde(record, Map.of());
            final byte[] bytes = writer.serializer().serialize(topic, record);

            // a second serde with its own client: nothing cached, the schema comes from the registry by id
            final SpecificAvroSerde<SpecificRecord> reader = serde(record, Map.of());
            assertThat(reader.deserializer().deserialize(topic, bytes)).isEqualTo(record);

            final int id = admin.getLatest(topic + "-value").id();
            assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
            assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avroBinary(record));
            assertThat(admin.getById(id)).isEqualTo(AvroSchemas.withoutJavaProperties(record.getSchema()));
            writer.close();
            reader.close();
        }
        System.out.printf("round-tripped %d record types through Apicurio in %.0f ms%n", records.size(),
                (System.nanoTime() - t0) / 1e6);
    }

    @Test
    void shouldUseTopicNameStrategyForKeysToo() {
        final SpecificAvroSerde<io.tracerstreams.schema.LlmRequest> keySerde = TracerSerdes.llmRequest(
                apicurio.ccompatUrl(), true);
        final byte[] bytes = keySerde.serializer().serialize("it.keys", SampleRecords.request());
        assertThat(admin.getLatest("it.keys-key").id()).isEqualTo(ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertThat(keySerde.deserializer().deserialize("it.keys", bytes)).isEqualTo(SampleRecords.request());
    }

    @Test
    void shouldRejectAnIncompatibleSchema() {
        final String subject = "it.breaking-value";
        final Schema v1 = SchemaBuilder.record("Thing").namespace("io.tracerstreams.it").fields()
                .requiredString("a").endRecord();
        final Schema breaking = SchemaBuilder.record("Thing").namespace("io.tracerstreams.it").fields()
                .requiredString("a").requiredInt("b").endRecord();
        final Schema compatible = SchemaBuilder.record("Thing").namespace("io.tracerstreams.it").fields()
                .requiredString("a").name("b").type().intType().intDefault(0).endRecord();
        final int id1 = admin.register(subject, v1);

        assertThat(admin.testCompatibility(subject, breaking)).isFalse();
        assertThatThrownBy(() -> admin.register(subject, breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isIncompatible()).isTrue();
                    assertThat(e.httpStatus()).isEqualTo(409);
                })
                .hasMessageContaining(subject);
        assertThat(admin.getLatest(subject).id()).isEqualTo(id1);

        assertThat(admin.testCompatibility(subject, compatible)).isTrue();
        assertThat(admin.register(subject, compatible)).isNotEqualTo(id1);
        assertThat(admin.getLatest(subject).version()).isEqualTo(2);
    }

    @Test
    void shouldFailSerializationWhenTheTopicHoldsAnIncompatibleSchema() {
        final Schema unrelated = SchemaBuilder.record("LlmRequest").namespace("io.tracerstreams.schema").fields()
                .requiredString("request_id").requiredString("tenant").endRecord();
        admin.register("it.clash-value", unrelated);
        final SpecificAvroSerde<io.tracerstreams.schema.LlmRequest> serde = TracerSerdes.llmRequest(
                apicurio.ccompatUrl(), false);
        assertThatThrownBy(() -> serde.serializer().serialize("it.clash", SampleRecords.request()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("it.clash-value")
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shouldReadDataWrittenWithAnOlderSchemaVersion() throws IOException {
        final String topic = "it.evolution";
        final Schema older = SchemaBuilder.record("LlmResponse").namespace("io.tracerstreams.schema").fields()
                .requiredString("request_id").requiredString("task").requiredString("label")
                .name("timestamp").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault().endRecord();
        final int oldId = admin.register(topic + "-value", older);
        final GenericRecord old = new GenericData.Record(older);
        old.put("request_id", "r-old");
        old.put("task", "clinc150");
        old.put("label", "balance");
        old.put("timestamp", 42L);
        final ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.writeBytes(WireFormat.header(oldId));
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(framed, null);
        new GenericDatumWriter<GenericRecord>(older).write(old, encoder);
        encoder.flush();

        final SpecificAvroSerde<LlmResponse> serde = TracerSerdes.llmResponse(apicurio.ccompatUrl(), false);
        final LlmResponse read = serde.deserializer().deserialize(topic, framed.toByteArray());
        assertThat(read.getRequestId()).isEqualTo("r-old");
        assertThat(read.getCost()).isNull();
        assertThat(read.getModel()).isEmpty();

        // the current schema is a BACKWARD-compatible second version of the same subject
        final byte[] current = serde.serializer().serialize(topic, SampleRecords.response());
        assertThat(ByteBuffer.wrap(current, 1, 4).getInt()).isNotEqualTo(oldId);
        assertThat(admin.getLatest(topic + "-value").version()).isEqualTo(2);
        assertThat(serde.deserializer().deserialize(topic, current)).isEqualTo(SampleRecords.response());
    }

    @Test
    void shouldRejectAnUnknownSchemaIdAsUndecodable() {
        final SpecificAvroSerde<LlmResponse> serde = TracerSerdes.llmResponse(apicurio.ccompatUrl(), false);
        final byte[] bytes = serde.serializer().serialize("it.unknown", SampleRecords.response());
        ByteBuffer.wrap(bytes).putInt(1, 987_654);
        assertThatThrownBy(() -> serde.deserializer().deserialize("it.unknown", bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema id 987654");
    }

    @Test
    void shouldWorkWithBasicAuthAndBearerHeaders() {
        // this Apicurio runs without authentication: credentials must simply not get in the way
        for (final Map<String, Object> auth : List.<Map<String, Object>>of(
                Map.of(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                        AvroSerdeConfig.BASIC_AUTH_USER_INFO, "tracer:s3cret"),
                Map.of(AvroSerdeConfig.BEARER_AUTH_TOKEN, "token-123"))) {
            final SpecificAvroSerde<SpecificRecord> serde = serde(SampleRecords.gateEvent(), auth);
            final String topic = "it.auth." + auth.keySet().iterator().next();
            final byte[] bytes = serde.serializer().serialize(topic, SampleRecords.gateEvent());
            assertThat(serde(SampleRecords.gateEvent(), auth).deserializer().deserialize(topic, bytes))
                    .isEqualTo(SampleRecords.gateEvent());
        }
    }

    @Test
    void shouldLookUpWithoutRegisteringWhenAutoRegisterIsOff() {
        final Map<String, Object> noRegister = Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        final SpecificAvroSerde<SpecificRecord> serde = serde(SampleRecords.taskStats(), noRegister);
        assertThatThrownBy(() -> serde.serializer().serialize("it.lookup", SampleRecords.taskStats()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("it.lookup-value");

        final int id = admin.register("it.lookup-value",
                AvroSchemas.withoutJavaProperties(SampleRecords.taskStats().getSchema()));
        final byte[] bytes = serde(SampleRecords.taskStats(), noRegister).serializer()
                .serialize("it.lookup", SampleRecords.taskStats());
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    }

    @SuppressWarnings("unchecked")
    private static SpecificAvroSerde<SpecificRecord> serde(final SpecificRecord record,
                                                           final Map<String, Object> extra) {
        final Map<String, Object> config = new HashMap<>(extra);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, apicurio.ccompatUrl());
        return TracerSerdes.forType((Class<SpecificRecord>) record.getClass(), AvroSerdeConfig.fromMap(config),
                false);
    }

    private static byte[] avroBinary(final SpecificRecord record) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
