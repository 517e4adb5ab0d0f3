/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Operational counters of one application instance, shared by all its stream threads (thread-safe, cheap).
 * The web view and tests read them. They count processing attempts: after a crash under exactly_once_v2
 * the records since the last commit are processed, and counted, again. The exact per-task counters are in
 * the task engines' {@code TaskStats}.
 */
public final class TracerCounters {

    /** The counted events besides dead letters. */
    public enum Counter {
        /** Records read from the requests topic. */
        REQUESTS_READ,
        /** Records read from the responses topic. */
        RESPONSES_READ,
        /** Requests answered DEFERRED with reason INVALID_INPUT (empty, oversized, featurizer failure). */
        INVALID_REQUESTS,
        /** Response inputs ignored because they were empty or over max.input.chars. */
        RESPONSE_INPUTS_IGNORED,
        /** Texts embedded. */
        EMBEDDINGS,
        /** Decisions emitted. */
        DECISIONS,
        /** Traces learned (deferred, audited or backfill). */
        TRACES_LEARNED,
        /** Traces learned as BACKFILL (no pending request). */
        BACKFILL_TRACES,
        /** Gate events emitted. */
        GATE_EVENTS,
        /** Task stats emitted. */
        STATS_EMITTED,
        /** Boundary reports written to tracer.reports. */
        REPORTS_EMITTED,
        /** Engine snapshots written. */
        SNAPSHOTS,
        /** Engine snapshots that failed (the journal keeps growing until one succeeds). */
        SNAPSHOT_FAILURES,
        /** Engines loaded from the stores (first use in a stream task: after a start, restart or move). */
        ENGINE_LOADS,
        /** Journaled engine calls replayed while loading. */
        JOURNAL_REPLAYS,
        /** Pending requests dropped after pending.retention.ms without a response. */
        PENDING_EXPIRED
    }

    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class);
    private final Map<DeadLetterReason, LongAdder> deadLetters = new EnumMap<>(DeadLetterReason.class);

    /** All counters at zero. */
    public TracerCounters() {
        for (final Counter c : Counter.values()) {
            counters.put(c, new LongAdder());
        }
        for (final DeadLetterReason r : DeadLetterReason.values()) {
            deadLetters.put(r, new LongAdder());
        }
    }

    void increment(final Counter counter) {
        counters.get(counter).increment();
    }

    void add(final Counter counter, final long n) {
        counters.get(counter).add(n);
    }

    void deadLetter(final DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    /** The current value of a counter. */
    public long get(final Counter counter) {
        return counters.get(counter).sum();
    }

    /** Dead letters sent for one reason. */
    public long deadLetters(final DeadLetterReason reason) {
        return deadLetters.get(reason).sum();
    }

    /** Dead letters sent for any reason. */
    public long deadLetters() {
        long n = 0;
        for (final LongAdder a : deadLetters.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Every counter by name ({@code requests-read}, ..., {@code dlq.undecodable}, ...), for display. */
    public Map<String, Long> snapshot() {
        final Map<String, Long> out = new TreeMap<>();
        for (final Map.Entry<Counter, LongAdder> e : counters.entrySet()) {
            out.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), e.getValue().sum());
        }
        for (final Map.Entry<DeadLetterReason, LongAdder> e : deadLetters.entrySet()) {
            out.put("dlq." + e.getKey().code(), e.getValue().sum());
        }
        return out;
    }
}
