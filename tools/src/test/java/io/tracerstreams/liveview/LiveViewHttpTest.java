/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.schema.GateState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live view's HTTP endpoints, over a real socket. */
class LiveViewHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A sample line of the text format: name, optional labels, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "(NaN|[+-]Inf|-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private LiveState state;
    private LiveView view;

    @BeforeEach
    void start() {
        state = new LiveState();
        Fixtures.feedOpeningTask(state, "support-intents");
        Fixtures.feedClosedTask(state, "odd \"task\"\\name\nx");
        view = LiveView.start(state, 0);
    }

    @AfterEach
    void stop() {
        view.close();
    }

    @Test
    void shouldBindToLoopbackOnAFreePort() {
        assertThat(view.port()).isPositive();
        assertThat(view.uri().toString()).isEqualTo("http://127.0.0.1:" + view.port() + "/");
    }

    @Test
    void shouldAnswerHealthWithUpWhileRunning() throws Exception {
        final HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        final JsonNode health = JSON.readTree(r.body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("tasks").asInt()).isEqualTo(2);
    }

    @Test
    void shouldExposeWellFormedPrometheusText() throws Exception {
        final HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        final String body = r.body();
        assertThat(body).endsWith("\n");
        final List<String> declared = new ArrayList<>();
        String lastType = null;
        for (final String line : body.split("\n")) {
            if (line.startsWith("# HELP ")) {
                final String name = line.split(" ")[2];
                assertThat(declared).as("one HELP per family").doesNotContain(name);
                declared.add(name);
            } else if (line.startsWith("# TYPE ")) {
                final String[] parts = line.split(" ");
                assertThat(parts[2]).as("TYPE follows its HELP").isEqualTo(declared.get(declared.size() - 1));
                assertThat(parts[3]).isIn("counter", "gauge");
                lastType = parts[2];
            } else {
                assertThat(line).as("sample line").matches(SAMPLE);
                assertThat(line).as("sample belongs to the family just declared").startsWith(lastType);
            }
        }
        assertThat(declared).contains("tracer_requests_total", "tracer_coverage", "tracer_agreement_estimate",
                "tracer_agreement_lower_bound", "tracer_gate_open", "tracer_decisions_total",
                "tracer_llm_calls_saved_ratio", "tracer_llm_calls_total", "tracer_llm_calls_avoided_total",
                "tracer_traces_total");
        assertThat(declared.get(0)).as("the headline comes first").isEqualTo("tracer_llm_calls_saved_ratio");
        assertThat(body).contains("tracer_gate_open{task=\"support-intents\"} 1\n")
                .contains("tracer_gate_open{task=\"odd \\\"task\\\"\\\\name\\nx\"} 0\n")
                .contains("tracer_requests_total{task=\"support-intents\"} 1200\n")
                .contains("tracer_gate_flips_total{task=\"support-intents\"} 1\n")
                .contains("tracer_decisions_total{task=\"support-intents\",reason=\"LOW_SCORE\"} 10\n");
    }

    @Test
    void shouldServeTheStateAsJson() throws Exception {
        final JsonNode root = JSON.readTree(get("/api/state").body());
        final JsonNode task = root.get("tasks").get(1);
        assertThat(task.get("task").asText()).isEqualTo("support-intents");
        assertThat(task.get("gate").asText()).isEqualTo("OPEN");
        assertThat(task.get("timeline")).hasSize(1);
        assertThat(task.get("timeline").get(0).get("to").asText()).isEqualTo("OPEN");
        assertThat(task.get("curve").get("requests")).hasSize(12);
        assertThat(task.get("decisions").get(0).get("request_id").asText()).isEqualTo("support-intents-29");
    }

    @Test
    void shouldServeThePageWithTheStateInlinedAndChartJsFromTheJar() throws Exception {
        final HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("window.TRACER_INITIAL_STATE = {\"version\"")
                .doesNotContain("/*INITIAL_STATE*/").doesNotContain("http://").doesNotContain("https://");
        final HttpResponse<String> chart = get("/vendor/chart.umd.js");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js v4.4.1");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(view.uri().resolve("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(405);
    }

    @Test
    void shouldStreamTheStateAsServerSentEventsOnConnectAndOnChange() throws Exception {
        final HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(view.uri().resolve("/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            final JsonNode first = nextState(in);
            state.onGateEvent(Fixtures.flip("support-intents", GateState.OPEN, GateState.CLOSED, 900, 2_000_000));
            final JsonNode second = nextState(in);
            assertThat(second.get("version").asLong()).isGreaterThan(first.get("version").asLong());
            assertThat(second.get("tasks").get(1).get("gate").asText()).isEqualTo("CLOSED");
            assertThat(second.get("tasks").get(1).get("timeline")).hasSize(2);
        }
    }

    @Test
    void shouldRejectBadSettingsNamingTheField() {
        assertThatThrownBy(() -> LiveView.start(state, -1)).hasMessageContaining("'port'");
        assertThatThrownBy(() -> LiveView.start(state, "127.0.0.1", 0, 1)).hasMessageContaining("'pushIntervalMs'");
    }

    private static JsonNode nextState(final BufferedReader in) throws Exception {
        String line;
        boolean stateEvent = false;
        while ((line = in.readLine()) != null) {
            if (line.equals("event: state")) {
                stateEvent = true;
            } else if (stateEvent && line.startsWith("data: ")) {
                return JSON.readTree(line.substring("data: ".length()));
            }
        }
        throw new AssertionError("event stream ended");
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + view.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
