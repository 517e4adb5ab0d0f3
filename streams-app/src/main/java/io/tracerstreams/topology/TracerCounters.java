/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.ingest.otlp.BatchResult;
import io.tracerstreams.ingest.otlp.SkipReason;
import io.tracerstreams.ingest.otlp.SpanNote;

import io.tracerstreams.featurize.CachingFeaturizer;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Operational counters of one application instance, shared by all its stream threads (thread-safe, cheap).
 * The web view and tests read them. They count processing attempts: after a crash under exactly_once_v2
 * the records since the last commit are processed, and counted, again. The exact per-task counters are in
 * the task engines' {@code TaskStats}.
 *
 * <p>Besides these instance totals, every counter is a Kafka Streams metric of the stream thread that counted
 * it (bound in each processor's {@code init}): group {@code stream-tracer-metrics}, tags {@code thread-id} and
 * {@code tracer-id=counters}, names {@code <counter>-total} and {@code <counter>-rate} (e.g.
 * {@code requests-read-total}, {@code dead-letters-rate}). They reach JMX and any metrics reporter the
 * application configures, beside Kafka Streams' own.
 */
public final class TracerCounters {

    /** The counted events besides dead letters. */
    public enum Counter {
        /** Records read from the requests topic. */
        REQUESTS_READ,
        /** Records read from the responses topic. */
        RESPONSES_READ,
        /** Requests answered DEFERRED with reason INVALID_INPUT (empty, oversized, featurizer failure). */
        INVALID_REQUESTS,
        /** Response inputs ignored because they were empty or over max.input.chars. */
        RESPONSE_INPUTS_IGNORED,
        /** Texts embedded. */
        EMBEDDINGS,
        /** Featurizer calls of the featurize stage, one per batch (EMBEDDINGS / FEATURIZE_BATCHES = mean batch size). */
        FEATURIZE_BATCHES,
        /** Decisions emitted. */
        DECISIONS,
        /**
         * Under at_least_once: decisions emitted again for a request record read again from the same source position
         * after a crash (its pending entry survived; its decision may not have). Each is a duplicate decision.
         */
        DECISIONS_REPEATED,
        /** Traces learned (deferred, audited or backfill). */
        TRACES_LEARNED,
        /** Traces learned as BACKFILL (no pending request). */
        BACKFILL_TRACES,
        /** Gate events emitted. */
        GATE_EVENTS,
        /** Task stats emitted. */
        STATS_EMITTED,
        /** Boundary reports written to tracer.reports. */
        REPORTS_EMITTED,
        /** Engine snapshots written. */
        SNAPSHOTS,
        /** Engine snapshots that failed (the journal keeps growing until one succeeds). */
        SNAPSHOT_FAILURES,
        /**
         * Engines loaded from the previous snapshot generation and its journal because the current one was incomplete
         * or failed its CRC (a write torn by a crash under at_least_once); nothing is reset (a WARN log line each).
         */
        SNAPSHOT_FALLBACKS,
        /** Engines loaded from the stores (first use in a stream task: after a start, restart or move). */
        ENGINE_LOADS,
        /** Journaled engine calls replayed while loading. */
        JOURNAL_REPLAYS,
        /**
         * Engines, or parts of them, reset on load because their saved state could not be read, or because settings
         * changed that the state cannot carry over (each with a gate event and a log line).
         */
        ENGINE_RESETS,
        /** Engines loaded under settings other than those their snapshot was written with (gate event CONFIG_CHANGED). */
        CONFIG_CHANGES,
        /** Journal entries that could not be replayed on load (the engine keeps the state before them). */
        JOURNAL_ENTRIES_SKIPPED,
        /** Pending requests dropped after pending.retention.ms without a response. */
        PENDING_EXPIRED,
        /** Records read from the OTLP topic (ingest.otlp.topic). */
        OTLP_BATCHES_READ,
        /** Spans in the OTLP batches read. */
        OTLP_SPANS_READ,
        /** GenAI calls mapped from OTLP spans (each gives a response, a request or both, by ingest.otlp.emit). */
        OTLP_CALLS_MAPPED,
        /** Texts whose vector came from the embedding cache (embedding.cache.max.bytes) instead of the model. */
        EMBEDDING_CACHE_HITS,
        /** Texts the embedding cache did not hold: embedded by the model. */
        EMBEDDING_CACHE_MISSES,
        /** Vectors dropped from the embedding cache to stay within embedding.cache.max.bytes. */
        EMBEDDING_CACHE_EVICTIONS,
        /** Requests answered DEFERRED, TASK_LIMIT: a new task beyond tasks.max in its router partition. */
        REQUESTS_TASK_LIMIT,
        /** Requests answered DEFERRED, TASK_NOT_ALLOWED: a task tasks.allowed does not list. */
        REQUESTS_TASK_NOT_ALLOWED,
        /** Engines dropped from memory (idle for tasks.idle.ms, or beyond tasks.loaded.max); their state stays in the stores. */
        ENGINES_EVICTED,
        /** Decodes retried because the schema registry did not answer or answered 5xx/429: the stream thread waited. */
        SCHEMA_REGISTRY_RETRIES
    }

    /** The metrics scope (group {@code stream-tracer-metrics}) and entity of the thread-level sensors. */
    static final String METRICS_SCOPE = "tracer";
    static final String METRICS_ENTITY = "counters";

    /** The gauge of the embedding cache's estimated heap bytes (one value per instance, group stream-tracer-metrics). */
    static final String EMBEDDING_CACHE_BYTES_METRIC = "embedding-cache-bytes";

    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class);
    private final AtomicLong embeddingCacheBytes = new AtomicLong();
    /** Per stream thread: the sensor of the embedding-cache bytes gauge. */
    private final ThreadLocal<Sensor> bytesSensor = new ThreadLocal<>();
    private final Map<DeadLetterReason, LongAdder> deadLetters = new EnumMap<>(DeadLetterReason.class);
    /** Per stream thread: its sensors, one per counter plus dead letters (index Counter.values().length). */
    private final ThreadLocal<Sensor[]> sensors = new ThreadLocal<>();
    /** Per stream thread: the metrics registry its sensors belong to. */
    private final ThreadLocal<StreamsMetrics> boundTo = new ThreadLocal<>();
    private final Map<SkipReason, LongAdder> spansSkipped = new EnumMap<>(SkipReason.class);
    private final Map<SpanNote, LongAdder> spanNotes = new EnumMap<>(SpanNote.class);
    /** Per stream thread running the OTLP stage: one sensor per skip reason, then one per note. */
    private final ThreadLocal<Sensor[]> otlpSensors = new ThreadLocal<>();
    private final ThreadLocal<StreamsMetrics> otlpBoundTo = new ThreadLocal<>();

    /** All counters at zero. */
    public TracerCounters() {
        for (final Counter c : Counter.values()) {
            counters.put(c, new LongAdder());
        }
        for (final DeadLetterReason r : DeadLetterReason.values()) {
            deadLetters.put(r, new LongAdder());
        }
        for (final SkipReason r : SkipReason.values()) {
            spansSkipped.put(r, new LongAdder());
        }
        for (final SpanNote n : SpanNote.values()) {
            spanNotes.put(n, new LongAdder());
        }
    }

    /**
     * Registers the calling stream thread's OTLP sensors ({@code otlp-spans-skipped-<reason>} and
     * {@code otlp-span-notes-<note>}, rate and total); only the OTLP stage calls it, so instances without it have
     * no such metrics.
     */
    void bindOtlp(final StreamsMetrics metrics) {
        bind(metrics);
        if (otlpBoundTo.get() == metrics) {
            return;
        }
        final Sensor[] fresh = new Sensor[SkipReason.values().length + SpanNote.values().length];
        for (final SkipReason r : SkipReason.values()) {
            fresh[r.ordinal()] = metrics.addRateTotalSensor(METRICS_SCOPE, METRICS_ENTITY, "otlp-spans-skipped-" + r.code(),
                    Sensor.RecordingLevel.INFO);
        }
        for (final SpanNote n : SpanNote.values()) {
            fresh[SkipReason.values().length + n.ordinal()] = metrics.addRateTotalSensor(METRICS_SCOPE, METRICS_ENTITY,
                    "otlp-span-notes-" + n.code(), Sensor.RecordingLevel.INFO);
        }
        otlpSensors.set(fresh);
        otlpBoundTo.set(metrics);
    }

    /** Counts what one OTLP batch gave: its spans, the calls mapped, the spans skipped per reason, the notes. */
    void otlpBatch(final BatchResult result) {
        add(Counter.OTLP_SPANS_READ, result.spans());
        add(Counter.OTLP_CALLS_MAPPED, result.calls().size());
        final Sensor[] bound = otlpSensors.get();
        result.skipped().forEach((reason, n) -> {
            spansSkipped.get(reason).add(n);
            if (bound != null) {
                record(bound[reason.ordinal()], n);
            }
        });
        result.notes().forEach((note, n) -> {
            spanNotes.get(note).add(n);
            if (bound != null) {
                record(bound[SkipReason.values().length + note.ordinal()], n);
            }
        });
    }

    /** A rate-total sensor counts events, not values: n events are n records. */
    private static void record(final Sensor sensor, final long n) {
        for (long i = 0; i < n; i++) {
            sensor.record();
        }
    }

    /** OTLP spans skipped for one reason. */
    public long spansSkipped(final SkipReason reason) {
        return spansSkipped.get(reason).sum();
    }

    /** OTLP spans with one note. */
    public long spanNotes(final SpanNote note) {
        return spanNotes.get(note).sum();
    }

    /**
     * Registers the calling stream thread's sensors with Kafka Streams (once per thread and metrics registry;
     * processors call it from {@code init}).
     */
    void bind(final StreamsMetrics metrics) {
        if (boundTo.get() == metrics) {
            return;
        }
        final Sensor[] fresh = new Sensor[Counter.values().length + 1];
        for (final Counter c : Counter.values()) {
            fresh[c.ordinal()] = metrics.addRateTotalSensor(METRICS_SCOPE, METRICS_ENTITY, metricName(c),
                    Sensor.RecordingLevel.INFO);
        }
        fresh[fresh.length - 1] = metrics.addRateTotalSensor(METRICS_SCOPE, METRICS_ENTITY, "dead-letters",
                Sensor.RecordingLevel.INFO);
        sensors.set(fresh);
        boundTo.set(metrics);
        final Sensor bytes = metrics.addSensor(METRICS_SCOPE + "." + EMBEDDING_CACHE_BYTES_METRIC, Sensor.RecordingLevel.INFO);
        bytes.add(new MetricName(EMBEDDING_CACHE_BYTES_METRIC, "stream-" + METRICS_SCOPE + "-metrics",
                "Estimated heap bytes of the vectors in the embedding cache (embedding.cache.max.bytes)",
                Map.of("tracer-id", METRICS_ENTITY)), new Value());
        bytesSensor.set(bytes);
    }

    /**
     * The listener that counts the embedding cache's hits, misses and evictions ({@code embedding-cache-hits-total},
     * ...) on the calling stream thread and sets the {@value #EMBEDDING_CACHE_BYTES_METRIC} gauge.
     */
    public CachingFeaturizer.Listener embeddingCacheListener() {
        return new CachingFeaturizer.Listener() {
            @Override
            public void onEmbed(final int hits, final int misses, final int evicted, final long bytes) {
                add(Counter.EMBEDDING_CACHE_HITS, hits);
                add(Counter.EMBEDDING_CACHE_MISSES, misses);
                add(Counter.EMBEDDING_CACHE_EVICTIONS, evicted);
                embeddingCacheBytes.set(bytes);
                final Sensor sensor = bytesSensor.get();
                if (sensor != null) {
                    sensor.record(bytes);
                }
            }
        };
    }

    /** The embedding cache's estimated heap bytes after the last call. */
    public long embeddingCacheBytes() {
        return embeddingCacheBytes.get();
    }

    /** The metric name of a counter: {@code REQUESTS_READ} is {@code requests-read}. */
    static String metricName(final Counter counter) {
        return counter.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    void increment(final Counter counter) {
        add(counter, 1);
    }

    void add(final Counter counter, final long n) {
        if (n == 0) {
            return;
        }
        counters.get(counter).add(n);
        final Sensor[] bound = sensors.get();
        if (bound != null) {
            record(bound[counter.ordinal()], n);
        }
    }

    void deadLetter(final DeadLetterReason reason) {
        deadLetters.get(reason).increment();
        final Sensor[] bound = sensors.get();
        if (bound != null) {
            bound[bound.length - 1].record();
        }
    }

    /** The current value of a counter. */
    public long get(final Counter counter) {
        return counters.get(counter).sum();
    }

    /** Dead letters sent for one reason. */
    public long deadLetters(final DeadLetterReason reason) {
        return deadLetters.get(reason).sum();
    }

    /** Dead letters sent for any reason. */
    public long deadLetters() {
        long n = 0;
        for (final LongAdder a : deadLetters.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Every counter by name ({@code requests-read}, ..., {@code dlq.undecodable}, ...), for display. */
    public Map<String, Long> snapshot() {
        final Map<String, Long> out = new TreeMap<>();
        for (final Map.Entry<Counter, LongAdder> e : counters.entrySet()) {
            out.put(metricName(e.getKey()), e.getValue().sum());
        }
        for (final Map.Entry<DeadLetterReason, LongAdder> e : deadLetters.entrySet()) {
            out.put("dlq." + e.getKey().code(), e.getValue().sum());
        }
        // the OTLP stage's per-reason counts only where it counted something
        spansSkipped.forEach((r, n) -> {
            if (n.sum() > 0) {
                out.put("otlp-spans-skipped." + r.code(), n.sum());
            }
        });
        spanNotes.forEach((note, n) -> {
            if (n.sum() > 0) {
                out.put("otlp-span-notes." + note.code(), n.sum());
            }
        });
        return out;
    }
}
