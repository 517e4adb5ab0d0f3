/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void shouldApplyDefaults() {
        final AvroSerdeConfig c = AvroSerdeConfig.forUrl("http://registry:8081");
        assertThat(c.registryUrls()).containsExactly("http://registry:8081");
        assertThat(c.autoRegisterSchemas()).isTrue();
        assertThat(c.credentials()).isEqualTo(RegistryCredentials.NONE);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxRetries()).isEqualTo(3);
        assertThat(c.isMock()).isFalse();
    }

    @Test
    void shouldParseEveryKey() {
        final AvroSerdeConfig c = AvroSerdeConfig.fromMap(Map.of(
                "schema.registry.url", "http://a:8081/apis/ccompat/v7, https://b:8081",
                "auto.register.schemas", false,
                "basic.auth.credentials.source", "user_info",
                "basic.auth.user.info", "u:p",
                "schema.registry.request.timeout.ms", "2500",
                "schema.registry.max.retries", 5,
                "schema.registry.retry.backoff.ms", 10,
                "schema.registry.retry.backoff.max.ms", 1000,
                "specific.avro.value.type", "io.tracerstreams.schema.LlmRequest"));
        assertThat(c.registryUrls()).containsExactly("http://a:8081/apis/ccompat/v7", "https://b:8081");
        assertThat(c.autoRegisterSchemas()).isFalse();
        assertThat(c.credentials()).isEqualTo(new RegistryCredentials.Basic("u", "p"));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.maxRetries()).isEqualTo(5);
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.readerType(false)).contains("io.tracerstreams.schema.LlmRequest");
        assertThat(c.readerType(true)).isEmpty();
    }

    @Test
    void shouldNameTheKeyOfEveryInvalidValue() {
        assertError(Map.of(), "schema.registry.url");
        assertError(Map.of("schema.registry.url", "ftp://x"), "schema.registry.url");
        assertError(Map.of("schema.registry.url", "mock://"), "schema.registry.url");
        assertError(Map.of("schema.registry.url", "mock://a,http://b:1"), "schema.registry.url");
        assertError(Map.of("schema.registry.url", "http://a:1", "auto.register.schemas", "yes"),
                "auto.register.schemas");
        assertError(Map.of("schema.registry.url", "http://a:1", "schema.registry.max.retries", "-1"),
                "schema.registry.max.retries");
        assertError(Map.of("schema.registry.url", "http://a:1", "schema.registry.request.timeout.ms", "abc"),
                "schema.registry.request.timeout.ms");
        assertError(Map.of("schema.registry.url", "http://a:1", "schema.registry.retry.backoff.ms", "500",
                "schema.registry.retry.backoff.max.ms", "100"), "schema.registry.retry.backoff.max.ms");
        assertError(Map.of("schema.registry.url", "http://a:1", "basic.auth.credentials.source", "SASL_INHERIT"),
                "basic.auth.credentials.source");
        assertError(Map.of("schema.registry.url", "http://a:1", "basic.auth.credentials.source", "USER_INFO"),
                "basic.auth.user.info");
        assertError(Map.of("schema.registry.url", "http://a:1", "basic.auth.credentials.source", "URL"),
                "user:password@");
        assertError(Map.of("schema.registry.url", "http://a:1", "value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"), "value.subject.name.strategy");
        assertError(Map.of("schema.registry.url", "http://a:1", "bearer.auth.credentials.source", "OAUTHBEARER"),
                "bearer.auth.credentials.source");
    }

    @Test
    void shouldRejectTwoKindsOfCredentials() {
        assertError(Map.of("schema.registry.url", "http://a:1", "basic.auth.user.info", "u:p",
                "bearer.auth.token", "t"), "choose one");
    }

    @Test
    void shouldNeverShowSecrets() {
        final AvroSerdeConfig basic = AvroSerdeConfig.fromMap(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.user.info", "user:hunter2"));
        final AvroSerdeConfig bearer = AvroSerdeConfig.fromMap(Map.of("schema.registry.url", "http://a:1",
                "bearer.auth.token", "tok-secret"));
        assertThat(basic.toString()).contains("user").doesNotContain("hunter2");
        assertThat(bearer.toString()).doesNotContain("tok-secret");
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.user.info", "hunter2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldTakeCredentialsFromTheUrlByDefault() {
        final AvroSerdeConfig c = AvroSerdeConfig.forUrl("https://me:pw@registry.example.com/base");
        assertThat(c.credentials()).isEqualTo(new RegistryCredentials.Basic("me", "pw"));
        assertThat(c.registryUrls()).containsExactly("https://registry.example.com/base");
    }

    @Test
    void shouldRecogniseMockUrlsAndTheirScope() {
        final AvroSerdeConfig c = AvroSerdeConfig.forUrl("mock://demo");
        assertThat(c.isMock()).isTrue();
        assertThat(MockSchemaRegistryClient.scopeOf("mock://demo")).isEqualTo("demo");
        assertThat(SchemaRegistryClient.create(c)).isSameAs(MockSchemaRegistryClient.forScope("demo"));
        MockSchemaRegistryClient.dropScope("demo");
    }

    @Test
    void shouldAcceptListsAndClassesAsValues() {
        final AvroSerdeConfig c = AvroSerdeConfig.fromMap(Map.of("schema.registry.url", List.of("http://a:1"),
                "specific.avro.key.type", io.tracerstreams.schema.LlmRequest.class));
        assertThat(c.registryUrls()).containsExactly("http://a:1");
        assertThat(c.keyType()).isEqualTo(Optional.of("io.tracerstreams.schema.LlmRequest"));
    }

    private static void assertError(final Map<String, ?> config, final String mentioned) {
        assertThatThrownBy(() -> AvroSerdeConfig.fromMap(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(mentioned);
    }
}
