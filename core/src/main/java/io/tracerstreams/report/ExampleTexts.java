/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import java.io.Serializable;

/**
 * How a report keeps an example's text: hashed under {@link ReportConfig#hashTexts()}, else cut to
 * {@link ReportConfig#maxTextChars()} characters (an ellipsis marks the cut, a surrogate pair is never split).
 */
final class ExampleTexts implements Serializable {

    private static final long serialVersionUID = 1L;

    private final boolean hash;
    private final String salt;
    private final int maxChars;

    ExampleTexts(final ReportConfig config) {
        this.hash = config.hashTexts();
        this.salt = config.hashSalt();
        this.maxChars = config.maxTextChars();
    }

    /** The text as a report keeps it ("" for null). */
    String stored(final String input) {
        final String text = input == null ? "" : input;
        if (hash) {
            return TextHasher.hash(text, salt);
        }
        if (text.length() <= maxChars) {
            return text;
        }
        int cut = maxChars - 1;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + "\u2026";
    }

    /** Whitespace-separated words in a text (0 for null or blank). */
    static int words(final String text) {
        if (text == null) {
            return 0;
        }
        int count = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            final boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                count++;
            }
            inWord = !space;
        }
        return count;
    }
}
