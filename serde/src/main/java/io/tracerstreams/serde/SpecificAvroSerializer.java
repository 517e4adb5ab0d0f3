/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format. The schema is registered under
 * {@code <topic>-key} or {@code <topic>-value} (TopicNameStrategy) on first use, or only looked up when
 * {@code auto.register.schemas=false}; ids are cached. A null record is written as null (a tombstone).
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean autoRegister = true;
    private boolean removeJavaProperties = true;
    private boolean isKey;
    private boolean configured;
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation: {@link #configure(Map, boolean)} must follow. */
    public SpecificAvroSerializer() {
    }

    /** A ready serializer on a given client (which the caller closes), registering schemas as in the .avsc. */
    public SpecificAvroSerializer(final SchemaRegistryClient client, final boolean autoRegister, final boolean isKey) {
        this(client, autoRegister, true, isKey);
    }

    /**
     * A ready serializer on a given client (which the caller closes).
     *
     * @param removeJavaProperties register schemas without the generator's {@code avro.java.string} hints
     */
    public SpecificAvroSerializer(final SchemaRegistryClient client, final boolean autoRegister,
                                  final boolean removeJavaProperties, final boolean isKey) {
        this.client = Objects.requireNonNull(client, "client");
        this.autoRegister = autoRegister;
        this.removeJavaProperties = removeJavaProperties;
        this.isKey = isKey;
        this.configured = true;
    }

    /** Reads {@link AvroSerdeConfig} keys and creates the registry client (unless one was given). */
    @Override
    public void configure(final Map<String, ?> configs, final boolean key) {
        configure(AvroSerdeConfig.fromMap(configs), key, null);
    }

    void configure(final AvroSerdeConfig config, final boolean key, final SchemaRegistryClient shared) {
        this.isKey = key;
        this.autoRegister = config.autoRegisterSchemas();
        this.removeJavaProperties = config.removeJavaProperties();
        if (shared != null) {
            this.client = shared;
        } else if (client == null) {
            this.client = SchemaRegistryClient.create(config);
            this.ownsClient = true;
        }
        this.configured = true;
    }

    /** The subject a topic's keys or values are registered under (TopicNameStrategy). */
    public static String subject(final String topic, final boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public byte[] serialize(final String topic, final T record) {
        if (record == null) {
            return null;
        }
        if (!configured) {
            throw new IllegalStateException("SpecificAvroSerializer used before configure()");
        }
        final Schema schema = record.getSchema();
        final String subject = subject(topic, isKey);
        final int id = ids.computeIfAbsent(new SubjectSchema(subject, schema), k -> schemaId(subject, schema));
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(WireFormat.header(id));
        try {
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema).write(record, encoder);
            encoder.flush();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + schema.getFullName() + " to topic " + topic
                    + " (schema id " + id + "): " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(final String subject, final Schema schema) {
        final Schema registered = removeJavaProperties ? AvroSchemas.withoutJavaProperties(schema) : schema;
        try {
            return autoRegister ? client.register(subject, registered) : client.getId(subject, registered);
        } catch (final SchemaRegistryException e) {
            final String what = autoRegister ? "register" : "look up (auto.register.schemas=false)";
            throw new SerializationException("Cannot " + what + " schema " + schema.getFullName() + " under subject "
                    + subject + ": " + e.getMessage(), e);
        }
    }

    /** The client in use (null before configure). */
    public SchemaRegistryClient client() {
        return client;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
