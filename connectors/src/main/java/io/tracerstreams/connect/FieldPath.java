/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * A dotted path into a schemaless (Map/List) or schemaful (Struct) value: {@code metadata.task},
 * {@code messages.-1.content} (list index, negative from the end), {@code choices.0.message.content}.
 */
public final class FieldPath {

    private final String text;
    private final List<String> steps;

    private FieldPath(final String text, final List<String> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Parses one path; throws IllegalArgumentException for empty steps. */
    public static FieldPath parse(final String text) {
        Objects.requireNonNull(text, "path");
        final String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty field path");
        }
        final List<String> steps = new ArrayList<>();
        for (final String step : trimmed.split("\\.", -1)) {
            if (step.isEmpty()) {
                throw new IllegalArgumentException("empty step in field path '" + trimmed + "'");
            }
            steps.add(step);
        }
        return new FieldPath(trimmed, List.copyOf(steps));
    }

    /** Parses comma-separated alternatives, tried in order. */
    public static List<FieldPath> parseAlternatives(final List<String> paths) {
        final List<FieldPath> out = new ArrayList<>();
        for (final String p : paths) {
            if (!p.isBlank()) {
                out.add(parse(p));
            }
        }
        return List.copyOf(out);
    }

    /** The value at this path, if every step exists and the value is not null. */
    public Optional<Object> resolve(final Object root) {
        Object current = root;
        for (final String step : steps) {
            if (current == null) {
                return Optional.empty();
            }
            current = step(current, step);
        }
        return Optional.ofNullable(current);
    }

    /** The first alternative that resolves, with the path that matched. */
    public static Optional<Match> first(final List<FieldPath> alternatives, final Object root) {
        for (final FieldPath path : alternatives) {
            final Optional<Object> value = path.resolve(root);
            if (value.isPresent()) {
                return Optional.of(new Match(path, value.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * A resolved value and the path it came from.
     *
     * @param path  the alternative that matched
     * @param value the non-null value found there
     */
    public record Match(FieldPath path, Object value) {
    }

    private static Object step(final Object current, final String step) {
        if (current instanceof Map<?, ?> map) {
            return map.get(step);
        }
        if (current instanceof Struct struct) {
            final Field field = struct.schema().field(step);
            return field == null ? null : struct.get(field);
        }
        if (current instanceof List<?> list) {
            final int index;
            try {
                index = Integer.parseInt(step);
            } catch (final NumberFormatException e) {
                return null;
            }
            final int i = index < 0 ? list.size() + index : index;
            return i >= 0 && i < list.size() ? list.get(i) : null;
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof FieldPath other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
