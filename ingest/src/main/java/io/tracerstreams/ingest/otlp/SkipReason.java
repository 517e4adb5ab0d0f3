/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

/**
 * Why a span of an OTLP batch became no record. Skipped spans are counted per reason (metric
 * {@code otlp-spans-skipped-<code>-total}); they are not dead letters: the batch they came in is fine, and its
 * other spans are mapped.
 */
public enum SkipReason {
    /** Not a GenAI classification call: no {@code gen_ai.operation.name}, or one not in {@code operations}. */
    NOT_SELECTED("not-selected"),
    /** The span's status is ERROR: the call failed and has no answer to learn. */
    CALL_FAILED("call-failed"),
    /** No task: no task attribute, no matching rule, no default task. */
    NO_TASK("no-task"),
    /** No user message in the input messages (or no input messages at all). */
    NO_INPUT("no-input"),
    /** The last user message has no text part (only images, audio, files). */
    NON_TEXT_INPUT("non-text-input"),
    /** The input text is longer than the input limit ({@code max.input.chars}). */
    INPUT_TOO_LONG("input-too-long"),
    /** No output message (or no output messages at all). */
    NO_OUTPUT("no-output"),
    /** The answer is a tool call, not a label. */
    TOOL_CALL("tool-call"),
    /** The answer has no text part (an image, audio, a file). */
    NON_TEXT_OUTPUT("non-text-output"),
    /** The messages attribute or event is not readable (bad JSON, not a list of messages). */
    BAD_MESSAGES("bad-messages"),
    /** {@code label.json.field} or {@code label.regex} found nothing in the answer. */
    LABEL_NOT_FOUND("label-not-found"),
    /** The label is empty after normalisation. */
    LABEL_EMPTY("label-empty"),
    /** The label is longer than {@code label.max.chars}: the LLM answered prose, not a class. */
    LABEL_TOO_LONG("label-too-long"),
    /** The label is not one of {@code label.values}. */
    LABEL_NOT_ALLOWED("label-not-allowed"),
    /** The span itself is malformed (an id that is neither hex nor base64, a field of the wrong type, no span id). */
    BAD_SPAN("bad-span");

    private final String code;

    SkipReason(final String code) {
        this.code = code;
    }

    /** The reason as it appears in metric names and summaries, e.g. {@code no-input}. */
    public String code() {
        return code;
    }
}
