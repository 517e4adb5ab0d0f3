/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

class LlmTraceToResponseTest {

    private static final long RECORD_TS = 1_700_000_000_000L;

    private static LlmTraceToResponse<SinkRecord> transform(final Map<String, ?> props) {
        final LlmTraceToResponse<SinkRecord> t = new LlmTraceToResponse<>();
        t.configure(props);
        return t;
    }

    private static SinkRecord sink(final Object value) {
        return new SinkRecord("llm-logs", 2, Schema.OPTIONAL_STRING_SCHEMA, "k", null, value, 17L, RECORD_TS,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }

    @Test
    void shouldConvertAnOpenAiStyleChatLog() {
        final Map<String, Object> log = new HashMap<>();
        log.put("id", "chatcmpl-123");
        log.put("model", "gpt-4o-mini");
        log.put("created", 1_718_000_000L);
        log.put("messages", List.of(Map.of("role", "system", "content", "Classify the intent."),
                Map.of("role", "user", "content", "I lost my card")));
        log.put("choices", List.of(Map.of("message", Map.of("role", "assistant", "content", " lost_or_stolen_card\n"))));
        log.put("metadata", Map.of("task", "banking77"));
        log.put("latency_ms", 812);
        log.put("cost", 0.00042);

        final SinkRecord out = transform(Map.of()).apply(sink(log));

        final Struct v = (Struct) out.value();
        assertThat(out.valueSchema()).isSameAs(LlmTraceToResponse.VALUE_SCHEMA);
        assertThat(v.getString("request_id")).isEqualTo("chatcmpl-123");
        assertThat(v.getString("task")).isEqualTo("banking77");
        assertThat(v.getString("label")).isEqualTo("lost_or_stolen_card");
        assertThat(v.getString("input")).isEqualTo("I lost my card");
        assertThat(v.getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(v.getInt64("latency_ms")).isEqualTo(812L);
        assertThat(v.getFloat64("cost")).isEqualTo(0.00042);
        assertThat(((Date) v.get("timestamp")).toInstant()).isEqualTo(Instant.ofEpochSecond(1_718_000_000L));
        assertThat(out.key()).isEqualTo("banking77");
        assertThat(out.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(out.timestamp()).isEqualTo(1_718_000_000_000L);
        assertThat(out.topic()).isEqualTo("llm-logs");
    }

    @Test
    void shouldConvertATracerLlmTraceWithAFixedTaskAndStableIds() {
        final Map<String, Object> trace = Map.of("input", "how do I top up?", "teacher", "top_up_by_card");
        final LlmTraceToResponse<SinkRecord> t = transform(Map.of("task", "banking77"));

        final Struct first = (Struct) t.apply(sink(trace)).value();
        final Struct again = (Struct) t.apply(sink(new HashMap<>(trace))).value();
        final Struct other = (Struct) t.apply(sink(Map.of("input", "how do I top up??", "teacher",
                "top_up_by_card"))).value();

        assertThat(first.getString("label")).isEqualTo("top_up_by_card");
        assertThat(first.getString("model")).isEmpty();
        assertThat(first.getInt64("latency_ms")).isZero();
        assertThat(first.get("cost")).isNull();
        assertThat(((Date) first.get("timestamp")).getTime()).isEqualTo(RECORD_TS);
        assertThat(first.getString("request_id")).startsWith("bf-").hasSize(35)
                .isEqualTo(again.getString("request_id")).isNotEqualTo(other.getString("request_id"));
        assertThat(t.convertedCount()).isEqualTo(3);
    }

    @Test
    void shouldReadConfiguredPathsFromAStruct() {
        final Schema inner = SchemaBuilder.struct().field("endpoint", Schema.STRING_SCHEMA)
                .field("rid", Schema.STRING_SCHEMA).build();
        final Schema schema = SchemaBuilder.struct().field("meta", inner).field("q", Schema.STRING_SCHEMA)
                .field("a", Schema.INT32_SCHEMA).field("when", Schema.STRING_SCHEMA)
                .field("secs", Schema.FLOAT64_SCHEMA).build();
        final Struct value = new Struct(schema)
                .put("meta", new Struct(inner).put("endpoint", "clinc150").put("rid", "r-7"))
                .put("q", "what's my balance").put("a", 3).put("when", "2024-06-01T10:00:00.250Z").put("secs", 1.5);

        final Struct v = (Struct) transform(Map.of("field.task", "meta.endpoint", "field.request.id", "meta.rid",
                "field.input", "q", "field.label", "a", "field.timestamp", "when", "field.latency", "secs",
                "latency.unit", "s")).apply(sink(value)).value();

        assertThat(v.getString("task")).isEqualTo("clinc150");
        assertThat(v.getString("request_id")).isEqualTo("r-7");
        assertThat(v.getString("label")).isEqualTo("3");
        assertThat(v.getInt64("latency_ms")).isEqualTo(1500L);
        assertThat(((Date) v.get("timestamp")).toInstant()).isEqualTo(Instant.parse("2024-06-01T10:00:00.250Z"));
    }

    @Test
    void shouldReadEveryTimestampForm() {
        final Map<Object, Instant> cases = new LinkedHashMap<>();
        cases.put(1_718_000_000L, Instant.ofEpochSecond(1_718_000_000L));
        cases.put(1_718_000_000.25, Instant.ofEpochMilli(1_718_000_000_250L));
        cases.put(1_718_000_000_123L, Instant.ofEpochMilli(1_718_000_000_123L));
        cases.put("1718000000", Instant.ofEpochSecond(1_718_000_000L));
        cases.put("2024-06-10T06:13:20Z", Instant.ofEpochSecond(1_718_000_000L));
        cases.put("2024-06-10T08:13:20+02:00", Instant.ofEpochSecond(1_718_000_000L));
        cases.put("2024-06-10 06:13:20", Instant.ofEpochSecond(1_718_000_000L));
        cases.put(new Date(1_718_000_000_000L), Instant.ofEpochSecond(1_718_000_000L));
        final LlmTraceToResponse<SinkRecord> t = transform(Map.of("task", "t"));
        cases.forEach((raw, expected) -> {
            final Struct v = (Struct) t.apply(sink(Map.of("input", "x", "label", "y", "timestamp", raw))).value();
            assertThat(((Date) v.get("timestamp")).toInstant()).as("%s", raw).isEqualTo(expected);
        });
        final Struct ms = (Struct) transform(Map.of("task", "t", "timestamp.unit", "ms"))
                .apply(sink(Map.of("input", "x", "label", "y", "timestamp", 5_000L))).value();
        assertThat(((Date) ms.get("timestamp")).getTime()).isEqualTo(5_000L);
    }

    @Test
    void shouldFailBadRecordsWithTheReasonByDefault() {
        final LlmTraceToResponse<SinkRecord> t = transform(Map.of());
        final List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {Map.of("task", "t", "input", "x"), "no label"});
        cases.add(new Object[] {Map.of("input", "x", "label", "y"), "no task"});
        cases.add(new Object[] {Map.of("task", "t", "label", "y"), "no input text"});
        cases.add(new Object[] {Map.of("task", "t", "input", "x", "label", "  "), "empty label"});
        cases.add(new Object[] {Map.of("task", "t", "input", "x", "label", Map.of("a", 1)), "not text"});
        cases.add(new Object[] {Map.of("task", "t", "input", "x", "label", "y", "cost", "cheap"), "not a number"});
        cases.add(new Object[] {Map.of("task", "t", "input", "x", "label", "y", "latency_ms", -3), "negative"});
        cases.add(new Object[] {Map.of("task", "t", "input", "x", "label", "y", "timestamp", "yesterday"),
            "unreadable timestamp"});
        cases.add(new Object[] {Map.of("task", 7, "input", "x", "label", "y"), "not text"});
        cases.add(new Object[] {"a plain string", "not a JSON object"});
        for (final Object[] c : cases) {
            assertThatThrownBy(() -> t.apply(sink(c[0]))).as("%s", c[0]).isInstanceOf(DataException.class)
                    .hasMessageContaining((String) c[1]).hasMessageContaining("llm-logs-2@17");
        }
        assertThatThrownBy(() -> t.apply(sink(null))).isInstanceOf(DataException.class)
                .hasMessageContaining("tombstone");
        assertThat(t.droppedCount()).isZero();
    }

    @Test
    void shouldDropAndCountBadRecordsWhenAsked() {
        final LlmTraceToResponse<SinkRecord> t = transform(Map.of("on.error", "drop"));
        final CapturingMetrics metrics = new CapturingMetrics();
        t.withPluginMetrics(metrics);

        assertThat(t.apply(sink(Map.of("task", "t", "input", "x")))).isNull();
        assertThat(t.apply(sink(Map.of("task", "t", "input", "x", "label", "y")))).isNotNull();

        assertThat(t.droppedCount()).isEqualTo(1);
        assertThat(metrics.value("dropped-records-total")).isEqualTo(1L);
        assertThat(metrics.value("converted-records-total")).isEqualTo(1L);
    }

    @Test
    void shouldPassRecordsWithoutInputWhenInputIsOptionalAndKeepTheKeyWhenAsked() {
        final SinkRecord out = transform(Map.of("input.required", "false", "set.key", "false", "task", "t",
                "request.id.fallback", "fail"))
                .apply(sink(Map.of("label", "y", "request_id", 42)));
        final Struct v = (Struct) out.value();
        assertThat(v.get("input")).isNull();
        assertThat(v.getString("request_id")).isEqualTo("42");
        assertThat(out.key()).isEqualTo("k");
    }

    @Test
    void shouldFailWithoutRequestIdWhenHashingIsOff() {
        final LlmTraceToResponse<SinkRecord> t = transform(Map.of("task", "t", "request.id.fallback", "fail"));
        assertThatThrownBy(() -> t.apply(sink(Map.of("input", "x", "label", "y"))))
                .isInstanceOf(DataException.class).hasMessageContaining("no request id");
    }

    @Test
    void shouldWorkOnSourceRecords() {
        final LlmTraceToResponse<SourceRecord> t = new LlmTraceToResponse<>();
        t.configure(Map.of("task", "t"));
        final SourceRecord in = new SourceRecord(Map.of("file", "logs.jsonl"), Map.of("line", 3L), "llm.responses",
                null, null, null, Map.of("input", "x", "teacher", "y", "timestamp", 1_000L));
        final SourceRecord out = t.apply(in);
        assertThat(((Struct) out.value()).getString("label")).isEqualTo("y");
        assertThat(out.sourceOffset()).isEqualTo(Map.of("line", 3L));
    }

    @Test
    void shouldRejectInvalidConfigNamingTheKey() {
        assertThatThrownBy(() -> transform(Map.of("on.error", "ignore"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("on.error");
        assertThatThrownBy(() -> transform(Map.of("field.label", "choices..content")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("field.label");
        assertThatThrownBy(() -> transform(Map.of("field.label", ""))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("field.label");
        assertThatThrownBy(() -> transform(Map.of("field.task", ""))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("field.task");
        assertThatThrownBy(() -> transform(Map.of("timestamp.unit", "ns"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("timestamp.unit");
    }

    @Test
    void shouldDocumentEverySetting() {
        LlmTraceToResponseConfig.CONFIG_DEF.configKeys().values().forEach(k ->
                assertThat(k.documentation).as(k.name).isNotBlank());
        assertThat(new LlmTraceToResponse<SinkRecord>().config()).isSameAs(LlmTraceToResponseConfig.CONFIG_DEF);
    }

    @Test
    void shouldMatchTheFieldsOfTheLlmResponseAvroRecord() {
        final org.apache.avro.Schema avro = LlmResponse.getClassSchema();
        final Schema connect = LlmTraceToResponse.VALUE_SCHEMA;
        assertThat(connect.name()).isEqualTo(avro.getFullName());
        assertThat(connect.fields()).extracting(org.apache.kafka.connect.data.Field::name)
                .containsExactlyElementsOf(avro.getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
        for (final org.apache.avro.Schema.Field f : avro.getFields()) {
            final Schema c = connect.field(f.name()).schema();
            final boolean nullable = f.schema().isNullable();
            assertThat(c.isOptional()).as("optional %s", f.name()).isEqualTo(nullable);
            final org.apache.avro.Schema base = nullable ? f.schema().getTypes().get(1) : f.schema();
            final Schema.Type expected = switch (base.getType()) {
                case STRING -> Schema.Type.STRING;
                case LONG -> Schema.Type.INT64;
                case DOUBLE -> Schema.Type.FLOAT64;
                default -> throw new AssertionError("unmapped Avro type " + base.getType() + " of " + f.name());
            };
            assertThat(c.type()).as("type of %s", f.name()).isEqualTo(expected);
            if (base.getLogicalType() != null) {
                assertThat(c.name()).as("logical type of %s", f.name())
                        .isEqualTo(org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME);
            }
            if (f.hasDefaultValue() && f.defaultVal() != org.apache.avro.JsonProperties.NULL_VALUE) {
                assertThat(c.defaultValue()).as("default of %s", f.name()).isEqualTo(f.defaultVal());
            }
        }
    }

    @Test
    @SuppressWarnings("rawtypes")
    void shouldBeRegisteredForServiceLoading() {
        final List<String> found = new ArrayList<>();
        for (final Transformation t : ServiceLoader.load(Transformation.class)) {
            found.add(t.getClass().getName());
        }
        assertThat(found).contains(LlmTraceToResponse.class.getName());
    }

    /** Captures the gauges a transformation registers. */
    private static final class CapturingMetrics implements PluginMetrics {
        private final Map<String, MetricValueProvider<?>> metrics = new HashMap<>();

        @Override
        public MetricName metricName(final String name, final String description,
                                     final LinkedHashMap<String, String> tags) {
            return new MetricName(name, "plugins", description, tags);
        }

        @Override
        public void addMetric(final MetricName name, final MetricValueProvider<?> provider) {
            metrics.put(name.name(), provider);
        }

        @Override
        public void removeMetric(final MetricName name) {
            metrics.remove(name.name());
        }

        @Override
        public Sensor addSensor(final String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeSensor(final String name) {
            throw new UnsupportedOperationException();
        }

        Object value(final String name) {
            return ((Gauge<?>) metrics.get(name)).value(null, 0L);
        }
    }
}
