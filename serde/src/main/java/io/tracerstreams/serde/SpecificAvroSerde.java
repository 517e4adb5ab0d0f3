/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} of generated Avro records in the Confluent wire format: a
 * {@link SpecificAvroSerializer} and a {@link SpecificAvroDeserializer} sharing one registry client.
 * Build ready instances with {@link TracerSerdes}, or instantiate reflectively and call
 * {@link #configure(Map, boolean)} with {@link AvroSerdeConfig} keys.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;
    private SchemaRegistryClient ownedClient;

    /** For reflective instantiation: the reader class comes from the writer schema or the config. */
    public SpecificAvroSerde() {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>();
    }

    /** A ready serde on a given client (which the caller closes); schemas are registered as in the .avsc. */
    public SpecificAvroSerde(final SchemaRegistryClient client, final Class<T> type, final boolean autoRegister,
                             final boolean isKey) {
        this(client, type, autoRegister, true, isKey);
    }

    /**
     * A ready serde on a given client (which the caller closes).
     *
     * @param type                 the reader class (null: the class named by the writer schema)
     * @param autoRegister         register schemas on first use, else only look their ids up
     * @param removeJavaProperties register schemas without the generator's {@code avro.java.string} hints
     * @param isKey                subjects {@code <topic>-key} (true) or {@code <topic>-value}
     */
    public SpecificAvroSerde(final SchemaRegistryClient client, final Class<T> type, final boolean autoRegister,
                             final boolean removeJavaProperties, final boolean isKey) {
        this.serializer = new SpecificAvroSerializer<>(client, autoRegister, removeJavaProperties, isKey);
        this.deserializer = new SpecificAvroDeserializer<>(client, type);
    }

    /** Makes {@link #close()} close the client too. */
    SpecificAvroSerde<T> owning(final SchemaRegistryClient client) {
        this.ownedClient = client;
        return this;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        configure(AvroSerdeConfig.fromMap(configs), isKey);
    }

    /** Configures both halves from a validated config with one new client, closed by {@link #close()}. */
    public void configure(final AvroSerdeConfig config, final boolean isKey) {
        final SchemaRegistryClient client = SchemaRegistryClient.create(config);
        this.ownedClient = client;
        serializer.configure(config, isKey, client);
        deserializer.configure(config, isKey, client);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
