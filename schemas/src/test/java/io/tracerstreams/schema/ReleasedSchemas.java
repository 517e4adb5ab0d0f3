/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The schema files of the build (src/main/avro) and of every released version
 * (src/test/resources/released/VERSION/*.avsc), and the BACKWARD check between them: the current schema,
 * as reader, must read data written with the schema of the latest release that has it.
 */
final class ReleasedSchemas {

    static final Path CURRENT = Path.of("src", "main", "avro");
    static final Path RELEASED = Path.of("src", "test", "resources", "released");

    /** How a current schema relates to the releases. */
    enum Status { NEW, COMPATIBLE, INCOMPATIBLE }

    /**
     * The outcome for one schema.
     *
     * @param name     full name of the schema
     * @param status   NEW when no release has it
     * @param against  the release it was checked against (null when NEW)
     * @param problems Avro's incompatibilities, empty unless INCOMPATIBLE
     */
    record Verdict(String name, Status status, String against, List<String> problems) {
    }

    private ReleasedSchemas() {
    }

    /**
     * Every .avsc under a directory (recursively), parsed together so files may reference each other. A
     * field default of a named type is validated when the field is parsed, so a file is parsed only once
     * the types it names are known: files that fail on an unknown name are retried after the others.
     */
    static Map<String, Schema> parseDirectory(final Path dir) throws IOException {
        List<Path> pending;
        try (Stream<Path> walk = Files.walk(dir)) {
            pending = walk.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        final Map<String, Schema> byName = new LinkedHashMap<>();
        final Schema.Parser parser = new Schema.Parser();
        while (!pending.isEmpty()) {
            final List<Path> failed = new ArrayList<>();
            RuntimeException last = null;
            for (final Path file : pending) {
                final Schema.Parser attempt = new Schema.Parser().addTypes(parser.getTypes().values());
                try {
                    final Schema schema = attempt.parse(file.toFile());
                    parser.addTypes(attempt.getTypes().values());
                    if (byName.put(schema.getFullName(), schema) != null) {
                        throw new IllegalStateException("two files define " + schema.getFullName() + " in " + dir);
                    }
                } catch (final org.apache.avro.SchemaParseException | org.apache.avro.AvroTypeException e) {
                    failed.add(file);
                    last = new IllegalStateException(file + ": " + e.getMessage(), e);
                }
            }
            if (failed.size() == pending.size()) {
                throw last;
            }
            pending = failed;
        }
        return byName;
    }

    /** Release version to its schemas, oldest first (versions compared numerically: 0.10.0 after 0.9.0). */
    static NavigableMap<String, Map<String, Schema>> releases(final Path releasedDir) throws IOException {
        final NavigableMap<String, Map<String, Schema>> out = new TreeMap<>(VERSION_ORDER);
        if (!Files.isDirectory(releasedDir)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(releasedDir)) {
            for (final Path dir : dirs.filter(Files::isDirectory).toList()) {
                out.put(dir.getFileName().toString(), parseDirectory(dir));
            }
        }
        return out;
    }

    /** The BACKWARD verdict of one current schema against the latest release that has its name. */
    static Verdict check(final Schema current, final NavigableMap<String, Map<String, Schema>> releases) {
        final String name = current.getFullName();
        for (final Map.Entry<String, Map<String, Schema>> release : releases.descendingMap().entrySet()) {
            final Schema old = release.getValue().get(name);
            if (old == null) {
                continue;
            }
            final SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
                return new Verdict(name, Status.COMPATIBLE, release.getKey(), List.of());
            }
            final List<String> problems = new ArrayList<>();
            for (final SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
                problems.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
            }
            return new Verdict(name, Status.INCOMPATIBLE, release.getKey(), problems);
        }
        return new Verdict(name, Status.NEW, null, List.of());
    }

    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        final String[] x = a.split("[.-]");
        final String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            final String p = i < x.length ? x[i] : "0";
            final String q = i < y.length ? y[i] : "0";
            final int c = p.matches("\\d+") && q.matches("\\d+")
                    ? Long.compare(Long.parseLong(p), Long.parseLong(q)) : p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };
}
