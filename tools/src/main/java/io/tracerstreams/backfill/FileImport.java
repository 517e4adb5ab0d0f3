/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.connect.LlmTraceToResponseConfig;
import io.tracerstreams.connect.LogFileReader;
import io.tracerstreams.connect.TraceMapping;
import io.tracerstreams.ingest.otlp.BatchResult;
import io.tracerstreams.ingest.otlp.MappedCall;
import io.tracerstreams.ingest.otlp.OtlpBatchMapper;
import io.tracerstreams.ingest.otlp.UnreadableBatchException;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.SpecificAvroSerde;
import io.tracerstreams.serde.TracerSerdes;
import io.tracerstreams.topology.TracerTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;

/**
 * Imports one file of logged LLM calls into tracer's responses (or requests) topic, exactly once.
 *
 * <h2>Guarantee</h2>
 * The import of a file has an id derived from its content hash, the target topic, the task and the mapping
 * settings. A transactional producer with that id ({@code transactional.id=tracer-import-<id>}) writes the records
 * in transactions (--transaction-records, 1,000 by default), and each also commits the file position it reached as the offset
 * of consumer group {@code tracer-import-<id>} ({@code sendOffsetsToTransaction}): the records and the marker
 * commit together or not at all. A new run first fences any earlier producer of the same id (which aborts its open
 * transaction), then reads the marker and goes on after it. So after a crash, a kill or a re-run of a finished
 * import, every record of the file is on the topic exactly once for read_committed consumers (tracer's
 * exactly_once_v2 reads read_committed; at_least_once reads read_uncommitted and may see aborted records). A
 * changed file, another task, topic or mapping is another import.
 *
 * <p>Records without a request id of their own get {@code <import id>-<record number>}: stable across runs.
 */
public final class FileImport {

    /** The formats of {@code tracer import}. */
    public enum Format {
        /** JSON lines: tracer-llm traces, chat logs, flat logs (LlmTraceToResponse's mapping). */
        JSONL,
        /** CSV with a header row (the same mapping over the columns). */
        CSV,
        /** OTLP JSON, one TracesData per line (the Collector's file exporter), mapped by the ingest.otlp.* settings. */
        OTLP_JSON;

        /** jsonl, csv or otlp-json. */
        public static Format parse(final String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** What records become. */
    public enum Target { RESPONSES, REQUESTS }

    private static final Logger LOG = LoggerFactory.getLogger(FileImport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TracerConfig config;
    private final Map<String, String> mappingSettings;
    private final Optional<String> task;
    private final Target target;
    private final int transactionRecords;
    private final double maxRate;

    /**
     * @param config             brokers, registry, topics, ingest.otlp.* and max.input.chars
     * @param mappingSettings    LlmTraceToResponse settings for JSON lines and CSV (field.input, field.label, ...)
     * @param task               the task of every record, or empty to read it from the data
     * @param target             responses or requests
     * @param transactionRecords records per transaction
     * @param maxRate            records per second at most, 0 for no limit
     */
    public FileImport(final TracerConfig config, final Map<String, String> mappingSettings, final Optional<String> task,
                      final Target target, final int transactionRecords, final double maxRate) {
        this.config = config;
        this.mappingSettings = Map.copyOf(mappingSettings);
        this.task = task;
        this.target = target;
        if (transactionRecords < 1) {
            throw new IllegalArgumentException("--transaction-records must be at least 1");
        }
        this.transactionRecords = transactionRecords;
        this.maxRate = maxRate;
    }

    /** The format of a file: by its first non-blank line (an object with resourceSpans is OTLP JSON) or its name. */
    public static Format detect(final Path file) {
        if (LogFileReader.Format.of(file) == LogFileReader.Format.CSV) {
            return Format.CSV;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(LogFileReader.open(file), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    return line.contains("\"resourceSpans\"") || line.contains("\"resource_spans\"") ? Format.OTLP_JSON : Format.JSONL;
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Format.JSONL;
    }

    /** Told how far an import got. */
    @FunctionalInterface
    public interface ProgressListener {
        /** The import reached record {@code position} of a file of {@code lines} lines. */
        void reached(long position, long lines);
    }

    /** The content hash of a file and its number of lines (uncompressed). */
    record Scan(String sha256, long lines) {
    }

    static Scan scan(final Path file) {
        final MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long lines = 0;
        try (InputStream raw = new DigestInputStream(Files.newInputStream(file), sha)) {
            final InputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            final boolean gz = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            try (InputStream text = gz ? new GZIPInputStream(in, 1 << 16) : in) {
                final byte[] buf = new byte[1 << 16];
                int last = '\n';
                for (int n = text.read(buf); n >= 0; n = text.read(buf)) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines++;
                        }
                    }
                    if (n > 0) {
                        last = buf[n - 1];
                    }
                }
                if (last != '\n') {
                    lines++;
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Scan(HexFormat.of().formatHex(sha.digest()), lines);
    }

    /** The id of an import: the file's content, where it goes and how it is mapped. */
    String importId(final String sha256, final Format format, final String topic) {
        final TreeMap<String, Object> identity = new TreeMap<>();
        identity.put("sha256", sha256);
        identity.put("format", format.name());
        identity.put("topic", topic);
        identity.put("task", task.orElse(""));
        identity.put("mapping", new TreeMap<>(mappingSettings));
        identity.put("otlp", new TreeMap<>(config.originalsWithPrefix("ingest.otlp.", false)));
        try {
            final byte[] d = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(identity));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (final IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Imports one file.
     *
     * @param file     the file (.gz read gzipped)
     * @param format   its format
     * @param progress told the number of the record reached and the file's number of lines, after every record
     * @param notice   told, once, the import id and where the import resumes
     */
    public ImportSummary run(final Path file, final Format format, final ProgressListener progress,
                             final java.util.function.Consumer<String> notice) {
        final Scan scan = scan(file);
        final String topic = target == Target.RESPONSES ? config.topics().responses() : config.topics().requests();
        final String id = importId(scan.sha256(), format, topic);
        final String name = "tracer-import-" + id;
        final TopicPartition marker = new TopicPartition(topic, 0);
        final Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.putAll(config.originalsWithPrefix(TracerConfig.KAFKA_PREFIX, true).entrySet().stream()
                .filter(e -> ProducerConfig.configNames().contains(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        final Map<String, Long> skipped = new TreeMap<>();
        long read = 0;
        long produced = 0;
        long transactions = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerde<LlmResponse> responses = TracerSerdes.llmResponse(config.schemaRegistryConfig(), false);
             SpecificAvroSerde<LlmRequest> requests = TracerSerdes.llmRequest(config.schemaRegistryConfig(), false)) {
            if (config.createTopics()) {
                TracerTopics.ensure(admin, config);
            }
            admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS);
            // fences an earlier run of this import (aborting its open transaction), then reads what it committed
            producer.initTransactions();
            final long committed = committedPosition(admin, name, marker);
            notice.accept(file + ": import id " + id + " (sha256 " + scan.sha256().substring(0, 16) + "...), "
                    + (committed == 0 ? "from the start" : "resuming after record " + committed));
            final Mapper mapper = new Mapper(format, file, id);
            final long started = System.nanoTime();
            long inTransaction = 0;
            long position = committed;
            producer.beginTransaction();
            try (Records records = mapper.open()) {
                while (records.hasNext()) {
                    final Item item = records.next();
                    if (item.position() <= committed) {
                        continue;
                    }
                    read++;
                    position = item.position();
                    item.skipped().forEach((reason, n) -> skipped.merge(reason, n, Long::sum));
                    for (final Object value : item.values()) {
                        final byte[] bytes = value instanceof LlmResponse r ? responses.serializer().serialize(topic, r)
                                : requests.serializer().serialize(topic, (LlmRequest) value);
                        final String key = value instanceof LlmResponse r ? r.getTask() : ((LlmRequest) value).getTask();
                        producer.send(new ProducerRecord<>(topic, key, bytes));
                        produced++;
                        inTransaction++;
                    }
                    if (inTransaction >= transactionRecords) {
                        commit(producer, name, marker, position, id);
                        transactions++;
                        inTransaction = 0;
                        producer.beginTransaction();
                    }
                    progress.reached(item.position(), scan.lines());
                    throttle(started, produced);
                }
            }
            commit(producer, name, marker, position, id);
            transactions++;
            return new ImportSummary(file.toString(), scan.sha256(), id, read, committed, skipped, produced, transactions);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("import of " + file + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("import of " + file + ": the broker did not answer in time", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import of " + file + " interrupted", e);
        }
    }

    private void throttle(final long started, final long produced) throws InterruptedException {
        if (maxRate <= 0) {
            return;
        }
        final long due = started + (long) (produced / maxRate * 1e9);
        final long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void commit(final KafkaProducer<String, byte[]> producer, final String group, final TopicPartition marker,
                               final long position, final String id) {
        producer.sendOffsetsToTransaction(Map.of(marker, new OffsetAndMetadata(position, "tracer import " + id)),
                new ConsumerGroupMetadata(group));
        producer.commitTransaction();
    }

    /** The position a previous run committed (0: none), waiting for transactions still being completed. */
    private static long committedPosition(final Admin admin, final String group, final TopicPartition marker)
            throws ExecutionException, InterruptedException, TimeoutException {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group,
                new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        final OffsetAndMetadata m = offsets == null ? null : offsets.get(marker);
        return m == null ? 0L : m.offset();
    }

    // ------------------------------------------------------------------ reading and mapping

    /** One record of the file: its number, the tracer records it gives, what was skipped. */
    private record Item(long position, List<Object> values, Map<String, Long> skipped) {
    }

    private interface Records extends java.util.Iterator<Item>, AutoCloseable {
        @Override
        void close();
    }

    /** Reads a file into items by its format. */
    private final class Mapper {
        private final Format format;
        private final Path file;
        private final String importId;
        private final TraceMapping traces;
        private final OtlpBatchMapper otlp;
        private final long fileTime;

        Mapper(final Format format, final Path file, final String importId) {
            this.format = format;
            this.file = file;
            this.importId = importId;
            final Map<String, Object> smt = new HashMap<>(mappingSettings);
            task.ifPresent(t -> smt.put(LlmTraceToResponseConfig.TASK, t));
            smt.putIfAbsent(LlmTraceToResponseConfig.INPUT_REQUIRED, "true");
            this.traces = new TraceMapping(new LlmTraceToResponseConfig(smt));
            final Map<String, Object> otlpSettings = new HashMap<>(config.originals());
            task.ifPresent(t -> {
                otlpSettings.put("ingest.otlp.task.default", t);
                otlpSettings.put("ingest.otlp.task.attribute", "");
                otlpSettings.put("ingest.otlp.task.rules", "");
            });
            this.otlp = new OtlpBatchMapper(io.tracerstreams.ingest.otlp.OtlpMappingConfig.fromPrefixed(otlpSettings),
                    config.maxInputChars());
            try {
                this.fileTime = Files.getLastModifiedTime(file).toMillis();
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Records open() {
            final LogFileReader reader = LogFileReader.open(file, format == Format.CSV ? LogFileReader.Format.CSV
                    : LogFileReader.Format.JSONL);
            return new Records() {
                @Override
                public boolean hasNext() {
                    return reader.hasNext();
                }

                @Override
                public Item next() {
                    final LogFileReader.Entry e = reader.next();
                    if (e.value() == null) {
                        return new Item(e.number(), List.of(), Map.of("unreadable-line", 1L));
                    }
                    return format == Format.OTLP_JSON ? otlp(e) : trace(e);
                }

                @Override
                public void close() {
                    try {
                        reader.close();
                    } catch (final IOException ex) {
                        LOG.debug("closing {}", file, ex);
                    }
                }
            };
        }

        private Item trace(final LogFileReader.Entry e) {
            final TraceMapping.Trace t;
            try {
                t = traces.map(e.value(), fileTime, target == Target.RESPONSES);
            } catch (final TraceMapping.BadTrace bad) {
                return new Item(e.number(), List.of(), Map.of(bad.problem().code(), 1L));
            }
            final String requestId = t.idFound() ? t.requestId() : importId + "-" + e.number();
            if (target == Target.RESPONSES) {
                return new Item(e.number(), List.of(LlmResponse.newBuilder().setRequestId(requestId).setTask(t.task())
                        .setLabel(t.label()).setInput(t.input().orElse(null)).setModel(t.model()).setLatencyMs(t.latencyMs())
                        .setCost(t.cost().orElse(null)).setTimestamp(t.timestamp()).build()), Map.of());
            }
            if (t.input().isEmpty()) {
                return new Item(e.number(), List.of(), Map.of(TraceMapping.Problem.NO_INPUT.code(), 1L));
            }
            return new Item(e.number(), List.of(LlmRequest.newBuilder().setRequestId(requestId).setTask(t.task())
                    .setInput(t.input().get()).setTimestamp(t.timestamp()).setAttributes(Map.of("source", "import")).build()),
                    Map.of());
        }

        private Item otlp(final LogFileReader.Entry e) {
            final JsonNode node = JSON.valueToTree(e.value());
            final BatchResult r;
            try {
                r = otlp.mapJson(node, fileTime);
            } catch (final UnreadableBatchException ex) {
                return new Item(e.number(), List.of(), Map.of("unreadable-batch", 1L));
            }
            final Map<String, Long> skips = new HashMap<>();
            r.skipped().forEach((reason, n) -> skips.put(reason.code(), (long) n));
            final List<Object> values = new ArrayList<>();
            for (final MappedCall c : r.calls()) {
                values.add(target == Target.RESPONSES ? c.toResponse() : c.toRequest());
            }
            return new Item(e.number(), values, skips);
        }
    }

    /** One file's summary as one line, for the command line. */
    public static String describe(final ImportSummary s) {
        final StringBuilder sb = new StringBuilder();
        sb.append(s.file()).append(": read ").append(s.read()).append(", produced ").append(s.produced())
                .append(", skipped ").append(s.skippedTotal());
        if (!s.skipped().isEmpty()) {
            sb.append(' ').append(s.skipped());
        }
        if (s.alreadyImported() > 0) {
            sb.append(", ").append(s.alreadyImported()).append(" record(s) imported before (not read again)");
        }
        sb.append(", ").append(s.transactions()).append(" transaction(s)");
        return sb.toString();
    }
}
