/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket, JDK client only): open a page,
 * evaluate JavaScript, wait for a condition. The page's event stream never ends, so {@code --dump-dom}
 * with a virtual time budget cannot settle; the protocol lets a test wait for what it expects instead.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(final Process process, final Path profile, final WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium binary ($CHROMIUM or a usual path); skips the calling test when there is none. */
    static Path binaryOrSkip() {
        final String env = System.getenv("CHROMIUM");
        for (final String candidate : new String[] {env, "/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome"}) {
            if (candidate != null && Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        assumeTrue(false, "headless Chromium not found (looked at $CHROMIUM, /usr/bin/chromium, "
                + "/usr/bin/chromium-browser, /usr/bin/google-chrome): install Debian's chromium to run this test");
        return null;
    }

    /**
     * Starts Chromium on a blank page with a fresh profile. The profile lives outside {@code dir} (a JUnit
     * temporary directory): Chromium's helper processes may still write into it for a moment after the
     * browser exits, which would fail JUnit's cleanup; it is deleted best-effort on close.
     */
    static HeadlessChromium launch(final Path binary, final Path dir) throws Exception {
        final Path profile = Files.createTempDirectory("tracer-chromium-profile-");
        final List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--window-size=" + System.getProperty("chromium.window", "1280,1600"), "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "about:blank");
        final Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile()).start();
        try {
            final Path portFile = profile.resolve("DevToolsActivePort");
            final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!process.isAlive() || System.nanoTime() > giveUp) {
                    throw new IllegalStateException("chromium did not open its DevTools port; log:\n"
                            + Files.readString(dir.resolve("chromium.log")));
                }
                Thread.sleep(50);
            }
            final int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            final HttpClient http = HttpClient.newHttpClient();
            final String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            String wsUrl = null;
            for (final JsonNode target : JSON.readTree(list)) {
                if ("page".equals(target.path("type").asText())) {
                    wsUrl = target.path("webSocketDebuggerUrl").asText();
                    break;
                }
            }
            if (wsUrl == null) {
                throw new IllegalStateException("chromium has no page target: " + list);
            }
            final HeadlessChromium[] self = new HeadlessChromium[1];
            final WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
                private final StringBuilder buffer = new StringBuilder();

                @Override
                public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last) {
                    buffer.append(data);
                    if (last) {
                        final String message = buffer.toString();
                        buffer.setLength(0);
                        self[0].onMessage(message);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, profile, ws);
            return self[0];
        } catch (final Exception e) {
            process.destroyForcibly();
            deleteQuietly(profile);
            throw e;
        }
    }

    private void onMessage(final String message) {
        try {
            final JsonNode node = JSON.readTree(message);
            if (node.has("id")) {
                final CompletableFuture<JsonNode> f = pending.remove(node.get("id").asInt());
                if (f != null) {
                    f.complete(node);
                }
            }
        } catch (final IOException e) {
            // not JSON: ignore
        }
    }

    /** Sends one protocol command and returns its result object. */
    JsonNode call(final String method, final Map<String, Object> params) throws Exception {
        final int id = ids.incrementAndGet();
        final ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        final CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
        final JsonNode reply = f.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }

    /** Navigates to a URL. */
    void open(final String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** Evaluates an expression in the page and returns its value as a string ("" for undefined). */
    String eval(final String expression) throws Exception {
        final JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        final JsonNode value = result.path("result").path("value");
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    /**
     * Polls a boolean expression until it is true (bounded by {@code maxWait}); returns whether it became
     * true. A bound on waiting, not a timing assertion: the caller asserts on the page's content.
     */
    boolean await(final String condition, final Duration maxWait) throws Exception {
        final long giveUp = System.nanoTime() + maxWait.toNanos();
        while (System.nanoTime() < giveUp) {
            if ("true".equals(eval("!!(" + condition + ")"))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The page's current DOM as HTML. */
    String dom() throws Exception {
        return eval("document.documentElement.outerHTML");
    }

    /** A PNG of the viewport. */
    byte[] screenshot() throws Exception {
        final JsonNode result = call("Page.captureScreenshot", Map.of("format", "png"));
        return java.util.Base64.getDecoder().decode(result.get("data").asText());
    }

    @Override
    public void close() {
        socket.abort();
        final List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (final ProcessHandle helper : helpers) {
                helper.destroyForcibly();
                helper.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a helper that does not exit leaves its profile behind: harmless for the test
        }
        deleteQuietly(profile);
    }

    private static void deleteQuietly(final Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final java.io.IOException | java.io.UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }
}
