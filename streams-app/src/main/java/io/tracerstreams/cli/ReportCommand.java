/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.cli;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.report.HtmlReport;
import io.tracerstreams.report.RenderOptions;
import io.tracerstreams.report.ReportJson;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.serde.TracerSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tracer report --task T --out FILE.html}: renders the boundary reports a running tracer wrote to
 * {@code tracer.reports} (DESIGN section 6) into one self-contained HTML file.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Reads a task's boundary reports from the reports topic and writes one self-contained HTML report.")
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--task", required = true, description = "The task (classification endpoint).")
    String task;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "Where to write the HTML report.")
    Path out;

    @Option(names = "--json", paramLabel = "FILE.json", description = "Also write the reports as JSON.")
    Path json;

    @Option(names = "--config", paramLabel = "FILE", description = "tracer's properties file (bootstrap.servers, schema.registry.url, topic names).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--last", paramLabel = "N", defaultValue = "200", description = "Keep the last N reports (default ${DEFAULT-VALUE}).")
    int last;

    @Option(names = "--hash-texts", description = "Privacy: replace example texts by short hashes.")
    boolean hashTexts;

    @Override
    public Integer call() {
        final TracerConfig settings = TracerConfig.load(config, System.getenv(), overrides);
        final List<BoundaryReport> reports = read(settings, task, last);
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no report of task '" + task + "' on topic " + settings.topics().reports()
                    + " (reports go out every reports.interval.ms and after every gate flip)");
        }
        final RenderOptions render = new RenderOptions(hashTexts, "", "");
        try {
            HtmlReport.write(out, reports, List.of(), List.of(), render);
            if (json != null) {
                ReportJson.write(json, reports, render);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
        }
        System.err.println("tracer: " + reports.size() + " reports of task " + task + " -> " + out);
        return 0;
    }

    /** Every committed report of a task on the reports topic, oldest first, at most the last {@code keep}. */
    static List<BoundaryReport> read(final TracerConfig settings, final String task, final int keep) {
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final String topic = settings.topics().reports();
        final List<BoundaryReport> reports = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
             Deserializer<BoundaryReport> values = TracerSerdes.boundaryReport(settings.schemaRegistryConfig(), false)
                     .deserializer()) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (task.equals(r.key())) {
                        reports.add(values.deserialize(r.topic(), r.headers(), r.value()));
                        if (reports.size() > keep) {
                            reports.remove(0);
                        }
                    }
                }
            }
        }
        return reports;
    }
}
