/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteRequestTest {

    private static RouteRequest parse(final String body) throws RouteRequest.Invalid {
        return RouteRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldParseTaskInputTimeoutAndAttributes() throws Exception {
        final RouteRequest r = parse("{\"task\":\"intents\",\"input\":\"where is my card \\u00e9\",\"timeout_ms\":250,"
                + "\"attributes\":{\"tenant\":\"a\"}}");
        assertThat(r.task()).isEqualTo("intents");
        assertThat(r.input()).isEqualTo("where is my card \u00e9");
        assertThat(r.timeoutMs()).isEqualTo(250L);
        assertThat(r.attributes()).isEqualTo(Map.of("tenant", "a"));
    }

    @Test
    void shouldLeaveAnEmptyInputToTheTopology() throws Exception {
        final RouteRequest r = parse("{\"task\":\"intents\",\"input\":\"\"}");
        assertThat(r.input()).isEmpty();
        assertThat(r.timeoutMs()).isNull();
        assertThat(r.attributes()).isEmpty();
    }

    @ParameterizedTest(name = "{index}: {1}")
    @CsvSource(delimiter = '|', value = {
        "not json at all                                   | the body is not JSON",
        "''                                                | the body is empty",
        "[1,2]                                             | must be a JSON object",
        "{\"input\":\"x\"}                                 | field 'task' is missing",
        "{\"task\":\"t\"}                                  | field 'input' is missing",
        "{\"task\":3,\"input\":\"x\"}                      | field 'task' must be a string",
        "{\"task\":\"t\",\"input\":{\"a\":1}}              | field 'input' must be a string",
        "{\"task\":\"  \",\"input\":\"x\"}                 | field 'task' is blank",
        "{\"task\":\"a\\nb\",\"input\":\"x\"}              | field 'task' has a control character",
        "{\"task\":\"t\",\"input\":\"x\",\"timeout_ms\":0} | field 'timeout_ms' must be an integer from 1 to 60000",
        "{\"task\":\"t\",\"input\":\"x\",\"timeout_ms\":1.5}  | field 'timeout_ms'",
        "{\"task\":\"t\",\"input\":\"x\",\"timeout_ms\":60001} | field 'timeout_ms'",
        "{\"task\":\"t\",\"input\":\"x\",\"attributes\":[1]} | field 'attributes' must be an object",
        "{\"task\":\"t\",\"input\":\"x\",\"attributes\":{\"k\":1}} | field 'attributes.k' must be a string",
        "{\"task\":\"t\",\"input\":\"x\",\"model\":\"m\"}  | unknown field 'model'",
    })
    void shouldRefuseABadBodyWith400NamingTheField(final String body, final String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(RouteRequest.Invalid.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((RouteRequest.Invalid) e).status()).isEqualTo(400));
    }

    @Test
    void shouldReadABodyUpToTheLimitAndRefuseOneByteMoreWith413() throws Exception {
        final byte[] exactly = new byte[20_000];
        assertThat(RouteHttpServer.readLimited(new ByteArrayInputStream(exactly), 20_000)).hasSize(20_000);
        assertThatThrownBy(() -> RouteHttpServer.readLimited(new ByteArrayInputStream(new byte[20_001]), 20_000))
                .isInstanceOf(RouteRequest.Invalid.class)
                .hasMessageContaining("route.http.max.body.bytes")
                .satisfies(e -> assertThat(((RouteRequest.Invalid) e).status()).isEqualTo(413));
    }
}
