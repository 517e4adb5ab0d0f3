/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect transformation that turns one logged LLM call (a schemaless JSON object, i.e. a Map from
 * JsonConverter with {@code schemas.enable=false}, or a Struct) into a Struct with the fields of tracer's
 * {@code LlmResponse} record, so a Connect pipeline can backfill historic logs into {@code llm.responses}
 * (with an Avro converter and the registry, the Struct becomes an LlmResponse). Where each field is found is
 * configurable (dotted paths, alternatives tried in order); the defaults read tracer-llm traces
 * ({@code {"input", "teacher"}}), OpenAI-style chat logs and flat logs. The record key becomes the task.
 *
 * <p>Bad records (no label, no task, no input, unreadable values) are never passed on: by default the
 * transformation throws a {@link DataException} with the reason (Connect's error tolerance and dead letter
 * queue settings decide what follows); with {@code on.error=drop} it logs a warning and counts the record in
 * the {@code dropped-records-total} metric.
 *
 * @param <R> the record type (source or sink)
 */
public class LlmTraceToResponse<R extends ConnectRecord<R>> implements Transformation<R>, Monitorable {

    /** The name of the output schema, the full name of the Avro record. */
    public static final String SCHEMA_NAME = "io.tracerstreams.schema.LlmResponse";

    /** The output schema: LlmResponse's fields, in order, with its defaults. */
    public static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name(SCHEMA_NAME).version(1)
            .doc("The LLM's answer to a call: one labelled trace (topic llm.responses, key: task).")
            .field("request_id", Schema.STRING_SCHEMA)
            .field("task", Schema.STRING_SCHEMA)
            .field("label", SchemaBuilder.string().doc("The class the LLM answered.").build())
            .field("input", SchemaBuilder.string().optional().defaultValue(null).doc("The input text.").build())
            .field("model", SchemaBuilder.string().defaultValue("").doc("The LLM that answered.").build())
            .field("latency_ms", SchemaBuilder.int64().defaultValue(0L).build())
            .field("cost", SchemaBuilder.float64().optional().defaultValue(null).doc("What the call cost.").build())
            .field("timestamp", Timestamp.SCHEMA)
            .build();

    private static final Logger LOG = LoggerFactory.getLogger(LlmTraceToResponse.class);
    private static final double SECONDS_LIMIT = 1e11;

    private LlmTraceToResponseConfig config;
    private final AtomicLong converted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void configure(final Map<String, ?> props) {
        this.config = new LlmTraceToResponseConfig(props);
    }

    @Override
    public ConfigDef config() {
        return LlmTraceToResponseConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        final String v = LlmTraceToResponse.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public void withPluginMetrics(final PluginMetrics metrics) {
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        metrics.addMetric(metrics.metricName("converted-records-total",
                "Records turned into LlmResponse structs.", tags), (Gauge<Long>) (c, now) -> converted.get());
        metrics.addMetric(metrics.metricName("dropped-records-total",
                "Bad records dropped (on.error=drop).", tags), (Gauge<Long>) (c, now) -> dropped.get());
    }

    /** Records converted so far. */
    public long convertedCount() {
        return converted.get();
    }

    /** Bad records dropped so far (only with {@code on.error=drop}). */
    public long droppedCount() {
        return dropped.get();
    }

    @Override
    public R apply(final R record) {
        if (config == null) {
            throw new IllegalStateException("LlmTraceToResponse used before configure()");
        }
        final Struct value;
        try {
            value = convert(record);
        } catch (final BadTrace e) {
            final String message = "LlmTraceToResponse: bad trace " + describe(record) + ": " + e.getMessage();
            if (config.dropBadRecords()) {
                dropped.incrementAndGet();
                LOG.warn("{} (dropped, on.error=drop)", message);
                return null;
            }
            throw new DataException(message);
        }
        converted.incrementAndGet();
        final String task = value.getString("task");
        final Schema keySchema = config.setKey() ? Schema.STRING_SCHEMA : record.keySchema();
        final Object key = config.setKey() ? task : record.key();
        return record.newRecord(record.topic(), record.kafkaPartition(), keySchema, key, VALUE_SCHEMA, value,
                ((Date) value.get("timestamp")).getTime(), record.headers());
    }

    private Struct convert(final R record) {
        final Object root = record.value();
        if (root == null) {
            throw new BadTrace("the record has no value (tombstone)");
        }
        if (!(root instanceof Map) && !(root instanceof Struct)) {
            throw new BadTrace("the value is a " + root.getClass().getSimpleName() + ", not a JSON object (use "
                    + "JsonConverter with schemas.enable=false, or a converter giving Structs)");
        }
        final String task = taskOf(root);
        final String label = labelOf(root);
        final Optional<String> input = text(root, "input", config.inputPaths(),
                LlmTraceToResponseConfig.INPUT_FIELD, false);
        if (config.inputRequired() && input.isEmpty()) {
            throw new BadTrace("no input text at " + config.inputPaths() + " (tracer cannot learn a backfilled "
                    + "response without its input; set input.required=false to pass it on anyway)");
        }
        final Instant timestamp = timestampOf(root, record);
        final String model = text(root, "model", config.modelPaths(), LlmTraceToResponseConfig.MODEL_FIELD, true)
                .orElse("");
        final long latencyMs = number(root, config.latencyPaths(), LlmTraceToResponseConfig.LATENCY_FIELD)
                .map(n -> config.latencyInSeconds() ? Math.round(n.doubleValue() * 1000.0) : n.longValue())
                .orElse(0L);
        if (latencyMs < 0) {
            throw new BadTrace("negative latency " + latencyMs + " ms");
        }
        final Double cost = number(root, config.costPaths(), LlmTraceToResponseConfig.COST_FIELD)
                .map(Number::doubleValue).orElse(null);
        final String requestId = text(root, "request id", config.requestIdPaths(),
                LlmTraceToResponseConfig.REQUEST_ID_FIELD, true)
                .orElseGet(() -> {
                    if (!config.hashMissingRequestId()) {
                        throw new BadTrace("no request id at " + config.requestIdPaths() + " ("
                                + LlmTraceToResponseConfig.REQUEST_ID_FALLBACK + "=fail)");
                    }
                    return fallbackId(task, input.orElse(""), label, timestamp);
                });

        final Struct struct = new Struct(VALUE_SCHEMA)
                .put("request_id", requestId)
                .put("task", task)
                .put("label", label)
                .put("input", input.orElse(null))
                .put("model", model)
                .put("latency_ms", latencyMs)
                .put("cost", cost)
                .put("timestamp", Date.from(timestamp));
        struct.validate();
        return struct;
    }

    private String taskOf(final Object root) {
        final Optional<String> fixed = config.fixedTask();
        if (fixed.isPresent()) {
            return fixed.get();
        }
        return text(root, "task", config.taskPaths(), LlmTraceToResponseConfig.TASK_FIELD, false)
                .orElseThrow(() -> new BadTrace("no task at " + config.taskPaths() + " (set '"
                        + LlmTraceToResponseConfig.TASK + "' for a fixed task)"));
    }

    private String labelOf(final Object root) {
        final FieldPath.Match match = FieldPath.first(config.labelPaths(), root)
                .orElseThrow(() -> new BadTrace("no label at " + config.labelPaths()));
        final Object raw = match.value();
        final String label;
        if (raw instanceof CharSequence || raw instanceof Number || raw instanceof Boolean) {
            label = raw instanceof BigDecimal b ? b.stripTrailingZeros().toPlainString() : raw.toString();
        } else {
            throw new BadTrace("the label at '" + match.path() + "' is a " + raw.getClass().getSimpleName()
                    + ", not text");
        }
        final String cleaned = config.trimLabel() ? label.strip() : label;
        if (cleaned.isEmpty()) {
            throw new BadTrace("empty label at '" + match.path() + "'");
        }
        return cleaned;
    }

    private static Optional<String> text(final Object root, final String what,
                                         final List<FieldPath> paths, final String key,
                                         final boolean acceptNumbers) {
        final Optional<FieldPath.Match> match = FieldPath.first(paths, root);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        final Object raw = match.get().value();
        if (raw instanceof CharSequence s) {
            return s.toString().isBlank() ? Optional.empty() : Optional.of(s.toString());
        }
        if (acceptNumbers && raw instanceof Number n) {
            return Optional.of(n.toString());
        }
        throw new BadTrace("the " + what + " at '" + match.get().path() + "' (" + key + ") is a "
                + raw.getClass().getSimpleName() + ", not text");
    }

    private static Optional<Number> number(final Object root, final List<FieldPath> paths,
                                           final String key) {
        final Optional<FieldPath.Match> match = FieldPath.first(paths, root);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        final Object raw = match.get().value();
        if (raw instanceof Number n) {
            checkFinite(n, match.get(), key);
            return Optional.of(n);
        }
        if (raw instanceof CharSequence s) {
            try {
                final Double d = Double.valueOf(s.toString().trim());
                checkFinite(d, match.get(), key);
                return Optional.of(d);
            } catch (final NumberFormatException e) {
                throw new BadTrace("'" + s + "' at '" + match.get().path() + "' (" + key + ") is not a number");
            }
        }
        throw new BadTrace("the value at '" + match.get().path() + "' (" + key + ") is a "
                + raw.getClass().getSimpleName() + ", not a number");
    }

    private static void checkFinite(final Number n, final FieldPath.Match match, final String key) {
        if (Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            throw new BadTrace("non-finite number " + n + " at '" + match.path() + "' (" + key + ")");
        }
    }

    private Instant timestampOf(final Object root, final R record) {
        final Optional<FieldPath.Match> match = FieldPath.first(config.timestampPaths(), root);
        if (match.isEmpty()) {
            if (record.timestamp() != null && record.timestamp() >= 0) {
                return Instant.ofEpochMilli(record.timestamp());
            }
            throw new BadTrace("no timestamp at " + config.timestampPaths() + " and the record has none");
        }
        final Object raw = match.get().value();
        try {
            if (raw instanceof Date d) {
                return d.toInstant();
            }
            if (raw instanceof Number n) {
                return fromEpoch(n.doubleValue());
            }
            if (raw instanceof CharSequence s) {
                return parseTime(s.toString().trim());
            }
        } catch (final DateTimeParseException | ArithmeticException e) {
            throw new BadTrace("unreadable timestamp '" + raw + "' at '" + match.get().path() + "': "
                    + e.getMessage());
        }
        throw new BadTrace("the timestamp at '" + match.get().path() + "' is a " + raw.getClass().getSimpleName());
    }

    private Instant fromEpoch(final double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
            throw new BadTrace("timestamp " + v + " is not a non-negative epoch time");
        }
        final boolean seconds = switch (config.timestampUnit()) {
            case "s" -> true;
            case "ms" -> false;
            default -> v < SECONDS_LIMIT;
        };
        return Instant.ofEpochMilli(Math.round(seconds ? v * 1000.0 : v));
    }

    private Instant parseTime(final String s) {
        if (s.matches("\\d+(\\.\\d+)?")) {
            return fromEpoch(Double.parseDouble(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (final DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (final DateTimeParseException e2) {
                return Instant.parse(s);
            }
        }
    }

    /** A stable id: re-running a backfill gives the same ids, so tracer learns each trace once. */
    static String fallbackId(final String task, final String input, final String label, final Instant timestamp) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (final String part : new String[] {task, input, label, Long.toString(timestamp.toEpochMilli())}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "bf-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    private String describe(final R record) {
        final StringBuilder sb = new StringBuilder(record.topic() == null ? "?" : record.topic());
        sb.append('-').append(record.kafkaPartition() == null ? "?" : record.kafkaPartition());
        if (record instanceof SinkRecord sink) {
            sb.append('@').append(sink.kafkaOffset());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** A record that cannot become an LlmResponse; the message is the reason. */
    private static final class BadTrace extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadTrace(final String message) {
            super(message, null, false, false);
        }
    }
}
