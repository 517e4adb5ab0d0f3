/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import java.util.Objects;

/**
 * One row of a dataset: an input and the label the LLM gave it (or the gold label playing the LLM).
 *
 * @param id    the row's id (the request id in a replay)
 * @param text  the input text
 * @param label the LLM's label
 */
public record LabelledText(String id, String text, String label) {
    public LabelledText {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
    }
}
