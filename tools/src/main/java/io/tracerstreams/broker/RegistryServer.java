/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.serde.SchemaMetadata;
import io.tracerstreams.serde.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A Confluent-API schema registry served over HTTP from this JVM (the JDK's HttpServer on the loopback
 * interface), backed by the in-process registry ({@link MockSchemaRegistryClient}: global ids, versions per
 * subject, BACKWARD compatibility by default, 409 on incompatible schemas). It serves the part of the REST API
 * that serializers and tracer use: {@code POST /subjects/S/versions}, {@code POST /subjects/S},
 * {@code GET /subjects}, {@code GET /subjects/S/versions}, {@code GET /subjects/S/versions/V|latest},
 * {@code GET /schemas/ids/ID}, {@code GET|PUT /config}, {@code GET|PUT /config/S},
 * {@code POST /compatibility/subjects/S/versions/latest}. Errors carry {@code error_code} and {@code message}.
 *
 * <p>With a data directory, every change (a registration, a compatibility level) is appended to
 * {@code registry.jsonl} there and replayed on start, so ids and versions survive a restart. For {@code tracer
 * broker}, tests and fault harnesses that run a registry as a process:
 * {@code java -cp <tools classpath> io.tracerstreams.broker.RegistryServer [--port P] [--data DIR]} prints
 * {@code schema.registry.url=http://127.0.0.1:P} and serves until stopped.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String JOURNAL = "registry.jsonl";

    private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
    private final HttpServer server;
    private final Path journal;
    private BufferedWriter journalOut;

    private RegistryServer(final int port, final Path dataDir) throws IOException {
        this.journal = dataDir == null ? null : dataDir.resolve(JOURNAL);
        if (journal != null) {
            Files.createDirectories(dataDir);
            replay();
            journalOut = Files.newBufferedWriter(journal, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            final Thread t = new Thread(r, "registry-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        LOG.info("schema registry serving {} (data: {})", url(), dataDir == null ? "in memory" : dataDir);
    }

    /**
     * Starts serving on the loopback interface.
     *
     * @param port    the port, 0 for a free one
     * @param dataDir where to keep the schemas across restarts, or null to keep them in memory only
     */
    public static RegistryServer start(final int port, final Path dataDir) {
        try {
            return new RegistryServer(port, dataDir);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start the schema registry on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The URL to give as {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The port served. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving (and closes the journal). Idempotent. */
    @Override
    public synchronized void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        if (journalOut != null) {
            try {
                journalOut.close();
            } catch (final IOException e) {
                LOG.warn("closing the registry journal: {}", e.toString());
            }
            journalOut = null;
        }
    }

    private void replay() throws IOException {
        if (!Files.exists(journal)) {
            return;
        }
        int n = 0;
        for (final String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode e;
            try {
                e = JSON.readTree(line);
            } catch (final IOException ex) {
                LOG.warn("{}: ignoring an unreadable line (a write cut off by a crash?)", journal);
                continue;
            }
            final String subject = e.hasNonNull("subject") ? e.get("subject").asText() : null;
            if ("register".equals(e.path("op").asText())) {
                registry.register(subject, new Schema.Parser().parse(e.get("schema").asText()));
            } else if ("config".equals(e.path("op").asText())) {
                registry.setCompatibility(subject, CompatibilityLevel.parse(e.get("level").asText()));
            }
            n++;
        }
        LOG.info("schema registry: {} change(s) replayed from {}", n, journal);
    }

    private synchronized void record(final ObjectNode change) throws IOException {
        if (journalOut != null) {
            journalOut.write(change.toString());
            journalOut.write('\n');
            journalOut.flush();
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            final String method = ex.getRequestMethod();
            final List<String> path = segments(ex.getRequestURI().getRawPath());
            try {
                final JsonNode answer = route(method, path, ex);
                send(ex, 200, answer);
            } catch (final SchemaRegistryException e) {
                send(ex, e.httpStatus() > 0 ? e.httpStatus() : 500, error(e.errorCode() > 0 ? e.errorCode() : 50001, e.getMessage()));
            } catch (final NotFound e) {
                send(ex, 404, error(404, e.getMessage()));
            } catch (final SchemaParseException | IllegalArgumentException e) {
                send(ex, 422, error(SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage()));
            } catch (final RuntimeException e) {
                LOG.warn("registry request {} {} failed", method, ex.getRequestURI(), e);
                send(ex, 500, error(50001, e.toString()));
            }
        }
    }

    private JsonNode route(final String method, final List<String> p, final HttpExchange ex) throws IOException {
        final int n = p.size();
        if (n == 0 && "GET".equals(method)) {
            return JSON.createObjectNode();
        }
        if (n >= 1 && "subjects".equals(p.get(0))) {
            if (n == 1 && "GET".equals(method)) {
                final var a = JSON.createArrayNode();
                registry.subjects().stream().sorted().forEach(a::add);
                return a;
            }
            final String subject = p.get(1);
            if (n == 2 && "POST".equals(method)) {
                final Schema schema = schemaOf(ex);
                final int id = registry.getId(subject, schema);
                return metadata(versionOf(subject, id));
            }
            if (n == 3 && "versions".equals(p.get(2))) {
                if ("POST".equals(method)) {
                    final Schema schema = schemaOf(ex);
                    final int id = registry.register(subject, schema);
                    record(JSON.createObjectNode().put("op", "register").put("subject", subject).put("schema", schema.toString()));
                    return JSON.createObjectNode().put("id", id);
                }
                if ("GET".equals(method)) {
                    final var a = JSON.createArrayNode();
                    final List<Integer> versions = registry.versions(subject);
                    if (versions.isEmpty()) {
                        throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404,
                                SchemaRegistryException.SUBJECT_NOT_FOUND);
                    }
                    versions.forEach(a::add);
                    return a;
                }
            }
            if (n == 4 && "versions".equals(p.get(2)) && "GET".equals(method)) {
                final SchemaMetadata m = "latest".equals(p.get(3)) ? registry.getLatest(subject)
                        : registry.getVersion(subject, parseInt(p.get(3)));
                return metadata(m);
            }
        }
        if (n == 3 && "schemas".equals(p.get(0)) && "ids".equals(p.get(1)) && "GET".equals(method)) {
            return JSON.createObjectNode().put("schema", registry.getById(parseInt(p.get(2))).toString());
        }
        if (n >= 1 && n <= 2 && "config".equals(p.get(0))) {
            final String subject = n == 2 ? p.get(1) : null;
            if ("GET".equals(method)) {
                return JSON.createObjectNode().put("compatibilityLevel", registry.getCompatibility(subject).name());
            }
            if ("PUT".equals(method)) {
                final JsonNode body = body(ex);
                final CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText());
                registry.setCompatibility(subject, level);
                final ObjectNode change = JSON.createObjectNode().put("op", "config").put("level", level.name());
                change.put("subject", subject);
                record(change);
                return JSON.createObjectNode().put("compatibility", level.name());
            }
        }
        if (n == 5 && "compatibility".equals(p.get(0)) && "subjects".equals(p.get(1)) && "versions".equals(p.get(3))
                && "POST".equals(method)) {
            final String subject = p.get(2);
            if (registry.versions(subject).isEmpty()) {
                throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404,
                        SchemaRegistryException.SUBJECT_NOT_FOUND);
            }
            return JSON.createObjectNode().put("is_compatible", registry.testCompatibility(subject, schemaOf(ex)));
        }
        throw new NotFound("no such endpoint: " + method + " /" + String.join("/", p));
    }

    private SchemaMetadata versionOf(final String subject, final int id) {
        for (final int v : registry.versions(subject)) {
            final SchemaMetadata m = registry.getVersion(subject, v);
            if (m.id() == id) {
                return m;
            }
        }
        throw new SchemaRegistryException("Schema not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    }

    private static ObjectNode metadata(final SchemaMetadata m) {
        return JSON.createObjectNode().put("subject", m.subject()).put("version", m.version()).put("id", m.id())
                .put("schema", m.schema().toString());
    }

    private static Schema schemaOf(final HttpExchange ex) throws IOException {
        final JsonNode body = body(ex);
        final String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new IllegalArgumentException("only AVRO schemas are served, not " + type);
        }
        if (!body.hasNonNull("schema")) {
            throw new IllegalArgumentException("the body has no 'schema'");
        }
        return new Schema.Parser().parse(body.get("schema").asText());
    }

    private static JsonNode body(final HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            final JsonNode node = JSON.readTree(in);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the body is not a JSON object");
            }
            return node;
        }
    }

    private static int parseInt(final String s) {
        try {
            return Integer.parseInt(s);
        } catch (final NumberFormatException e) {
            throw new NotFound("'" + s + "' is not a number");
        }
    }

    private static List<String> segments(final String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    }

    private static ObjectNode error(final int code, final String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void send(final HttpExchange ex, final int status, final JsonNode body) throws IOException {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An unknown endpoint or resource. */
    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(final String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Serves a registry until the process is stopped: {@code [--port P] [--data DIR]}; prints
     * {@code schema.registry.url=...} on standard output when ready.
     */
    public static void main(final String[] args) throws InterruptedException {
        int port = 0;
        Path data = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: RegistryServer [--port P] [--data DIR]");
                    System.exit(2);
                }
            }
        }
        final RegistryServer server = start(port, data);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
        System.out.println("schema.registry.url=" + server.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
