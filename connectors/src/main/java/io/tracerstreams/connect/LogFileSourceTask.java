/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Monitorable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads its share of {@link LogFileSourceConnector}'s files, resuming each after its committed offset. */
public final class LogFileSourceTask extends SourceTask implements Monitorable {

    /** Source partition key: the file's path. */
    static final String FILE = "file";
    /** Source offset key: records of the file handed on. */
    static final String POSITION = "position";
    private static final Logger LOG = LoggerFactory.getLogger(LogFileSourceTask.class);

    private String topic;
    private String format;
    private int batchSize;
    private long pollIntervalMs;
    private final List<FileState> files = new ArrayList<>();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean stopping;

    /** One file: its reader (open while there may be more to read) and its position. */
    private static final class FileState {
        final Path path;
        final Map<String, String> partition;
        LogFileReader reader;
        long position;

        FileState(final Path path) {
            this.path = path;
            this.partition = Map.of(FILE, path.toString());
        }
    }

    @Override
    public String version() {
        return new LogFileSourceConnector().version();
    }

    @Override
    public void withPluginMetrics(final PluginMetrics metrics) {
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        metrics.addMetric(metrics.metricName("read-records-total", "Log records handed to Connect.", tags),
                (Gauge<Long>) (c, now) -> read.get());
        metrics.addMetric(metrics.metricName("skipped-records-total", "Log lines that are no JSON object (or CSV rows "
                + "that cannot be read), skipped.", tags), (Gauge<Long>) (c, now) -> skipped.get());
    }

    @Override
    public void start(final Map<String, String> props) {
        final AbstractConfig config = new AbstractConfig(LogFileSourceConnector.CONFIG_DEF, props);
        this.topic = config.getString(LogFileSourceConnector.TOPIC);
        this.format = config.getString(LogFileSourceConnector.FORMAT);
        this.batchSize = config.getInt(LogFileSourceConnector.BATCH_SIZE);
        this.pollIntervalMs = config.getLong(LogFileSourceConnector.POLL_INTERVAL_MS);
        for (final String f : config.getList(LogFileSourceConnector.FILES)) {
            if (f.isBlank()) {
                continue;
            }
            final FileState state = new FileState(Path.of(f.trim()));
            final Map<String, Object> offset = context.offsetStorageReader().offset(state.partition);
            if (offset != null && offset.get(POSITION) instanceof Number n) {
                state.position = n.longValue();
            }
            files.add(state);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        final List<SourceRecord> out = new ArrayList<>();
        synchronized (this) {
            for (final FileState f : files) {
                while (out.size() < batchSize && !stopping && fill(f, out)) {
                    // read on
                }
            }
        }
        if (out.isEmpty()) {
            Thread.sleep(pollIntervalMs);
            return null;
        }
        read.addAndGet(out.size());
        return out;
    }

    /** Hands on one record of the file; false at its end for now. */
    private boolean fill(final FileState f, final List<SourceRecord> out) {
        if (f.reader == null) {
            if (!Files.isReadable(f.path)) {
                return false;
            }
            f.reader = LogFileReader.open(f.path, "auto".equals(format) ? LogFileReader.Format.of(f.path)
                    : LogFileReader.Format.parse(format));
        }
        while (f.reader.hasNext()) {
            final LogFileReader.Entry e = f.reader.next();
            if (e.number() <= f.position) {
                continue; // handed on before a restart
            }
            f.position = e.number();
            if (e.value() == null) {
                skipped.incrementAndGet();
                LOG.warn("{} record {}: {} (skipped)", f.path, e.number(), e.error());
                continue;
            }
            // the record's time is when it was read: LlmTraceToResponse uses it for logs that carry no time of their own
            out.add(new SourceRecord(f.partition, Map.of(POSITION, f.position), topic, null, null, null, null, e.value(),
                    System.currentTimeMillis()));
            return true;
        }
        // at the end for now: the next poll reads on from here (JSON lines appended to a plain file are seen)
        return false;
    }

    private static void close(final FileState f) {
        if (f.reader != null) {
            try {
                f.reader.close();
            } catch (final IOException e) {
                LOG.debug("closing {}", f.path, e);
            }
            f.reader = null;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        synchronized (this) {
            files.forEach(LogFileSourceTask::close);
        }
    }
}
