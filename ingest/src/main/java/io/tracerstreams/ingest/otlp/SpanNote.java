/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

/**
 * Something worth counting about a span that was read (and usually mapped): metric
 * {@code otlp-span-notes-<code>-total}.
 */
public enum SpanNote {
    /** OTLP JSON with base64 span or trace ids where the OTLP JSON encoding says hex; read anyway. */
    BASE64_IDS("base64-ids"),
    /** A message had parts that are not text (an image beside the text): the text parts were kept. */
    NON_TEXT_PARTS_DROPPED("non-text-parts-dropped"),
    /** Several output messages (choices): the first one is the label. */
    MULTIPLE_OUTPUTS("multiple-outputs"),
    /** The messages came from the older conventions (events gen_ai.user.message / gen_ai.choice, or prompt attributes). */
    LEGACY_FORM("legacy-form"),
    /** request.id.attribute was configured but absent on the span: the span id is the request id. */
    REQUEST_ID_FALLBACK("request-id-fallback");

    private final String code;

    SpanNote(final String code) {
        this.code = code;
    }

    /** The note as it appears in metric names and summaries, e.g. {@code base64-ids}. */
    public String code() {
        return code;
    }
}
