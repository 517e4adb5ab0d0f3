/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads labelled texts from JSON lines, plain or gzip-compressed ({@code .gz}).
 *
 * <p>Two row shapes are understood: {@code {"id", "text", "label"}} (the shared datasets and the demo
 * data) and tracer-llm's traces {@code {"input", "teacher"}} (id = line number when absent).
 */
public final class Datasets {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Datasets() {
    }

    /** Reads every row of a file. */
    public static List<LabelledText> read(final Path file) {
        return read(file, row -> true);
    }

    /** Reads the rows of a file that pass a filter (e.g. dropping CLINC150's {@code oos}). */
    public static List<LabelledText> read(final Path file, final Predicate<LabelledText> keep) {
        try (InputStream raw = Files.newInputStream(file)) {
            final InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return read(in, file.toString(), keep);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read dataset " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads rows from a stream of JSON lines; {@code source} names it in error messages. */
    public static List<LabelledText> read(final InputStream in, final String source, final Predicate<LabelledText> keep) {
        final List<LabelledText> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                final LabelledText row = parse(line, source, lineNo);
                if (keep.test(row)) {
                    rows.add(row);
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read dataset " + source + ": " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("dataset " + source + " has no rows");
        }
        return rows;
    }

    /** The seed of the validation split's shuffle: fixed, so every replay seed reports on the same validation rows. */
    public static final long VALIDATION_SPLIT_SEED = 0L;

    /**
     * A train split cut in two: {@code train} fits, {@code validation} is reported in place of a test split.
     *
     * @param train      the rows that stay train rows
     * @param validation the last {@code fraction} of the shuffled train split
     */
    public record Split(List<LabelledText> train, List<LabelledText> validation) {
    }

    /**
     * Cuts a validation split off a train split, for choosing defaults without reading the test split: the rows
     * are shuffled with the fixed seed {@link #VALIDATION_SPLIT_SEED} and the last {@code fraction} of them (at
     * least one row) becomes the validation split. The same rows give the same split whatever the replay seed.
     *
     * @param rows     the train split
     * @param fraction the share of rows held out, in (0, 1)
     * @throws IllegalArgumentException when the fraction is outside (0, 1) or either part would be empty
     */
    public static Split validationSplit(final List<LabelledText> rows, final double fraction) {
        if (!(fraction > 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("--validation-fraction must be in (0, 1) (got " + fraction + ")");
        }
        final List<LabelledText> shuffled = new ArrayList<>(rows);
        java.util.Collections.shuffle(shuffled, new java.util.Random(VALIDATION_SPLIT_SEED));
        final int held = (int) Math.max(1, Math.round(fraction * shuffled.size()));
        if (held >= shuffled.size()) {
            throw new IllegalArgumentException("--validation-fraction " + fraction + " leaves no train rows of "
                    + shuffled.size());
        }
        final int cut = shuffled.size() - held;
        return new Split(List.copyOf(shuffled.subList(0, cut)), List.copyOf(shuffled.subList(cut, shuffled.size())));
    }

    private static LabelledText parse(final String line, final String source, final int lineNo) {
        final JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (final IOException e) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": not JSON: " + e.getMessage());
        }
        final String text = firstText(node, "text", "input");
        final String label = firstText(node, "label", "teacher");
        if (text == null) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": missing field 'text' (or 'input')");
        }
        if (label == null) {
            throw new IllegalArgumentException(source + " line " + lineNo + ": missing field 'label' (or 'teacher')");
        }
        final String id = node.hasNonNull("id") ? node.get("id").asText() : Integer.toString(lineNo);
        return new LabelledText(id, text, label);
    }

    private static String firstText(final JsonNode node, final String... names) {
        for (final String name : names) {
            final JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                return value.asText();
            }
        }
        return null;
    }
}
