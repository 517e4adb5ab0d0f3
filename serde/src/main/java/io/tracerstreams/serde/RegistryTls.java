/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * TLS settings of the schema registry client, named like Kafka's {@code ssl.*} keys under {@code schema.registry.}
 * (as Confluent's serdes name them): a truststore to verify the registry's certificate (default: the JVM's trusted
 * authorities) and a keystore for a client certificate (mutual TLS). Stores are JKS or PKCS12 files. Loaded and
 * checked when the configuration is parsed: a missing file, a wrong password or a store without the expected entries
 * fails with a {@link ConfigException} naming the key (never echoing a password).
 *
 * @param truststore         {@value #TRUSTSTORE_LOCATION}
 * @param truststorePassword {@value #TRUSTSTORE_PASSWORD} (may be empty: a JKS truststore loads without one)
 * @param truststoreType     {@value #TRUSTSTORE_TYPE}: JKS (default) or PKCS12
 * @param keystore           {@value #KEYSTORE_LOCATION}
 * @param keystorePassword   {@value #KEYSTORE_PASSWORD}, required with a keystore
 * @param keystoreType       {@value #KEYSTORE_TYPE}: JKS (default) or PKCS12
 * @param keyPassword        {@value #KEY_PASSWORD}: the private key's password (default: the keystore password)
 */
public record RegistryTls(Optional<Path> truststore, String truststorePassword, String truststoreType,
                          Optional<Path> keystore, String keystorePassword, String keystoreType, String keyPassword) {

    /** The truststore file. */
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    /** The truststore password. */
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** The truststore format. */
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    /** The keystore file (client certificate). */
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    /** The keystore password. */
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    /** The keystore format. */
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    /** The private key's password. */
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** No TLS settings: the JVM's defaults for https:// URLs. */
    public static final RegistryTls NONE = new RegistryTls(Optional.empty(), "", "JKS", Optional.empty(), "", "JKS", "");

    /** Reads and checks the keys above; loads the stores to find bad files and passwords now. */
    public static RegistryTls fromMap(final Map<String, ?> configs) {
        final Optional<Path> trust = location(configs, TRUSTSTORE_LOCATION);
        final Optional<Path> keys = location(configs, KEYSTORE_LOCATION);
        final String keystorePassword = secret(configs, KEYSTORE_PASSWORD);
        if (keys.isPresent() && keystorePassword.isEmpty()) {
            throw new ConfigException(KEYSTORE_PASSWORD + " is required with " + KEYSTORE_LOCATION);
        }
        final String keyPassword = secret(configs, KEY_PASSWORD);
        final RegistryTls tls = new RegistryTls(trust, secret(configs, TRUSTSTORE_PASSWORD), type(configs, TRUSTSTORE_TYPE),
                keys, keystorePassword, type(configs, KEYSTORE_TYPE), keyPassword.isEmpty() ? keystorePassword : keyPassword);
        tls.sslContext();
        return tls;
    }

    /** Whether any store is configured (otherwise the JVM's default TLS settings apply). */
    public boolean isConfigured() {
        return truststore.isPresent() || keystore.isPresent();
    }

    /**
     * The SSL context of these settings, or empty when none is configured.
     *
     * @throws ConfigException naming the key of a store that cannot be loaded
     */
    public Optional<SSLContext> sslContext() {
        if (!isConfigured()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory tmf = null;
            if (truststore.isPresent()) {
                final KeyStore store = load(truststore.get(), truststorePassword, truststoreType, TRUSTSTORE_LOCATION,
                        TRUSTSTORE_PASSWORD);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
            }
            KeyManagerFactory kmf = null;
            if (keystore.isPresent()) {
                final KeyStore store = load(keystore.get(), keystorePassword, keystoreType, KEYSTORE_LOCATION, KEYSTORE_PASSWORD);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    kmf.init(store, keyPassword.toCharArray());
                } catch (final GeneralSecurityException e) {
                    throw new ConfigException("Cannot read the private key of " + KEYSTORE_LOCATION + " " + keystore.get()
                            + ": " + e.getMessage() + " (check " + KEY_PASSWORD + ")");
                }
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (final GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(final Path file, final String password, final String type, final String locationKey,
                                 final String passwordKey) {
        try (InputStream in = Files.newInputStream(file)) {
            final KeyStore store = KeyStore.getInstance(type);
            store.load(in, password.isEmpty() ? null : password.toCharArray());
            if (store.size() == 0) {
                throw new ConfigException(locationKey + " " + file + " holds no entries");
            }
            return store;
        } catch (final IOException e) {
            final boolean badPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password");
            throw new ConfigException("Cannot load " + locationKey + " " + file + " as " + type + ": " + e.getMessage()
                    + (badPassword ? " (check " + passwordKey + ")" : ""));
        } catch (final GeneralSecurityException e) {
            throw new ConfigException("Cannot load " + locationKey + " " + file + " as " + type + ": " + e.getMessage());
        }
    }

    private static Optional<Path> location(final Map<String, ?> configs, final String key) {
        final Object v = configs.get(key);
        if (v == null || v.toString().isBlank()) {
            return Optional.empty();
        }
        final Path path = Path.of(v.toString().trim());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(key, v.toString(), "is not a readable file");
        }
        return Optional.of(path);
    }

    private static String secret(final Map<String, ?> configs, final String key) {
        final Object v = configs.get(key);
        if (v == null) {
            return "";
        }
        return v instanceof Password p ? p.value() : v.toString();
    }

    private static String type(final Map<String, ?> configs, final String key) {
        final Object v = configs.get(key);
        final String t = v == null || v.toString().isBlank() ? "JKS" : v.toString().trim().toUpperCase(Locale.ROOT);
        if (!t.equals("JKS") && !t.equals("PKCS12")) {
            throw new ConfigException(key, v, "must be JKS or PKCS12");
        }
        return t;
    }

    @Override
    public String toString() {
        return "RegistryTls[truststore=" + truststore.map(Path::toString).orElse("(JVM default)") + " (" + truststoreType
                + "), keystore=" + keystore.map(Path::toString).orElse("(none)") + " (" + keystoreType + ")]";
    }
}
