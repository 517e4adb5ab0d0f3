/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.io.Closeable;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API that tracer uses, for Avro schemas. Implementations:
 * {@link RestSchemaRegistryClient} (any Confluent-compatible registry over HTTP) and
 * {@link MockSchemaRegistryClient} (in-process, for {@code mock://} URLs). Failures throw
 * {@link SchemaRegistryException}. Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends Closeable {

    /**
     * Registers a schema under a subject (or finds it if already registered) and returns its global id.
     * Throws a {@link SchemaRegistryException} with {@link SchemaRegistryException#isIncompatible()} when the
     * subject's compatibility rule rejects it.
     */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under a subject, without registering it. */
    int getId(String subject, Schema schema);

    /** The schema with a global id. */
    Schema getById(int id);

    /** The latest version registered under a subject. */
    SchemaMetadata getLatest(String subject);

    /**
     * Sets the compatibility level of one subject, or the global default when {@code subject} is null.
     */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** The compatibility level of a subject (its own, or the global default), or the global one when null. */
    CompatibilityLevel getCompatibility(String subject);

    /** True when the schema could be registered under the subject (compatible with its latest version). */
    boolean testCompatibility(String subject, Schema schema);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }

    /**
     * The client for a configuration: an in-process registry shared per name for {@code mock://NAME}, else
     * a {@link RestSchemaRegistryClient}.
     */
    static SchemaRegistryClient create(final AvroSerdeConfig config) {
        final String first = config.registryUrls().get(0);
        if (first.startsWith(MockSchemaRegistryClient.SCHEME)) {
            return MockSchemaRegistryClient.forScope(MockSchemaRegistryClient.scopeOf(first));
        }
        return new RestSchemaRegistryClient(config);
    }

    /** {@link #create(AvroSerdeConfig)} from Kafka-style properties. */
    static SchemaRegistryClient create(final Map<String, ?> configs) {
        return create(AvroSerdeConfig.fromMap(configs));
    }
}
