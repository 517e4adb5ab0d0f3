/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.liveview;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live view: a small HTTP server (the JDK's {@code com.sun.net.httpserver}, no framework) over a
 * {@link LiveState}.
 *
 * <ul>
 *   <li>{@code /} the live page (HTML; Chart.js served from its webjar at {@code /vendor/chart.umd.js}, no
 *       external requests);</li>
 *   <li>{@code /events} server-sent events: an {@code event: state} with the whole state as JSON on connect
 *       and whenever it changed (at most once per push interval), a comment line as heartbeat;</li>
 *   <li>{@code /api/state} the same JSON, once;</li>
 *   <li>{@code /metrics} Prometheus text exposition format 0.0.4 ({@link PrometheusFormat});</li>
 *   <li>{@code /health} {@code {"status":"UP",...}} with status 200 while the server runs.</li>
 * </ul>
 *
 * <p>Binds to 127.0.0.1 unless another host is given; port 0 picks a free port, see {@link #port()}.
 */
public final class LiveView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    private static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";
    private static final long HEARTBEAT_MS = 15_000;

    private final LiveState state;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService pusher;
    private final List<HttpExchange> clients = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> resources = new ConcurrentHashMap<>();
    private final long startedMs = System.currentTimeMillis();
    private volatile long pushedVersion = -1;
    private volatile long lastPushMs;
    private volatile boolean running;

    private LiveView(final LiveState state, final HttpServer server, final long pushIntervalMs) {
        this.state = state;
        this.server = server;
        this.httpThreads = Executors.newFixedThreadPool(4, daemonThreads("live-view-http"));
        this.pusher = Executors.newSingleThreadScheduledExecutor(daemonThreads("live-view-push"));
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        server.start();
        running = true;
        pusher.scheduleWithFixedDelay(this::push, pushIntervalMs, pushIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** Starts a view on 127.0.0.1; port 0 picks a free port. */
    public static LiveView start(final LiveState state, final int port) {
        return start(state, "127.0.0.1", port, 250);
    }

    /**
     * Starts a view.
     *
     * @param state          what to show
     * @param host           the address to bind ("127.0.0.1" keeps it local; "0.0.0.0" exposes it)
     * @param port           the port, 0 for a free one
     * @param pushIntervalMs the shortest interval between two server-sent state events, at least 50
     */
    public static LiveView start(final LiveState state, final String host, final int port, final long pushIntervalMs) {
        if (state == null) {
            throw new IllegalArgumentException("live view field 'state' must not be null");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("live view field 'port' must be in [0, 65535] (got " + port + ")");
        }
        if (pushIntervalMs < 50) {
            throw new IllegalArgumentException(
                    "live view field 'pushIntervalMs' must be at least 50 (got " + pushIntervalMs + ")");
        }
        try {
            return new LiveView(state, HttpServer.create(new InetSocketAddress(host, port), 64), pushIntervalMs);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot bind live view to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        final String host = server.getAddress().getAddress().isAnyLocalAddress()
                ? "127.0.0.1" : server.getAddress().getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Server-sent-event clients currently connected. */
    public int clients() {
        return clients.size();
    }

    /** Stops the server and closes every event stream. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        pusher.shutdownNow();
        for (final HttpExchange client : clients) {
            client.close();
        }
        clients.clear();
        server.stop(0);
        httpThreads.shutdownNow();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try {
            final String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/", "/index.html" -> send(exchange, 200, "text/html; charset=utf-8", page());
                case "/app.js" -> send(exchange, 200, "text/javascript; charset=utf-8", resource("web/app.js"));
                case "/style.css" -> send(exchange, 200, "text/css; charset=utf-8", resource("web/style.css"));
                case "/vendor/chart.umd.js" -> send(exchange, 200, "text/javascript; charset=utf-8", resource(CHART_JS));
                case "/events" -> openEvents(exchange);
                case "/api/state" -> send(exchange, 200, "application/json", utf8(state.toJson()));
                case "/metrics" -> send(exchange, 200, PrometheusFormat.CONTENT_TYPE, utf8(PrometheusFormat.render(state)));
                case "/health" -> send(exchange, 200, "application/json", utf8(health()));
                case "/favicon.ico" -> send(exchange, 204, "image/x-icon", new byte[0]);
                default -> send(exchange, 404, "text/plain; charset=utf-8", utf8("not found: " + path + "\n"));
            }
        } catch (final RuntimeException e) {
            LOG.warn("live view request {} failed", exchange.getRequestURI(), e);
            send(exchange, 500, "text/plain; charset=utf-8", utf8("internal error\n"));
        }
    }

    private String health() {
        return "{\"status\":\"" + (running ? "UP" : "DOWN") + "\",\"tasks\":" + state.taskNames().size()
                + ",\"version\":" + state.version() + ",\"clients\":" + clients.size()
                + ",\"uptime_ms\":" + (System.currentTimeMillis() - startedMs) + "}";
    }

    /** The page, with the current state inlined so it renders on load, before the event stream connects. */
    private byte[] page() {
        final String html = new String(resource("web/index.html"), StandardCharsets.UTF_8);
        final String json = state.toJson().replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
        return utf8(html.replace("/*INITIAL_STATE*/null", json));
    }

    private void openEvents(final HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.close();
            return;
        }
        final OutputStream out = exchange.getResponseBody();
        out.write(utf8("retry: 2000\n" + event(state.toJson())));
        out.flush();
        clients.add(exchange);
    }

    private void push() {
        try {
            final long now = System.currentTimeMillis();
            final long version = state.version();
            final byte[] payload;
            if (version != pushedVersion) {
                payload = utf8(event(state.toJson()));
                pushedVersion = version;
            } else if (now - lastPushMs >= HEARTBEAT_MS) {
                payload = utf8(": heartbeat\n\n");
            } else {
                return;
            }
            lastPushMs = now;
            for (final HttpExchange client : clients) {
                try {
                    final OutputStream out = client.getResponseBody();
                    out.write(payload);
                    out.flush();
                } catch (final IOException e) {
                    clients.remove(client);
                    client.close();
                }
            }
        } catch (final RuntimeException e) {
            LOG.warn("live view push failed", e);
        }
    }

    private static String event(final String json) {
        return "event: state\ndata: " + json + "\n\n";
    }

    private byte[] resource(final String name) {
        return resources.computeIfAbsent(name, n -> {
            try (InputStream in = LiveView.class.getClassLoader().getResourceAsStream(n)) {
                if (in == null) {
                    throw new IllegalStateException("resource missing from the classpath: " + n);
                }
                return in.readAllBytes();
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void send(final HttpExchange exchange, final int status, final String type, final byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ThreadFactory daemonThreads(final String prefix) {
        final AtomicInteger n = new AtomicInteger();
        return r -> {
            final Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
