/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Takes a screenshot of a running live view (used for docs/images/live-view.png):
 * {@code LiveViewScreenshot URL OUT.png}. Waits until the page's event stream is live.
 */
public final class LiveViewScreenshot {

    private LiveViewScreenshot() {
    }

    public static void main(final String[] args) throws Exception {
        final Path binary = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        final Path dir = Files.createTempDirectory("tracer-shot-");
        try (HeadlessChromium chromium = HeadlessChromium.launch(binary, dir)) {
            chromium.open(args[0]);
            chromium.await("document.getElementById('conn').dataset.state === 'live'", Duration.ofSeconds(60));
            Thread.sleep(1_000);
            Files.write(Path.of(args[1]), chromium.screenshot());
        }
    }
}
