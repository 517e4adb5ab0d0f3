/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The settings of {@link LlmTraceToResponse}, validated on construction (errors name the key). */
public final class LlmTraceToResponseConfig extends AbstractConfig {

    /** Paths of the request id. */
    public static final String REQUEST_ID_FIELD = "field.request.id";
    /** What to do when no request id is found: hash or fail. */
    public static final String REQUEST_ID_FALLBACK = "request.id.fallback";
    /** A fixed task for every record (backfill of one endpoint); overrides field.task. */
    public static final String TASK = "task";
    /** Paths of the task. */
    public static final String TASK_FIELD = "field.task";
    /** Paths of the input text. */
    public static final String INPUT_FIELD = "field.input";
    /** Whether a record without input text is bad. */
    public static final String INPUT_REQUIRED = "input.required";
    /** Paths of the LLM's label. */
    public static final String LABEL_FIELD = "field.label";
    /** Whether to trim whitespace around labels. */
    public static final String LABEL_TRIM = "label.trim";
    /** Paths of the model name. */
    public static final String MODEL_FIELD = "field.model";
    /** Paths of the latency. */
    public static final String LATENCY_FIELD = "field.latency";
    /** Unit of numeric latencies: ms or s. */
    public static final String LATENCY_UNIT = "latency.unit";
    /** Paths of the cost. */
    public static final String COST_FIELD = "field.cost";
    /** Paths of the timestamp. */
    public static final String TIMESTAMP_FIELD = "field.timestamp";
    /** Unit of numeric timestamps: auto, ms or s. */
    public static final String TIMESTAMP_UNIT = "timestamp.unit";
    /** Whether the record key becomes the task (llm.responses is keyed by task). */
    public static final String SET_KEY = "set.key";
    /** Behaviour on a bad record: fail or drop. */
    public static final String ON_ERROR = "on.error";

    /** Every setting, with its documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REQUEST_ID_FIELD, Type.LIST, "request_id,requestId,id,metadata.request_id", Importance.MEDIUM,
                    "Comma-separated dotted paths of the request id, tried in order (list indexes allowed, "
                            + "negative from the end, e.g. messages.-1.content).")
            .define(REQUEST_ID_FALLBACK, Type.STRING, "hash", ConfigDef.ValidString.in("hash", "fail"),
                    Importance.MEDIUM, "When no request id is found: 'hash' derives a stable id from task, input, "
                            + "label and timestamp (so re-running a backfill yields the same ids and tracer learns "
                            + "each trace once); 'fail' treats the record as bad.")
            .define(TASK, Type.STRING, "", Importance.HIGH,
                    "A fixed task (classification endpoint) for every record; when empty the task is read from "
                            + TASK_FIELD + ".")
            .define(TASK_FIELD, Type.LIST, "task,metadata.task,endpoint", Importance.HIGH,
                    "Paths of the task, used when " + TASK + " is empty.")
            .define(INPUT_FIELD, Type.LIST, "input,text,prompt,messages.-1.content,request.messages.-1.content",
                    Importance.HIGH, "Paths of the input text that was classified.")
            .define(INPUT_REQUIRED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Treat a record without input text as bad. tracer can only learn from a backfilled response "
                            + "that carries its input.")
            .define(LABEL_FIELD, Type.LIST, "label,teacher,output,choices.0.message.content,"
                            + "response.choices.0.message.content", Importance.HIGH,
                    "Paths of the label the LLM answered (tracer-llm traces call it 'teacher'; OpenAI chat logs "
                            + "have it in choices.0.message.content). Numbers and booleans become text.")
            .define(LABEL_TRIM, Type.BOOLEAN, true, Importance.LOW, "Trim whitespace around labels.")
            .define(MODEL_FIELD, Type.LIST, "model,response.model,metadata.model", Importance.LOW,
                    "Paths of the model name; empty when absent.")
            .define(LATENCY_FIELD, Type.LIST, "latency_ms,latencyMs,latency,duration_ms", Importance.LOW,
                    "Paths of the call latency; 0 when absent.")
            .define(LATENCY_UNIT, Type.STRING, "ms", ConfigDef.ValidString.in("ms", "s"), Importance.LOW,
                    "Unit of numeric latencies.")
            .define(COST_FIELD, Type.LIST, "cost,cost_usd,usage.cost", Importance.LOW,
                    "Paths of the call cost; null when absent.")
            .define(TIMESTAMP_FIELD, Type.LIST, "timestamp,created_at,created,ts", Importance.MEDIUM,
                    "Paths of the call time: epoch number or ISO-8601 text. When absent, the record's own "
                            + "timestamp is used; when that is absent too, the record is bad.")
            .define(TIMESTAMP_UNIT, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "ms", "s"),
                    Importance.LOW, "Unit of numeric timestamps; 'auto' reads values below 10^11 as seconds "
                            + "(OpenAI's 'created') and larger ones as milliseconds.")
            .define(SET_KEY, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Replace the record key with the task (string), as tracer's llm.responses topic expects.")
            .define(ON_ERROR, Type.STRING, "fail", ConfigDef.ValidString.in("fail", "drop"), Importance.HIGH,
                    "On a bad record: 'fail' throws a DataException naming the record and the reason (Connect's "
                            + "errors.tolerance / errors.deadletterqueue.topic.name then decide: stop the task, or "
                            + "route the record to a dead letter queue); 'drop' discards it with a WARN log and "
                            + "counts it in the dropped-records-total metric.");

    private final List<FieldPath> requestId;
    private final List<FieldPath> taskPaths;
    private final List<FieldPath> input;
    private final List<FieldPath> label;
    private final List<FieldPath> model;
    private final List<FieldPath> latency;
    private final List<FieldPath> cost;
    private final List<FieldPath> timestamp;

    /** Parses and validates the transformation's properties. */
    public LlmTraceToResponseConfig(final Map<?, ?> originals) {
        super(CONFIG_DEF, originals);
        requestId = paths(REQUEST_ID_FIELD, false);
        taskPaths = paths(TASK_FIELD, false);
        input = paths(INPUT_FIELD, true);
        label = paths(LABEL_FIELD, true);
        model = paths(MODEL_FIELD, false);
        latency = paths(LATENCY_FIELD, false);
        cost = paths(COST_FIELD, false);
        timestamp = paths(TIMESTAMP_FIELD, false);
        if (fixedTask().isEmpty() && taskPaths.isEmpty()) {
            throw new ConfigException(TASK_FIELD, getList(TASK_FIELD), "set " + TASK + " or at least one path");
        }
    }

    private List<FieldPath> paths(final String key, final boolean required) {
        final List<FieldPath> parsed;
        try {
            parsed = FieldPath.parseAlternatives(getList(key));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(key, getList(key), e.getMessage());
        }
        if (required && parsed.isEmpty()) {
            throw new ConfigException(key, getList(key), "needs at least one path");
        }
        return parsed;
    }

    List<FieldPath> requestIdPaths() {
        return requestId;
    }

    boolean hashMissingRequestId() {
        return "hash".equals(getString(REQUEST_ID_FALLBACK));
    }

    Optional<String> fixedTask() {
        final String task = getString(TASK).trim();
        return task.isEmpty() ? Optional.empty() : Optional.of(task);
    }

    List<FieldPath> taskPaths() {
        return taskPaths;
    }

    List<FieldPath> inputPaths() {
        return input;
    }

    boolean inputRequired() {
        return getBoolean(INPUT_REQUIRED);
    }

    List<FieldPath> labelPaths() {
        return label;
    }

    boolean trimLabel() {
        return getBoolean(LABEL_TRIM);
    }

    List<FieldPath> modelPaths() {
        return model;
    }

    List<FieldPath> latencyPaths() {
        return latency;
    }

    boolean latencyInSeconds() {
        return "s".equals(getString(LATENCY_UNIT));
    }

    List<FieldPath> costPaths() {
        return cost;
    }

    List<FieldPath> timestampPaths() {
        return timestamp;
    }

    String timestampUnit() {
        return getString(TIMESTAMP_UNIT).toLowerCase(Locale.ROOT);
    }

    boolean setKey() {
        return getBoolean(SET_KEY);
    }

    boolean dropBadRecords() {
        return "drop".equals(getString(ON_ERROR));
    }
}
