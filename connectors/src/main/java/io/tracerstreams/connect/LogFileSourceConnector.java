/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A Kafka Connect source of LLM call logs in files: JSON lines or CSV (plain or gzipped), one record per logged
 * call, as schemaless Maps, which {@link LlmTraceToResponse} turns into traces. Each file's position (the number
 * of records handed on) is a Connect source offset, so a restarted worker resumes where it stopped; a file that
 * grows is read on as it grows (JSON lines). A record's timestamp is the time it was read, which the
 * transformation uses for logs without a time of their own (tracer-llm's traces). Lines that are not JSON objects are skipped with a warning and counted
 * ({@code skipped-records-total}).
 *
 * <p>Connect's own FileStreamSourceConnector exists only up to Kafka 4.3 and reads lines as strings; this one
 * reads the records themselves.
 */
public final class LogFileSourceConnector extends SourceConnector {

    /** Comma-separated paths of the log files. */
    public static final String FILES = "files";
    /** The topic to write to. */
    public static final String TOPIC = "topic";
    /** jsonl, csv, or auto (by file name: .csv / .csv.gz). */
    public static final String FORMAT = "format";
    /** Records per poll. */
    public static final String BATCH_SIZE = "batch.size";
    /** How long to wait at the end of every file before looking for new records. */
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";

    /** Every setting, with its documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FILES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated paths of the log files (on the worker's file system); .gz files are read gzipped. "
                            + "Files are shared out among the tasks (tasks.max).")
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The topic to write to, e.g. llm.responses (with the LlmTraceToResponse transformation and "
                            + "TracerAvroConverter).")
            .define(FORMAT, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "jsonl", "csv"), Importance.MEDIUM,
                    "jsonl (one JSON object per line), csv (a header row, then one call per row) or auto (csv for "
                            + "names ending .csv or .csv.gz, else jsonl).")
            .define(BATCH_SIZE, Type.INT, 500, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "Records handed to Connect per poll.")
            .define(POLL_INTERVAL_MS, Type.LONG, 1_000L, ConfigDef.Range.between(10, 3_600_000), Importance.LOW,
                    "Wait at the end of the files before looking for appended records.");

    private Map<String, String> props;

    @Override
    public void start(final Map<String, String> properties) {
        final AbstractConfig parsed = new AbstractConfig(CONFIG_DEF, properties);
        if (parsed.getList(FILES).stream().allMatch(String::isBlank)) {
            throw new ConfigException(FILES, properties.get(FILES), "name at least one file");
        }
        this.props = Map.copyOf(properties);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return LogFileSourceTask.class;
    }

    /** Up to maxTasks tasks, each with a share of the files (round robin). */
    @Override
    public List<Map<String, String>> taskConfigs(final int maxTasks) {
        final List<String> files = new AbstractConfig(CONFIG_DEF, props).getList(FILES).stream()
                .map(String::trim).filter(f -> !f.isEmpty()).toList();
        final int tasks = Math.max(1, Math.min(maxTasks, files.size()));
        final List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < files.size(); i++) {
            shares.get(i % tasks).add(files.get(i));
        }
        final List<Map<String, String>> out = new ArrayList<>();
        for (final List<String> share : shares) {
            final Map<String, String> c = new java.util.HashMap<>(props);
            c.put(FILES, String.join(",", share));
            out.add(c);
        }
        return out;
    }

    /**
     * Exactly-once source support (a worker with exactly.once.source.support=enabled): records and their file
     * positions commit in one transaction.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(final Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public void stop() {
        // the tasks close their files
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        final String v = LogFileSourceConnector.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
