/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The datasets shipped with the demo (see {@link DemoDataGenerator}): {@value #SUPPORT_INTENTS}, where
 * a surrogate can earn an open gate, and {@value #TICKET_PRIORITY}, where the text cannot predict the
 * label and the gate must stay closed.
 */
public final class DemoDatasets {

    /** The intent task's name. */
    public static final String SUPPORT_INTENTS = "support-intents";
    /** The priority task's name. */
    public static final String TICKET_PRIORITY = "ticket-priority";

    private DemoDatasets() {
    }

    /** The shipped task names. */
    public static List<String> shippedTasks() {
        return List.of(SUPPORT_INTENTS, TICKET_PRIORITY);
    }

    /** Whether a task name is one of the shipped datasets. */
    public static boolean isShipped(final String task) {
        return shippedTasks().contains(task);
    }

    /** Reads a shipped dataset by task name. */
    public static List<LabelledText> load(final String task) {
        if (!isShipped(task)) {
            throw new IllegalArgumentException("no shipped demo dataset named '" + task + "' (shipped: "
                    + shippedTasks() + ")");
        }
        final String file = task + ".jsonl.gz";
        return Datasets.read(open(file), "classpath:/demo/" + file, row -> true);
    }

    /** Opens a shipped file ({@code demo/NAME} on the classpath), decompressed. */
    static InputStream open(final String file) {
        final InputStream raw = DemoDatasets.class.getClassLoader().getResourceAsStream("demo/" + file);
        if (raw == null) {
            throw new IllegalStateException("demo dataset missing from the classpath: demo/" + file);
        }
        try {
            return new GZIPInputStream(raw);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read demo dataset " + file, e);
        }
    }
}
