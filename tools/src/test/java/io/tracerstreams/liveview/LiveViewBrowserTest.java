/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import io.tracerstreams.schema.GateState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads the live page in headless Chromium (DevTools protocol) and checks what it renders. Skipped, with
 * the reason, when no Chromium is installed; set {@code CHROMIUM} to use another binary.
 */
class LiveViewBrowserTest {

    private static final Duration MAX_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shouldRenderEachTaskAndTheGateFlipOnLoad() throws Exception {
        final Path binary = HeadlessChromium.binaryOrSkip();
        final LiveState state = new LiveState();
        Fixtures.feedOpeningTask(state, "support-intents");
        Fixtures.feedClosedTask(state, "ticket-priority");
        try (LiveView view = LiveView.start(state, 0); HeadlessChromium chromium = HeadlessChromium.launch(binary, dir)) {
            chromium.open(view.uri().toString());
            chromium.await("document.querySelectorAll('section.task').length === 2", MAX_WAIT);
            final String dom = chromium.dom();
            assertThat(section(dom, "support-intents")).contains("data-gate=\"OPEN\"")
                    .contains("CLOSED \u2192 OPEN").contains("LOWER_BOUND_CROSSED").contains("<canvas");
            assertThat(section(dom, "ticket-priority")).contains("data-gate=\"CLOSED\"")
                    .contains("no flips yet: gate CLOSED").doesNotContain("\u2192 OPEN");
            assertThat(chromium.eval("String(typeof Chart)")).as("Chart.js served from the webjar").isEqualTo("function");
            assertThat(chromium.eval("document.querySelector('[data-task=\"support-intents\"] .gate-badge').textContent"))
                    .isEqualTo("OPEN");
            // one story: the frontier says what it is, and at the served alpha it shows what the open gate serves
            assertThat(section(dom, "support-intents")).contains("what a gate opening now could serve")
                    .contains("until live evidence refutes alpha");
            assertThat(chromium.eval("Array.from(document.querySelectorAll('[data-task=\"support-intents\"] .frontier .bar'))"
                    + ".map(function (b) { return b.textContent; }).join('|')"))
                    .contains("alpha 0.80").containsPattern("alpha 0\\.9060\\.0% \\(gate serves \\d+\\.\\d%\\)")
                    .doesNotContain("alpha 0.8090.0% (gate serves");
            assertThat(chromium.eval("Array.from(document.querySelectorAll('[data-task=\"ticket-priority\"] .frontier .bar'))"
                    + ".map(function (b) { return b.textContent; }).join('|')")).doesNotContain("gate serves");
        }
    }

    @Test
    void shouldShowAFlipPushedOverServerSentEventsAfterTheLoad() throws Exception {
        final Path binary = HeadlessChromium.binaryOrSkip();
        final LiveState state = new LiveState();
        state.onTaskStats(Fixtures.stats("support-intents", 100, 0, GateState.CLOSED, 0.8, 1_000));
        try (LiveView view = LiveView.start(state, "127.0.0.1", 0, 50);
             HeadlessChromium chromium = HeadlessChromium.launch(binary, dir)) {
            chromium.open(view.uri().toString());
            chromium.await("document.getElementById('conn').dataset.state === 'live'", MAX_WAIT);
            assertThat(section(chromium.dom(), "support-intents")).contains("data-gate=\"CLOSED\"")
                    .doesNotContain("CLOSED \u2192 OPEN");

            Fixtures.feedOpeningTask(state, "support-intents");
            chromium.await("document.querySelector('section.task').dataset.gate === 'OPEN'", MAX_WAIT);

            assertThat(section(chromium.dom(), "support-intents")).contains("data-gate=\"OPEN\"")
                    .contains("CLOSED \u2192 OPEN");
        }
    }

    private static String section(final String dom, final String task) {
        final int start = dom.indexOf("data-task=\"" + task + "\"");
        assertThat(start).as("section of task %s in %s", task, dom).isGreaterThanOrEqualTo(0);
        final int end = dom.indexOf("</section>", start);
        return dom.substring(start, end < 0 ? dom.length() : end);
    }
}
