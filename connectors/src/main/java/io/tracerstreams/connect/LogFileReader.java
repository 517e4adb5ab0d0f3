/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads a log of LLM calls record by record: JSON lines (one object per line) or CSV with a header row, plain or
 * gzipped ({@code .gz}). Each record is a Map (as Connect's JsonConverter with {@code schemas.enable=false} gives
 * it), numbered from 1 in file order, so a reader can resume after the records it has already handed on. A line
 * that is no JSON object is handed on as an error with its number; the rest of the file is still read.
 */
public final class LogFileReader implements Iterator<LogFileReader.Entry>, Closeable {

    /** The formats a log file can be in. */
    public enum Format {
        /** One JSON object per line. */
        JSONL,
        /** Comma-separated values with a header row naming the columns. */
        CSV;

        /** The format by file name: {@code .csv} or {@code .csv.gz} is CSV, anything else JSON lines. */
        public static Format of(final Path file) {
            final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".csv") || name.endsWith(".csv.gz") ? CSV : JSONL;
        }

        /** Parses {@code jsonl} or {@code csv}. */
        public static Format parse(final String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One record of the file.
     *
     * @param number its number, from 1
     * @param value  the record as a Map, or null when it is unreadable
     * @param error  why it is unreadable (null when readable)
     */
    public record Entry(long number, Map<String, Object> value, String error) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private final Format format;
    private final BufferedReader lines;
    private final MappingIterator<Map<String, Object>> rows;
    private long number;
    private Entry next;

    private LogFileReader(final Format format, final Reader reader) throws IOException {
        this.format = format;
        if (format == Format.CSV) {
            this.lines = null;
            this.rows = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(reader);
        } else {
            this.lines = new BufferedReader(reader, 1 << 16);
            this.rows = null;
        }
    }

    /** Opens a file (gzipped when its first bytes say so) in the given format. */
    public static LogFileReader open(final Path file, final Format format) {
        try {
            return new LogFileReader(format, new InputStreamReader(open(file), StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of a file, un-gzipped when it starts with the gzip magic number. */
    public static InputStream open(final Path file) throws IOException {
        final InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        final int b1 = in.read();
        final int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /** The format being read. */
    public Format format() {
        return format;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = read();
        }
        return next != null;
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        final Entry e = next;
        next = null;
        return e;
    }

    @SuppressWarnings("unchecked")
    private Entry read() {
        try {
            if (format == Format.CSV) {
                if (!rows.hasNextValue()) {
                    return null;
                }
                number++;
                try {
                    return new Entry(number, rows.nextValue(), null);
                } catch (final JsonProcessingException e) {
                    return new Entry(number, null, "unreadable CSV row: " + e.getOriginalMessage());
                }
            }
            String line;
            do {
                line = lines.readLine();
                if (line == null) {
                    return null;
                }
                number++;
            } while (line.isBlank());
            try {
                final JsonNode node = JSON.readTree(line);
                if (node == null || !node.isObject()) {
                    return new Entry(number, null, "not a JSON object");
                }
                return new Entry(number, JSON.convertValue(node, Map.class), null);
            } catch (final JsonProcessingException e) {
                return new Entry(number, null, "not JSON: " + e.getOriginalMessage());
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read record " + (number + 1) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (lines != null) {
            lines.close();
        }
        if (rows != null) {
            rows.close();
        }
    }
}
