/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
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

    private LlmTraceToResponseConfig config;
    private TraceMapping mapping;
    private final AtomicLong converted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void configure(final Map<String, ?> props) {
        this.config = new LlmTraceToResponseConfig(props);
        this.mapping = new TraceMapping(config);
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
        } catch (final TraceMapping.BadTrace e) {
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
        final TraceMapping.Trace t = mapping.map(record.value(), record.timestamp(), true);
        final Struct struct = new Struct(VALUE_SCHEMA)
                .put("request_id", t.requestId())
                .put("task", t.task())
                .put("label", t.label())
                .put("input", t.input().orElse(null))
                .put("model", t.model())
                .put("latency_ms", t.latencyMs())
                .put("cost", t.cost().orElse(null))
                .put("timestamp", Date.from(t.timestamp()));
        struct.validate();
        return struct;
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
}
