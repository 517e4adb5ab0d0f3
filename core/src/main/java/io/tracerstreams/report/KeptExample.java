/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.ReportExample;

import java.io.Serializable;
import java.time.Instant;

/**
 * A request kept as an example (plain fields, so the builder serialises without Avro); the LLM's label, and
 * for a deferral the surrogate's, may come later with the outcome.
 */
final class KeptExample implements Serializable {

    private static final long serialVersionUID = 1L;

    final String requestId;
    String text;
    final boolean handled;
    final String reason;
    String surrogateLabel;
    String llmLabel;
    final double score;
    final Double threshold;
    final int words;
    final long timestampMs;
    final boolean gateOpen;
    long tick;

    KeptExample(final String requestId, final String text, final boolean handled, final String reason,
                final String surrogateLabel, final double score, final Double threshold, final int words,
                final long timestampMs, final boolean gateOpen) {
        this.gateOpen = gateOpen;
        this.requestId = requestId;
        this.text = text;
        this.handled = handled;
        this.reason = reason;
        this.surrogateLabel = surrogateLabel;
        this.score = score;
        this.threshold = threshold;
        this.words = words;
        this.timestampMs = timestampMs;
    }

    /** True for a request routed below its bar (a boundary candidate on the deferred side). */
    boolean belowThreshold() {
        return Reason.LOW_SCORE.name().equals(reason) || threshold != null && score < threshold;
    }

    ReportExample toAvro() {
        Reason parsed;
        try {
            parsed = Reason.valueOf(reason);
        } catch (final IllegalArgumentException e) {
            parsed = handled ? Reason.CONFIDENT : Reason.GATE_CLOSED;
        }
        return ReportExample.newBuilder()
                .setRequestId(requestId)
                .setText(text == null ? "" : text)
                .setDecision(handled ? Decision.HANDLED : Decision.DEFERRED)
                .setReason(parsed)
                .setSurrogateLabel(surrogateLabel)
                .setLlmLabel(llmLabel)
                .setScore(score)
                .setThreshold(threshold)
                .setWords(words)
                .setTimestamp(Instant.ofEpochMilli(timestampMs))
                .build();
    }
}
