/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * How GenAI spans become tracer records, validated on construction (errors name the key). In a tracer
 * configuration every key carries the prefix {@code ingest.otlp.} (e.g. {@code ingest.otlp.task.attribute}).
 *
 * <p>Task rules: {@value #TASK_RULES} lists rule names in priority order; rule {@code NAME} gives the task
 * {@code NAME} to a span whose request model matches {@code task.rule.NAME.model} and whose span name matches
 * {@code task.rule.NAME.span.name} (Java regular expressions, found anywhere; a rule needs at least one).
 */
public final class OtlpMappingConfig extends AbstractConfig {

    /** The prefix of these keys in a tracer configuration. */
    public static final String PREFIX = "ingest.otlp.";

    public static final String ENCODING = "encoding";
    public static final String EMIT = "emit";
    public static final String OPERATIONS = "operations";
    public static final String TASK_ATTRIBUTE = "task.attribute";
    public static final String TASK_RULES = "task.rules";
    /** Prefix of the per-rule keys {@code task.rule.NAME.model} and {@code task.rule.NAME.span.name}. */
    public static final String TASK_RULE_PREFIX = "task.rule.";
    public static final String TASK_DEFAULT = "task.default";
    public static final String REQUEST_ID_ATTRIBUTE = "request.id.attribute";
    public static final String LABEL_CASE = "label.case";
    public static final String LABEL_JSON_FIELD = "label.json.field";
    public static final String LABEL_REGEX = "label.regex";
    public static final String LABEL_MAX_CHARS = "label.max.chars";
    public static final String LABEL_VALUES = "label.values";

    /** What each mapped span becomes. */
    public enum Emit {
        /** An LlmResponse (a trace tracer learns from). */
        RESPONSES,
        /** An LlmRequest (tracer routes it: shadow mode, what tracer would have decided). */
        REQUESTS,
        /** Both, request first, with the same request id (tracer routes it, then learns the LLM's answer). */
        BOTH
    }

    /** Every setting, with its documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(ENCODING, Type.STRING, OtlpEncoding.OTLP_PROTO.value(),
                    ConfigDef.ValidString.in(OtlpEncoding.OTLP_PROTO.value(), OtlpEncoding.OTLP_JSON.value()),
                    Importance.HIGH, "Encoding of the batches, as the Collector's Kafka exporter writes them: otlp_proto "
                            + "(its default) or otlp_json. A batch in the other encoding is a dead letter whose reason "
                            + "says so.")
            .define(EMIT, Type.STRING, "responses", ConfigDef.ValidString.in("responses", "requests", "both"),
                    Importance.MEDIUM, "What each GenAI call becomes: 'responses' (LlmResponse traces to learn from), "
                            + "'requests' (LlmRequest: tracer routes them, a shadow run) or 'both' (a request, then its "
                            + "response, with the same request id).")
            .define(OPERATIONS, Type.LIST, "chat,text_completion,generate_content", Importance.MEDIUM,
                    "Values of gen_ai.operation.name that are classification calls; other spans are skipped "
                            + "(reason not-selected) before anything else is read.")
            .define(TASK_ATTRIBUTE, Type.STRING, "tracer.task", Importance.HIGH,
                    "Span attribute (then resource attribute) naming the task. Empty: rules and the default only.")
            .define(TASK_RULES, Type.LIST, "", Importance.MEDIUM,
                    "Task rules by name, in priority order, used when the task attribute is absent: rule NAME gives "
                            + "task NAME to spans matching task.rule.NAME.model (regex on gen_ai.request.model, else "
                            + "gen_ai.response.model) and task.rule.NAME.span.name (regex on the span name).")
            .define(TASK_DEFAULT, Type.STRING, "", Importance.MEDIUM,
                    "Task of spans that neither the attribute nor a rule names; empty: such spans are skipped "
                            + "(reason no-task).")
            .define(REQUEST_ID_ATTRIBUTE, Type.STRING, "", Importance.MEDIUM,
                    "Span attribute holding the request id (e.g. the id your service gave the call, so that it "
                            + "matches an LlmRequest it published); empty or absent: the span id (16 hex digits).")
            .define(LABEL_CASE, Type.STRING, "preserve", ConfigDef.ValidString.in("preserve", "lower", "upper"),
                    Importance.MEDIUM, "Case of labels after trimming. 'preserve' keeps the LLM's answer as it is, so "
                            + "a HANDLED label is what the LLM would have answered; 'lower' merges 'Billing' and "
                            + "'billing'.")
            .define(LABEL_JSON_FIELD, Type.STRING, "", Importance.MEDIUM,
                    "When the LLM answers JSON (e.g. {\"intent\": \"billing\"}), the dotted path of the label in it "
                            + "(e.g. intent or result.label); a Markdown code fence around the JSON is allowed. Empty: "
                            + "the whole answer is the label.")
            .define(LABEL_REGEX, Type.STRING, "", new RegexValidator(), Importance.MEDIUM,
                    "A Java regular expression found in the answer (after label.json.field): its group 1, or the whole "
                            + "match when it has no group, is the label. Empty: no regex.")
            .define(LABEL_MAX_CHARS, Type.INT, 100, ConfigDef.Range.between(1, 100_000), Importance.MEDIUM,
                    "Longer labels are skipped (reason label-too-long): the LLM answered prose, not a class. The "
                            + "longest label of Banking77 and CLINC150 has 48 characters.")
            .define(LABEL_VALUES, Type.LIST, "", Importance.LOW,
                    "The allowed labels (after normalisation); others are skipped (reason label-not-allowed). Empty: "
                            + "any label.");

    private final List<TaskRule> rules;
    private final Optional<Pattern> labelRegex;

    /** Parses and validates the mapping settings (keys without the {@value #PREFIX} prefix). */
    public OtlpMappingConfig(final Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
        this.rules = parseRules(originals);
        final String regex = getString(LABEL_REGEX);
        this.labelRegex = regex.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(regex, Pattern.DOTALL));
    }

    /** The settings under {@value #PREFIX} of a larger configuration (e.g. tracer's). */
    public static OtlpMappingConfig fromPrefixed(final Map<String, ?> all) {
        final Map<String, Object> own = new java.util.HashMap<>();
        for (final Map.Entry<String, ?> e : all.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                own.put(e.getKey().substring(PREFIX.length()), e.getValue());
            }
        }
        return new OtlpMappingConfig(own);
    }

    /** A task rule: the task and the patterns a span must match (empty: not checked). */
    public record TaskRule(String task, Optional<Pattern> model, Optional<Pattern> spanName) {
    }

    private List<TaskRule> parseRules(final Map<?, ?> originals) {
        final List<TaskRule> out = new ArrayList<>();
        final Set<String> names = new LinkedHashSet<>();
        for (final String name : getList(TASK_RULES)) {
            if (!name.isBlank() && !names.add(name.trim())) {
                throw new ConfigException(TASK_RULES, getList(TASK_RULES), "rule '" + name + "' is listed twice");
            }
        }
        for (final Object k : originals.keySet()) {
            final String key = String.valueOf(k);
            if (key.startsWith(TASK_RULE_PREFIX) && names.stream().noneMatch(n -> key.equals(ruleKey(n, "model"))
                    || key.equals(ruleKey(n, "span.name")))) {
                throw new ConfigException(key, originals.get(k), "not a rule setting: rules are task.rule.NAME.model and "
                        + "task.rule.NAME.span.name for a NAME listed in " + TASK_RULES + " (" + names + ")");
            }
        }
        for (final String name : names) {
            final Optional<Pattern> model = rulePattern(originals, ruleKey(name, "model"));
            final Optional<Pattern> span = rulePattern(originals, ruleKey(name, "span.name"));
            if (model.isEmpty() && span.isEmpty()) {
                throw new ConfigException(TASK_RULES, getList(TASK_RULES), "rule '" + name + "' needs "
                        + ruleKey(name, "model") + " or " + ruleKey(name, "span.name"));
            }
            out.add(new TaskRule(name, model, span));
        }
        return List.copyOf(out);
    }

    private static String ruleKey(final String name, final String what) {
        return TASK_RULE_PREFIX + name + "." + what;
    }

    private static Optional<Pattern> rulePattern(final Map<?, ?> originals, final String key) {
        final Object v = originals.get(key);
        if (v == null || v.toString().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(v.toString()));
        } catch (final PatternSyntaxException e) {
            throw new ConfigException(key, v, "not a regular expression: " + e.getDescription());
        }
    }

    public OtlpEncoding encoding() {
        return OtlpEncoding.parse(getString(ENCODING));
    }

    public Emit emit() {
        return Emit.valueOf(getString(EMIT).toUpperCase(Locale.ROOT));
    }

    public Set<String> operations() {
        return Set.copyOf(getList(OPERATIONS));
    }

    public Optional<String> taskAttribute() {
        return nonEmpty(TASK_ATTRIBUTE);
    }

    public List<TaskRule> taskRules() {
        return rules;
    }

    public Optional<String> defaultTask() {
        return nonEmpty(TASK_DEFAULT);
    }

    public Optional<String> requestIdAttribute() {
        return nonEmpty(REQUEST_ID_ATTRIBUTE);
    }

    public String labelCase() {
        return getString(LABEL_CASE);
    }

    public Optional<String> labelJsonField() {
        return nonEmpty(LABEL_JSON_FIELD);
    }

    public Optional<Pattern> labelRegex() {
        return labelRegex;
    }

    public int labelMaxChars() {
        return getInt(LABEL_MAX_CHARS);
    }

    public Set<String> labelValues() {
        return Set.copyOf(getList(LABEL_VALUES));
    }

    private Optional<String> nonEmpty(final String key) {
        final String v = getString(key).trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /** Accepts empty or a valid Java regular expression. */
    private static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            if (value == null || value.toString().isEmpty()) {
                return;
            }
            try {
                Pattern.compile(value.toString());
            } catch (final PatternSyntaxException e) {
                throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
            }
        }

        @Override
        public String toString() {
            return "a Java regular expression, or empty";
        }
    }
}
