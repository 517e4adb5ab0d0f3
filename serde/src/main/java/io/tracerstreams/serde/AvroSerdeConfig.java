/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of tracer's Avro serdes and registry client, with Confluent's key names. Immutable and
 * validated: a bad value fails with a {@link ConfigException} naming the key (secrets are never echoed).
 *
 * @param registryUrls       {@value #SCHEMA_REGISTRY_URL}: one or more base URLs (failover in order), or
 *                           one {@code mock://NAME}
 * @param autoRegisterSchemas {@value #AUTO_REGISTER_SCHEMAS}: register the writer schema on first use
 *                           (default true); when false the schema must already be registered
 * @param removeJavaProperties {@value #AVRO_REMOVE_JAVA_PROPERTIES}: register schemas without the
 *                           {@code avro.java.string} hints the code generator adds (default true, unlike
 *                           Confluent), so the registered text equals the .avsc and non-Java clients
 *                           registering the same file get the same id
 * @param credentials        from {@value #BASIC_AUTH_CREDENTIALS_SOURCE} + {@value #BASIC_AUTH_USER_INFO}
 *                           or {@value #BEARER_AUTH_TOKEN}
 * @param requestTimeout     {@value #REQUEST_TIMEOUT_MS}: timeout of one HTTP request (default 10 s)
 * @param maxRetries         {@value #MAX_RETRIES}: retries after IO errors, 5xx and 429 (default 3)
 * @param retryBackoff       {@value #RETRY_BACKOFF_MS}: first backoff, doubled each retry (default 100 ms)
 * @param retryBackoffMax    {@value #RETRY_BACKOFF_MAX_MS}: backoff cap (default 2 s)
 * @param keyType            {@value #SPECIFIC_AVRO_KEY_TYPE}: reader class of keys (empty: from the writer
 *                           schema's full name)
 * @param valueType          {@value #SPECIFIC_AVRO_VALUE_TYPE}: reader class of values (likewise)
 * @param tls                the {@code schema.registry.ssl.*} truststore and keystore ({@link RegistryTls})
 */
public record AvroSerdeConfig(
        List<String> registryUrls,
        boolean autoRegisterSchemas,
        boolean removeJavaProperties,
        RegistryCredentials credentials,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        Duration retryBackoffMax,
        Optional<String> keyType,
        Optional<String> valueType,
        RegistryTls tls) {

    /** Comma-separated registry base URLs, or {@code mock://NAME}. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register schemas on first use (true) or only look their ids up (false). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Register schemas without the generator's {@code avro.java.string} properties. */
    public static final String AVRO_REMOVE_JAVA_PROPERTIES = "avro.remove.java.properties";
    /** Where basic auth credentials come from: {@code USER_INFO} or {@code URL} (user:password@host). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for basic auth. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Where the bearer token comes from: only {@code STATIC_TOKEN} is supported. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** A static bearer token. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** Timeout of one HTTP request, milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Retries after IO errors, 5xx and 429. */
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    /** First retry backoff, milliseconds; doubled per retry. */
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    /** Retry backoff cap, milliseconds. */
    public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
    /** Fully qualified SpecificRecord class that keys are read into. */
    public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
    /** Fully qualified SpecificRecord class that values are read into. */
    public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";
    /** Only TopicNameStrategy is implemented: when set, these must name it. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Only TopicNameStrategy is implemented: when set, these must name it. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    public AvroSerdeConfig {
        Objects.requireNonNull(registryUrls, SCHEMA_REGISTRY_URL);
        registryUrls = List.copyOf(registryUrls);
        if (registryUrls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, registryUrls, "at least one URL is required");
        }
        for (final String url : registryUrls) {
            checkUrl(url, registryUrls.size());
        }
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(requestTimeout, REQUEST_TIMEOUT_MS);
        Objects.requireNonNull(retryBackoff, RETRY_BACKOFF_MS);
        Objects.requireNonNull(retryBackoffMax, RETRY_BACKOFF_MAX_MS);
        Objects.requireNonNull(keyType, SPECIFIC_AVRO_KEY_TYPE);
        Objects.requireNonNull(valueType, SPECIFIC_AVRO_VALUE_TYPE);
        Objects.requireNonNull(tls, "tls");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigException(REQUEST_TIMEOUT_MS, requestTimeout.toMillis(), "must be positive");
        }
        if (maxRetries < 0 || maxRetries > 100) {
            throw new ConfigException(MAX_RETRIES, maxRetries, "must be in [0, 100]");
        }
        if (retryBackoff.isNegative()) {
            throw new ConfigException(RETRY_BACKOFF_MS, retryBackoff.toMillis(), "must not be negative");
        }
        if (retryBackoffMax.compareTo(retryBackoff) < 0) {
            throw new ConfigException(RETRY_BACKOFF_MAX_MS, retryBackoffMax.toMillis(),
                    "must be at least " + RETRY_BACKOFF_MS + " (" + retryBackoff.toMillis() + ")");
        }
    }

    /** Without TLS settings ({@link RegistryTls#NONE}). */
    public AvroSerdeConfig(final List<String> registryUrls, final boolean autoRegisterSchemas, final boolean removeJavaProperties,
                           final RegistryCredentials credentials, final Duration requestTimeout, final int maxRetries,
                           final Duration retryBackoff, final Duration retryBackoffMax, final Optional<String> keyType,
                           final Optional<String> valueType) {
        this(registryUrls, autoRegisterSchemas, removeJavaProperties, credentials, requestTimeout, maxRetries, retryBackoff,
                retryBackoffMax, keyType, valueType, RegistryTls.NONE);
    }

    /** Defaults for one registry URL (or {@code mock://NAME}). */
    public static AvroSerdeConfig forUrl(final String registryUrl) {
        return fromMap(Map.of(SCHEMA_REGISTRY_URL, registryUrl));
    }

    /** A copy with another auto-register setting. */
    public AvroSerdeConfig withAutoRegister(final boolean autoRegister) {
        return new AvroSerdeConfig(registryUrls, autoRegister, removeJavaProperties, credentials, requestTimeout,
                maxRetries, retryBackoff, retryBackoffMax, keyType, valueType, tls);
    }

    /** A copy with other credentials. */
    public AvroSerdeConfig withCredentials(final RegistryCredentials newCredentials) {
        return new AvroSerdeConfig(registryUrls, autoRegisterSchemas, removeJavaProperties, newCredentials,
                requestTimeout, maxRetries, retryBackoff, retryBackoffMax, keyType, valueType, tls);
    }

    /** True for {@code mock://} URLs. */
    public boolean isMock() {
        return registryUrls.get(0).startsWith(MockSchemaRegistryClient.SCHEME);
    }

    /** The reader class name configured for keys or values, if any. */
    public Optional<String> readerType(final boolean isKey) {
        return isKey ? keyType : valueType;
    }

    /**
     * Parses Kafka-style properties (the map given to {@code Serializer.configure}); unknown keys are ignored
     * so the same map can carry producer and streams settings.
     */
    public static AvroSerdeConfig fromMap(final Map<String, ?> configs) {
        Objects.requireNonNull(configs, "configs");
        final Object rawUrls = configs.get(SCHEMA_REGISTRY_URL);
        if (rawUrls == null) {
            throw new ConfigException("Missing required configuration \"" + SCHEMA_REGISTRY_URL
                    + "\" (a registry base URL such as http://localhost:8081, or mock://NAME)");
        }
        final List<String> urls = new ArrayList<>();
        for (final String url : asList(rawUrls)) {
            if (!url.isBlank()) {
                urls.add(url.trim());
            }
        }
        final boolean autoRegister = bool(configs, AUTO_REGISTER_SCHEMAS, true);
        checkStrategy(configs, KEY_SUBJECT_NAME_STRATEGY);
        checkStrategy(configs, VALUE_SUBJECT_NAME_STRATEGY);
        final RegistryCredentials credentials = credentials(configs, urls);
        final List<String> cleanUrls = new ArrayList<>();
        for (final String url : urls) {
            cleanUrls.add(stripUserInfo(url));
        }
        return new AvroSerdeConfig(cleanUrls, autoRegister, bool(configs, AVRO_REMOVE_JAVA_PROPERTIES, true),
                credentials,
                Duration.ofMillis(number(configs, REQUEST_TIMEOUT_MS, 10_000)),
                (int) number(configs, MAX_RETRIES, 3),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MS, 100)),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MAX_MS, 2_000)),
                optionalString(configs, SPECIFIC_AVRO_KEY_TYPE),
                optionalString(configs, SPECIFIC_AVRO_VALUE_TYPE),
                RegistryTls.fromMap(configs));
    }

    private static RegistryCredentials credentials(final Map<String, ?> configs, final List<String> urls) {
        final Optional<String> userInfo = optionalString(configs, BASIC_AUTH_USER_INFO);
        final Optional<String> token = optionalString(configs, BEARER_AUTH_TOKEN);
        final String source = optionalString(configs, BASIC_AUTH_CREDENTIALS_SOURCE)
                .map(s -> s.toUpperCase(Locale.ROOT)).orElse(null);
        final String bearerSource = optionalString(configs, BEARER_AUTH_CREDENTIALS_SOURCE)
                .map(s -> s.toUpperCase(Locale.ROOT)).orElse("STATIC_TOKEN");
        if (!"STATIC_TOKEN".equals(bearerSource)) {
            throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE, bearerSource,
                    "only STATIC_TOKEN (with " + BEARER_AUTH_TOKEN + ") is supported");
        }
        final Optional<String> urlUserInfo = urls.isEmpty() ? Optional.empty() : userInfoOf(urls.get(0));
        final boolean basicWanted = userInfo.isPresent() || "USER_INFO".equals(source) || "URL".equals(source);
        if (token.isPresent() && basicWanted) {
            throw new ConfigException("Both " + BEARER_AUTH_TOKEN + " and basic auth ("
                    + BASIC_AUTH_USER_INFO + "/" + BASIC_AUTH_CREDENTIALS_SOURCE + ") are set: choose one");
        }
        if (token.isPresent()) {
            return new RegistryCredentials.Bearer(token.get());
        }
        if (source != null && !"USER_INFO".equals(source) && !"URL".equals(source)) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "must be USER_INFO or URL");
        }
        if ("URL".equals(source)) {
            return urlUserInfo.map(RegistryCredentials.Basic::parse).orElseThrow(() -> new ConfigException(
                    BASIC_AUTH_CREDENTIALS_SOURCE + "=URL but " + SCHEMA_REGISTRY_URL
                            + " has no user:password@ part"));
        }
        if (userInfo.isPresent()) {
            try {
                return RegistryCredentials.Basic.parse(userInfo.get());
            } catch (final IllegalArgumentException e) {
                throw new ConfigException("Invalid value for configuration " + BASIC_AUTH_USER_INFO
                        + ": must be 'user:password' (value not shown)");
            }
        }
        if ("USER_INFO".equals(source)) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO but " + BASIC_AUTH_USER_INFO
                    + " is not set");
        }
        // Confluent's default source is URL: credentials embedded in the URL are used when present
        return urlUserInfo.<RegistryCredentials>map(RegistryCredentials.Basic::parse).orElse(RegistryCredentials.NONE);
    }

    private static void checkUrl(final String url, final int count) {
        if (url.startsWith(MockSchemaRegistryClient.SCHEME)) {
            if (count > 1) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "a mock:// URL cannot be combined with others");
            }
            if (url.length() == MockSchemaRegistryClient.SCHEME.length()) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "mock:// needs a scope name, e.g. mock://demo");
            }
            return;
        }
        try {
            final URI uri = new URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url, "must be an http(s)://host[:port][/path] URL or mock://NAME");
            }
        } catch (final URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "is not a URL: " + e.getMessage());
        }
    }

    private static Optional<String> userInfoOf(final String url) {
        if (url.startsWith(MockSchemaRegistryClient.SCHEME)) {
            return Optional.empty();
        }
        try {
            final String raw = new URI(url).getRawUserInfo();
            return Optional.ofNullable(raw).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8));
        } catch (final URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String stripUserInfo(final String url) {
        if (url.startsWith(MockSchemaRegistryClient.SCHEME)) {
            return url;
        }
        try {
            final URI uri = new URI(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (final URISyntaxException e) {
            return url; // reported by checkUrl
        }
    }

    private static void checkStrategy(final Map<String, ?> configs, final String key) {
        final Optional<String> strategy = optionalString(configs, key);
        if (strategy.isPresent() && !strategy.get().endsWith("TopicNameStrategy")) {
            throw new ConfigException(key, strategy.get(),
                    "only TopicNameStrategy (subjects <topic>-key / <topic>-value) is supported");
        }
    }

    private static List<String> asList(final Object value) {
        if (value instanceof Collection<?> c) {
            final List<String> out = new ArrayList<>();
            for (final Object o : c) {
                out.add(String.valueOf(o));
            }
            return out;
        }
        return List.of(String.valueOf(value).split(","));
    }

    private static boolean bool(final Map<String, ?> configs, final String key, final boolean dflt) {
        final Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        final String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if ("true".equals(s) || "false".equals(s)) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, v, "must be true or false");
    }

    private static long number(final Map<String, ?> configs, final String key, final long dflt) {
        final Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (final NumberFormatException e) {
            throw new ConfigException(key, v, "must be an integer");
        }
    }

    private static Optional<String> optionalString(final Map<String, ?> configs, final String key) {
        final Object v = configs.get(key);
        if (v == null) {
            return Optional.empty();
        }
        final String s = v instanceof Class<?> c ? c.getName() : String.valueOf(v);
        return s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
