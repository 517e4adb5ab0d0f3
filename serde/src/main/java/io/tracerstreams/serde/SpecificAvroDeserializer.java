/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into generated Avro records: fetches the writer schema by id (cached)
 * and resolves it to the reader class's schema, so records written with older or newer compatible schemas
 * decode. The reader class is the one given, else {@code specific.avro.key.type}/{@code value.type}, else
 * the class named by the writer schema. Null bytes give null. Anything undecodable (wrong magic byte,
 * unknown id, truncated or trailing bytes, incompatible schemas, registry unreachable after retries) throws
 * {@link SerializationException} with the reason; its cause is a {@link SchemaRegistryException} when the
 * registry was involved.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private Class<T> type;
    private boolean configured;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's reflective instantiation: {@link #configure(Map, boolean)} must follow. */
    public SpecificAvroDeserializer() {
    }

    /**
     * A ready deserializer on a given client (which the caller closes).
     *
     * @param type the reader class, or null to use the class named by each writer schema
     */
    public SpecificAvroDeserializer(final SchemaRegistryClient client, final Class<T> type) {
        this.client = Objects.requireNonNull(client, "client");
        this.type = type;
        this.configured = true;
    }

    /** Reads {@link AvroSerdeConfig} keys and creates the registry client (unless one was given). */
    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        configure(AvroSerdeConfig.fromMap(configs), isKey, null);
    }

    @SuppressWarnings("unchecked")
    void configure(final AvroSerdeConfig config, final boolean isKey, final SchemaRegistryClient shared) {
        if (shared != null) {
            this.client = shared;
        } else if (client == null) {
            this.client = SchemaRegistryClient.create(config);
            this.ownsClient = true;
        }
        if (type == null && config.readerType(isKey).isPresent()) {
            final String name = config.readerType(isKey).get();
            try {
                final Class<?> c = Class.forName(name, true, Thread.currentThread().getContextClassLoader() != null
                        ? Thread.currentThread().getContextClassLoader() : getClass().getClassLoader());
                if (!SpecificRecord.class.isAssignableFrom(c)) {
                    throw new org.apache.kafka.common.config.ConfigException(
                            isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
                            name, "is not a generated Avro SpecificRecord class");
                }
                this.type = (Class<T>) c;
            } catch (final ClassNotFoundException e) {
                throw new org.apache.kafka.common.config.ConfigException(
                        isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
                        name, "class not found");
            }
        }
        this.configured = true;
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (!configured) {
            throw new IllegalStateException("SpecificAvroDeserializer used before configure()");
        }
        final int id = WireFormat.schemaId(topic, data);
        final SpecificDatumReader<T> reader = readers.computeIfAbsent(id, k -> reader(topic, k));
        final BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
        final T value;
        try {
            value = reader.read(null, decoder);
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Undecodable record on topic " + topic + " (schema id " + id + ", "
                    + data.length + " bytes): " + describe(e), e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new SerializationException("Undecodable record on topic " + topic + " (schema id " + id
                        + "): trailing bytes after the Avro datum (wrong schema id or corrupted record)");
            }
        } catch (final IOException e) {
            throw new SerializationException("Undecodable record on topic " + topic + ": " + e, e);
        }
        return value;
    }

    private static String describe(final Throwable e) {
        if (e instanceof java.io.EOFException) {
            return "truncated payload (ended before the datum was complete)";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @SuppressWarnings("unchecked")
    private SpecificDatumReader<T> reader(final String topic, final int id) {
        final Schema writer;
        try {
            writer = client.getById(id);
        } catch (final SchemaRegistryException e) {
            final String what = e.isNotFound() ? "unknown schema id " + id : "cannot fetch schema id " + id;
            throw new SerializationException("Undecodable record on topic " + topic + ": " + what + ": "
                    + e.getMessage(), e);
        }
        final Schema readerSchema;
        if (type != null) {
            readerSchema = SpecificData.get().getSchema(type);
        } else {
            final Class<?> c = SpecificData.get().getClass(writer);
            if (c == null || !SpecificRecord.class.isAssignableFrom(c)) {
                throw new SerializationException("Undecodable record on topic " + topic + ": no generated class "
                        + "for writer schema " + writer.getFullName() + " (id " + id + "); configure the reader type");
            }
            readerSchema = SpecificData.get().getSchema(c);
        }
        return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForSchema(readerSchema));
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
}
