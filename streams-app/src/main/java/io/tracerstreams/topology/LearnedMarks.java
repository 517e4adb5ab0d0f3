/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The dedupe marks of learned responses ("request id R was learned at event time t"), kept for dedupe.retention.ms.
 *
 * <p>A mark lives in the engine journal store ({@value EngineStore#JOURNAL_STORE}), under the key
 * {@code \u0001 request id}, and is written after the journal entry of the learn call. One store has one changelog
 * partition per stream task, written in order, so whatever a crash keeps of it is a prefix of its writes: a
 * restored mark implies a restored journal entry. Under at_least_once this is what keeps a response from being lost
 * for learning: with the mark in a store of its own (as before), a SIGKILL could leave the mark on the broker
 * without the journal entry, and the response, processed again after the restart, was dead-lettered as a
 * duplicate while the engine had never learned it. The worst a crash can do now is keep the journal entry without
 * the mark: the response is learned twice (counted by the engine's traces-learned), never lost. Under
 * exactly_once_v2 both writes are in one transaction either way.
 *
 * <p>Journal keys start with a task name, and a task name never holds a control character (the featurize stage
 * dead-letters it), so the two kinds of key cannot meet. Marks written before this layout, in the router's own
 * {@value TaskRouter#LEARNED_STORE} store, are still read until dedupe.retention.ms expires them.
 */
final class LearnedMarks {

    /** The first character of a mark's key in the journal store. */
    static final char MARK = '\u0001';
    private static final String FROM = String.valueOf(MARK);
    private static final String TO = String.valueOf((char) (MARK + 1));

    private final KeyValueStore<String, byte[]> journal;
    private final KeyValueStore<String, byte[]> legacy;

    /**
     * @param journal the engine journal store, where marks are written
     * @param legacy  the router's former learned store: read and purged, no longer written
     */
    LearnedMarks(final KeyValueStore<String, byte[]> journal, final KeyValueStore<String, byte[]> legacy) {
        this.journal = journal;
        this.legacy = legacy;
    }

    static String key(final String requestId) {
        return MARK + requestId;
    }

    /** Whether a response to {@code requestId} was learned within dedupe.retention.ms. */
    boolean contains(final String requestId) {
        return journal.get(key(requestId)) != null || legacy.get(requestId) != null;
    }

    /** Marks {@code requestId} as learned at event time {@code timestampMs}; call after the learn call is journaled. */
    void mark(final String requestId, final long timestampMs) {
        journal.put(key(requestId), ByteBuffer.allocate(Long.BYTES).putLong(timestampMs).array());
    }

    /** Drops the marks older than {@code olderThanMs} (event time); returns how many. */
    int purge(final long olderThanMs) {
        final List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = journal.range(FROM, TO)) {
            collect(it, olderThanMs, doomed);
        }
        for (final String k : doomed) {
            journal.delete(k);
        }
        final List<String> doomedLegacy = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = legacy.all()) {
            collect(it, olderThanMs, doomedLegacy);
        }
        for (final String k : doomedLegacy) {
            legacy.delete(k);
        }
        return doomed.size() + doomedLegacy.size();
    }

    private static void collect(final KeyValueIterator<String, byte[]> it, final long olderThanMs, final List<String> out) {
        while (it.hasNext()) {
            final KeyValue<String, byte[]> kv = it.next();
            if (ByteBuffer.wrap(kv.value).getLong() < olderThanMs) {
                out.add(kv.key);
            }
        }
    }
}
