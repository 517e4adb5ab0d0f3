/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DemoSummaryTest {

    private static final DemoSummary SUMMARY = new DemoSummary(List.of(
            new DemoSummary.TaskResult("support-intents", 2_000, 800, 0.4, 0.99, 0.99, 0.7, 0.98, true, 3, 1_240, 40),
            new DemoSummary.TaskResult("ticket-priority", 2_000, 0, 0.0, null, null, 0.0, null, false, 0, 2_000, 0)),
            4_000, 101.26, "limit", "http://127.0.0.1:8080/");

    @Test
    void shouldWriteTheAgreedJsonShapeWithNullForUndefinedRatios() throws Exception {
        final JsonNode root = new ObjectMapper().readTree(SUMMARY.toJson());
        final JsonNode a = root.get("tasks").get(0);
        assertThat(a.get("task").asText()).isEqualTo("support-intents");
        assertThat(a.get("requests").asLong()).isEqualTo(2_000);
        assertThat(a.get("coverage").asDouble()).isEqualTo(0.4);
        assertThat(a.get("realised_agreement").asDouble()).isEqualTo(0.99);
        assertThat(a.get("gate_opened").asBoolean()).isTrue();
        assertThat(a.get("gate_flips").asLong()).isEqualTo(3);
        assertThat(a.get("llm_calls").asLong()).isEqualTo(1_240);
        assertThat(a.fieldNames().next()).isEqualTo("task");
        final List<String> keys = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.get(1)).as("the headline comes first").isEqualTo("llm_calls_saved");
        assertThat(a.get("llm_calls_saved").isDouble()).isTrue();
        assertThat(a.get("llm_calls_saved").asDouble()).isCloseTo(1 - 1_240 / 2_000.0, within(1e-12));
        assertThat(a.get("llm_calls_avoided").asLong()).isEqualTo(760);
        final JsonNode b = root.get("tasks").get(1);
        assertThat(b.get("realised_agreement").isNull()).isTrue();
        assertThat(b.get("gate_opened").asBoolean()).isFalse();
        assertThat(b.get("llm_calls_saved").asDouble()).isZero();
        assertThat(b.get("llm_calls_avoided").asLong()).isZero();
        assertThat(root.get("seconds").asDouble()).isEqualTo(101.3);
        assertThat(root.get("stop_reason").asText()).isEqualTo("limit");
    }

    @Test
    void shouldPrintWhereAUserWaitsInTextAndJson() throws Exception {
        final java.util.Map<String, Double> open = new java.util.LinkedHashMap<>();
        open.put("support-intents", 41.234);
        open.put("ticket-priority", null);
        final DemoSummary timed = new DemoSummary(SUMMARY.tasks(), 4_000, 101.26, "limit", null,
                new DemoSummary.Timings(9.5, 9.6, 10.004, open));
        final JsonNode t = new ObjectMapper().readTree(timed.toJson()).get("timings");
        assertThat(t.get("tracer_running_s").asDouble()).isEqualTo(9.5);
        assertThat(t.get("first_decision_s").asDouble()).isEqualTo(10.0);
        assertThat(t.get("gate_open_s").get("support-intents").asDouble()).isEqualTo(41.23);
        assertThat(t.get("gate_open_s").get("ticket-priority").isNull()).isTrue();
        assertThat(timed.toText()).contains("first decision 10.0 s").contains("support-intents 41.2 s")
                .contains("ticket-priority never");
        assertThat(SUMMARY.toText()).doesNotContain("first decision");
        assertThat(new ObjectMapper().readTree(SUMMARY.toJson()).get("timings").get("first_decision_s").isNull()).isTrue();
    }

    @Test
    void shouldPrintOneRowPerTask() {
        final String text = SUMMARY.toText();
        assertThat(text).contains("4,000 requests").contains("stopped: limit");
        assertThat(text.lines().filter(l -> l.startsWith("support-intents"))).singleElement().asString()
                .contains("38.0%").contains("40.0%").contains("99.0%").contains("opened");
        assertThat(text.lines().filter(l -> l.startsWith("ticket-priority"))).singleElement().asString()
                .contains("closed").contains(" - ");
    }
}
