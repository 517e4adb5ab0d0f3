/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The immutable, validated configuration of a {@link TracerClient}, built with {@link #builder()}. Every error names
 * the setting at fault. Topic names default to the application's defaults ({@code llm.requests},
 * {@code llm.responses}, {@code tracer.decisions}).
 */
public final class TracerClientConfig {

    /** Default of {@link Builder#requestsTopic(String)}. */
    public static final String DEFAULT_REQUESTS_TOPIC = "llm.requests";
    /** Default of {@link Builder#responsesTopic(String)}. */
    public static final String DEFAULT_RESPONSES_TOPIC = "llm.responses";
    /** Default of {@link Builder#decisionsTopic(String)}. */
    public static final String DEFAULT_DECISIONS_TOPIC = "tracer.decisions";
    /** Default of {@link Builder#defaultTimeout(Duration)}: a call without a decision after it completes DEFERRED, TIMEOUT. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@link Builder#closeTimeout(Duration)}: how long close() waits for calls in flight. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@link Builder#metadataRefresh(Duration)}: how often the client looks for new decision partitions. */
    public static final Duration DEFAULT_METADATA_REFRESH = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final String requestsTopic;
    private final String responsesTopic;
    private final String decisionsTopic;
    private final Duration defaultTimeout;
    private final Duration closeTimeout;
    private final Duration metadataRefresh;
    private final String clientId;
    private final Map<String, Object> kafkaProperties;
    private final Map<String, Object> registryProperties;

    private TracerClientConfig(final Builder b) {
        this.bootstrapServers = required("bootstrapServers", b.bootstrapServers);
        this.schemaRegistryUrl = required("schemaRegistryUrl", b.schemaRegistryUrl);
        this.requestsTopic = topic("requestsTopic", b.requestsTopic);
        this.responsesTopic = topic("responsesTopic", b.responsesTopic);
        this.decisionsTopic = topic("decisionsTopic", b.decisionsTopic);
        this.defaultTimeout = positive("defaultTimeout", b.defaultTimeout);
        this.closeTimeout = nonNegative("closeTimeout", b.closeTimeout);
        this.metadataRefresh = positive("metadataRefresh", b.metadataRefresh);
        this.clientId = b.clientId == null ? "tracer-client-" + UUID.randomUUID().toString().substring(0, 8)
                : required("clientId", b.clientId);
        for (final String managed : new String[] {"bootstrap.servers", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "isolation.level", "group.id", "enable.auto.commit"}) {
            if (b.kafkaProperties.containsKey(managed)) {
                throw new IllegalArgumentException("kafkaProperty " + managed + " is set by the client itself"
                        + (managed.equals("bootstrap.servers") ? "; use bootstrapServers(...)" : "; remove it"));
            }
        }
        if (b.registryProperties.containsKey("schema.registry.url")) {
            throw new IllegalArgumentException("registryProperty schema.registry.url: use schemaRegistryUrl(...)");
        }
        this.kafkaProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.kafkaProperties));
        this.registryProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.registryProperties));
    }

    /** A new builder; {@code bootstrapServers} and {@code schemaRegistryUrl} are required. */
    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public String requestsTopic() {
        return requestsTopic;
    }

    public String responsesTopic() {
        return responsesTopic;
    }

    public String decisionsTopic() {
        return decisionsTopic;
    }

    /** The timeout of a call that names none. */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** How long {@link TracerClient#close()} waits for calls in flight before completing them TIMEOUT. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    public Duration metadataRefresh() {
        return metadataRefresh;
    }

    /** The client id of the producer and the consumer, and the {@code client-id} tag of the metrics. */
    public String clientId() {
        return clientId;
    }

    /** Extra Kafka client settings given to the producer and the consumer (security, timeouts, ...). */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /** Extra serde settings ({@code io.tracerstreams.serde.AvroSerdeConfig} keys: credentials, retries, ...). */
    public Map<String, Object> registryProperties() {
        return registryProperties;
    }

    /** The serde configuration: the registry URL and the registry properties. */
    Map<String, Object> serdeConfig() {
        final Map<String, Object> m = new LinkedHashMap<>(registryProperties);
        m.put("schema.registry.url", schemaRegistryUrl);
        return m;
    }

    @Override
    public String toString() {
        return "TracerClientConfig{bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", requestsTopic=" + requestsTopic + ", responsesTopic=" + responsesTopic + ", decisionsTopic="
                + decisionsTopic + ", defaultTimeout=" + defaultTimeout + ", closeTimeout=" + closeTimeout
                + ", clientId=" + clientId + ", kafkaProperties=" + kafkaProperties.keySet()
                + ", registryProperties=" + registryProperties.keySet() + "}";
    }

    private static String required(final String name, final String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required and must not be blank");
        }
        return value.trim();
    }

    private static String topic(final String name, final String value) {
        final String t = required(name, value);
        if (!t.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException(name + " '" + t + "' is not a legal Kafka topic name "
                    + "(1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-')");
        }
        return t;
    }

    private static Duration positive(final String name, final Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    private static Duration nonNegative(final String name, final Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    /** Builds a {@link TracerClientConfig}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String requestsTopic = DEFAULT_REQUESTS_TOPIC;
        private String responsesTopic = DEFAULT_RESPONSES_TOPIC;
        private String decisionsTopic = DEFAULT_DECISIONS_TOPIC;
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration metadataRefresh = DEFAULT_METADATA_REFRESH;
        private String clientId;
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
        private final Map<String, Object> registryProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The Kafka cluster ({@code host:port,...}). Required. */
        public Builder bootstrapServers(final String value) {
            this.bootstrapServers = value;
            return this;
        }

        /** The Confluent-API schema registry ({@code http(s)://...}, or {@code mock://NAME} in tests). Required. */
        public Builder schemaRegistryUrl(final String value) {
            this.schemaRegistryUrl = value;
            return this;
        }

        /** The topic tracer reads requests from (the application's {@code topic.requests}). */
        public Builder requestsTopic(final String value) {
            this.requestsTopic = value;
            return this;
        }

        /** The topic tracer reads the LLM's answers from (the application's {@code topic.responses}). */
        public Builder responsesTopic(final String value) {
            this.responsesTopic = value;
            return this;
        }

        /** The topic tracer writes decisions to (the application's {@code topic.decisions}). */
        public Builder decisionsTopic(final String value) {
            this.decisionsTopic = value;
            return this;
        }

        /** The timeout of calls that name none (default 5 s); must be positive. */
        public Builder defaultTimeout(final Duration value) {
            this.defaultTimeout = value;
            return this;
        }

        /** How long close() waits for calls in flight (default 10 s); zero completes them TIMEOUT at once. */
        public Builder closeTimeout(final Duration value) {
            this.closeTimeout = value;
            return this;
        }

        /** How often the decision consumer looks for new partitions (default 30 s). */
        public Builder metadataRefresh(final Duration value) {
            this.metadataRefresh = value;
            return this;
        }

        /** The client id (default {@code tracer-client-<random>}). */
        public Builder clientId(final String value) {
            this.clientId = value;
            return this;
        }

        /** An extra Kafka client setting for the producer and the consumer, e.g. {@code security.protocol}. */
        public Builder kafkaProperty(final String key, final Object value) {
            kafkaProperties.put(Objects.requireNonNull(key, "kafkaProperty key"), Objects.requireNonNull(value, key));
            return this;
        }

        /** An extra serde setting, e.g. {@code basic.auth.user.info}. */
        public Builder registryProperty(final String key, final Object value) {
            registryProperties.put(Objects.requireNonNull(key, "registryProperty key"), Objects.requireNonNull(value, key));
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the setting at fault. */
        public TracerClientConfig build() {
            return new TracerClientConfig(this);
        }
    }
}
