/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.connect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads one logged LLM call (a JSON object as a Map, or a Struct) into the fields of a trace, by the field paths
 * of a {@link LlmTraceToResponseConfig}. The one mapping of logged calls: {@link LlmTraceToResponse} (Connect) and
 * {@code tracer import} (files) both use it, so a log reads the same on either path. Thread-safe.
 */
public final class TraceMapping {

    private static final double SECONDS_LIMIT = 1e11;

    private final LlmTraceToResponseConfig config;

    /** A mapping by the given settings. */
    public TraceMapping(final LlmTraceToResponseConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The settings in use. */
    public LlmTraceToResponseConfig config() {
        return config;
    }

    /**
     * One trace: the fields of an LlmResponse ({@code label} is null only when not required).
     *
     * @param requestId the request id found, or a stable hash ({@code request.id.fallback=hash})
     * @param task      the fixed or found task
     * @param label     the trimmed label (null when the caller did not require one and none was found)
     * @param input     the input text, when found
     * @param model     the model, or empty
     * @param latencyMs the latency in milliseconds, or 0
     * @param cost      the cost, when found
     * @param timestamp the call time
     * @param idFound   whether the request id was found in the value (false: derived by request.id.fallback=hash)
     */
    public record Trace(String requestId, String task, String label, Optional<String> input, String model,
                        long latencyMs, Optional<Double> cost, Instant timestamp, boolean idFound) {
    }

    /** Why a logged call is no trace. */
    public enum Problem {
        /** The value is null or not a JSON object / Struct. */
        NOT_AN_OBJECT("not-an-object"),
        /** No task (and no fixed task). */
        NO_TASK("no-task"),
        /** No label, or an empty one. */
        NO_LABEL("no-label"),
        /** No input text while input.required=true. */
        NO_INPUT("no-input"),
        /** No request id while request.id.fallback=fail. */
        NO_REQUEST_ID("no-request-id"),
        /** A value of the wrong type, a non-finite or negative number. */
        BAD_VALUE("bad-value"),
        /** No timestamp in the record and none on it. */
        NO_TIMESTAMP("no-timestamp"),
        /** A timestamp that cannot be read. */
        BAD_TIMESTAMP("bad-timestamp");

        private final String code;

        Problem(final String code) {
            this.code = code;
        }

        /** The problem as summaries show it, e.g. {@code no-label}. */
        public String code() {
            return code;
        }
    }

    /** A logged call that cannot become a trace; {@link #problem()} says which kind, the message the specifics. */
    public static final class BadTrace extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Problem problem;

        BadTrace(final Problem problem, final String message) {
            super(message, null, false, false);
            this.problem = problem;
        }

        /** The kind of problem. */
        public Problem problem() {
            return problem;
        }
    }

    /**
     * Reads one logged call.
     *
     * @param root            the value: a Map (schemaless JSON) or a Struct
     * @param recordTimestamp the record's own time, used when the value has none (may be null)
     * @param labelRequired   whether a trace needs a label (an LlmResponse does; an LlmRequest does not)
     * @throws BadTrace when the value is no trace, with the reason
     */
    public Trace map(final Object root, final Long recordTimestamp, final boolean labelRequired) {
        if (root == null) {
            throw new BadTrace(Problem.NOT_AN_OBJECT, "the record has no value (tombstone)");
        }
        if (!(root instanceof Map) && !(root instanceof Struct)) {
            throw new BadTrace(Problem.NOT_AN_OBJECT, "the value is a " + root.getClass().getSimpleName()
                    + ", not a JSON object (use JsonConverter with schemas.enable=false, or a converter giving Structs)");
        }
        final String task = taskOf(root);
        final String label = labelRequired || FieldPath.first(config.labelPaths(), root).isPresent() ? labelOf(root) : null;
        final Optional<String> input = text(root, "input", config.inputPaths(),
                LlmTraceToResponseConfig.INPUT_FIELD, false);
        if (config.inputRequired() && input.isEmpty()) {
            throw new BadTrace(Problem.NO_INPUT, "no input text at " + config.inputPaths() + " (tracer cannot learn a "
                    + "backfilled response without its input; set input.required=false to pass it on anyway)");
        }
        final Instant timestamp = timestampOf(root, recordTimestamp);
        final String model = text(root, "model", config.modelPaths(), LlmTraceToResponseConfig.MODEL_FIELD, true)
                .orElse("");
        final long latencyMs = number(root, config.latencyPaths(), LlmTraceToResponseConfig.LATENCY_FIELD)
                .map(n -> config.latencyInSeconds() ? Math.round(n.doubleValue() * 1000.0) : n.longValue())
                .orElse(0L);
        if (latencyMs < 0) {
            throw new BadTrace(Problem.BAD_VALUE, "negative latency " + latencyMs + " ms");
        }
        final Optional<Double> cost = number(root, config.costPaths(), LlmTraceToResponseConfig.COST_FIELD)
                .map(Number::doubleValue);
        final Optional<String> foundId = text(root, "request id", config.requestIdPaths(),
                LlmTraceToResponseConfig.REQUEST_ID_FIELD, true);
        final String requestId = foundId
                .orElseGet(() -> {
                    if (!config.hashMissingRequestId()) {
                        throw new BadTrace(Problem.NO_REQUEST_ID, "no request id at " + config.requestIdPaths() + " ("
                                + LlmTraceToResponseConfig.REQUEST_ID_FALLBACK + "=fail)");
                    }
                    return fallbackId(task, input.orElse(""), label == null ? "" : label, timestamp);
                });
        return new Trace(requestId, task, label, input, model, latencyMs, cost, timestamp, foundId.isPresent());
    }

    private String taskOf(final Object root) {
        final Optional<String> fixed = config.fixedTask();
        if (fixed.isPresent()) {
            return fixed.get();
        }
        return text(root, "task", config.taskPaths(), LlmTraceToResponseConfig.TASK_FIELD, false)
                .orElseThrow(() -> new BadTrace(Problem.NO_TASK, "no task at " + config.taskPaths() + " (set '"
                        + LlmTraceToResponseConfig.TASK + "' for a fixed task)"));
    }

    private String labelOf(final Object root) {
        final FieldPath.Match match = FieldPath.first(config.labelPaths(), root)
                .orElseThrow(() -> new BadTrace(Problem.NO_LABEL, "no label at " + config.labelPaths()));
        final Object raw = match.value();
        final String label;
        if (raw instanceof CharSequence || raw instanceof Number || raw instanceof Boolean) {
            label = raw instanceof BigDecimal b ? b.stripTrailingZeros().toPlainString() : raw.toString();
        } else {
            throw new BadTrace(Problem.BAD_VALUE, "the label at '" + match.path() + "' is a " + raw.getClass().getSimpleName()
                    + ", not text");
        }
        final String cleaned = config.trimLabel() ? label.strip() : label;
        if (cleaned.isEmpty()) {
            throw new BadTrace(Problem.NO_LABEL, "empty label at '" + match.path() + "'");
        }
        return cleaned;
    }

    private static Optional<String> text(final Object root, final String what,
                                         final List<FieldPath> paths, final String key,
                                         final boolean acceptNumbers) {
        final Optional<FieldPath.Match> match = FieldPath.first(paths, root);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        final Object raw = match.get().value();
        if (raw instanceof CharSequence s) {
            return s.toString().isBlank() ? Optional.empty() : Optional.of(s.toString());
        }
        if (acceptNumbers && raw instanceof Number n) {
            return Optional.of(n.toString());
        }
        throw new BadTrace(Problem.BAD_VALUE, "the " + what + " at '" + match.get().path() + "' (" + key + ") is a "
                + raw.getClass().getSimpleName() + ", not text");
    }

    private static Optional<Number> number(final Object root, final List<FieldPath> paths,
                                           final String key) {
        final Optional<FieldPath.Match> match = FieldPath.first(paths, root);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        final Object raw = match.get().value();
        if (raw instanceof Number n) {
            checkFinite(n, match.get(), key);
            return Optional.of(n);
        }
        if (raw instanceof CharSequence s) {
            try {
                final Double d = Double.valueOf(s.toString().trim());
                checkFinite(d, match.get(), key);
                return Optional.of(d);
            } catch (final NumberFormatException e) {
                throw new BadTrace(Problem.BAD_VALUE, "'" + s + "' at '" + match.get().path() + "' (" + key + ") is not a number");
            }
        }
        throw new BadTrace(Problem.BAD_VALUE, "the value at '" + match.get().path() + "' (" + key + ") is a "
                + raw.getClass().getSimpleName() + ", not a number");
    }

    private static void checkFinite(final Number n, final FieldPath.Match match, final String key) {
        if (Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            throw new BadTrace(Problem.BAD_VALUE, "non-finite number " + n + " at '" + match.path() + "' (" + key + ")");
        }
    }

    private Instant timestampOf(final Object root, final Long recordTimestamp) {
        final Optional<FieldPath.Match> match = FieldPath.first(config.timestampPaths(), root);
        if (match.isEmpty()) {
            if (recordTimestamp != null && recordTimestamp >= 0) {
                return Instant.ofEpochMilli(recordTimestamp);
            }
            throw new BadTrace(Problem.NO_TIMESTAMP, "no timestamp at " + config.timestampPaths() + " and the record has none");
        }
        final Object raw = match.get().value();
        try {
            if (raw instanceof Date d) {
                return d.toInstant();
            }
            if (raw instanceof Number n) {
                return fromEpoch(n.doubleValue());
            }
            if (raw instanceof CharSequence s) {
                return parseTime(s.toString().trim());
            }
        } catch (final DateTimeParseException | ArithmeticException e) {
            throw new BadTrace(Problem.BAD_TIMESTAMP, "unreadable timestamp '" + raw + "' at '" + match.get().path() + "': "
                    + e.getMessage());
        }
        throw new BadTrace(Problem.BAD_TIMESTAMP, "the timestamp at '" + match.get().path() + "' is a " + raw.getClass().getSimpleName());
    }

    private Instant fromEpoch(final double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
            throw new BadTrace(Problem.BAD_TIMESTAMP, "timestamp " + v + " is not a non-negative epoch time");
        }
        final boolean seconds = switch (config.timestampUnit()) {
            case "s" -> true;
            case "ms" -> false;
            default -> v < SECONDS_LIMIT;
        };
        return Instant.ofEpochMilli(Math.round(seconds ? v * 1000.0 : v));
    }

    private Instant parseTime(final String s) {
        if (s.matches("\\d+(\\.\\d+)?")) {
            return fromEpoch(Double.parseDouble(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (final DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (final DateTimeParseException e2) {
                return Instant.parse(s);
            }
        }
    }

    /** A stable id: re-running a backfill gives the same ids, so tracer learns each trace once. */
    public static String fallbackId(final String task, final String input, final String label, final Instant timestamp) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (final String part : new String[] {task, input, label, Long.toString(timestamp.toEpochMilli())}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "bf-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
