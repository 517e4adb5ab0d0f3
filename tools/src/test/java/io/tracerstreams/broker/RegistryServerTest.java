/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServerTest {

    @TempDir
    Path dir;

    private static final Schema V1 = SchemaBuilder.record("R").namespace("t").fields().requiredString("a").endRecord();
    private static final Schema V2 = SchemaBuilder.record("R").namespace("t").fields().requiredString("a")
            .name("b").type().stringType().stringDefault("x").endRecord();
    private static final Schema BREAKING = SchemaBuilder.record("R").namespace("t").fields().requiredInt("c").endRecord();

    private static String get(final String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void shouldServeTheConfluentApiAndKeepSchemasAcrossARestart() throws Exception {
        final int id1;
        final int id2;
        try (RegistryServer server = RegistryServer.start(0, dir);
             RestSchemaRegistryClient client = new RestSchemaRegistryClient(server.url())) {
            id1 = client.register("s-value", V1);
            id2 = client.register("s-value", V2);
            assertThat(client.register("other-value", V1)).as("ids are global").isEqualTo(id1);
            assertThat(client.getId("s-value", V1)).isEqualTo(id1);
            assertThat(client.getById(id2)).isEqualTo(V2);
            assertThat(client.getLatest("s-value").version()).isEqualTo(2);
            assertThat(client.testCompatibility("s-value", BREAKING)).isFalse();
            assertThatThrownBy(() -> client.register("s-value", BREAKING)).isInstanceOf(SchemaRegistryException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isIncompatible()).isTrue());
            client.setCompatibility("free-value", CompatibilityLevel.NONE);
            assertThat(client.getCompatibility("free-value")).isEqualTo(CompatibilityLevel.NONE);
            assertThat(client.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);
            assertThatThrownBy(() -> client.getById(999)).isInstanceOf(SchemaRegistryException.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode())
                            .isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
            assertThat(get(server.url() + "/subjects")).isEqualTo("[\"other-value\",\"s-value\"]");
            assertThat(get(server.url() + "/subjects/s-value/versions")).isEqualTo("[1,2]");
            assertThat(get(server.url() + "/nothing")).contains("\"error_code\":404");
        }
        try (RegistryServer again = RegistryServer.start(0, dir);
             RestSchemaRegistryClient client = new RestSchemaRegistryClient(again.url())) {
            assertThat(client.getById(id1)).isEqualTo(V1);
            assertThat(client.getLatest("s-value").id()).isEqualTo(id2);
            assertThat(client.getCompatibility("free-value")).isEqualTo(CompatibilityLevel.NONE);
            assertThat(client.register("new-value", LlmResponse.getClassSchema())).isGreaterThan(id2);
        }
    }
}
