/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Keeps the task engines of one stream task durable: each engine lives in memory, and in three changelogged
 * stores so that a restarted or moved stream task resumes exactly (TaskEngine is deterministic):
 * <ul>
 *   <li>{@value #META_STORE}: key task; the current snapshot generation, its chunk count and size, and the
 *       sequence number of the first journal entry after it. Also the registry of the tasks owned here.</li>
 *   <li>{@value #SNAPSHOT_STORE}: key {@code task \0 generation(16 hex) \0 chunk(8 hex)}; the bytes of
 *       {@code TaskEngine.snapshot()} in chunks of at most snapshot.chunk.bytes (512 KB by default: kNN windows
 *       make 10-20 MB snapshots, and the changelog's default message limit is 1 MB).</li>
 *   <li>{@value #JOURNAL_STORE}: key {@code task \0 seq(16 hex)}; every mutating engine call since the
 *       snapshot (route, rejectInvalid, learn) with its arguments, written after the call succeeded.</li>
 * </ul>
 * Restore = the snapshot (or a fresh engine) + the journal replayed in order. Every
 * snapshot.interval.calls journaled calls a new generation is written in full, then the meta entry points to
 * it, then the old generation and the journal it covers are deleted: all in the same stream-task transaction
 * under exactly_once_v2, and in this order, so a reader never sees a half-written snapshot.
 *
 * <p>Engines are loaded lazily on a task's first record and dropped on {@link #clear()} (processor init and
 * close), so after a failed transaction the engines are rebuilt from the restored stores. At most tasks.loaded.max
 * engines stay in memory (the least recently used is dropped beyond it) and {@link #evictIdle(long)} drops those
 * unused for tasks.idle.ms: their state stays in the stores and the next record reloads it.
 *
 * <p>{@link #admit(String)} decides whether a task may have an engine here: listed by tasks.allowed (when set),
 * and either known to these stores or new while they hold fewer than tasks.max tasks. The decision depends only
 * on the stores, so a replay after a failure decides the same.
 *
 * <p>A load applies the settings of now, not those the snapshot was written with, and never leaves a task dead
 * ({@link RouterEngine.Factory#restore}): changed settings give a gate event CONFIG_CHANGED; a snapshot that cannot
 * be read (missing chunk, corrupt bytes, an unknown format) resets the task to a fresh engine with a gate event
 * STATE_RESET and an error in the log; a journal entry that cannot be replayed is skipped with an error in the log.
 * Whenever a load changed or reset something, a new snapshot generation is written at once (in the same
 * transaction as the gate event), so the next load starts from it: no event twice, no reload retried on every
 * record.
 */
final class EngineStore {

    private static final Logger LOG = LoggerFactory.getLogger(EngineStore.class);

    static final String META_STORE = "tracer-engine-meta";
    static final String SNAPSHOT_STORE = "tracer-engine-snapshots";
    static final String JOURNAL_STORE = "tracer-engine-journal";

    private static final int META_VERSION = 1;
    private static final int JOURNAL_VERSION = 1;
    private static final byte ROUTE = 1;
    private static final byte REJECT = 2;
    private static final byte LEARN = 3;
    private static final byte REPORT = 4;

    private final TracerConfig config;
    private final RouterEngine.Factory factory;
    private final TracerCounters counters;
    private final KeyValueStore<String, byte[]> meta;
    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<String, byte[]> journal;
    /** Least recently used first (a use moves an engine to the end; {@link #peek} does not). */
    private final LinkedHashMap<String, Loaded> engines = new LinkedHashMap<>();
    /** The tasks in {@link #META_STORE}, read on first use after {@link #clear()}. */
    private Set<String> known;
    /** Also the wall clock of idle eviction. */
    private final LongSupplier clock;
    private final BiConsumer<String, List<GateEvent>> restoreEvents;

    EngineStore(final TracerConfig config, final RouterEngine.Factory factory, final TracerCounters counters,
                final KeyValueStore<String, byte[]> meta, final KeyValueStore<String, byte[]> snapshots,
                final KeyValueStore<String, byte[]> journal) {
        this(config, factory, counters, meta, snapshots, journal, System::currentTimeMillis, (task, events) -> { });
    }

    /**
     * @param clock         the time of the gate events a load causes
     * @param restoreEvents receives the gate events a load caused (CONFIG_CHANGED, STATE_RESET), to publish
     */
    EngineStore(final TracerConfig config, final RouterEngine.Factory factory, final TracerCounters counters,
                final KeyValueStore<String, byte[]> meta, final KeyValueStore<String, byte[]> snapshots,
                final KeyValueStore<String, byte[]> journal, final LongSupplier clock,
                final BiConsumer<String, List<GateEvent>> restoreEvents) {
        this.clock = clock;
        this.restoreEvents = restoreEvents;
        this.config = config;
        this.factory = factory;
        this.counters = counters;
        this.meta = meta;
        this.snapshots = snapshots;
        this.journal = journal;
    }

    /** Whether a task may have an engine in these stores. */
    enum Admission { ADMITTED, NOT_ALLOWED, LIMIT }

    /** An engine in memory and where its journal stands. */
    static final class Loaded {
        final RouterEngine engine;
        Meta meta;
        long nextSeq;
        /** The journal length at which the next snapshot is due (moved on when a snapshot fails). */
        long snapshotDue = -1;
        /** Wall-clock time of the last use, for idle eviction. */
        long lastUsedMs;

        Loaded(final RouterEngine engine, final Meta meta, final long nextSeq) {
            this.engine = engine;
            this.meta = meta;
            this.nextSeq = nextSeq;
        }

        RouterEngine engine() {
            return engine;
        }
    }

    /** The snapshot pointer of a task. */
    record Meta(long generation, int chunks, long bytes, long journalFrom) {
        byte[] toBytes() {
            return new BinaryCodec.Writer().writeByte(META_VERSION).writeLong(generation).writeInt(chunks).writeLong(bytes)
                    .writeLong(journalFrom).toBytes();
        }

        static Meta fromBytes(final byte[] b) {
            final BinaryCodec.Reader r = new BinaryCodec.Reader(b);
            final int v = r.readByte();
            if (v != META_VERSION) {
                throw new IllegalStateException("unknown engine meta version " + v);
            }
            return new Meta(r.readLong(), r.readInt(), r.readLong(), r.readLong());
        }
    }

    /** Forgets the engines in memory (they are reloaded from the stores on next use). */
    void clear() {
        engines.clear();
        known = null;
    }

    /** Whether {@code task} may have an engine here (see the class documentation); creates nothing. */
    Admission admit(final String task) {
        final List<String> allowed = config.tasksAllowed();
        if (!allowed.isEmpty() && !allowed.contains(task)) {
            return Admission.NOT_ALLOWED;
        }
        if (engines.containsKey(task) || knownTasks().contains(task)) {
            return Admission.ADMITTED;
        }
        return knownTasks().size() < config.tasksMax() ? Admission.ADMITTED : Admission.LIMIT;
    }

    private Set<String> knownTasks() {
        if (known == null) {
            known = new HashSet<>(tasks());
        }
        return known;
    }

    /** The tasks whose engine is in memory, least recently used first. */
    List<String> loadedTasks() {
        return new ArrayList<>(engines.keySet());
    }

    /** Drops the engines unused since {@code nowMs - tasks.idle.ms} from memory; returns how many. */
    int evictIdle(final long nowMs) {
        final long idleBefore = nowMs - config.tasksIdleMs();
        int evicted = 0;
        for (final var it = engines.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<String, Loaded> e = it.next();
            if (e.getValue().lastUsedMs < idleBefore) {
                it.remove();
                evicted++;
                LOG.debug("task {}: engine idle since {}, dropped from memory (its state stays in the stores)", e.getKey(),
                        e.getValue().lastUsedMs);
            }
        }
        counters.add(Counter.ENGINES_EVICTED, evicted);
        return evicted;
    }

    /** Drops one engine from memory, e.g. after it threw: the next use reloads it from the stores. */
    void evict(final String task) {
        engines.remove(task);
    }

    /** The tasks with state in this stream task's stores. */
    List<String> tasks() {
        final List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = meta.all()) {
            while (it.hasNext()) {
                out.add(it.next().key);
            }
        }
        return out;
    }

    /** The engine of a task, loaded (snapshot + journal) or created on first use. */
    Loaded engine(final String task) {
        Loaded loaded = engines.remove(task);
        final boolean loadedNow = loaded == null;
        if (loadedNow) {
            loaded = load(task);
        }
        engines.put(task, loaded);
        if (loadedNow) {
            dropLeastRecentlyUsed();
        }
        loaded.lastUsedMs = clock.getAsLong();
        return loaded;
    }

    /** The engine of a task if it is in memory, without counting as a use (periodic stats and reports); else null. */
    Loaded peek(final String task) {
        return engines.get(task);
    }

    /** Keeps at most tasks.loaded.max engines in memory: the least recently used go first (never the newest). */
    private void dropLeastRecentlyUsed() {
        int evicted = 0;
        for (final var it = engines.entrySet().iterator(); engines.size() > config.tasksLoadedMax() && it.hasNext(); ) {
            final String task = it.next().getKey();
            it.remove();
            evicted++;
            LOG.debug("task {}: engine dropped from memory, tasks.loaded.max={} (its state stays in the stores)", task,
                    config.tasksLoadedMax());
        }
        counters.add(Counter.ENGINES_EVICTED, evicted);
    }

    private Loaded load(final String task) {
        final byte[] metaBytes = meta.get(task);
        final long started = System.nanoTime();
        if (metaBytes == null) {
            final Meta fresh = new Meta(0, 0, 0, 0);
            meta.put(task, fresh.toBytes());
            if (known != null) {
                known.add(task);
            }
            LOG.info("task {}: new engine", task);
            return new Loaded(factory.create(task, config.taskConfig(task)), fresh, 0);
        }
        final Meta m;
        try {
            m = Meta.fromBytes(metaBytes);
        } catch (final RuntimeException e) {
            // no pointer to the snapshot or journal: the task starts afresh; the stale entries stay unreferenced
            LOG.error("task {}: the engine's meta entry cannot be read ({}); the task starts afresh", task, e.getMessage());
            final Meta fresh = new Meta(0, 0, 0, 0);
            meta.put(task, fresh.toBytes());
            counters.increment(Counter.ENGINE_RESETS);
            return new Loaded(factory.create(task, config.taskConfig(task)), fresh, 0);
        }
        final RouterEngine engine;
        final List<GateEvent> events = new ArrayList<>();
        boolean rewrite = false;
        if (m.chunks() == 0) {
            engine = factory.create(task, config.taskConfig(task));
        } else {
            byte[] bytes;
            try {
                bytes = readSnapshot(task, m);
            } catch (final IllegalStateException e) {
                LOG.error("task {}: {}", task, e.getMessage());
                bytes = new byte[0];
            }
            final RouterEngine.Restored restored = factory.restore(task, config.taskConfig(task), bytes, clock.getAsLong());
            engine = restored.engine();
            events.addAll(restored.events());
            rewrite = !restored.events().isEmpty();
            if (restored.reset() != null) {
                counters.increment(Counter.ENGINE_RESETS);
                LOG.error("task {}: snapshot generation {} ({} bytes): {}; the gate is closed and opens again on new "
                        + "evidence", task, m.generation(), m.bytes(), restored.reset());
            }
            for (final GateEvent e : restored.events()) {
                if (e.getReason() == GateReason.CONFIG_CHANGED) {
                    counters.increment(Counter.CONFIG_CHANGES);
                    LOG.warn("task {}: {} (gate {} -> {})", task, e.getDetail(), e.getPrevious(), e.getState());
                }
            }
        }
        long seq = m.journalFrom();
        for (byte[] entry = journal.get(journalKey(task, seq)); entry != null; entry = journal.get(journalKey(task, ++seq))) {
            try {
                replay(engine, entry);
            } catch (final RuntimeException e) {
                counters.increment(Counter.JOURNAL_ENTRIES_SKIPPED);
                LOG.error("task {}: journal entry {} cannot be replayed ({}); skipped", task, seq, e.toString());
                rewrite = true;
            }
        }
        counters.increment(Counter.ENGINE_LOADS);
        counters.add(Counter.JOURNAL_REPLAYS, seq - m.journalFrom());
        LOG.info("task {}: engine restored from snapshot generation {} ({} bytes) + {} journaled calls in {} ms", task,
                m.generation(), m.bytes(), seq - m.journalFrom(), (System.nanoTime() - started) / 1_000_000);
        final Loaded loaded = new Loaded(engine, m, seq);
        if (rewrite) {
            // make what the load changed durable with its events: the next load starts from here
            try {
                snapshot(task, loaded);
            } catch (final RuntimeException e) {
                counters.increment(Counter.SNAPSHOT_FAILURES);
                LOG.error("task {}: snapshot after load failed; the next load applies the same changes again", task, e);
            }
        }
        if (!events.isEmpty()) {
            restoreEvents.accept(task, List.copyOf(events));
        }
        return loaded;
    }

    private byte[] readSnapshot(final String task, final Meta m) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, m.bytes()));
        for (int i = 0; i < m.chunks(); i++) {
            final byte[] chunk = snapshots.get(snapshotKey(task, m.generation(), i));
            if (chunk == null) {
                throw new IllegalStateException("task " + task + ": chunk " + i + " of snapshot generation " + m.generation()
                        + " is missing");
            }
            out.writeBytes(chunk);
        }
        if (out.size() != m.bytes()) {
            throw new IllegalStateException("task " + task + ": snapshot generation " + m.generation() + " has " + out.size()
                    + " bytes, expected " + m.bytes());
        }
        return out.toByteArray();
    }

    private static void replay(final RouterEngine engine, final byte[] entry) {
        final BinaryCodec.Reader r = new BinaryCodec.Reader(entry);
        final int v = r.readByte();
        if (v != JOURNAL_VERSION) {
            throw new IllegalStateException("unknown journal entry version " + v);
        }
        final int type = r.readByte();
        final String requestId = r.readString();
        final long ts = r.readLong();
        switch (type) {
            case ROUTE -> engine.route(requestId, r.readString(), r.readFloats(), ts);
            case REJECT -> engine.rejectInvalid(requestId, r.readString(), ts);
            case LEARN -> engine.learn(requestId, r.readString(), r.readFloats(), r.readString(), DecisionCodec.read(r), ts);
            case REPORT -> engine.report(ts);
            default -> throw new IllegalStateException("unknown journal entry type " + type);
        }
    }

    /** Journals a route call that succeeded. */
    void journalRoute(final String task, final String requestId, final String input, final float[] embedding, final long ts) {
        append(task, new BinaryCodec.Writer().writeByte(JOURNAL_VERSION).writeByte(ROUTE).writeString(requestId).writeLong(ts)
                .writeString(input).writeFloats(embedding).toBytes());
    }

    /** Journals a rejectInvalid call that succeeded. */
    void journalReject(final String task, final String requestId, final String why, final long ts) {
        append(task, new BinaryCodec.Writer().writeByte(JOURNAL_VERSION).writeByte(REJECT).writeString(requestId).writeLong(ts)
                .writeString(why).toBytes());
    }

    /** Journals a report call that succeeded (building a report moves the builder's history on). */
    void journalReport(final String task, final long ts) {
        append(task, new BinaryCodec.Writer().writeByte(JOURNAL_VERSION).writeByte(REPORT).writeString("").writeLong(ts)
                .toBytes());
    }

    /** Journals a learn call that succeeded. */
    void journalLearn(final String task, final String requestId, final String input, final float[] embedding, final String label,
                      final RoutingDecision routed, final long ts) {
        final BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(JOURNAL_VERSION).writeByte(LEARN).writeString(requestId)
                .writeLong(ts).writeString(input).writeFloats(embedding).writeString(label);
        DecisionCodec.write(w, routed);
        append(task, w.toBytes());
    }

    private void append(final String task, final byte[] entry) {
        final Loaded peeked = peek(task);
        final Loaded loaded = peeked != null ? peeked : engine(task);
        journal.put(journalKey(task, loaded.nextSeq), entry);
        loaded.nextSeq++;
        if (loaded.snapshotDue < 0) {
            loaded.snapshotDue = loaded.meta.journalFrom() + config.snapshotIntervalCalls();
        }
        if (loaded.nextSeq >= loaded.snapshotDue) {
            try {
                snapshot(task, loaded);
                loaded.snapshotDue = loaded.nextSeq + config.snapshotIntervalCalls();
            } catch (final RuntimeException e) {
                // the call is journaled, so nothing is lost: the journal grows until a snapshot succeeds
                counters.increment(Counter.SNAPSHOT_FAILURES);
                loaded.snapshotDue = loaded.nextSeq + config.snapshotIntervalCalls();
                LOG.error("task {}: snapshot failed; the journal keeps every call since generation {} ({} calls)", task,
                        loaded.meta.generation(), loaded.nextSeq - loaded.meta.journalFrom(), e);
            }
        }
    }

    /** Writes a new snapshot generation of a task's engine and drops the old one and the journal it covers. */
    void snapshot(final String task, final Loaded loaded) {
        final long started = System.nanoTime();
        final Meta old = loaded.meta;
        final byte[] bytes = loaded.engine.snapshot();
        final int chunkSize = config.snapshotChunkBytes();
        final int chunks = (bytes.length + chunkSize - 1) / chunkSize;
        final long generation = old.generation() + 1;
        for (int i = 0; i < chunks; i++) {
            final int from = i * chunkSize;
            final byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkSize));
            snapshots.put(snapshotKey(task, generation, i), chunk);
        }
        final Meta next = new Meta(generation, chunks, bytes.length, loaded.nextSeq);
        meta.put(task, next.toBytes());
        loaded.meta = next;
        for (int i = 0; i < old.chunks(); i++) {
            snapshots.delete(snapshotKey(task, old.generation(), i));
        }
        for (long seq = old.journalFrom(); seq < loaded.nextSeq; seq++) {
            journal.delete(journalKey(task, seq));
        }
        counters.increment(Counter.SNAPSHOTS);
        LOG.debug("task {}: snapshot generation {} ({} bytes in {} chunks) in {} ms", task, generation, bytes.length, chunks,
                (System.nanoTime() - started) / 1_000_000);
    }

    static String journalKey(final String task, final long seq) {
        return task + '\u0000' + String.format("%016x", seq);
    }

    static String snapshotKey(final String task, final long generation, final int chunk) {
        return task + '\u0000' + String.format("%016x", generation) + '\u0000' + String.format("%08x", chunk);
    }
}
