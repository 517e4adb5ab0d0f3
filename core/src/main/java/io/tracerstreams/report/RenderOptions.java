/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import java.util.Objects;

/**
 * How {@link HtmlReport} and {@link ReportJson} render reports.
 *
 * @param hashTexts privacy switch: hash every example text that is not hashed yet (see {@link TextHasher})
 * @param hashSalt  the secret of those hashes; may be empty
 * @param title     the page title (HTML only); empty for "tracer-streams boundary report: TASK"
 */
public record RenderOptions(boolean hashTexts, String hashSalt, String title) {

    /** Texts as the reports carry them, the default title. */
    public static final RenderOptions DEFAULTS = new RenderOptions(false, "", "");

    public RenderOptions {
        Objects.requireNonNull(hashSalt, "render option 'hashSalt' must not be null (use \"\")");
        Objects.requireNonNull(title, "render option 'title' must not be null (use \"\")");
    }

    /** The options matching a builder's privacy settings. */
    public static RenderOptions of(final ReportConfig config) {
        return new RenderOptions(config.hashTexts(), config.hashSalt(), "");
    }

    /** A copy with the privacy switch set. */
    public RenderOptions withHashTexts(final boolean newHashTexts) {
        return new RenderOptions(newHashTexts, hashSalt, title);
    }

    /** A copy with a title. */
    public RenderOptions withTitle(final String newTitle) {
        return new RenderOptions(hashTexts, hashSalt, newTitle);
    }
}
