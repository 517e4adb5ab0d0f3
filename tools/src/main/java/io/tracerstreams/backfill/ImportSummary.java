/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.backfill;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the import of one file did.
 *
 * @param file            the file
 * @param sha256          its content hash
 * @param importId        the id of this import (content hash, topic, task and mapping): transactional id and marker
 * @param read            records (lines, rows, OTLP batches) read in this run, after the ones committed before
 * @param alreadyImported records a previous run had committed (not read again)
 * @param skipped         records or spans that became nothing, per reason
 * @param produced        tracer records written and committed in this run
 * @param transactions    transactions committed in this run
 */
public record ImportSummary(String file, String sha256, String importId, long read, long alreadyImported,
                            Map<String, Long> skipped, long produced, long transactions) {

    public ImportSummary {
        skipped = Map.copyOf(new TreeMap<>(skipped));
    }

    /** Skipped records or spans over all reasons. */
    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
