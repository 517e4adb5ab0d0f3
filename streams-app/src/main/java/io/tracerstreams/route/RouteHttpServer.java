/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.route;

import io.tracerstreams.client.Decision;
import io.tracerstreams.client.TracerClient;
import io.tracerstreams.client.TracerClientConfig;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The synchronous route call of a {@code tracer run} instance: {@code POST /v1/route} with
 * {@code {"task": "...", "input": "..."}} (see {@link RouteRequest}) answers the decision as JSON (see
 * {@link #toJson}).
 *
 * <h2>One place decides: the topology</h2>
 * The endpoint writes the call as an {@code LlmRequest} to the requests topic (attribute {@value #ROUTE_ATTRIBUTE}
 * {@code = http} marks it as a synchronous call) and answers with the decision the topology wrote for that request id
 * to the decisions topic, read with a {@code read_committed} consumer ({@link TracerClient}: one producer and one
 * consumer for the whole endpoint, correlated by request id). So the request is routed once, by the task router that
 * owns the task, its decision is the one on {@code tracer.decisions}, and the request, its decision and the LLM's
 * answer are learned and audited as any other. Under {@code exactly_once_v2} the caller gets the decision only
 * once the transaction that wrote it has committed (the consumer reads committed records only): a decision from a
 * transaction that aborts is never returned, the one that is returned is the one the topic keeps. Under
 * {@code at_least_once} the caller gets the first decision written for its request id.
 *
 * <p>The alternative, deciding in the HTTP thread through thread-safe access to the task's engine and journaling the
 * decision through the topology so it is not decided again, would save the topic round trip (featurize batching,
 * the repartition hop and, under exactly_once_v2, up to one {@code commit.interval.ms}), but it would make a second
 * place that decides and mutates the engine, outside the stream thread that owns it and outside its transaction: a
 * decision answered over HTTP could then be lost with an aborted transaction, or differ from the one a restored engine
 * would make. We keep one place that decides and pay the round trip; {@code tracer bench route} measures it.
 *
 * <h2>The owner of the task</h2>
 * The instance that takes the call looks the task's owner up in Kafka Streams' interactive-query metadata
 * ({@link TaskOwners#of}: {@code queryMetadataForKey} on the task-keyed store of the router) and, when another
 * instance owns it, forwards the call there (its {@code application.server}, header {@value #FORWARDED_HEADER}; a
 * forwarded call is never forwarded again). The owner's router decides either way, since the request travels to it
 * through the by-task repartition topic; forwarding puts the call's wait on the instance that holds the task's state.
 * When the owner is unknown (starting, rebalancing) or cannot be connected to, the call is served here; when a
 * forwarded call fails after it was sent, it is answered DEFERRED, TIMEOUT rather than sent twice.
 *
 * <h2>Answers</h2>
 * <ul>
 *   <li>200 with a decision for every call tracer could record: HANDLED; DEFERRED with tracer's reason (the gate
 *       closed or warming up, TASK_NOT_ALLOWED or TASK_LIMIT for a task {@code tasks.allowed} or {@code tasks.max}
 *       refuse, INVALID_INPUT for an empty input or one longer than {@code max.input.chars}); DEFERRED, TIMEOUT when
 *       no committed decision arrived within the call's timeout (the broker slow or unreachable, the registry down),
 *       with {@code "from_tracer": false}. Every call completes within its timeout plus the time to write the
 *       answer; a forwarded one within its timeout plus {@value #FORWARD_SLACK_MS} ms when the owner does not answer
 *       (it answers TIMEOUT at the timeout itself).</li>
 *   <li>400 for a body that is not the JSON described (the message names the field), 405 for a method other than
 *       POST, 413 for a body larger than {@code route.http.max.body.bytes}, 503 while the endpoint closes.</li>
 * </ul>
 */
public final class RouteHttpServer implements AutoCloseable {

    /** The path of the route call. */
    public static final String PATH = "/v1/route";
    /** Request attribute that marks a request as made through this endpoint (value {@code http}). */
    public static final String ROUTE_ATTRIBUTE = "tracer.route";
    /** Header of a forwarded call: the advertised host:port of the instance that forwarded it. */
    public static final String FORWARDED_HEADER = "X-Tracer-Forwarded-By";
    /** Header of a forwarded call: the milliseconds left of the caller's timeout. */
    public static final String TIMEOUT_HEADER = "X-Tracer-Timeout-Ms";

    private static final Logger LOG = LoggerFactory.getLogger(RouteHttpServer.class);
    /** How long past the call's timeout a forwarded call waits for the owner's answer (the owner answers TIMEOUT at it). */
    static final long FORWARD_SLACK_MS = 2_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Kafka client settings the endpoint's producer and consumer may take from {@code kafka.*}. */
    private static final Set<String> MANAGED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "isolation.level", "group.id", "enable.auto.commit", "client.id",
            "transactional.id");

    private final TracerConfig config;
    private final TracerConfig.RouteHttp settings;
    private final HttpServer server;
    private final String advertised;
    private final ExecutorService handlers;
    private final ExecutorService responders;
    private final HttpClient forwarder;
    private volatile TracerClient client;
    private volatile TaskOwners owners = task -> Optional.empty();
    private volatile boolean closing;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private RouteHttpServer(final TracerConfig config, final TracerConfig.RouteHttp settings) {
        this.config = config;
        this.settings = settings;
        try {
            this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 256);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot bind the route endpoint to " + settings.host() + ":" + settings.port()
                    + " (" + TracerConfig.ROUTE_HTTP_HOST_CONFIG + ", " + TracerConfig.ROUTE_HTTP_PORT_CONFIG + "): "
                    + e.getMessage(), e);
        }
        this.advertised = advertised(config, settings, server.getAddress().getPort());
        final AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.threads(), r -> daemon(r, "tracer-route-http-" + n.incrementAndGet()));
        this.responders = Executors.newCachedThreadPool(r -> daemon(r, "tracer-route-answer-" + n.incrementAndGet()));
        this.forwarder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(responders)
                .version(HttpClient.Version.HTTP_1_1).build();
        server.setExecutor(handlers);
        server.createContext(PATH, this::handle);
    }

    /**
     * Binds the endpoint of {@code config} ({@code route.http.*}) without serving yet, so that its address is known
     * before Kafka Streams starts ({@link #streamsConfig}).
     *
     * @throws IllegalArgumentException when route.http.port is -1 (no endpoint configured)
     * @throws ConfigException          when route.http.advertised and kafka.application.server disagree
     * @throws UncheckedIOException     when the address cannot be bound
     */
    public static RouteHttpServer bind(final TracerConfig config) {
        final TracerConfig.RouteHttp settings = config.routeHttp().orElseThrow(() -> new IllegalArgumentException(
                TracerConfig.ROUTE_HTTP_PORT_CONFIG + " is -1: no route endpoint configured"));
        return new RouteHttpServer(config, settings);
    }

    private static String advertised(final TracerConfig config, final TracerConfig.RouteHttp settings, final int port) {
        final Object streamsServer = config.originals().get(TracerConfig.KAFKA_PREFIX + StreamsConfig.APPLICATION_SERVER_CONFIG);
        final String fromStreams = streamsServer == null ? "" : streamsServer.toString().trim();
        if (!settings.advertised().isEmpty() && !fromStreams.isEmpty() && !settings.advertised().equals(fromStreams)) {
            throw new ConfigException(TracerConfig.ROUTE_HTTP_ADVERTISED_CONFIG, settings.advertised(), "differs from "
                    + TracerConfig.KAFKA_PREFIX + StreamsConfig.APPLICATION_SERVER_CONFIG + "=" + fromStreams
                    + "; both name where other instances reach this one: set one of them");
        }
        if (!settings.advertised().isEmpty()) {
            return settings.advertised();
        }
        if (!fromStreams.isEmpty()) {
            return fromStreams;
        }
        if (settings.host().equals("0.0.0.0") || settings.host().equals("::")) {
            LOG.warn("the route endpoint binds {} and {} is empty: other instances will be told {}:{}, which reaches only "
                    + "this machine; set it to this machine's address", settings.host(),
                    TracerConfig.ROUTE_HTTP_ADVERTISED_CONFIG, settings.host(), port);
        }
        return settings.host() + ":" + port;
    }

    /**
     * {@code config} with Kafka Streams' {@code application.server} set to this endpoint's advertised address (so the
     * interactive-query metadata of the other instances names it); run the application with it.
     */
    public TracerConfig streamsConfig() {
        final Map<String, Object> m = new HashMap<>(config.originals());
        m.put(TracerConfig.KAFKA_PREFIX + StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
        return new TracerConfig(m);
    }

    /** Starts serving calls of the application run by {@code streams} (which the caller starts and closes). */
    public void start(final KafkaStreams streams) {
        start(TaskOwners.of(streams));
    }

    /** Starts serving, with the owners of tasks given by {@code owners}. */
    public void start(final TaskOwners taskOwners) {
        this.owners = taskOwners;
        final TracerConfig.Topics t = config.topics();
        final TracerClientConfig.Builder b = TracerClientConfig.builder().bootstrapServers(config.bootstrapServers())
                .schemaRegistryUrl(config.schemaRegistryUrl()).requestsTopic(t.requests()).responsesTopic(t.responses())
                .decisionsTopic(t.decisions()).defaultTimeout(Duration.ofMillis(settings.timeoutMs()))
                .closeTimeout(Duration.ofMillis(settings.timeoutMs()))
                .clientId(config.applicationId() + "-route-" + advertised.replace(':', '-'));
        final Set<String> clientKeys = new java.util.HashSet<>(ProducerConfig.configNames());
        clientKeys.addAll(ConsumerConfig.configNames());
        for (final Map.Entry<String, Object> e : config.originalsWithPrefix(TracerConfig.KAFKA_PREFIX, true).entrySet()) {
            if (clientKeys.contains(e.getKey()) && !MANAGED.contains(e.getKey())) {
                b.kafkaProperty(e.getKey(), e.getValue());
            }
        }
        for (final Map.Entry<String, Object> e : config.schemaRegistryConfig().entrySet()) {
            if (!e.getKey().equals(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG) && e.getValue() != null) {
                b.registryProperty(e.getKey(), e.getValue());
            }
        }
        this.client = new TracerClient(b.build());
        server.start();
        LOG.info("route endpoint serving POST http://{}{} (advertised as {}), timeout {} ms, body limit {} bytes",
                hostPort(), PATH, advertised, settings.timeoutMs(), settings.maxBodyBytes());
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where other instances reach this one: the application.server it runs with. */
    public String advertised() {
        return advertised;
    }

    private String hostPort() {
        return settings.host() + ":" + port();
    }

    /** Calls taken, forwarded, answered TIMEOUT, refused (4xx) since start. */
    public Map<String, Long> counts() {
        final Map<String, Long> m = new LinkedHashMap<>();
        m.put("calls", calls.get());
        m.put("forwarded", forwarded.get());
        m.put("timeouts", timeouts.get());
        m.put("refused", refused.get());
        return m;
    }

    // ------------------------------------------------------------------ handling

    private void handle(final HttpExchange exchange) {
        calls.incrementAndGet();
        final long start = System.nanoTime();
        try {
            if (closing) {
                error(exchange, 503, "the route endpoint is closing; call another instance or the LLM");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                error(exchange, 405, "use POST " + PATH + " with {\"task\": \"...\", \"input\": \"...\"}");
                return;
            }
            final byte[] body = readBody(exchange, settings.maxBodyBytes());
            final RouteRequest request = RouteRequest.parse(body);
            final String forwardedBy = exchange.getRequestHeaders().getFirst(FORWARDED_HEADER);
            long timeoutMs = request.timeoutMs() != null ? request.timeoutMs() : settings.timeoutMs();
            final String timeoutHeader = exchange.getRequestHeaders().getFirst(TIMEOUT_HEADER);
            if (forwardedBy != null && timeoutHeader != null) {
                timeoutMs = parseTimeoutHeader(timeoutHeader);
            }
            final Optional<String> owner = forwardedBy == null ? owners.ownerOf(request.task()) : Optional.empty();
            if (owner.isPresent() && !owner.get().equals(advertised)) {
                forward(exchange, request, body, owner.get(), start, timeoutMs);
            } else {
                routeHere(exchange, request, start, timeoutMs);
            }
        } catch (final RouteRequest.Invalid e) {
            error(exchange, e.status(), e.getMessage());
        } catch (final IOException | RuntimeException e) {
            LOG.warn("route call failed: {}", e.toString());
            error(exchange, 500, "the call failed: " + e);
        }
    }

    private static long parseTimeoutHeader(final String value) throws RouteRequest.Invalid {
        try {
            final long ms = Long.parseLong(value.trim());
            if (ms >= 1 && ms <= RouteRequest.MAX_TIMEOUT_MS) {
                return ms;
            }
        } catch (final NumberFormatException e) {
            // below
        }
        throw new RouteRequest.Invalid(400, "header " + TIMEOUT_HEADER + " must be an integer from 1 to "
                + RouteRequest.MAX_TIMEOUT_MS + ", got " + value);
    }

    private void routeHere(final HttpExchange exchange, final RouteRequest request, final long start, final long timeoutMs)
            throws RouteRequest.Invalid {
        final Map<String, String> attributes = new LinkedHashMap<>(request.attributes());
        attributes.put(ROUTE_ATTRIBUTE, "http");
        final CompletableFuture<Decision> decision;
        try {
            decision = client.route(request.task(), request.input(), attributes, Duration.ofMillis(timeoutMs));
        } catch (final IllegalArgumentException e) {
            throw new RouteRequest.Invalid(400, e.getMessage());
        } catch (final IllegalStateException e) {
            error(exchange, 503, "the route endpoint is closing; call another instance or the LLM");
            return;
        }
        decision.whenCompleteAsync((d, failure) -> {
            if (failure != null) {
                error(exchange, 500, "the call failed: " + failure);
                return;
            }
            if (d.isTimeout()) {
                timeouts.incrementAndGet();
            }
            respond(exchange, 200, toJson(d.record(), d.isTimeout(), elapsedMs(start), advertised));
        }, responders);
    }

    private void forward(final HttpExchange exchange, final RouteRequest request, final byte[] body, final String owner,
                         final long start, final long timeoutMs) {
        forwarded.incrementAndGet();
        final HttpRequest call = HttpRequest.newBuilder(URI.create("http://" + owner + PATH))
                .timeout(Duration.ofMillis(timeoutMs + FORWARD_SLACK_MS))
                .header("Content-Type", "application/json")
                .header(FORWARDED_HEADER, advertised)
                .header(TIMEOUT_HEADER, Long.toString(timeoutMs))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        forwarder.sendAsync(call, HttpResponse.BodyHandlers.ofByteArray()).whenCompleteAsync((response, failure) -> {
            if (failure == null) {
                respond(exchange, response.statusCode(), response.body());
                return;
            }
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            final long left = timeoutMs - elapsedMs(start);
            if (cause instanceof ConnectException && left > 0) {
                // never reached the owner: nothing was sent, serve it here
                LOG.debug("owner {} of task {} not reachable ({}); serving the call here", owner, request.task(), cause.toString());
                try {
                    routeHere(exchange, request, start, left);
                } catch (final RouteRequest.Invalid e) {
                    error(exchange, e.status(), e.getMessage());
                }
                return;
            }
            // the owner may have recorded the request: do not record it a second time
            timeouts.incrementAndGet();
            final RoutingDecision timeout = RoutingDecision.newBuilder().setRequestId("").setTask(request.task())
                    .setDecision(io.tracerstreams.schema.Decision.DEFERRED).setLabel(null).setScore(0.0).setThreshold(null)
                    .setReason(Reason.TIMEOUT).setAudit(false).setAuditProbability(1.0)
                    .setModelVersion("tracer-route: the call forwarded to " + owner + " failed: " + cause)
                    .setTimestamp(Instant.now()).build();
            respond(exchange, 200, toJson(timeout, true, elapsedMs(start), advertised));
        }, responders);
    }

    /**
     * The decision as the endpoint answers it: the fields of {@code RoutingDecision} in snake case ({@code request_id},
     * {@code task}, {@code decision}, {@code label}, {@code score}, {@code threshold}, {@code reason}, {@code audit},
     * {@code audit_probability}, {@code model_version}, {@code timestamp} in epoch ms), plus {@code must_call_llm}
     * (DEFERRED, or HANDLED with audit: call the LLM and publish its label to the responses topic),
     * {@code from_tracer} (false for the endpoint's own TIMEOUT), {@code latency_ms} and {@code served_by}.
     */
    static byte[] toJson(final RoutingDecision d, final boolean timeout, final long latencyMs, final String servedBy) {
        final ObjectNode o = JSON.createObjectNode();
        o.put("request_id", d.getRequestId());
        o.put("task", d.getTask());
        o.put("decision", d.getDecision().name());
        o.put("label", d.getLabel());
        o.put("score", d.getScore());
        o.put("threshold", d.getThreshold());
        o.put("reason", d.getReason().name());
        o.put("audit", d.getAudit());
        o.put("audit_probability", d.getAuditProbability());
        o.put("model_version", d.getModelVersion());
        o.put("timestamp", d.getTimestamp() == null ? null : d.getTimestamp().toEpochMilli());
        o.put("must_call_llm", d.getDecision() == io.tracerstreams.schema.Decision.DEFERRED || d.getAudit());
        o.put("from_tracer", !timeout);
        o.put("latency_ms", latencyMs);
        o.put("served_by", servedBy);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the body, or refuses it (413) as soon as it exceeds {@code max} bytes. */
    static byte[] readBody(final HttpExchange exchange, final int max) throws IOException, RouteRequest.Invalid {
        final String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > max) {
                    throw new RouteRequest.Invalid(413, "the body has " + length.trim() + " bytes; the limit is " + max
                            + " (" + TracerConfig.ROUTE_HTTP_MAX_BODY_BYTES_CONFIG + ")");
                }
            } catch (final NumberFormatException e) {
                throw new RouteRequest.Invalid(400, "header Content-Length is not a number: " + length);
            }
        }
        return readLimited(exchange.getRequestBody(), max);
    }

    /** At most {@code max} bytes of {@code in}, or 413 when there are more. */
    static byte[] readLimited(final InputStream in, final int max) throws IOException, RouteRequest.Invalid {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8_192));
        final byte[] buffer = new byte[8_192];
        int total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                throw new RouteRequest.Invalid(413, "the body is larger than " + max + " bytes ("
                        + TracerConfig.ROUTE_HTTP_MAX_BODY_BYTES_CONFIG + ")");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private void error(final HttpExchange exchange, final int status, final String message) {
        if (status >= 400 && status < 500) {
            refused.incrementAndGet();
        }
        final ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        o.put("status", status);
        try {
            respond(exchange, status, JSON.writeValueAsBytes(o));
        } catch (final IOException e) {
            exchange.close();
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final byte[] body) {
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (final IOException e) {
            LOG.debug("cannot answer a route call (the caller went away?): {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    private static long elapsedMs(final long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Stops taking calls (503), waits for the calls in flight up to the call timeout (they complete with their
     * decision or TIMEOUT), then closes the server and the endpoint's Kafka clients. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        final TracerClient c = client;
        if (c != null) {
            c.close();
        }
        try {
            server.stop(1);
        } catch (final RuntimeException e) {
            LOG.debug("stopping the route endpoint's server", e);
        }
        handlers.shutdownNow();
        responders.shutdown();
        try {
            responders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        responders.shutdownNow();
        LOG.info("route endpoint closed: {}", counts());
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
