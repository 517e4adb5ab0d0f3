/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.bench.chaos.ChildProcess;
import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.broker.RegistryServer;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.topology.TracerApp;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * End-to-end decision latency on an embedded single-node KRaft broker: a producer publishes requests at a
 * fixed rate; a read_committed consumer reads the decisions; latency = decision consumed - request sent. A
 * simulated LLM answers every deferred or audited request with its true label, so the gate opens during the run
 * and both decision paths are measured. Requests sent in the first {@code --warmup-seconds} (2) are not counted.
 * Before tracer starts, {@code --broker-warmup} (1,000) transactions of the benchmark's own run against the new
 * broker, which a deployment's long-running cluster needs no warm-up for; tracer itself starts cold, apart from the
 * Kafka client code the warm-up ran in this JVM. With {@code --processes}, tracer runs as a {@code tracer run} process
 * of its own instead (the launcher's JVM options, a registry server in this JVM), so that nothing of this JVM warms it.
 *
 * <p>Every setting is the application's default ({@link TracerConfig}) unless given: {@code --seconds 60
 * --rate 100 --model M --commit-interval-ms N --commit-on-partial-batch B --poll-ms N --partitions N --threads N
 * --embedding-threads N --guarantee G --featurize-batch-max-texts N --featurize-batch-max-wait-ms N --window N
 * --min-accepted N --alpha A}, and
 * {@code --json} prints only {@code {"rate":..,"sent":..,"decided":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..}}
 * on stdout (the settings and the timeline go to stderr). Requests and responses are keyed by their task, as
 * every tracer producer keys them, so each is featurized and routed in one stream task and one transaction.
 */
public final class DecisionLatencyBenchmark {

    private DecisionLatencyBenchmark() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(final String[] args) throws Exception {
        run(args);
    }

    /** The options that map onto a {@link TracerConfig} key; every other key keeps the application's default. */
    static final Map<String, String> CONFIG_OPTIONS = Map.ofEntries(
            Map.entry("model", TracerConfig.EMBEDDING_MODEL_CONFIG),
            Map.entry("commit-interval-ms", TracerConfig.COMMIT_INTERVAL_MS_CONFIG),
            Map.entry("commit-on-partial-batch", TracerConfig.COMMIT_ON_PARTIAL_BATCH_CONFIG),
            Map.entry("poll-ms", TracerConfig.POLL_MS_CONFIG),
            Map.entry("partitions", TracerConfig.TOPICS_PARTITIONS_CONFIG),
            Map.entry("threads", TracerConfig.NUM_STREAM_THREADS_CONFIG),
            Map.entry("embedding-threads", TracerConfig.EMBEDDING_THREADS_CONFIG),
            Map.entry("guarantee", TracerConfig.PROCESSING_GUARANTEE_CONFIG),
            Map.entry("window", TracerConfig.WINDOW_SIZE_CONFIG),
            Map.entry("min-accepted", TracerConfig.MIN_ACCEPTED_CONFIG),
            Map.entry("alpha", TracerConfig.ALPHA_CONFIG));

    /** The figures of one run. */
    public record Result(int rate, long sent, long decided, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

        /** The JSON object. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"rate\":%d,\"sent\":%d,\"decided\":%d,\"p50_ms\":%.1f,\"p90_ms\":%.1f,"
                    + "\"p99_ms\":%.1f,\"max_ms\":%.1f}", rate, sent, decided, p50Ms, p90Ms, p99Ms, maxMs);
        }
    }

    /** Runs the benchmark and prints the figures. */
    public static Result run(final String[] args) throws Exception {
        final Map<String, String> opts = parse(args);
        final boolean json = opts.containsKey("json");
        final PrintStream out = json ? System.err : System.out;
        final int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        final int rate = Integer.parseInt(opts.getOrDefault("rate", "100"));
        final int warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup-seconds", "2"));
        final boolean processes = opts.containsKey("processes");
        final Path stateDir = Files.createTempDirectory("tracer-bench-state-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RegistryServer registry = processes ? RegistryServer.start(0, null) : null) {
            final Map<String, Object> m = new HashMap<>();
            m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            // a tracer run process needs a registry it can reach; in this JVM a mock:// scope serves
            m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, processes ? registry.url() : "mock://latency-bench");
            m.put(TracerConfig.APPLICATION_ID_CONFIG, "latency-bench");
            m.put(TracerConfig.STATE_DIR_CONFIG, stateDir.toString());
            for (final Map.Entry<String, String> e : opts.entrySet()) {
                final String key = CONFIG_OPTIONS.get(e.getKey());
                if (key != null) {
                    m.put(key, e.getValue());
                } else if (e.getKey().startsWith("featurize-")) {
                    m.put(e.getKey().replace('-', '.'), e.getValue());
                } else if (e.getKey().startsWith("kafka.")) {
                    m.put(e.getKey(), e.getValue()); // passed to Kafka Streams and its clients, as in tracer.properties
                } else if (!List.of("json", "seconds", "rate", "warmup-seconds", "broker-warmup", "processes").contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown option --" + e.getKey() + "; expected one of --seconds, --rate, "
                            + "--warmup-seconds, --broker-warmup, --processes, --json, --kafka.<key>, --" + String.join(", --", new java.util.TreeSet<>(CONFIG_OPTIONS.keySet())));
                }
            }
            final TracerConfig config = new TracerConfig(m);
            final int brokerWarmup = Integer.parseInt(opts.getOrDefault("broker-warmup", String.valueOf(BROKER_WARMUP)));
            warmBroker(kafka.bootstrapServers(), brokerWarmup, out);
            if (processes) {
                return inProcess(config, seconds, rate, warmupSeconds, json, out);
            }
            try (Featurizer featurizer = config.openFeaturizer()) {
                out.printf(Locale.ROOT, "decision latency: %d s at %d requests/s (the first %d s not counted), read_committed; "
                        + "settings (application defaults unless given): %s; JVM options (the tracer launcher's unless "
                        + "TRACER_JAVA_OPTS is set): %s%n", seconds, rate, warmupSeconds, settings(config, featurizer),
                        jvmOptions());
                try (TracerApp app = TracerApp.run(config, featurizer); TopicSerdes serdes = TopicSerdes.fromConfig(config)) {
                    if (!app.awaitRunning(Duration.ofMinutes(2))) {
                        throw new IllegalStateException("the app did not reach RUNNING: " + app.state());
                    }
                    final Result result = measure(config, serdes, seconds, rate, warmupSeconds, out);
                    if (json) {
                        System.out.println(result.toJson());
                    }
                    return result;
                } finally {
                    MockSchemaRegistryClient.dropScope("latency-bench");
                }
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(stateDir.toFile());
        }
    }

    /**
     * The measurement with tracer as a {@code tracer run} process of its own (its own JVM with the launcher's options,
     * featurizer and state directory, as a deployment runs it), timed once it prints that it runs: the broker warm-up
     * in this JVM then warms none of tracer's code.
     */
    private static Result inProcess(final TracerConfig config, final int seconds, final int rate, final int warmupSeconds,
                                    final boolean json, final PrintStream out) throws Exception {
        final Path work = Files.createTempDirectory("tracer-bench-latency-process-");
        final ChildProcess child = ChildProcess.tracerRun("tracer", config, work);
        try {
            out.printf(Locale.ROOT, "decision latency: %d s at %d requests/s (the first %d s not counted), read_committed; "
                    + "settings (application defaults unless given): featurizer %s%s; tracer as a tracer run process with "
                    + "JVM options %s%n", seconds, rate, warmupSeconds, config.embeddingModel(), settings(config),
                    String.join(" ", ChildProcess.TRACER_JVM_OPTIONS));
            child.start();
            child.await(RUNNING, Duration.ofMinutes(5));
            out.printf(Locale.ROOT, "tracer run process running (pid %d)%n", child.pid());
            try (TopicSerdes serdes = TopicSerdes.fromConfig(config)) {
                final Result result = measure(config, serdes, seconds, rate, warmupSeconds, out);
                if (json) {
                    System.out.println(result.toJson());
                }
                return result;
            }
        } finally {
            child.terminate(Duration.ofSeconds(30));
            org.apache.commons.io.FileUtils.deleteQuietly(work.toFile());
        }
    }

    /** What a {@code tracer run} process prints once its Kafka Streams client runs. */
    private static final Pattern RUNNING = Pattern.compile("tracer: running");

    /** Transactions the benchmark runs against the embedded broker before tracer starts (--broker-warmup). */
    static final int BROKER_WARMUP = 1_000;

    /**
     * Runs {@code transactions} small transactions (a record each, to a scratch topic of 3 partitions, read back
     * read_committed) against a freshly started broker, so that tracer meets a broker whose code paths already ran, as
     * a production cluster's have. In this JVM that also runs the Kafka client code tracer's own clients use.
     */
    static void warmBroker(final String bootstrap, final int transactions, final PrintStream out) {
        if (transactions <= 0) {
            out.println("broker warm-up: none (--broker-warmup 0): tracer meets a broker that has just started");
            return;
        }
        final String topic = "latency-bench-broker-warmup";
        final long t0 = System.nanoTime();
        long read = 0;
        try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        } catch (final Exception e) {
            throw new IllegalStateException("cannot create the broker warm-up topic: " + e.getMessage(), e);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                    new TopicPartition(topic, 2));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            producer.initTransactions();
            for (int i = 0; i < transactions; i++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k" + i % 7, "v" + i));
                producer.commitTransaction();
                read += consumer.poll(Duration.ZERO).count();
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (read < transactions && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(50)).count();
            }
        }
        out.printf(Locale.ROOT, "broker warm-up: %d transactions (%d records read back read_committed) in %d ms before "
                + "tracer starts%n", transactions, read, (System.nanoTime() - t0) / 1_000_000);
    }

    /** This JVM's options, as it was started (the {@code tracer} launcher's defaults unless TRACER_JAVA_OPTS is set). */
    static String jvmOptions() {
        return String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The settings that shape latency, as the application sees them. */
    static String settings(final TracerConfig config, final Featurizer featurizer) {
        return "featurizer " + featurizer.id() + settings(config);
    }

    /** The settings that shape latency apart from the featurizer, each as {@code ", key=value"}. */
    private static String settings(final TracerConfig config) {
        final StringBuilder sb = new StringBuilder();
        for (final String key : List.of(TracerConfig.PROCESSING_GUARANTEE_CONFIG, TracerConfig.COMMIT_INTERVAL_MS_CONFIG,
                TracerConfig.COMMIT_ON_PARTIAL_BATCH_CONFIG,
                TracerConfig.POLL_MS_CONFIG, TracerConfig.TOPICS_PARTITIONS_CONFIG, TracerConfig.NUM_STREAM_THREADS_CONFIG,
                TracerConfig.EMBEDDING_THREADS_CONFIG, TracerConfig.ALPHA_CONFIG, TracerConfig.WINDOW_SIZE_CONFIG, TracerConfig.MIN_ACCEPTED_CONFIG)) {
            sb.append(", ").append(key).append('=').append(config.values().get(key));
        }
        for (final Map.Entry<String, ?> e : new java.util.TreeMap<>(config.values()).entrySet()) {
            if (e.getKey().startsWith("featurize.")) {
                sb.append(", ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return sb.toString();
    }

    private static Result measure(final TracerConfig config, final TopicSerdes serdes, final int seconds, final int rate,
                                  final int warmupSeconds, final PrintStream out) throws InterruptedException {
        final TracerConfig.Topics topics = config.topics();
        final Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ACKS_CONFIG, "all");
        final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        final Map<String, String> truth = new ConcurrentHashMap<>();
        final List<Long> latenciesUs = java.util.Collections.synchronizedList(new ArrayList<>());
        final long[] latencyBySeq = new long[seconds * rate];
        final AtomicLong handled = new AtomicLong();
        final AtomicLong decided = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong drainDeadline = new AtomicLong(Long.MAX_VALUE);
        final long warmupEnd = (long) warmupSeconds * rate;
        final SyntheticIntents intents = new SyntheticIntents(10, 42L);

        try (KafkaProducer<String, LlmRequest> requests = new KafkaProducer<>(producerProps, new StringSerializer(),
                serdes.request().serializer());
             KafkaProducer<String, LlmResponse> responses = new KafkaProducer<>(producerProps, new StringSerializer(),
                     serdes.response().serializer());
             KafkaConsumer<byte[], byte[]> decisions = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = new ArrayList<>();
            decisions.partitionsFor(topics.decisions()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            decisions.assign(parts);
            decisions.seekToBeginning(parts);
            // the benchmark's own clients start warm: offsets resolved, metadata of the topics they write fetched, so
            // that the clock measures tracer, not a client's first metadata round trip
            parts.forEach(decisions::position);
            requests.partitionsFor(topics.requests());
            responses.partitionsFor(topics.responses());

            final Thread reader = new Thread(() -> {
                while (running.get() || !sentAt.isEmpty()) {
                    for (final ConsumerRecord<byte[], byte[]> r : decisions.poll(Duration.ofMillis(5))) {
                        final long now = System.nanoTime();
                        final RoutingDecision d = serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value());
                        final Long t0 = sentAt.remove(d.getRequestId());
                        if (t0 == null) {
                            continue;
                        }
                        final long seq = Long.parseLong(d.getRequestId().substring(2));
                        decided.incrementAndGet();
                        if (seq < latencyBySeq.length) {
                            latencyBySeq[(int) seq] = (now - t0) / 1_000;
                        }
                        if (seq >= warmupEnd) {
                            latenciesUs.add((now - t0) / 1_000);
                            if (d.getDecision() == Decision.HANDLED) {
                                handled.incrementAndGet();
                            }
                        }
                        if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                            final String label = truth.get(d.getRequestId());
                            responses.send(new ProducerRecord<>(topics.responses(), d.getTask(), LlmResponse.newBuilder()
                                    .setRequestId(d.getRequestId()).setTask(d.getTask()).setLabel(label).setModel("sim")
                                    .setTimestamp(Instant.now()).build()));
                        }
                        truth.remove(d.getRequestId());
                    }
                    if (!running.get() && System.nanoTime() > drainDeadline.get()) {
                        break;
                    }
                }
            }, "latency-reader");
            reader.start();

            final long total = (long) seconds * rate;
            final long intervalNs = 1_000_000_000L / rate;
            final long start = System.nanoTime();
            for (long i = 0; i < total; i++) {
                final long due = start + i * intervalNs;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                final SyntheticIntents.Example ex = intents.next();
                final String id = "r-" + i;
                truth.put(id, ex.label());
                sentAt.put(id, System.nanoTime());
                // keyed by task, as the design asks: featurized and routed in one stream task and one transaction
                requests.send(new ProducerRecord<>(topics.requests(), "bench", LlmRequest.newBuilder().setRequestId(id)
                        .setTask("bench").setInput(ex.text()).setTimestamp(Instant.now()).build()));
            }
            requests.flush();
            drainDeadline.set(System.nanoTime() + Duration.ofSeconds(30).toNanos());
            running.set(false);
            reader.join();
            final long[] sorted;
            synchronized (latenciesUs) {
                sorted = latenciesUs.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            out.printf(Locale.ROOT, "requests sent %d, decided %d, missing %d; measured %d after warm-up (%.1f%% HANDLED)%n",
                    total, decided.get(), sentAt.size(), sorted.length, 100.0 * handled.get() / Math.max(1, sorted.length));
            if (sorted.length > 0) {
                out.printf(Locale.ROOT, "latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f%n",
                        pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted[sorted.length - 1] / 1000.0,
                        Arrays.stream(sorted).average().orElse(0) / 1000.0);
            }
            printTimeline(latencyBySeq, rate, out);
            return sorted.length == 0 ? new Result(rate, total, decided.get(), Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                    : new Result(rate, total, decided.get(), pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99),
                    sorted[sorted.length - 1] / 1000.0);
        }
    }

    /**
     * Median and max latency per second of send time for the first 10 s, then per 5 s: shows whether the tail is
     * the start-up, one stall or a steady backlog.
     */
    private static void printTimeline(final long[] latencyBySeq, final int rate, final PrintStream out) {
        out.println(timeline("timeline (per 1 s of sending, first 10 s: p50/max ms):", latencyBySeq, 0,
                Math.min(latencyBySeq.length, 10 * rate), rate));
        out.println(timeline("timeline (per 5 s of sending: p50/max ms):", latencyBySeq, 0, latencyBySeq.length, 5 * rate));
    }

    private static String timeline(final String title, final long[] latencyBySeq, final int from, final int to,
                                   final int bucket) {
        final StringBuilder line = new StringBuilder(title);
        for (int b = from; b < to; b += bucket) {
            final long[] sorted = Arrays.stream(latencyBySeq, b, Math.min(to, b + bucket)).filter(v -> v > 0).sorted().toArray();
            line.append(sorted.length == 0 ? " -"
                    : String.format(Locale.ROOT, " %.0f/%.0f", pct(sorted, 0.5), sorted[sorted.length - 1] / 1000.0));
        }
        return line.toString();
    }

    private static double pct(final long[] sorted, final double q) {
        final int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[i] / 1000.0;
    }

    /** {@code --name value} pairs; {@code --json} and {@code --processes} take no value. */
    static Map<String, String> parse(final String[] args) {
        final Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            if (args[i].equals("--json") || args[i].equals("--processes")) {
                out.put(args[i].substring(2), "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
