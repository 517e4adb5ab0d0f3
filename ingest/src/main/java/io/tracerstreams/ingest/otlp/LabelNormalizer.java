/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an LLM's answer into a label: trim; then the {@code label.json.field} of the answer read as JSON (a
 * Markdown code fence around it allowed); then {@code label.regex} (group 1, or the whole match); trim again;
 * {@code label.case}; then the length cap and the allowed values.
 */
final class LabelNormalizer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("^```[A-Za-z0-9_-]*\\s*\\n?(.*?)\\n?```$", Pattern.DOTALL);

    private final Optional<String[]> jsonPath;
    private final Optional<Pattern> regex;
    private final String labelCase;
    private final int maxChars;
    private final Set<String> allowed;

    LabelNormalizer(final OtlpMappingConfig config) {
        this.jsonPath = config.labelJsonField().map(p -> p.split("\\."));
        this.regex = config.labelRegex();
        this.labelCase = config.labelCase();
        this.maxChars = config.labelMaxChars();
        this.allowed = config.labelValues();
    }

    /** A label, or why there is none. */
    record Result(String label, SkipReason skip, String detail) {
        static Result skip(final SkipReason reason, final String detail) {
            return new Result(null, reason, detail);
        }
    }

    Result normalize(final String answer) {
        String text = answer.strip();
        if (jsonPath.isPresent()) {
            final Matcher fence = FENCE.matcher(text);
            final String json = fence.matches() ? fence.group(1).strip() : text;
            final JsonNode root;
            try {
                root = JSON.readTree(json);
            } catch (final IOException e) {
                return Result.skip(SkipReason.LABEL_NOT_FOUND, "the answer is not JSON (label.json.field="
                        + String.join(".", jsonPath.get()) + ")");
            }
            JsonNode node = root;
            for (final String step : jsonPath.get()) {
                node = node == null ? null : node.isArray() && step.matches("\\d+") ? node.get(Integer.parseInt(step))
                        : node.get(step);
            }
            if (node == null || node.isNull() || !node.isValueNode()) {
                return Result.skip(SkipReason.LABEL_NOT_FOUND, "no value at label.json.field="
                        + String.join(".", jsonPath.get()) + " in the answer");
            }
            text = node.asText().strip();
        }
        if (regex.isPresent()) {
            final Matcher m = regex.get().matcher(text);
            if (!m.find()) {
                return Result.skip(SkipReason.LABEL_NOT_FOUND, "label.regex does not match the answer");
            }
            final String group = m.groupCount() >= 1 ? m.group(1) : m.group();
            text = group == null ? "" : group.strip();
        }
        text = switch (labelCase) {
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "upper" -> text.toUpperCase(Locale.ROOT);
            default -> text;
        };
        if (text.isEmpty()) {
            return Result.skip(SkipReason.LABEL_EMPTY, "the label is empty");
        }
        if (text.length() > maxChars) {
            return Result.skip(SkipReason.LABEL_TOO_LONG, "the label has " + text.length()
                    + " characters, more than label.max.chars=" + maxChars);
        }
        if (!allowed.isEmpty() && !allowed.contains(text)) {
            return Result.skip(SkipReason.LABEL_NOT_ALLOWED, "'" + text + "' is not one of label.values");
        }
        return new Result(text, null, null);
    }
}
