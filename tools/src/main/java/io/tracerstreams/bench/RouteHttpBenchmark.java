/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.route.RouteHttpServer;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.topology.TracerApp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency of the synchronous route call ({@code POST /v1/route}) on an embedded single-node KRaft broker: an HTTP
 * client calls one {@code tracer run} instance's endpoint at a fixed rate (open loop: a call is sent on time whether
 * or not the earlier ones were answered); latency = HTTP answer received - call sent, so it holds the HTTP hop, the
 * request's write, featurizing (the model's time), the by-task repartition, the router, the commit of the decision
 * (exactly_once_v2) and its read_committed read. A simulated LLM answers every call that must call the LLM (DEFERRED or
 * audited) with its true label on the responses topic, so the gate opens during the run and both decision paths are
 * measured. Calls sent in the first {@code --warmup-seconds} (2) are not counted; answers DEFERRED, TIMEOUT (no
 * decision within route.http.timeout.ms) are counted with their latency and reported apart.
 *
 * <p>Every setting is the application's default ({@link TracerConfig}, the route endpoint's included) unless given:
 * {@code --seconds 60 --rate 100} and the configuration options of {@link DecisionLatencyBenchmark}
 * ({@code --model M --commit-interval-ms N --guarantee G ...}); {@code --json} prints only
 * {@code {"rate":..,"sent":..,"answered":..,"timeouts":..,"handled_pct":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..}}
 * on stdout (the settings and the timeline go to stderr).
 */
public final class RouteHttpBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "bench";

    private RouteHttpBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(final String[] args) throws Exception {
        run(args);
    }

    /** The figures of one run. */
    public record Result(int rate, long sent, long answered, long timeouts, double handledPct, double p50Ms, double p90Ms,
                         double p99Ms, double maxMs) {

        /** One JSON object, like {@code bench latency --json}'s. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"rate\":%d,\"sent\":%d,\"answered\":%d,\"timeouts\":%d,\"handled_pct\":%.1f,"
                    + "\"p50_ms\":%.1f,\"p90_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}", rate, sent, answered, timeouts,
                    handledPct, p50Ms, p90Ms, p99Ms, maxMs);
        }
    }

    /** Runs the benchmark and prints the figures. */
    public static Result run(final String[] args) throws Exception {
        final Map<String, String> opts = DecisionLatencyBenchmark.parse(args);
        final boolean json = opts.containsKey("json");
        final PrintStream out = json ? System.err : System.out;
        final int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        final int rate = Integer.parseInt(opts.getOrDefault("rate", "100"));
        final int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup-seconds", "2"));
        if (seconds < 1 || rate < 1 || warmupSeconds < 0 || warmupSeconds >= seconds) {
            throw new IllegalArgumentException("need --seconds >= 1, --rate >= 1 and 0 <= --warmup-seconds < --seconds");
        }
        final Path stateDir = Files.createTempDirectory("tracer-bench-route-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            final Map<String, Object> m = new HashMap<>();
            m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, "mock://route-bench");
            m.put(TracerConfig.APPLICATION_ID_CONFIG, "route-bench");
            m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
            m.put(TracerConfig.ROUTE_HTTP_PORT_CONFIG, "0");
            for (final Map.Entry<String, String> e : opts.entrySet()) {
                final String key = DecisionLatencyBenchmark.CONFIG_OPTIONS.get(e.getKey());
                if (key != null) {
                    m.put(key, e.getValue());
                } else if (e.getKey().startsWith("featurize-")) {
                    m.put(e.getKey().replace('-', '.'), e.getValue());
                } else if (!List.of("json", "seconds", "rate", "warmup-seconds").contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown option --" + e.getKey() + "; expected one of --seconds, --rate, "
                            + "--warmup-seconds, --json, --" + String.join(", --",
                            new java.util.TreeSet<>(DecisionLatencyBenchmark.CONFIG_OPTIONS.keySet())));
                }
            }
            final TracerConfig base = new TracerConfig(m);
            try (Featurizer featurizer = base.openFeaturizer()) {
                final RouteHttpServer route = RouteHttpServer.bind(base);
                final TracerConfig config = route.streamsConfig();
                final TracerConfig.RouteHttp http = config.routeHttp().orElseThrow();
                out.printf(Locale.ROOT, "route call latency: %d s at %d calls/s (the first %d s not counted), POST %s on one "
                        + "instance; settings (application defaults unless given): %s, route.http.timeout.ms=%d, "
                        + "route.http.threads=%d%n", seconds, rate, warmupSeconds, RouteHttpServer.PATH,
                        DecisionLatencyBenchmark.settings(config, featurizer), http.timeoutMs(), http.threads());
                try (TracerApp app = TracerApp.run(config, featurizer); RouteHttpServer server = route;
                     TopicSerdes serdes = TopicSerdes.fromConfig(config)) {
                    if (!app.awaitRunning(Duration.ofMinutes(2))) {
                        throw new IllegalStateException("the app did not reach RUNNING: " + app.state());
                    }
                    server.start(app.streams());
                    final Result result = measure(config, serdes, server.port(), seconds, rate, warmupSeconds, out);
                    if (json) {
                        System.out.println(result.toJson());
                    }
                    return result;
                } finally {
                    MockSchemaRegistryClient.dropScope("route-bench");
                }
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(stateDir.toFile());
        }
    }

    private static Result measure(final TracerConfig config, final TopicSerdes serdes, final int port, final int seconds,
                                  final int rate, final int warmupSeconds, final PrintStream out) throws Exception {
        final TracerConfig.Topics topics = config.topics();
        final URI uri = URI.create("http://127.0.0.1:" + port + RouteHttpServer.PATH);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final int total = seconds * rate;
        final long[] latencyUs = new long[total];
        final AtomicLong answered = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong handled = new AtomicLong();
        final AtomicLong measuredHandled = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final SyntheticIntents intents = new SyntheticIntents(10, 42L);
        final List<CompletableFuture<Void>> calls = new ArrayList<>(total);
        final Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, LlmResponse> llm = new KafkaProducer<>(producerProps, new StringSerializer(),
                serdes.response().serializer())) {
            final long intervalNs = 1_000_000_000L / rate;
            final long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                final long due = start + i * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                final int seq = i;
                final SyntheticIntents.Example ex = intents.next();
                final ObjectNode body = JSON.createObjectNode();
                body.put("task", TASK);
                body.put("input", ex.text());
                final long t0 = System.nanoTime();
                calls.add(http.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                        HttpResponse.BodyHandlers.ofString()).handle((r, error) -> {
                            final long us = (System.nanoTime() - t0) / 1_000;
                            if (error != null || r.statusCode() != 200) {
                                failed.incrementAndGet();
                                return null;
                            }
                            latencyUs[seq] = Math.max(1, us);
                            answered.incrementAndGet();
                            try {
                                final JsonNode d = JSON.readTree(r.body());
                                if (!d.get("from_tracer").asBoolean()) {
                                    timeouts.incrementAndGet();
                                } else if (d.get("decision").asText().equals("HANDLED")) {
                                    handled.incrementAndGet();
                                    if (seq >= warmupSeconds * rate) {
                                        measuredHandled.incrementAndGet();
                                    }
                                }
                                if (d.get("from_tracer").asBoolean() && d.get("must_call_llm").asBoolean()) {
                                    llm.send(new ProducerRecord<>(topics.responses(), TASK, LlmResponse.newBuilder()
                                            .setRequestId(d.get("request_id").asText()).setTask(TASK).setLabel(ex.label())
                                            .setInput(ex.text()).setModel("sim").setTimestamp(Instant.now()).build()));
                                }
                            } catch (final Exception e) {
                                failed.incrementAndGet();
                            }
                            return null;
                        }));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
            llm.flush();
        }
        final long[] measured = Arrays.stream(latencyUs, warmupSeconds * rate, total).filter(v -> v > 0).sorted().toArray();
        out.printf(Locale.ROOT, "calls sent %d, answered %d (TIMEOUT %d), failed %d; measured %d after warm-up (%.1f%% HANDLED)%n",
                total, answered.get(), timeouts.get(), failed.get(), measured.length,
                100.0 * measuredHandled.get() / Math.max(1, measured.length));
        if (measured.length > 0) {
            out.printf(Locale.ROOT, "latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f%n", pct(measured, 0.50),
                    pct(measured, 0.90), pct(measured, 0.99), measured[measured.length - 1] / 1000.0,
                    Arrays.stream(measured).average().orElse(0) / 1000.0);
        }
        final StringBuilder line = new StringBuilder("timeline (per 5 s of sending: p50/max ms):");
        for (int from = 0; from < total; from += 5 * rate) {
            final long[] b = Arrays.stream(latencyUs, from, Math.min(total, from + 5 * rate)).filter(v -> v > 0).sorted().toArray();
            line.append(b.length == 0 ? " -" : String.format(Locale.ROOT, " %.0f/%.0f", pct(b, 0.5), b[b.length - 1] / 1000.0));
        }
        out.println(line);
        final double handledPct = 100.0 * measuredHandled.get() / Math.max(1, measured.length);
        return measured.length == 0
                ? new Result(rate, total, answered.get(), timeouts.get(), handledPct, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                : new Result(rate, total, answered.get(), timeouts.get(), handledPct, pct(measured, 0.50), pct(measured, 0.90),
                pct(measured, 0.99), measured[measured.length - 1] / 1000.0);
    }

    private static double pct(final long[] sorted, final double q) {
        final int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[i] / 1000.0;
    }
}
