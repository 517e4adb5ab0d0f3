/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.backfill.FileImport;
import io.tracerstreams.backfill.ImportSummary;
import io.tracerstreams.config.TracerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code tracer import FILE... [--task T] [--as responses|requests]}: logged LLM calls from files into tracer's
 * topics, exactly once (see {@link FileImport}), for teams without Kafka Connect.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports logged LLM calls from files into llm.responses (or llm.requests), exactly once: a re-run "
                + "after a crash, or of a finished import, produces nothing twice.",
            "Formats: JSON lines (tracer-llm {\"input\",\"teacher\"} traces, OpenAI-style chat logs), CSV with a header "
                + "row, OTLP JSON (one TracesData per line); .gz files are read gzipped."})
public final class ImportCommand implements Callable<Integer> {

    /** How records map onto a tracer record. */
    enum As { RESPONSES, REQUESTS }

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The files to import, in order.")
    List<Path> files;

    @Option(names = "--task", paramLabel = "T",
            description = "The task of every record; without it the task comes from the data (a task field, or the "
                    + "ingest.otlp.* task settings for OTLP).")
    String task;

    @Option(names = "--as", paramLabel = "responses|requests",
            description = "What each call becomes: responses (traces to learn, default) or requests (to be routed).")
    As as = As.RESPONSES;

    @Option(names = "--format", paramLabel = "auto|jsonl|csv|otlp-json",
            description = "The files' format (default: auto: csv by name, OTLP JSON when a line has resourceSpans, else JSON lines).")
    String format = "auto";

    @Option(names = "--config", paramLabel = "FILE", description = "tracer's properties (bootstrap.servers, schema.registry.url, topics, ingest.otlp.*).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one tracer setting (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--map", paramLabel = "KEY=VALUE",
            description = "A mapping setting for JSON lines and CSV, as LlmTraceToResponse's (field.input, field.label, "
                    + "field.request.id, timestamp.unit, ...; repeatable).")
    Map<String, String> mapping = new LinkedHashMap<>();

    @Option(names = "--rate", paramLabel = "N", description = "Records per second at most; 0 for no limit (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--transaction-records", paramLabel = "N",
            description = "Records per transaction: the most a crash makes a re-run redo (default: ${DEFAULT-VALUE}).")
    int transactionRecords = 1000;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        for (final Path f : files) {
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException("cannot read " + f);
            }
        }
        if (task != null && task.isBlank()) {
            throw new IllegalArgumentException("--task must not be empty");
        }
        final TracerConfig settings = TracerConfig.load(config, System.getenv(), overrides);
        final FileImport importer = new FileImport(settings, mapping, Optional.ofNullable(task),
                as == As.RESPONSES ? FileImport.Target.RESPONSES : FileImport.Target.REQUESTS, transactionRecords, rate);
        final Progress progress = new Progress(noProgress);
        final List<ImportSummary> summaries = new ArrayList<>();
        for (final Path file : files) {
            final FileImport.Format f = "auto".equalsIgnoreCase(format) ? FileImport.detect(file) : FileImport.Format.parse(format);
            final String label = "import " + file.getFileName();
            final ImportSummary s = importer.run(file, f, (n, lines) -> progress.update(label, n, lines),
                    line -> System.err.println("tracer import: " + line));
            progress.done(label);
            summaries.add(s);
            if (!json) {
                System.out.println(FileImport.describe(s));
            }
        }
        if (json) {
            System.out.println(toJson(summaries));
        }
        return 0;
    }

    private static String toJson(final List<ImportSummary> summaries) {
        final ObjectMapper m = new ObjectMapper();
        final ObjectNode root = m.createObjectNode();
        final ArrayNode files = root.putArray("files");
        for (final ImportSummary s : summaries) {
            final ObjectNode o = files.addObject().put("file", s.file()).put("sha256", s.sha256()).put("import_id", s.importId())
                    .put("read", s.read()).put("already_imported", s.alreadyImported()).put("produced", s.produced())
                    .put("transactions", s.transactions());
            final ObjectNode skipped = o.putObject("skipped");
            s.skipped().forEach(skipped::put);
        }
        return root.toString();
    }
}
