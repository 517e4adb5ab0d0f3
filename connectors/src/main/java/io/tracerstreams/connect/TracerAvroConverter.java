/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.AvroSerdeConfig;
import io.tracerstreams.serde.SchemaRegistryClient;
import io.tracerstreams.serde.SpecificAvroDeserializer;
import io.tracerstreams.serde.SpecificAvroSerializer;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Connect converter that writes tracer's records as Avro in the Confluent wire format (magic byte 0, 4-byte
 * schema id) with tracer's own serde and registry client, so a Connect pipeline feeds {@code llm.responses} and
 * {@code llm.requests} exactly as tracer reads them: {@code LlmResponse} Structs (as {@link LlmTraceToResponse}
 * makes them) and {@code LlmRequest} Structs ({@link #REQUEST_SCHEMA}) become the generated Avro records, registered
 * under {@code <topic>-value} (or {@code -key}). It reads them back into the same Structs.
 *
 * <p>Settings (under {@code value.converter.} in a worker or connector configuration): those of tracer's serde,
 * {@code schema.registry.url} (Confluent, Apicurio's {@code /apis/ccompat/v7}, Karapace, Redpanda), the basic or
 * bearer auth keys, {@code auto.register.schemas} and the retry keys.
 */
public final class TracerAvroConverter implements Converter, Versioned {

    /** The Connect schema of an LlmRequest Struct. */
    public static final Schema REQUEST_SCHEMA = SchemaBuilder.struct().name("io.tracerstreams.schema.LlmRequest").version(1)
            .doc("A call to an LLM classification endpoint (topic llm.requests, key: task).")
            .field("request_id", Schema.STRING_SCHEMA)
            .field("task", Schema.STRING_SCHEMA)
            .field("input", Schema.STRING_SCHEMA)
            .field("timestamp", Timestamp.SCHEMA)
            .field("attributes", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).defaultValue(Map.of()).build())
            .build();

    /** The settings, for Connect's validation and docs: tracer's serde keys that matter most. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(AvroSerdeConfig.SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Confluent-REST-compatible schema registry URL(s), e.g. http://registry:8080/apis/ccompat/v7.")
            .define(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record schema under <topic>-value on first use (false: only look its id up).")
            .define(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, null, Importance.MEDIUM,
                    "URL (user:password@ in the url) or USER_INFO (basic.auth.user.info).")
            .define(AvroSerdeConfig.BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, "user:password for the registry.")
            .define(AvroSerdeConfig.BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM, "A static bearer token for the registry.");

    private SchemaRegistryClient client;
    private SpecificAvroSerializer<LlmResponse> responses;
    private SpecificAvroSerializer<LlmRequest> requests;
    private SpecificAvroDeserializer<SpecificRecord> reader;

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final AvroSerdeConfig config = AvroSerdeConfig.fromMap(configs);
        close();
        this.client = SchemaRegistryClient.create(config);
        this.responses = new SpecificAvroSerializer<>(client, config.autoRegisterSchemas(), config.removeJavaProperties(), isKey);
        this.requests = new SpecificAvroSerializer<>(client, config.autoRegisterSchemas(), config.removeJavaProperties(), isKey);
        this.reader = new SpecificAvroDeserializer<>(client, null);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public byte[] fromConnectData(final String topic, final Schema schema, final Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Struct struct)) {
            throw new DataException("TracerAvroConverter writes tracer's LlmResponse and LlmRequest Structs (use the "
                    + "LlmTraceToResponse transformation); got a " + value.getClass().getSimpleName());
        }
        final String name = struct.schema().name();
        try {
            if (LlmTraceToResponse.SCHEMA_NAME.equals(name)) {
                return responses.serialize(topic, toResponse(struct));
            }
            if (REQUEST_SCHEMA.name().equals(name)) {
                return requests.serialize(topic, toRequest(struct));
            }
        } catch (final SerializationException e) {
            throw new DataException("cannot write " + name + " to " + topic + ": " + e.getMessage(), e);
        }
        throw new DataException("TracerAvroConverter writes Structs named " + LlmTraceToResponse.SCHEMA_NAME + " or "
                + REQUEST_SCHEMA.name() + "; got one named " + name);
    }

    @Override
    public SchemaAndValue toConnectData(final String topic, final byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        final SpecificRecord record;
        try {
            record = reader.deserialize(topic, value);
        } catch (final SerializationException e) {
            throw new DataException("cannot read a tracer record from " + topic + ": " + e.getMessage(), e);
        }
        if (record instanceof LlmResponse r) {
            final Struct s = new Struct(LlmTraceToResponse.VALUE_SCHEMA).put("request_id", r.getRequestId())
                    .put("task", r.getTask()).put("label", r.getLabel()).put("input", r.getInput())
                    .put("model", r.getModel()).put("latency_ms", r.getLatencyMs()).put("cost", r.getCost())
                    .put("timestamp", Date.from(r.getTimestamp()));
            return new SchemaAndValue(LlmTraceToResponse.VALUE_SCHEMA, s);
        }
        if (record instanceof LlmRequest r) {
            final Struct s = new Struct(REQUEST_SCHEMA).put("request_id", r.getRequestId()).put("task", r.getTask())
                    .put("input", r.getInput()).put("timestamp", Date.from(r.getTimestamp()))
                    .put("attributes", new HashMap<>(r.getAttributes()));
            return new SchemaAndValue(REQUEST_SCHEMA, s);
        }
        throw new DataException("TracerAvroConverter reads LlmResponse and LlmRequest records; " + topic + " holds a "
                + record.getSchema().getFullName());
    }

    private static LlmResponse toResponse(final Struct s) {
        s.validate();
        return LlmResponse.newBuilder().setRequestId(s.getString("request_id")).setTask(s.getString("task"))
                .setLabel(s.getString("label")).setInput(s.getString("input")).setModel(s.getString("model"))
                .setLatencyMs(s.getInt64("latency_ms")).setCost(s.getFloat64("cost"))
                .setTimestamp(((Date) s.get("timestamp")).toInstant()).build();
    }

    private static LlmRequest toRequest(final Struct s) {
        s.validate();
        final Map<String, String> attributes = new HashMap<>();
        final Map<?, ?> raw = s.getMap("attributes");
        if (raw != null) {
            raw.forEach((k, v) -> attributes.put(String.valueOf(k), String.valueOf(v)));
        }
        return LlmRequest.newBuilder().setRequestId(s.getString("request_id")).setTask(s.getString("task"))
                .setInput(s.getString("input")).setTimestamp(((Date) s.get("timestamp")).toInstant())
                .setAttributes(attributes).build();
    }

    @Override
    public String version() {
        final String v = TracerAvroConverter.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** Closes the registry client. */
    @Override
    public void close() {
        if (client != null) {
            Utils.closeQuietly(client, "registry client");
            client = null;
        }
    }
}
