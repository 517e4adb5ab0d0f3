/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import io.tracerstreams.bench.chaos.ChildProcess;
import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.broker.RegistryServer;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.testkit.SyntheticIntents;
import io.tracerstreams.topology.TopicSerdes;
import io.tracerstreams.topology.TracerApp;
import io.tracerstreams.topology.TracerTopics;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.ThreadMetadata;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sustained end-to-end throughput against the featurizer's own limit, in one run on the same texts.
 *
 * <ol>
 *   <li>Raw rate: the configured model, without the embedding cache, embeds the N request texts in length-sorted
 *       batches of 32 in this process (after a warm-up), texts per second.</li>
 *   <li>End to end: on an embedded KRaft broker, N requests over {@code --tasks} tasks (keyed by task, as every tracer producer keys them; the task names
 *       chosen to spread round-robin over the partitions) are
 *       produced before tracer starts; then {@code --instances} tracer instances (each its own Kafka Streams
 *       client, featurizer and state directory, in this JVM) with the application's defaults (exactly_once_v2)
 *       work the backlog while a simulated LLM answers every deferred or audited request with its true label.
 *       Decisions per second = decisions / time from the start to the last decision read with read_committed,
 *       where the start is the moment the first stream thread of any instance is RUNNING (it processes from then
 *       on): with several stream threads one processes its tasks while its client is still REBALANCING for the
 *       others, and timing from the client's RUNNING would leave that work out and overstate the rate.</li>
 * </ol>
 *
 * <p>With {@code --processes}, each instance is a {@code tracer run} process instead (its own JVM, as
 * {@code bench chaos} starts them, with a schema registry served from this JVM), timed from every process
 * printing that it runs or, if earlier, the first decision read (threads are not visible across processes): the
 * scale-out figure across processes.
 *
 * <p>Arguments (all optional): {@code --requests 4000 --instances 1 --processes --tasks 4 --data FILE} (JSON lines with text
 * and label; default Banking77's train split under {@code ../shared/data} when present, else synthetic intents),
 * the configuration options of {@link DecisionLatencyBenchmark} ({@code --partitions N --model M
 * --commit-interval-ms N --featurize-batch-max-texts N ...}), and {@code --json}, which prints only
 * {@code {"requests":..,"instances":..,"seconds":..,"decisions_per_s":..,"raw_embed_per_s":..,"ratio":..}}.
 */
public final class ThroughputBenchmark {

    private static final Path DEFAULT_DATA = Path.of("..", "shared", "data", "banking77", "train.jsonl.gz");
    private static final int RAW_BATCH = 32;
    private static final Pattern RUNNING = Pattern.compile("tracer: running");

    private ThroughputBenchmark() {
    }

    /** The figures of one run. */
    public record Result(int requests, int instances, double seconds, double decisionsPerS, double rawEmbedPerS) {

        public double ratio() {
            return decisionsPerS / rawEmbedPerS;
        }

        /** The JSON object. */
        public String toJson() {
            return String.format(Locale.ROOT, "{\"requests\":%d,\"instances\":%d,\"seconds\":%.2f,\"decisions_per_s\":%.1f,"
                    + "\"raw_embed_per_s\":%.1f,\"ratio\":%.3f}", requests, instances, seconds, decisionsPerS, rawEmbedPerS, ratio());
        }
    }

    /** Runs the benchmark and prints the figures. */
    public static Result run(final String[] args) throws Exception {
        final Map<String, String> opts = DecisionLatencyBenchmark.parse(args);
        final boolean json = opts.containsKey("json");
        final boolean processes = opts.containsKey("processes");
        final PrintStream out = json ? System.err : System.out;
        final int requests = Integer.parseInt(opts.getOrDefault("requests", "4000"));
        final int instances = Integer.parseInt(opts.getOrDefault("instances", "1"));
        final int tasks = Integer.parseInt(opts.getOrDefault("tasks", "4"));
        final Path data = Path.of(opts.getOrDefault("data", DEFAULT_DATA.toString()));
        final List<LabelledText> texts = texts(data, requests, out);
        final List<Path> stateDirs = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             RegistryServer registry = processes ? RegistryServer.start(0, null) : null) {
            final Map<String, Object> m = new HashMap<>();
            m.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            // separate processes need a registry they can all reach; in one JVM a mock:// scope serves
            m.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, processes ? registry.url() : "mock://throughput-bench");
            m.put(TracerConfig.APPLICATION_ID_CONFIG, "throughput-bench");
            for (final Map.Entry<String, String> e : opts.entrySet()) {
                final String key = DecisionLatencyBenchmark.CONFIG_OPTIONS.get(e.getKey());
                if (key != null) {
                    m.put(key, e.getValue());
                } else if (e.getKey().startsWith("featurize-")) {
                    m.put(e.getKey().replace('-', '.'), e.getValue());
                } else if (!List.of("json", "processes", "requests", "instances", "tasks", "data").contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown option --" + e.getKey() + "; expected --requests, --instances, "
                            + "--processes, --tasks, --data, --json, --featurize-*, --" + String.join(", --",
                            new java.util.TreeSet<>(DecisionLatencyBenchmark.CONFIG_OPTIONS.keySet())));
                }
            }
            final List<TracerConfig> configs = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                final Path dir = Files.createTempDirectory("tracer-bench-throughput-" + i + "-");
                stateDirs.add(dir);
                final Map<String, Object> mi = new HashMap<>(m);
                mi.put(TracerConfig.STATE_DIR_CONFIG, dir.toString());
                configs.add(new TracerConfig(mi));
            }
            final TracerConfig config = configs.get(0);
            final double raw;
            // uncached: the warm-up texts are embedded again in the timed loop, and a cache would answer them
            try (Featurizer featurizer = Featurizers.open(config.embeddingModel(), null, 0)) {
                out.printf(Locale.ROOT, "throughput: %d requests over %d tasks, %d instance(s) %s; settings (application "
                        + "defaults unless given): %s; JVM options: %s%n", requests, tasks, instances, processes
                        ? "as separate `tracer run` processes" : "in this JVM", DecisionLatencyBenchmark.settings(config, featurizer),
                        processes ? String.join(" ", ChildProcess.TRACER_JVM_OPTIONS) : DecisionLatencyBenchmark.jvmOptions());
                raw = rawRate(featurizer, texts);
            }
            out.printf(Locale.ROOT, "raw featurizer rate (length-sorted batches of %d, one process): %.1f texts/s%n", RAW_BATCH, raw);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
                TracerTopics.ensure(admin, config);
            }
            if (processes) {
                try (TopicSerdes serdes = TopicSerdes.fromConfig(config)) {
                    produce(config, serdes, texts, tasks);
                    return inProcesses(configs, serdes, texts, raw, json, out);
                }
            }
            try (TopicSerdes serdes = TopicSerdes.fromConfig(config)) {
                produce(config, serdes, texts, tasks);
                final List<TracerApp> apps = new ArrayList<>();
                try {
                    for (final TracerConfig c : configs) {
                        apps.add(TracerApp.run(c));
                    }
                    final long firstThreadRunning = awaitFirstThreadRunning(apps);
                    for (final TracerApp app : apps) {
                        if (!app.awaitRunning(Duration.ofMinutes(5))) {
                            throw new IllegalStateException("an instance did not reach RUNNING: " + app.state());
                        }
                    }
                    final long running = System.nanoTime();
                    final double[] window = consume(config, serdes, texts,
                            () -> apps.stream().map(a -> a.state().toString()).toList().toString(), out);
                    final double seconds = (window[1] - firstThreadRunning) / 1e9;
                    final Result result = new Result(requests, instances, seconds, window[0] / seconds, raw);
                    out.printf(Locale.ROOT, "end to end: %d decisions in %.2f s from the first stream thread RUNNING to the "
                            + "last decision (every instance RUNNING %.2f s after it, the first decision %.2f s after that): "
                            + "%.1f decisions/s; ratio to the raw rate %.3f%n",
                            (long) window[0], seconds, (running - firstThreadRunning) / 1e9, (window[2] - running) / 1e9,
                            result.decisionsPerS(), result.ratio());
                    if (json) {
                        System.out.println(result.toJson());
                    }
                    return result;
                } finally {
                    for (final TracerApp app : apps) {
                        app.close();
                    }
                }
            } finally {
                MockSchemaRegistryClient.dropScope("throughput-bench");
            }
        } finally {
            stateDirs.forEach(d -> FileUtils.deleteQuietly(d.toFile()));
        }
    }

    /**
     * The end-to-end phase with each instance a {@code tracer run} process (its own JVM, featurizer and state
     * directory, as bench chaos starts them), timed from every process printing that it runs.
     */
    private static Result inProcesses(final List<TracerConfig> configs, final TopicSerdes serdes, final List<LabelledText> texts,
                                      final double raw, final boolean json, final PrintStream out) throws Exception {
        final Path work = Files.createTempDirectory("tracer-bench-throughput-processes-");
        final List<ChildProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < configs.size(); i++) {
                final ChildProcess child = ChildProcess.tracerRun("instance-" + i, configs.get(i), work);
                children.add(child);
                child.start();
            }
            for (final ChildProcess child : children) {
                child.await(RUNNING, Duration.ofMinutes(5));
            }
            out.printf(Locale.ROOT, "%d tracer run processes running (pids %s; logs in %s)%n", children.size(),
                    children.stream().map(c -> Long.toString(c.pid())).toList(), work);
            final long running = System.nanoTime();
            final double[] window = consume(configs.get(0), serdes, texts,
                    () -> children.stream().map(c -> c.name() + (c.isAlive() ? " alive" : " ended")).toList().toString(), out);
            // threads are not visible across processes: the first decision bounds the start where it came earlier
            final double seconds = (window[1] - Math.min(running, window[2])) / 1e9;
            final Result result = new Result(texts.size(), configs.size(), seconds, window[0] / seconds, raw);
            out.printf(Locale.ROOT, "end to end: %d decisions in %.2f s from the start (every process running or the "
                    + "first decision, if earlier) to the last decision (first decision %.2f s after running): "
                    + "%.1f decisions/s; ratio to the raw rate %.3f%n",
                    (long) window[0], seconds, (window[2] - running) / 1e9, result.decisionsPerS(), result.ratio());
            if (json) {
                System.out.println(result.toJson());
            }
            return result;
        } finally {
            for (final ChildProcess child : children) {
                child.terminate(Duration.ofSeconds(30));
            }
            FileUtils.deleteQuietly(work.toFile());
        }
    }

    private static List<LabelledText> texts(final Path data, final int n, final PrintStream out) {
        final List<LabelledText> pool = new ArrayList<>();
        if (Files.isRegularFile(data)) {
            pool.addAll(Datasets.read(data));
            Collections.shuffle(pool, new Random(20261202));
            out.printf(Locale.ROOT, "texts: %s (%d rows, cycled to %d requests)%n", data, pool.size(), n);
        } else {
            final SyntheticIntents intents = new SyntheticIntents(10, 42L);
            for (int i = 0; i < Math.min(n, 10_000); i++) {
                final SyntheticIntents.Example ex = intents.next();
                pool.add(new LabelledText("s" + i, ex.text(), ex.label()));
            }
            out.printf(Locale.ROOT, "texts: synthetic intents (%s not found)%n", data);
        }
        final List<LabelledText> texts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            texts.add(pool.get(i % pool.size()));
        }
        return texts;
    }

    /** Texts per second over the given texts, sorted by length and embedded 32 at a time, after a warm-up. */
    static double rawRate(final Featurizer featurizer, final List<LabelledText> texts) {
        final List<String> sorted = new ArrayList<>(texts.size());
        texts.forEach(t -> sorted.add(t.text()));
        sorted.sort(Comparator.comparingInt(String::length));
        for (int i = 0; i < Math.min(sorted.size(), 256); i += RAW_BATCH) {
            featurizer.embed(sorted.subList(i, Math.min(sorted.size(), i + RAW_BATCH)));
        }
        final long t0 = System.nanoTime();
        for (int i = 0; i < sorted.size(); i += RAW_BATCH) {
            featurizer.embed(sorted.subList(i, Math.min(sorted.size(), i + RAW_BATCH)));
        }
        return sorted.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * {@code count} task names spread round-robin over the partitions (task j on partition j mod partitions, by
     * Kafka's default partitioner), so that every partition, and with several instances every instance, gets its
     * share of the work: names like {@code task-0 .. task-3} happen to hash to 2 of 4 partitions.
     */
    static List<String> spreadTasks(final int count, final int partitions) {
        final List<String> names = new ArrayList<>(count);
        int k = 0;
        for (int j = 0; j < count; j++) {
            while (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                    ("task-" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions != j % partitions) {
                k++;
            }
            names.add("task-" + k++);
        }
        return names;
    }

    private static void produce(final TracerConfig config, final TopicSerdes serdes, final List<LabelledText> texts, final int tasks) {
        final List<String> names = spreadTasks(tasks, config.topicPartitions());
        try (KafkaProducer<String, LlmRequest> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), serdes.request().serializer())) {
            for (int i = 0; i < texts.size(); i++) {
                final String id = "r-" + i;
                final String task = names.get(i % tasks);
                producer.send(new ProducerRecord<>(config.topics().requests(), task, LlmRequest.newBuilder().setRequestId(id)
                        .setTask(task).setInput(texts.get(i).text()).setTimestamp(Instant.now()).build()));
            }
            producer.flush();
        }
    }

    /** When the first stream thread of any instance reached RUNNING (nanoTime): from then on it processes. */
    private static long awaitFirstThreadRunning(final List<TracerApp> apps) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (final TracerApp app : apps) {
                try {
                    for (final ThreadMetadata thread : app.streams().metadataForLocalThreads()) {
                        if ("RUNNING".equals(thread.threadState())) {
                            return System.nanoTime();
                        }
                    }
                } catch (final IllegalStateException notYet) {
                    // the client is not running or rebalancing yet
                }
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no stream thread reached RUNNING within 5 minutes");
    }

    /** Reads decisions until every request has one, answering deferred and audited ones; {decisions, last, first} (nanoTime). */
    private static double[] consume(final TracerConfig config, final TopicSerdes serdes, final List<LabelledText> texts,
                                    final java.util.function.Supplier<String> instances, final PrintStream out) {
        final int n = texts.size();
        final Set<String> decided = new HashSet<>();
        long first = 0;
        long last = 0;
        long handled = 0;
        final long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long lastProgress = System.nanoTime();
        try (KafkaProducer<String, LlmResponse> responses = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serdes.response().serializer());
             KafkaConsumer<byte[], byte[]> decisions = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = new ArrayList<>();
            decisions.partitionsFor(config.topics().decisions())
                    .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            decisions.assign(parts);
            decisions.seekToBeginning(parts);
            while (decided.size() < n && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : decisions.poll(Duration.ofMillis(10))) {
                    final RoutingDecision d = serdes.decision().deserializer().deserialize(r.topic(), r.headers(), r.value());
                    if (!decided.add(d.getRequestId())) {
                        continue;
                    }
                    final long now = System.nanoTime();
                    if (first == 0) {
                        first = now;
                    }
                    last = now;
                    lastProgress = now;
                    if (d.getDecision() == Decision.HANDLED) {
                        handled++;
                    }
                    if (d.getDecision() == Decision.DEFERRED || d.getAudit()) {
                        final int seq = Integer.parseInt(d.getRequestId().substring(2));
                        responses.send(new ProducerRecord<>(config.topics().responses(), d.getTask(), LlmResponse.newBuilder()
                                .setRequestId(d.getRequestId()).setTask(d.getTask()).setLabel(texts.get(seq).label())
                                .setModel("sim").setTimestamp(Instant.now()).build()));
                    }
                }
                if (System.nanoTime() - lastProgress > Duration.ofSeconds(5).toNanos()) {
                    out.printf(Locale.ROOT, "... %d of %d decided; instances %s%n", decided.size(), n, instances.get());
                    lastProgress = System.nanoTime();
                }
            }
        }
        out.printf(Locale.ROOT, "decided %d of %d (%.1f%% HANDLED)%n", decided.size(), n, 100.0 * handled / Math.max(1, decided.size()));
        if (decided.size() < n) {
            throw new IllegalStateException("only " + decided.size() + " of " + n + " requests were decided within 20 minutes");
        }
        return new double[] {decided.size(), last, first};
    }
}
