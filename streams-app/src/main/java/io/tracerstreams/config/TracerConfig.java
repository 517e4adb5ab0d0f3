/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.config;

import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.ingest.otlp.OtlpMappingConfig;
import io.tracerstreams.serde.RegistryTls;
import io.tracerstreams.task.RestoreEffect;
import io.tracerstreams.task.TaskConfig;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyString;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration of a tracer-streams deployment, in the style of Kafka's {@code StreamsConfig}: every key
 * is a constant with its documentation, default and validator in {@link #CONFIG}.
 *
 * <h2>Load order</h2>
 * Later sources win: defaults &lt; properties file &lt; environment variables &lt; explicit overrides
 * ({@link #load(Path, Map, Map)}). An environment variable {@code TRACER_X_Y} sets key {@code x.y}: drop the
 * {@code TRACER_} prefix, lower-case, {@code _} becomes {@code .} and {@code __} becomes a literal
 * {@code _} (e.g. {@code TRACER_ALPHA} -&gt; {@code alpha}, {@code TRACER_SCHEMA_REGISTRY_URL} -&gt;
 * {@code schema.registry.url}, {@code TRACER_TASK_BANKING77_ALPHA} -&gt; {@code task.banking77.alpha},
 * {@code TRACER_TASK_MY__INTENTS_ALPHA} -&gt; {@code task.my_intents.alpha}). Environment variables that
 * map to no key are ignored with a warning; unknown keys from a file or overrides are errors.
 *
 * <h2>Pass-through prefixes</h2>
 * {@code kafka.*} keys go, without the prefix, into the Kafka Streams properties (and from there to its
 * clients, e.g. {@code kafka.security.protocol}); {@code schema.registry.*} keys go to the Avro serdes.
 *
 * <h2>Per-task settings</h2>
 * The gate and learner keys ({@link #ALPHA_CONFIG} ... {@link #SEED_CONFIG}) are the defaults of every task;
 * {@code task.<name>.<key>} overrides one for one task (e.g. {@code task.banking77.alpha=0.95}).
 * {@link #taskConfig(String)} maps them onto {@link TaskConfig}.
 *
 * <p>Every error is a {@link ConfigException} naming the key, the value and the accepted values.
 */
public final class TracerConfig extends AbstractConfig {

    private static final Logger LOG = LoggerFactory.getLogger(TracerConfig.class);

    /** Prefix of environment variables read by {@link #load(Path, Map, Map)}. */
    public static final String ENV_PREFIX = "TRACER_";
    /** Prefix of per-task overrides: {@code task.<name>.<key>}. */
    public static final String TASK_PREFIX = "task.";
    /** Prefix of keys handed, without it, to Kafka Streams and its clients. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of keys handed to the Avro serdes and the schema registry client. */
    public static final String SCHEMA_REGISTRY_PREFIX = "schema.registry.";

    // ---------------------------------------------------------------- connection
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...]. Required.";

    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC = "The Kafka Streams application id: consumer group, prefix of "
            + "internal topics and of the state directory. Instances with the same id share the work.";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Confluent-REST-compatible schema registry, http(s)://host:port[/path], "
            + "or mock://NAME for the in-process registry of the demo and tests. Required.";

    public static final String SCHEMA_REGISTRY_AUTH_SOURCE_CONFIG = "schema.registry.basic.auth.credentials.source";
    private static final String SCHEMA_REGISTRY_AUTH_SOURCE_DOC = "Where the registry's basic-auth credentials come from: "
            + "URL (user:password@ in the url, when present; the Confluent default) or USER_INFO (the key "
            + "schema.registry.basic.auth.user.info).";

    public static final String SCHEMA_REGISTRY_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    private static final String SCHEMA_REGISTRY_USER_INFO_DOC = "user:password for the registry when the credentials source is USER_INFO.";

    public static final String SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG = "schema.registry.bearer.auth.token";
    private static final String SCHEMA_REGISTRY_BEARER_TOKEN_DOC = "A static bearer token for the registry (instead of basic auth).";

    public static final String SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_CONFIG = "schema.registry.outage.backoff.max.ms";
    private static final String SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_DOC = "While the registry does not answer (connection "
            + "refused, timeout) or answers 5xx/429, a record whose writer schema must be fetched is not dead-lettered (nor "
            + "is an output whose schema must be registered failed): the stream thread waits and retries, 100 ms doubling up to this pause (counted as schema-registry-retries, logged). "
            + "Only genuinely undecodable bytes (not Avro, unknown schema id: 404) go to the DLQ.";
    public static final String SCHEMA_REGISTRY_OUTAGE_WAIT_MAX_MS_CONFIG = "schema.registry.outage.wait.max.ms";
    private static final String SCHEMA_REGISTRY_OUTAGE_WAIT_MAX_MS_DOC = "Longest the stream thread waits for the registry "
            + "on one record. Then its tasks are closed without committing (Kafka Streams' TaskMigratedException: under "
            + "exactly_once_v2 the open transaction aborts) and it rejoins the group and processes the same records again, "
            + "so it is never kicked out for exceeding the consumer's max.poll.interval.ms (keep this below it, 300000 by "
            + "default) and nothing is skipped. An output record (the first of its type after a start needs its schema "
            + "registered) waits for as long as the outage lasts: an exception there would drop it.";

    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG = RegistryTls.TRUSTSTORE_LOCATION;
    private static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_DOC = "Truststore (JKS or PKCS12 file) with the "
            + "certificate authorities that sign the registry's certificate, for https:// URLs; empty: the JVM's defaults.";
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG = RegistryTls.TRUSTSTORE_PASSWORD;
    public static final String SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG = RegistryTls.TRUSTSTORE_TYPE;
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION_CONFIG = RegistryTls.KEYSTORE_LOCATION;
    private static final String SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION_DOC = "Keystore (JKS or PKCS12 file) with the client "
            + "certificate and key presented to a registry that requires mutual TLS; needs the keystore password.";
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD_CONFIG = RegistryTls.KEYSTORE_PASSWORD;
    public static final String SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE_CONFIG = RegistryTls.KEYSTORE_TYPE;
    public static final String SCHEMA_REGISTRY_SSL_KEY_PASSWORD_CONFIG = RegistryTls.KEY_PASSWORD;

    // ---------------------------------------------------------------- topics
    public static final String TOPIC_REQUESTS_CONFIG = "topic.requests";
    public static final String TOPIC_RESPONSES_CONFIG = "topic.responses";
    public static final String TOPIC_DECISIONS_CONFIG = "topic.decisions";
    public static final String TOPIC_GATE_EVENTS_CONFIG = "topic.gate.events";
    public static final String TOPIC_GATE_STATE_CONFIG = "topic.gate.state";
    public static final String TOPIC_TASK_STATS_CONFIG = "topic.task.stats";
    public static final String TOPIC_REPORTS_CONFIG = "topic.reports";
    public static final String TOPIC_DLQ_CONFIG = "topic.dlq";

    public static final String INGEST_OTLP_TOPIC_CONFIG = "ingest.otlp.topic";
    private static final String INGEST_OTLP_TOPIC_DOC = "A topic of OpenTelemetry trace batches (OTLP TracesData, as the "
            + "Collector's Kafka exporter writes them, e.g. otlp_spans) to read GenAI classification calls from: each "
            + "becomes an LlmResponse on the responses topic (ingest.otlp.emit), in the same transaction. Empty (the "
            + "default): no OTLP stage. The mapping is set by the ingest.otlp.* keys (io.tracerstreams.ingest.otlp."
            + "OtlpMappingConfig); spans that map to nothing are counted per reason (otlp-spans-skipped-<reason>), "
            + "unreadable batches go to the DLQ.";

    // ---------------------------------------------------------------- synchronous route call (HTTP)
    public static final String ROUTE_HTTP_PORT_CONFIG = "route.http.port";
    private static final String ROUTE_HTTP_PORT_DOC = "Port of the synchronous route endpoint (POST /v1/route, "
            + "io.tracerstreams.route.RouteHttpServer) that tracer run serves: -1 (the default) serves none, 0 takes a "
            + "free port (logged at start). Off by default: an instance opens no port unless asked to.";
    public static final String ROUTE_HTTP_HOST_CONFIG = "route.http.host";
    private static final String ROUTE_HTTP_HOST_DOC = "Address the route endpoint binds to. 127.0.0.1 (the default) "
            + "takes calls from this machine only; 0.0.0.0 takes them from any. It has no authentication: bind it to a "
            + "network only your services reach.";
    public static final String ROUTE_HTTP_ADVERTISED_CONFIG = "route.http.advertised";
    private static final String ROUTE_HTTP_ADVERTISED_DOC = "host:port at which the other instances of the application "
            + "reach this one's route endpoint, to forward a call to the instance that owns its task; it becomes Kafka "
            + "Streams' application.server. Empty (the default): kafka.application.server if set, else route.http.host and "
            + "the bound port (enough on one machine). Both set and different is an error.";
    public static final String ROUTE_HTTP_TIMEOUT_MS_CONFIG = "route.http.timeout.ms";
    private static final String ROUTE_HTTP_TIMEOUT_MS_DOC = "How long a route call waits for its committed decision "
            + "when the call names no timeout_ms (a call may ask for 1 to 60000 ms); then it is answered DEFERRED, reason "
            + "TIMEOUT (call the LLM). The default, 5000, is tracer-client's default timeout.";
    public static final String ROUTE_HTTP_MAX_BODY_BYTES_CONFIG = "route.http.max.body.bytes";
    private static final String ROUTE_HTTP_MAX_BODY_BYTES_DOC = "Largest request body the route endpoint reads; a larger "
            + "one is refused with 413. The default, 65536, holds max.input.chars' default of 10000 characters even when "
            + "JSON-escaped; an input within the body limit but longer than max.input.chars is answered DEFERRED, "
            + "INVALID_INPUT by the topology, like any request.";
    public static final String ROUTE_HTTP_THREADS_CONFIG = "route.http.threads";
    private static final String ROUTE_HTTP_THREADS_DOC = "Threads that read, parse and answer route calls. A call waits "
            + "for its decision without holding one, so a few serve hundreds of calls in flight.";

    public static final String TOPICS_CREATE_CONFIG = "topics.create";
    private static final String TOPICS_CREATE_DOC = "Create missing input and output topics at start (TracerApp), with "
            + "topics.partitions and topics.replication.factor; the gate-state topic is compacted.";
    public static final String TOPICS_PARTITIONS_CONFIG = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR_CONFIG = "topics.replication.factor";
    private static final String TOPICS_REPLICATION_FACTOR_DOC = "Replication factor of created topics and of Kafka Streams' "
            + "internal topics (changelogs, repartition); -1 takes the broker's default.";

    // ---------------------------------------------------------------- processing
    public static final String PROCESSING_GUARANTEE_CONFIG = "processing.guarantee";
    private static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 (default: no trace lost, none learned twice, "
            + "outputs visible to read_committed consumers on each commit) or at_least_once (faster; after a crash "
            + "traces since the last commit may be learned twice).";

    public static final String NUM_STREAM_THREADS_CONFIG = "num.stream.threads";
    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory of the local state stores (RocksDB); lost state is restored from changelogs.";

    public static final String POLL_MS_CONFIG = "poll.ms";
    private static final String POLL_MS_DOC = "Longest time a stream thread blocks in poll waiting for input. The Kafka "
            + "default 100 ms adds up to 100 ms to a decision; 10 ms keeps an idle thread responsive at negligible CPU.";

    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often a stream task commits when it has a backlog. Under "
            + "exactly_once_v2 a decision is visible to read_committed consumers only after the commit of its "
            + "transaction. While the featurize stage keeps up, commit.on.partial.batch commits right after each batch is "
            + "routed, so this interval matters under load: 100 ms (Kafka's default under EOS) spends little of a "
            + "backlog's time in commits.";

    // ---------------------------------------------------------------- featurizing and input limits
    public static final String EMBEDDING_MODEL_CONFIG = "embedding.model";
    private static final String EMBEDDING_MODEL_DOC = "The featurizer (io.tracerstreams.featurize.Featurizers.open): minilm "
            + "(all-MiniLM-L6-v2 fp32, default), minilm-q (int8), bge-small (bge-small-en-v1.5) or hashing (feature hashing, "
            + "no model: for tests).";

    public static final String EMBEDDING_CACHE_DIR_CONFIG = "embedding.cache.dir";
    private static final String EMBEDDING_CACHE_DIR_DOC = "Directory for unpacked model files and the tokenizer's native library "
            + "and, with embedding.cache.persist=true, the file of cached vectors (<model id>.emb).";

    public static final String EMBEDDING_CACHE_MAX_BYTES_CONFIG = "embedding.cache.max.bytes";
    private static final String EMBEDDING_CACHE_MAX_BYTES_DOC = "Bound of the embedding cache: vectors of recent input texts kept "
            + "in the heap (least recently used evicted first) so that a text seen again is not embedded again, notably the "
            + "input an LLM response repeats from its deferred or audited request. Estimated at 4 bytes per dimension + 120 "
            + "per text (1,656 bytes for MiniLM's 384 dimensions): the default 32 MiB holds about 20,000 texts. 0: no cache. "
            + "The hashing featurizer is never cached. Metrics: embedding-cache-hits, -misses, -evictions (total and rate) "
            + "and the gauge embedding-cache-bytes.";

    public static final String EMBEDDING_CACHE_PERSIST_CONFIG = "embedding.cache.persist";
    private static final String EMBEDDING_CACHE_PERSIST_DOC = "Also keep the cached vectors in a file in embedding.cache.dir, "
            + "loaded at start (at most about twice embedding.cache.max.bytes on disk). Off by default: the file holds "
            + "vectors computed from user inputs, which reveal much of the texts; treat it like the inputs themselves "
            + "(file permissions, retention, deletion requests). A second instance on the same directory caches in memory only.";

    public static final String MAX_INPUT_CHARS_CONFIG = "max.input.chars";
    private static final String MAX_INPUT_CHARS_DOC = "Longer request inputs are answered DEFERRED with reason INVALID_INPUT; "
            + "longer response inputs are treated as absent. The featurizer reads at most 128 tokens anyway.";

    public static final String EMBEDDING_THREADS_CONFIG = "embedding.threads";
    private static final String EMBEDDING_THREADS_DOC = "Threads ONNX Runtime runs each embedding call on, the calling "
            + "stream thread included; 0 (the default) for min(2, cores). With num.stream.threads=2, 1 lets two stream "
            + "threads embed side by side while each also routes and learns. On 2 cores (4 partitions) that did not "
            + "beat the defaults: bench throughput decided 0.46-0.75 of the raw rate against 0.68-0.74 with the "
            + "defaults, and bench latency at 100 requests/s had a p50 of 29.0-32.7 ms against 23.0-25.2 ms "
            + "(docs/BENCHMARKS.md); on more than 2 cores it may.";

    public static final String FEATURIZE_BATCH_MAX_TEXTS_CONFIG = "featurize.batch.max.texts";
    private static final String FEATURIZE_BATCH_MAX_TEXTS_DOC = "The most input records the featurize stage of one stream "
            + "task holds before it embeds them in one length-sorted featurizer call. Under light load a batch holds what "
            + "arrives within featurize.batch.max.wait.ms (often one record); under a backlog it fills up, and a larger "
            + "batch groups texts of similar length better (less padding): 128 against 32 gave 1.2-1.3x the decisions "
            + "per second of bench throughput on 2 cores, at the price of a longer stall of the stream thread per batch "
            + "(128 texts: about 0.2 s there). Held records live in a changelogged store, so a crash loses and "
            + "duplicates none of them under exactly_once_v2. 1 embeds every record as it arrives.";

    public static final String FEATURIZE_BATCH_MAX_WAIT_MS_CONFIG = "featurize.batch.max.wait.ms";
    private static final String FEATURIZE_BATCH_MAX_WAIT_MS_DOC = "How often (wall clock) the featurize stage embeds the "
            + "records it holds, full batch or not: the longest a record waits for batch-mates, plus up to poll.ms when "
            + "the stream thread idles in poll. Under load a batch holds what arrived while the previous one was embedded.";

    public static final String COMMIT_ON_PARTIAL_BATCH_CONFIG = "commit.on.partial.batch";
    private static final String COMMIT_ON_PARTIAL_BATCH_DOC = "When the featurize stage embeds a batch that holds a "
            + "request because its wait ended, on time (at most poll.ms + featurize.batch.max.wait.ms late: the stream "
            + "thread was idle, the stage keeps up with its input), request a commit (ProcessorContext.commit) as soon as "
            + "those records are routed, instead of waiting for commit.interval.ms: under light load a decision becomes "
            + "visible to read_committed consumers milliseconds after it is made. Batches of responses alone (they only "
            + "teach the engine; nobody waits for them) wait for the next commit. Under load batches fill up or their "
            + "flush comes late, and commit.interval.ms alone sets how often transactions commit. false: "
            + "commit.interval.ms only. In one run of bench latency (hashing featurizer, 20 requests/s, heavily loaded "
            + "machine) the median latency once the start-up backlog drained was 29-34 ms with it, 118 ms without "
            + "(commit.interval.ms 100), 35-40 ms with commit.interval.ms 20 (docs/BENCHMARKS.md).";

    // ---------------------------------------------------------------- state
    public static final String STATS_INTERVAL_MS_CONFIG = "stats.interval.ms";
    private static final String STATS_INTERVAL_MS_DOC = "How often (wall clock) each task's TaskStats goes to the task-stats topic.";

    public static final String REPORTS_INTERVAL_MS_CONFIG = "reports.interval.ms";
    private static final String REPORTS_INTERVAL_MS_DOC = "How often (wall clock) each task's BoundaryReport goes to the "
            + "reports topic; a report also follows every gate flip.";

    public static final String REPORTS_HASH_TEXTS_CONFIG = "reports.hash.texts";
    private static final String REPORTS_HASH_TEXTS_DOC = "Privacy switch: boundary reports carry short hashes "
            + "(sha256:...) instead of example texts.";

    public static final String SNAPSHOT_INTERVAL_CONFIG = "snapshot.interval.calls";
    private static final String SNAPSHOT_INTERVAL_DOC = "A task's engine is snapshotted into its changelogged store after this "
            + "many journaled engine calls (routes and traces); restore = snapshot + replay of the journal since. Smaller: "
            + "faster restore, more changelog traffic (a snapshot of a kNN window is 10-20 MB).";

    public static final String SNAPSHOT_CHUNK_BYTES_CONFIG = "snapshot.chunk.bytes";
    private static final String SNAPSHOT_CHUNK_BYTES_DOC = "Snapshots are split into store entries of at most this many bytes, "
            + "well under Kafka's 1 MB default message size of the changelog topic.";

    public static final String PENDING_RETENTION_MS_CONFIG = "pending.retention.ms";
    private static final String PENDING_RETENTION_MS_DOC = "How long (stream time) a routed request waits for its LLM response "
            + "with its embedding kept; a later response counts as one without request.";

    public static final String DEDUPE_RETENTION_MS_CONFIG = "dedupe.retention.ms";
    private static final String DEDUPE_RETENTION_MS_DOC = "How long (stream time) learned request ids are remembered so that a "
            + "duplicate response is not learned twice.";

    // ---------------------------------------------------------------- task limits
    public static final String TASKS_MAX_CONFIG = "tasks.max";
    private static final String TASKS_MAX_DOC = "Most tasks with state in one partition of the router (tasks are hashed to "
            + "the partitions of the by-task repartition topic, as many as the input topics have): the application holds at "
            + "most tasks.max x partitions tasks. A request for a new task beyond it is answered DEFERRED with reason "
            + "TASK_LIMIT and counted (requests-task-limit); a response for it goes to the DLQ (task-limit), not learned. "
            + "Nothing is stored for such a task, and the decision depends only on the stores, so it is the same after a "
            + "restart. Tasks are never forgotten: raising the limit admits new ones.";
    public static final String TASKS_ALLOWED_CONFIG = "tasks.allowed";
    private static final String TASKS_ALLOWED_DOC = "Optional allow-list of task names, comma-separated; empty (default) "
            + "allows every task. A request for another task is answered DEFERRED with reason TASK_NOT_ALLOWED without "
            + "being embedded (requests-task-not-allowed); a response for it goes to the DLQ (task-not-allowed).";
    public static final String TASKS_IDLE_MS_CONFIG = "tasks.idle.ms";
    private static final String TASKS_IDLE_MS_DOC = "A task's engine unused for this long (wall clock) is dropped from memory "
            + "(engines-evicted); its state stays in the changelogged stores and its next record reloads it (snapshot + "
            + "journal). Periodic stats and reports cover the engines in memory.";
    public static final String TASKS_LOADED_MAX_CONFIG = "tasks.loaded.max";
    private static final String TASKS_LOADED_MAX_DOC = "Most engines in memory per router partition; beyond it the least "
            + "recently used is dropped from memory (and reloaded from the stores when its task is next used). Bounds the "
            + "heap the engines take: size the heap for tasks.loaded.max x the partitions an instance owns x the heap of "
            + "one engine (a full engine's snapshot is 8.6 MB, docs/BENCHMARKS.md). More active tasks than this in one "
            + "partition make engines reload often (slow, never wrong).";

    // ---------------------------------------------------------------- task defaults (TaskConfig)
    public static final String ALPHA_CONFIG = "alpha";
    private static final String ALPHA_DOC = "Target agreement with the LLM on handled traffic, in (0.5, 1).";
    public static final String DELTA_CONFIG = "delta";
    private static final String DELTA_DOC = "Error budget of the gate's confidence bounds, in (0, 0.5).";
    public static final String EPSILON_CONFIG = "epsilon";
    private static final String EPSILON_DOC = "Share of handled requests also sent to the LLM (audit), in (0, 1].";
    public static final String VERIFY_RATE_CONFIG = "verify.rate";
    private static final String VERIFY_RATE_DOC = "Audit probability while the agreement window rests mostly on backfilled "
            + "traces, in (0, 1]: after a backfill the gate opens on the log and this share of handled requests is checked "
            + "by the LLM until live outcomes fill half the window (about window.size/2 audits at 1.0). At or below epsilon: off.";
    public static final String WINDOW_SIZE_CONFIG = "window.size";
    private static final String WINDOW_SIZE_DOC = "Labelled outcomes in the agreement window (N), at least 100.";
    public static final String MIN_ACCEPTED_CONFIG = "min.accepted";
    private static final String MIN_ACCEPTED_DOC = "Accepted window entries a threshold needs to open the gate (n_min).";
    public static final String MIN_COVERAGE_CONFIG = "min.coverage";
    private static final String MIN_COVERAGE_DOC = "Coverage the deployable threshold must reach to open the gate (c_min), in [0, 1).";
    public static final String LABEL_CAP_CONFIG = "label.cap";
    private static final String LABEL_CAP_DOC = "Labels a task learns; later new labels are UNKNOWN_LABEL (always deferred, counted).";
    public static final String LEARNERS_CONFIG = "learners";
    private static final String LEARNERS_DOC = "Surrogates run side by side, comma-separated: softmax, ncm, knn, nb, "
            + "moa-sgd; any MOA classifier by its MOA command-line spec after 'moa:' (class relative to moa.classifiers, "
            + "options as on MOA's command line), e.g. 'moa:meta.AdaptiveRandomForest -s 5' or "
            + "'moa:trees.HoeffdingAdaptiveTree' (a spec MOA cannot parse fails validation); a blend 'a+b' of two in the "
            + "list averages their probabilities.";
    public static final String FRONTIER_ALPHAS_CONFIG = "frontier.alphas";
    private static final String FRONTIER_ALPHAS_DOC = "Alphas at which stats and reports give the coverage frontier.";
    public static final String COST_PER_CALL_CONFIG = "cost.per.call";
    private static final String COST_PER_CALL_DOC = "Price of one LLM call, for the estimated cost saved.";
    public static final String SEED_CONFIG = "seed";
    private static final String SEED_DOC = "Seed of every random choice of a task (audit sampling hashes seed and request id).";

    public static final String GATE_THRESHOLDS_CONFIG = "gate.thresholds";
    /** {@link #GATE_THRESHOLDS_CONFIG}: one threshold on the acceptor's score for every label. */
    public static final String GATE_THRESHOLDS_SINGLE = "single";
    /** {@link #GATE_THRESHOLDS_CONFIG}: one threshold on per-label recalibrated scores (per-label thresholds). */
    public static final String GATE_THRESHOLDS_PER_LABEL = "per-label";
    private static final String GATE_THRESHOLDS_DOC = "How the gate's threshold applies to labels: 'single' (one "
            + "threshold on the acceptor's score for every label) or 'per-label' (one threshold on scores recalibrated "
            + "per label over the last window.size outcomes, so labels the surrogate gets right more often than its "
            + "scores say are handled from a lower score and weak labels from a higher one or not at all; the handled "
            + "set as a whole keeps agreement >= alpha under the same bound; the boundary report lists the per-label "
            + "thresholds). Changing it resets each task's saved state.";

    /** The keys that {@code task.<name>.<key>} may override. */
    public static final List<String> TASK_KEYS = List.of(ALPHA_CONFIG, DELTA_CONFIG, EPSILON_CONFIG, VERIFY_RATE_CONFIG, WINDOW_SIZE_CONFIG,
            MIN_ACCEPTED_CONFIG, MIN_COVERAGE_CONFIG, LABEL_CAP_CONFIG, LEARNERS_CONFIG, FRONTIER_ALPHAS_CONFIG,
            COST_PER_CALL_CONFIG, SEED_CONFIG, GATE_THRESHOLDS_CONFIG);

    /** The definition of every key: type, default, validator, importance, documentation. */
    public static final ConfigDef CONFIG = withIngest(buildConfigDef());

    private final Map<String, TaskConfig> taskOverrides;
    private final TaskConfig taskDefaults;
    private final OtlpMappingConfig otlpMapping;
    private final List<String> tasksAllowed;

    /**
     * Parses and validates a full set of key-value pairs (no environment, no file; see {@link #load}).
     *
     * @throws ConfigException naming the first bad key
     */
    public TracerConfig(final Map<?, ?> props) {
        super(CONFIG, checkKnownKeys(props), false);
        this.taskDefaults = toTaskConfig(this::taskValue, "");
        this.taskOverrides = Collections.unmodifiableMap(parseTaskOverrides());
        this.otlpMapping = parseOtlpMapping();
        final List<String> allowed = new ArrayList<>();
        for (final String task : getList(TASKS_ALLOWED_CONFIG)) {
            if (!task.isBlank()) {
                allowed.add(task.trim());
            }
        }
        this.tasksAllowed = List.copyOf(allowed);
        RegistryTls.fromMap(schemaRegistryConfig()); // loads the stores now: a bad file or password names its key
    }

    private OtlpMappingConfig parseOtlpMapping() {
        try {
            return OtlpMappingConfig.fromPrefixed(originals());
        } catch (final ConfigException e) {
            throw new ConfigException("Invalid " + OtlpMappingConfig.PREFIX + "* settings (keys without the prefix): "
                    + e.getMessage());
        }
    }


    /**
     * Loads defaults &lt; {@code propertiesFile} (may be null) &lt; environment variables {@code TRACER_*}
     * &lt; {@code overrides}.
     */
    public static TracerConfig load(final Path propertiesFile, final Map<String, String> env, final Map<String, ?> overrides) {
        final Map<String, Object> merged = new LinkedHashMap<>();
        if (propertiesFile != null) {
            merged.putAll(readProperties(propertiesFile));
        }
        merged.putAll(fromEnvironment(env));
        if (overrides != null) {
            merged.putAll(overrides);
        }
        return new TracerConfig(merged);
    }

    /** {@link #load(Path, Map, Map)} with the process environment. */
    public static TracerConfig load(final Path propertiesFile, final Map<String, ?> overrides) {
        return load(propertiesFile, System.getenv(), overrides);
    }

    /**
     * The keys set by {@code TRACER_*} environment variables, mapped as described on the class. Variables that
     * map to no key are left out with a warning.
     */
    public static Map<String, String> fromEnvironment(final Map<String, String> env) {
        final Map<String, String> out = new TreeMap<>();
        if (env == null) {
            return out;
        }
        for (final Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            final String key = envToKey(e.getKey());
            if (isKnownKey(key)) {
                out.put(key, e.getValue());
            } else {
                LOG.warn("ignoring environment variable {}: it maps to '{}', which is no tracer configuration key", e.getKey(), key);
            }
        }
        return out;
    }

    /** {@code TRACER_SCHEMA_REGISTRY_URL} -&gt; {@code schema.registry.url}; {@code __} -&gt; {@code _}. */
    public static String envToKey(final String variable) {
        final String body = variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        return body.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    private static Map<String, String> readProperties(final Path file) {
        final Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + file, e);
        }
        final Map<String, String> out = new LinkedHashMap<>();
        for (final String name : props.stringPropertyNames()) {
            out.put(name, props.getProperty(name).trim());
        }
        return out;
    }

    private static boolean isKnownKey(final String key) {
        return CONFIG.names().contains(key) || key.startsWith(KAFKA_PREFIX) || key.startsWith(SCHEMA_REGISTRY_PREFIX)
                || key.startsWith(OtlpMappingConfig.PREFIX + OtlpMappingConfig.TASK_RULE_PREFIX)
                || (key.startsWith(TASK_PREFIX) && splitTaskKey(key) != null);
    }

    private static Map<?, ?> checkKnownKeys(final Map<?, ?> props) {
        for (final Object k : props.keySet()) {
            final String key = String.valueOf(k);
            if (!isKnownKey(key)) {
                throw new ConfigException("Unknown configuration key '" + key + "'. Known keys: " + new TreeSet<>(CONFIG.names())
                        + ", task.<name>.<" + String.join("|", TASK_KEYS) + ">, and the prefixes " + KAFKA_PREFIX + "* and "
                        + SCHEMA_REGISTRY_PREFIX + "*");
            }
        }
        return props;
    }

    /** {@code task.a.b.min.accepted} -&gt; {@code ["a.b", "min.accepted"]}: the longest known key suffix wins. */
    static String[] splitTaskKey(final String key) {
        final String rest = key.substring(TASK_PREFIX.length());
        String best = null;
        for (final String k : TASK_KEYS) {
            if (rest.endsWith("." + k) && rest.length() > k.length() + 1 && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        return best == null ? null : new String[] {rest.substring(0, rest.length() - best.length() - 1), best};
    }

    private Object taskValue(final String key) {
        return get(key);
    }

    private Map<String, TaskConfig> parseTaskOverrides() {
        final Map<String, Map<String, Object>> byTask = new TreeMap<>();
        for (final Map.Entry<String, Object> e : originals().entrySet()) {
            if (!e.getKey().startsWith(TASK_PREFIX)) {
                continue;
            }
            final String[] parts = splitTaskKey(e.getKey());
            final ConfigDef.ConfigKey def = CONFIG.configKeys().get(parts[1]);
            final Object parsed = ConfigDef.parseType(e.getKey(), e.getValue(), def.type);
            if (def.validator != null) {
                def.validator.ensureValid(e.getKey(), parsed);
            }
            byTask.computeIfAbsent(parts[0], t -> new HashMap<>()).put(parts[1], parsed);
        }
        final Map<String, TaskConfig> out = new TreeMap<>();
        for (final Map.Entry<String, Map<String, Object>> e : byTask.entrySet()) {
            final Map<String, Object> values = e.getValue();
            out.put(e.getKey(), toTaskConfig(k -> values.containsKey(k) ? values.get(k) : get(k), TASK_PREFIX + e.getKey() + "."));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static TaskConfig toTaskConfig(final java.util.function.Function<String, Object> value, final String keyPrefix) {
        final List<Double> alphas = new ArrayList<>();
        for (final String a : (List<String>) value.apply(FRONTIER_ALPHAS_CONFIG)) {
            try {
                alphas.add(Double.parseDouble(a.trim()));
            } catch (final NumberFormatException e) {
                throw new ConfigException(keyPrefix + FRONTIER_ALPHAS_CONFIG, a, "every alpha must be a number in (0, 1)");
            }
        }
        try {
            return new TaskConfig((Double) value.apply(ALPHA_CONFIG), (Double) value.apply(DELTA_CONFIG),
                    (Double) value.apply(EPSILON_CONFIG), (Double) value.apply(VERIFY_RATE_CONFIG),
                    (Integer) value.apply(WINDOW_SIZE_CONFIG),
                    (Integer) value.apply(MIN_ACCEPTED_CONFIG), (Double) value.apply(MIN_COVERAGE_CONFIG),
                    (Integer) value.apply(LABEL_CAP_CONFIG), (List<String>) value.apply(LEARNERS_CONFIG), alphas,
                    (Double) value.apply(COST_PER_CALL_CONFIG), (Long) value.apply(SEED_CONFIG),
                    GATE_THRESHOLDS_PER_LABEL.equals(value.apply(GATE_THRESHOLDS_CONFIG)));
        } catch (final IllegalArgumentException e) {
            // TaskConfig names its field (e.g. minAccepted); name our key as well
            throw new ConfigException("Invalid task settings for key prefix '" + (keyPrefix.isEmpty() ? "(defaults)" : keyPrefix)
                    + "': " + e.getMessage() + " (keys: " + keyPrefix + String.join(", " + keyPrefix, TASK_KEYS) + ")");
        }
    }

    // ---------------------------------------------------------------- typed accessors

    /** The settings of one task: the defaults with its {@code task.<name>.*} overrides. */
    public TaskConfig taskConfig(final String task) {
        return taskOverrides.getOrDefault(task, taskDefaults);
    }

    /** The tasks that have overrides. */
    public Set<String> tasksWithOverrides() {
        return taskOverrides.keySet();
    }

    /** The topic names. */
    public Topics topics() {
        return new Topics(getString(TOPIC_REQUESTS_CONFIG), getString(TOPIC_RESPONSES_CONFIG), getString(TOPIC_DECISIONS_CONFIG),
                getString(TOPIC_GATE_EVENTS_CONFIG), getString(TOPIC_GATE_STATE_CONFIG), getString(TOPIC_TASK_STATS_CONFIG),
                getString(TOPIC_REPORTS_CONFIG), getString(TOPIC_DLQ_CONFIG));
    }

    /** The OTLP topic to read GenAI spans from ({@link #INGEST_OTLP_TOPIC_CONFIG}); empty: no OTLP stage. */
    public java.util.Optional<String> ingestOtlpTopic() {
        final String t = getString(INGEST_OTLP_TOPIC_CONFIG).trim();
        return t.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(t);
    }

    /** How GenAI spans map onto traces: the {@code ingest.otlp.*} keys. */
    public OtlpMappingConfig otlpMapping() {
        return otlpMapping;
    }

    /** The route endpoint's settings ({@code route.http.*}), or empty when route.http.port is -1. */
    public java.util.Optional<RouteHttp> routeHttp() {
        final int port = getInt(ROUTE_HTTP_PORT_CONFIG);
        if (port < 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new RouteHttp(getString(ROUTE_HTTP_HOST_CONFIG), port,
                getString(ROUTE_HTTP_ADVERTISED_CONFIG).trim(), getLong(ROUTE_HTTP_TIMEOUT_MS_CONFIG),
                getInt(ROUTE_HTTP_MAX_BODY_BYTES_CONFIG), getInt(ROUTE_HTTP_THREADS_CONFIG)));
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public boolean exactlyOnce() {
        return StreamsConfig.EXACTLY_ONCE_V2.equals(getString(PROCESSING_GUARANTEE_CONFIG));
    }

    public String embeddingModel() {
        return getString(EMBEDDING_MODEL_CONFIG);
    }

    public Path embeddingCacheDir() {
        return Path.of(getString(EMBEDDING_CACHE_DIR_CONFIG));
    }

    public long embeddingCacheMaxBytes() {
        return getLong(EMBEDDING_CACHE_MAX_BYTES_CONFIG);
    }

    public boolean embeddingCachePersist() {
        return getBoolean(EMBEDDING_CACHE_PERSIST_CONFIG);
    }

    public int maxInputChars() {
        return getInt(MAX_INPUT_CHARS_CONFIG);
    }

    public int featurizeBatchMaxTexts() {
        return getInt(FEATURIZE_BATCH_MAX_TEXTS_CONFIG);
    }

    public long featurizeBatchMaxWaitMs() {
        return getLong(FEATURIZE_BATCH_MAX_WAIT_MS_CONFIG);
    }

    /** {@value #COMMIT_ON_PARTIAL_BATCH_CONFIG}. */
    public boolean commitOnPartialBatch() {
        return getBoolean(COMMIT_ON_PARTIAL_BATCH_CONFIG);
    }

    public long statsIntervalMs() {
        return getLong(STATS_INTERVAL_MS_CONFIG);
    }

    public long reportsIntervalMs() {
        return getLong(REPORTS_INTERVAL_MS_CONFIG);
    }

    public boolean reportsHashTexts() {
        return getBoolean(REPORTS_HASH_TEXTS_CONFIG);
    }

    public int snapshotIntervalCalls() {
        return getInt(SNAPSHOT_INTERVAL_CONFIG);
    }

    public int snapshotChunkBytes() {
        return getInt(SNAPSHOT_CHUNK_BYTES_CONFIG);
    }

    public long pendingRetentionMs() {
        return getLong(PENDING_RETENTION_MS_CONFIG);
    }

    public long dedupeRetentionMs() {
        return getLong(DEDUPE_RETENTION_MS_CONFIG);
    }

    public int tasksMax() {
        return getInt(TASKS_MAX_CONFIG);
    }

    /** The allow-list of tasks; empty: every task. */
    public List<String> tasksAllowed() {
        return tasksAllowed;
    }

    public long tasksIdleMs() {
        return getLong(TASKS_IDLE_MS_CONFIG);
    }

    public int tasksLoadedMax() {
        return getInt(TASKS_LOADED_MAX_CONFIG);
    }

    public long schemaRegistryOutageBackoffMaxMs() {
        return getLong(SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_CONFIG);
    }

    public long schemaRegistryOutageWaitMaxMs() {
        return getLong(SCHEMA_REGISTRY_OUTAGE_WAIT_MAX_MS_CONFIG);
    }

    public boolean createTopics() {
        return getBoolean(TOPICS_CREATE_CONFIG);
    }

    public int topicPartitions() {
        return getInt(TOPICS_PARTITIONS_CONFIG);
    }

    public short topicReplicationFactor() {
        return getShort(TOPICS_REPLICATION_FACTOR_CONFIG);
    }

    public Path stateDir() {
        return Path.of(getString(STATE_DIR_CONFIG));
    }

    /**
     * The configuration of the Avro serdes and the registry client ({@code io.tracerstreams.serde.AvroSerdeConfig}
     * keys): {@code schema.registry.url}; the auth keys under their Confluent serde names
     * ({@code basic.auth.credentials.source}, {@code basic.auth.user.info}, {@code bearer.auth.token}); every other
     * {@code schema.registry.*} key both as given and without the prefix (e.g. {@code auto.register.schemas}).
     */
    public Map<String, Object> schemaRegistryConfig() {
        final Map<String, Object> out = new TreeMap<>();
        for (final Map.Entry<String, Object> e : originalsWithPrefix(SCHEMA_REGISTRY_PREFIX, false).entrySet()) {
            final Object v = e.getValue() instanceof Password p ? p.value() : e.getValue();
            out.put(e.getKey(), v);
            out.put(e.getKey().substring(SCHEMA_REGISTRY_PREFIX.length()), v);
        }
        out.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
        out.remove("url");
        // the serde's default is the URL behaviour; an explicit URL requires user info in the url
        out.remove("basic.auth.credentials.source");
        if (originals().containsKey(SCHEMA_REGISTRY_AUTH_SOURCE_CONFIG)) {
            out.put("basic.auth.credentials.source", getString(SCHEMA_REGISTRY_AUTH_SOURCE_CONFIG));
        }
        final Password userInfo = getPassword(SCHEMA_REGISTRY_USER_INFO_CONFIG);
        if (userInfo != null) {
            out.put("basic.auth.user.info", userInfo.value());
        }
        final Password token = getPassword(SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG);
        if (token != null) {
            out.put("bearer.auth.token", token.value());
            out.remove("basic.auth.credentials.source");
        }
        return out;
    }

    /**
     * Opens the configured featurizer ({@link #EMBEDDING_MODEL_CONFIG}) with its bounded cache
     * ({@link #EMBEDDING_CACHE_MAX_BYTES_CONFIG}; in memory, or also in {@link #EMBEDDING_CACHE_DIR_CONFIG} with
     * {@link #EMBEDDING_CACHE_PERSIST_CONFIG}), ONNX Runtime on {@link #EMBEDDING_THREADS_CONFIG} threads per call.
     */
    public Featurizer openFeaturizer() {
        return Featurizers.open(embeddingModel(), embeddingCachePersist() ? embeddingCacheDir() : null, embeddingCacheMaxBytes(),
                getInt(EMBEDDING_THREADS_CONFIG));
    }

    /**
     * The Kafka Streams properties: application id, brokers, guarantee, state dir, threads, poll and commit
     * intervals, the replication factor of internal topics, Kafka's dead-letter queue (KIP-1034, for records a
     * handler gives up on) on the DLQ topic with log-and-continue handlers, then every {@code kafka.*} key.
     */
    public Properties toStreamsProperties() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_STREAM_THREADS_CONFIG));
        p.put(StreamsConfig.POLL_MS_CONFIG, getLong(POLL_MS_CONFIG));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS_CONFIG));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topicReplicationFactor());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics().dlq());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // the consumer's own fetch wait must not exceed poll.ms, or an idle partition still waits 500 ms
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), (int) Math.min(500L, getLong(POLL_MS_CONFIG)));
        // snapshot chunks are up to snapshot.chunk.bytes: leave the producer's request size headroom
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 1_048_576);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.putAll(originalsWithPrefix(KAFKA_PREFIX, true));
        return p;
    }

    /**
     * Every key with its documentation, type, default, valid values and importance (Kafka's RST listing, as printed
     * by {@code tracer run --list-config}), plus for each setting a task's saved state depends on a line
     * {@code * On restart: ...}: whether a change applies in place (gate event CONFIG_CHANGED) or resets each task
     * ({@link RestoreEffect}). Other settings take effect when the process starts and touch no task's state.
     */
    public static String listing() {
        final StringBuilder out = new StringBuilder();
        String key = null;
        for (final String line : CONFIG.toRst().split("\n", -1)) {
            out.append(line).append('\n');
            if (line.startsWith("``") && line.endsWith("``") && line.length() > 4) {
                key = line.substring(2, line.length() - 2);
            } else if (key != null && line.trim().startsWith("* Importance:")) {
                final RestoreEffect effect = RestoreEffect.BY_KEY.get(key);
                if (effect != null) {
                    out.append("  * On restart: ").append(effect.description())
                            .append(TASK_KEYS.contains(key) ? "; also as task.<name>." + key : "").append('\n');
                }
                key = null;
            }
        }
        return out.toString();
    }

    /** Renders the key table (name, type, default, valid values, documentation) as HTML, like Kafka's docs. */
    public static String documentation() {
        return CONFIG.toHtmlTable();
    }

    /** The topics tracer reads and writes. */
    public record Topics(String requests, String responses, String decisions, String gateEvents, String gateState,
                         String taskStats, String reports, String dlq) {
    }

    // ---------------------------------------------------------------- definition

    private static ConfigDef buildConfigDef() {
        final NonEmptyString nonEmpty = new NonEmptyString();
        final String home = System.getProperty("user.home");
        return new ConfigDef()
                .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, nonEmpty, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
                .define(APPLICATION_ID_CONFIG, Type.STRING, "tracer-streams", nonEmpty, Importance.HIGH, APPLICATION_ID_DOC)
                .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new RegistryUrl(), Importance.HIGH,
                        SCHEMA_REGISTRY_URL_DOC)
                .define(SCHEMA_REGISTRY_AUTH_SOURCE_CONFIG, Type.STRING, "URL", ValidString.in("URL", "USER_INFO"),
                        Importance.MEDIUM, SCHEMA_REGISTRY_AUTH_SOURCE_DOC)
                .define(SCHEMA_REGISTRY_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SCHEMA_REGISTRY_USER_INFO_DOC)
                .define(SCHEMA_REGISTRY_BEARER_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SCHEMA_REGISTRY_BEARER_TOKEN_DOC)
                .define(SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_CONFIG, Type.LONG, 10_000L, Range.between(100, 300_000),
                        Importance.LOW, SCHEMA_REGISTRY_OUTAGE_BACKOFF_MAX_MS_DOC)
                .define(SCHEMA_REGISTRY_OUTAGE_WAIT_MAX_MS_CONFIG, Type.LONG, 60_000L, Range.between(100, 3_600_000),
                        Importance.LOW, SCHEMA_REGISTRY_OUTAGE_WAIT_MAX_MS_DOC)
                .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION_DOC)
                .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the registry truststore (may be empty for a JKS truststore).")
                .define(SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"),
                        Importance.LOW, "Format of the registry truststore file.")
                .define(SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM,
                        SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION_DOC)
                .define(SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        "Password of the registry keystore; required with a keystore.")
                .define(SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", ValidString.in("JKS", "PKCS12"),
                        Importance.LOW, "Format of the registry keystore file.")
                .define(SCHEMA_REGISTRY_SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW,
                        "Password of the client's private key in the registry keystore; default: the keystore password.")
                .define(TOPIC_REQUESTS_CONFIG, Type.STRING, "llm.requests", nonEmpty, Importance.HIGH,
                        "Input: LlmRequest records, key task.")
                .define(TOPIC_RESPONSES_CONFIG, Type.STRING, "llm.responses", nonEmpty, Importance.HIGH,
                        "Input: LlmResponse records (traces), key task.")
                .define(TOPIC_DECISIONS_CONFIG, Type.STRING, "tracer.decisions", nonEmpty, Importance.HIGH,
                        "Output: RoutingDecision records, key request id.")
                .define(TOPIC_GATE_EVENTS_CONFIG, Type.STRING, "tracer.gate-events", nonEmpty, Importance.MEDIUM,
                        "Output: every GateEvent (history), key task.")
                .define(TOPIC_GATE_STATE_CONFIG, Type.STRING, "tracer.gate-state", nonEmpty, Importance.MEDIUM,
                        "Output: compacted copy of the gate events, key task: the current state of every gate.")
                .define(TOPIC_TASK_STATS_CONFIG, Type.STRING, "tracer.task-stats", nonEmpty, Importance.MEDIUM,
                        "Output: periodic TaskStats, key task.")
                .define(TOPIC_REPORTS_CONFIG, Type.STRING, "tracer.reports", nonEmpty, Importance.LOW,
                        "Output: BoundaryReport records, key task.")
                .define(TOPIC_DLQ_CONFIG, Type.STRING, "tracer.dlq", nonEmpty, Importance.MEDIUM,
                        "Output: bad records with x-tracer-reason headers (and Kafka Streams' own dead letters).")
                .define(INGEST_OTLP_TOPIC_CONFIG, Type.STRING, "", Importance.MEDIUM, INGEST_OTLP_TOPIC_DOC)
                .define(ROUTE_HTTP_PORT_CONFIG, Type.INT, -1, Range.between(-1, 65_535), Importance.MEDIUM, ROUTE_HTTP_PORT_DOC)
                .define(ROUTE_HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", nonEmpty, Importance.MEDIUM, ROUTE_HTTP_HOST_DOC)
                .define(ROUTE_HTTP_ADVERTISED_CONFIG, Type.STRING, "", new HostPort(), Importance.MEDIUM, ROUTE_HTTP_ADVERTISED_DOC)
                .define(ROUTE_HTTP_TIMEOUT_MS_CONFIG, Type.LONG, 5_000L, Range.between(1, 60_000), Importance.MEDIUM,
                        ROUTE_HTTP_TIMEOUT_MS_DOC)
                .define(ROUTE_HTTP_MAX_BODY_BYTES_CONFIG, Type.INT, 65_536, Range.between(1_024, 16 * 1024 * 1024),
                        Importance.LOW, ROUTE_HTTP_MAX_BODY_BYTES_DOC)
                .define(ROUTE_HTTP_THREADS_CONFIG, Type.INT, 4, Range.between(1, 256), Importance.LOW, ROUTE_HTTP_THREADS_DOC)
                .define(TOPICS_CREATE_CONFIG, Type.BOOLEAN, true, Importance.LOW, TOPICS_CREATE_DOC)
                .define(TOPICS_PARTITIONS_CONFIG, Type.INT, 3, Range.between(1, 10_000), Importance.LOW,
                        "Partitions of topics tracer creates.")
                .define(TOPICS_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, new ReplicationFactor(), Importance.LOW,
                        TOPICS_REPLICATION_FACTOR_DOC)
                .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                        ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE), Importance.HIGH,
                        PROCESSING_GUARANTEE_DOC)
                .define(NUM_STREAM_THREADS_CONFIG, Type.INT, 1, Range.between(1, 256), Importance.MEDIUM,
                        "Stream threads of this instance.")
                .define(STATE_DIR_CONFIG, Type.STRING, Path.of(home, ".tracer-streams", "state").toString(), nonEmpty, Importance.HIGH,
                        STATE_DIR_DOC)
                .define(POLL_MS_CONFIG, Type.LONG, 10L, Range.between(1, 10_000), Importance.LOW, POLL_MS_DOC)
                .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 100L, Range.between(1, 600_000), Importance.MEDIUM,
                        COMMIT_INTERVAL_MS_DOC)
                .define(EMBEDDING_MODEL_CONFIG, Type.STRING, Featurizers.DEFAULT_NAME,
                        ValidString.in(Featurizers.NAMES.toArray(new String[0])), Importance.HIGH, EMBEDDING_MODEL_DOC)
                .define(EMBEDDING_CACHE_DIR_CONFIG, Type.STRING, Path.of(home, ".cache", "tracer-streams").toString(), nonEmpty,
                        Importance.LOW, EMBEDDING_CACHE_DIR_DOC)
                .define(EMBEDDING_CACHE_MAX_BYTES_CONFIG, Type.LONG, 32L * 1024 * 1024, new CacheBound(), Importance.MEDIUM,
                        EMBEDDING_CACHE_MAX_BYTES_DOC)
                .define(EMBEDDING_CACHE_PERSIST_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, EMBEDDING_CACHE_PERSIST_DOC)
                .define(MAX_INPUT_CHARS_CONFIG, Type.INT, 10_000, Range.between(1, 1_000_000), Importance.MEDIUM, MAX_INPUT_CHARS_DOC)
                .define(EMBEDDING_THREADS_CONFIG, Type.INT, 0, Range.between(0, 64), Importance.LOW,
                        EMBEDDING_THREADS_DOC)
                .define(FEATURIZE_BATCH_MAX_TEXTS_CONFIG, Type.INT, 128, Range.between(1, 1024), Importance.MEDIUM,
                        FEATURIZE_BATCH_MAX_TEXTS_DOC)
                .define(FEATURIZE_BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, 5L, Range.between(1, 10_000), Importance.MEDIUM,
                        FEATURIZE_BATCH_MAX_WAIT_MS_DOC)
                .define(COMMIT_ON_PARTIAL_BATCH_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, COMMIT_ON_PARTIAL_BATCH_DOC)
                .define(STATS_INTERVAL_MS_CONFIG, Type.LONG, 10_000L, Range.between(100, 86_400_000), Importance.MEDIUM,
                        STATS_INTERVAL_MS_DOC)
                .define(REPORTS_INTERVAL_MS_CONFIG, Type.LONG, 60_000L, Range.between(100, 86_400_000), Importance.MEDIUM,
                        REPORTS_INTERVAL_MS_DOC)
                .define(REPORTS_HASH_TEXTS_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, REPORTS_HASH_TEXTS_DOC)
                .define(SNAPSHOT_INTERVAL_CONFIG, Type.INT, 5_000, Range.between(1, 10_000_000), Importance.MEDIUM,
                        SNAPSHOT_INTERVAL_DOC)
                .define(SNAPSHOT_CHUNK_BYTES_CONFIG, Type.INT, 512 * 1024, Range.between(1024, 900 * 1024), Importance.LOW,
                        SNAPSHOT_CHUNK_BYTES_DOC)
                .define(PENDING_RETENTION_MS_CONFIG, Type.LONG, 3_600_000L, Range.between(1_000, Long.MAX_VALUE / 4),
                        Importance.MEDIUM, PENDING_RETENTION_MS_DOC)
                .define(DEDUPE_RETENTION_MS_CONFIG, Type.LONG, 86_400_000L, Range.between(1_000, Long.MAX_VALUE / 4),
                        Importance.LOW, DEDUPE_RETENTION_MS_DOC)
                .define(TASKS_MAX_CONFIG, Type.INT, 100, Range.between(1, 1_000_000), Importance.MEDIUM, TASKS_MAX_DOC)
                .define(TASKS_ALLOWED_CONFIG, Type.LIST, "", Importance.MEDIUM, TASKS_ALLOWED_DOC)
                .define(TASKS_IDLE_MS_CONFIG, Type.LONG, 600_000L, Range.between(1_000, 30L * 86_400_000), Importance.LOW,
                        TASKS_IDLE_MS_DOC)
                .define(TASKS_LOADED_MAX_CONFIG, Type.INT, 32, Range.between(1, 1_000_000), Importance.MEDIUM,
                        TASKS_LOADED_MAX_DOC)
                .define(ALPHA_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.alpha(), Range.between(0.5, 1.0), Importance.HIGH, ALPHA_DOC)
                .define(DELTA_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.delta(), Range.between(0.0, 0.5), Importance.MEDIUM, DELTA_DOC)
                .define(EPSILON_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.epsilon(), Range.between(0.0, 1.0), Importance.MEDIUM,
                        EPSILON_DOC)
                .define(VERIFY_RATE_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.verifyRate(), Range.between(0.0, 1.0),
                        Importance.MEDIUM, VERIFY_RATE_DOC)
                .define(WINDOW_SIZE_CONFIG, Type.INT, TaskConfig.DEFAULTS.windowSize(), Range.between(100, 10_000_000),
                        Importance.MEDIUM, WINDOW_SIZE_DOC)
                .define(MIN_ACCEPTED_CONFIG, Type.INT, TaskConfig.DEFAULTS.minAccepted(), Range.atLeast(1), Importance.MEDIUM,
                        MIN_ACCEPTED_DOC)
                .define(MIN_COVERAGE_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.minCoverage(), Range.between(0.0, 1.0),
                        Importance.MEDIUM, MIN_COVERAGE_DOC)
                .define(LABEL_CAP_CONFIG, Type.INT, TaskConfig.DEFAULTS.labelCap(), Range.between(2, 1_000_000), Importance.MEDIUM,
                        LABEL_CAP_DOC)
                .define(LEARNERS_CONFIG, Type.LIST, String.join(",", TaskConfig.DEFAULTS.learners()),
                        ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.MEDIUM, LEARNERS_DOC)
                .define(FRONTIER_ALPHAS_CONFIG, Type.LIST, joinDoubles(TaskConfig.DEFAULTS.frontierAlphas()), Importance.LOW,
                        FRONTIER_ALPHAS_DOC)
                .define(COST_PER_CALL_CONFIG, Type.DOUBLE, TaskConfig.DEFAULTS.costPerCall(), Range.atLeast(0.0), Importance.LOW,
                        COST_PER_CALL_DOC)
                .define(SEED_CONFIG, Type.LONG, TaskConfig.DEFAULTS.seed(), Importance.LOW, SEED_DOC)
                .define(GATE_THRESHOLDS_CONFIG, Type.STRING, TaskConfig.DEFAULTS.perLabelThresholds()
                                ? GATE_THRESHOLDS_PER_LABEL : GATE_THRESHOLDS_SINGLE,
                        ConfigDef.ValidString.in(GATE_THRESHOLDS_SINGLE, GATE_THRESHOLDS_PER_LABEL), Importance.MEDIUM,
                        GATE_THRESHOLDS_DOC);
    }

    /** The mapping keys of the OTLP stage, under {@code ingest.otlp.}. */
    private static ConfigDef withIngest(final ConfigDef def) {
        def.embed(OtlpMappingConfig.PREFIX, "ingest.otlp", 0, OtlpMappingConfig.CONFIG_DEF);
        return def;
    }

    private static String joinDoubles(final List<Double> values) {
        final List<String> out = new ArrayList<>();
        for (final double v : values) {
            out.add(Double.toString(v));
        }
        return String.join(",", out);
    }

    /**
     * The route endpoint's settings.
     *
     * @param host         address to bind ({@value #ROUTE_HTTP_HOST_CONFIG})
     * @param port         port to bind, 0 for a free one ({@value #ROUTE_HTTP_PORT_CONFIG})
     * @param advertised   host:port the other instances reach this one at, or empty ({@value #ROUTE_HTTP_ADVERTISED_CONFIG})
     * @param timeoutMs    default call timeout ({@value #ROUTE_HTTP_TIMEOUT_MS_CONFIG})
     * @param maxBodyBytes largest body read ({@value #ROUTE_HTTP_MAX_BODY_BYTES_CONFIG})
     * @param threads      server threads ({@value #ROUTE_HTTP_THREADS_CONFIG})
     */
    public record RouteHttp(String host, int port, String advertised, long timeoutMs, int maxBodyBytes, int threads) {
    }

    /** Empty, or host:port with a port in 1..65535. */
    private static final class HostPort implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            final String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                return;
            }
            final int colon = s.lastIndexOf(':');
            boolean ok = colon > 0 && colon < s.length() - 1;
            if (ok) {
                try {
                    final int port = Integer.parseInt(s.substring(colon + 1));
                    ok = port >= 1 && port <= 65_535;
                } catch (final NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw new ConfigException(name, value, "must be empty or host:port with a port in 1..65535");
            }
        }

        @Override
        public String toString() {
            return "empty or host:port";
        }
    }

    /** http://, https:// or mock:// followed by something. */
    private static final class RegistryUrl implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            final String s = value == null ? "" : value.toString().trim();
            for (final String url : s.split(",")) {
                final String u = url.trim();
                final boolean ok = (u.startsWith("http://") && u.length() > 7) || (u.startsWith("https://") && u.length() > 8)
                        || (u.startsWith("mock://") && u.length() > 7);
                if (!ok) {
                    throw new ConfigException(name, value, "must be http(s)://host:port[/path][,...] or mock://NAME");
                }
            }
        }

        @Override
        public String toString() {
            return "http(s)://host:port[/path][,...] or mock://NAME";
        }
    }

    /** 0 (no cache) or room for at least one vector of the largest model (384 dimensions) up to 64 GiB. */
    private static final class CacheBound implements ConfigDef.Validator {
        private static final long MIN = 4L * 1024;
        private static final long MAX = 64L << 30;

        @Override
        public void ensureValid(final String name, final Object value) {
            final long v = (Long) value;
            if (v != 0 && (v < MIN || v > MAX)) {
                throw new ConfigException(name, value, "must be 0 (no cache) or between " + MIN + " and " + MAX + " bytes");
            }
        }

        @Override
        public String toString() {
            return "0 or [4096,...,68719476736]";
        }
    }

    /** -1 (broker default) or 1..32767. */
    private static final class ReplicationFactor implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            final short v = (Short) value;
            if (v != -1 && v < 1) {
                throw new ConfigException(name, value, "must be -1 (broker default) or at least 1");
            }
        }

        @Override
        public String toString() {
            return "-1 or [1,...]";
        }
    }
}
