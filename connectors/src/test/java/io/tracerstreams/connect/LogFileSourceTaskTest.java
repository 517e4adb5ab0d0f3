/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileSourceTaskTest {

    @TempDir
    Path dir;

    /** Offsets as a worker would keep them. */
    private static final class Offsets implements OffsetStorageReader {
        final Map<Map<String, ?>, Map<String, Object>> stored = new HashMap<>();

        @Override
        @SuppressWarnings("unchecked")
        public <T> Map<String, Object> offset(final Map<String, T> partition) {
            return stored.get(partition);
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(final Collection<Map<String, T>> partitions) {
            throw new UnsupportedOperationException();
        }
    }

    private static LogFileSourceTask start(final Offsets offsets, final Map<String, String> props) {
        final LogFileSourceTask task = new LogFileSourceTask();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return offsets;
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
        return task;
    }

    private static List<SourceRecord> drain(final LogFileSourceTask task) throws InterruptedException {
        final List<SourceRecord> out = new ArrayList<>();
        for (List<SourceRecord> batch = task.poll(); batch != null; batch = task.poll()) {
            out.addAll(batch);
        }
        return out;
    }

    @Test
    void shouldReadJsonLinesAndCsvSkipBadLinesAndResumeAfterTheCommittedPosition() throws Exception {
        final Path jsonl = dir.resolve("traces.jsonl");
        Files.writeString(jsonl, "{\"input\":\"a\",\"teacher\":\"x\"}\nnot json\n\n{\"input\":\"b\",\"teacher\":\"y\"}\n[1,2]\n");
        final Path csv = dir.resolve("calls.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(csv))) {
            out.write("input,teacher\n\"hello, world\",greeting\nbye,farewell\n".getBytes(StandardCharsets.UTF_8));
        }
        final Map<String, String> props = Map.of("files", jsonl + "," + csv, "topic", "llm.responses", "poll.interval.ms", "10");
        final Offsets offsets = new Offsets();
        final LogFileSourceTask task = start(offsets, props);
        final List<SourceRecord> records = drain(task);
        assertThat(records).extracting(r -> (Object) ((Map<?, ?>) r.value()).get("input")).containsExactly("a", "b", "hello, world", "bye");
        assertThat(records.get(1).sourceOffset().get("position")).isEqualTo(4L);
        // appended lines are read on
        Files.writeString(jsonl, "{\"input\":\"c\",\"teacher\":\"z\"}\n", StandardOpenOption.APPEND);
        assertThat(drain(task)).extracting(r -> (Object) ((Map<?, ?>) r.value()).get("input")).containsExactly("c");
        task.stop();
        // a restart resumes after the committed positions
        offsets.stored.put(Map.of("file", jsonl.toString()), Map.of("position", 4L));
        offsets.stored.put(Map.of("file", csv.toString()), Map.of("position", 1L));
        final LogFileSourceTask again = start(offsets, props);
        assertThat(drain(again)).extracting(r -> (Object) ((Map<?, ?>) r.value()).get("input")).containsExactly("c", "bye");
        again.stop();
    }

    @Test
    void shouldShareTheFilesAmongTheTasks() {
        final LogFileSourceConnector c = new LogFileSourceConnector();
        c.start(Map.of("files", "a,b,c", "topic", "t"));
        assertThat(c.taskConfigs(2)).extracting(m -> m.get("files")).containsExactly("a,c", "b");
        assertThat(c.taskConfigs(8)).hasSize(3);
    }

    static void gz(final Path file, final String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
