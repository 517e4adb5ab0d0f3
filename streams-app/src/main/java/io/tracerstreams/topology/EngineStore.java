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
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

/**
 * Keeps the task engines of one stream task durable: each engine lives in memory, and in three changelogged
 * stores so that a restarted or moved stream task resumes exactly (TaskEngine is deterministic):
 * <ul>
 *   <li>{@value #META_STORE}: key task; the current snapshot generation (its chunk count, size, CRC-32C and the
 *       sequence number of the first journal entry after it) and, under at_least_once, the previous one. Also the
 *       registry of the tasks owned here.</li>
 *   <li>{@value #SNAPSHOT_STORE}: key {@code task \0 generation(16 hex) \0 chunk(8 hex)}; the bytes of
 *       {@code TaskEngine.snapshot()} in chunks of at most snapshot.chunk.bytes (512 KB by default: kNN windows
 *       make 10-20 MB snapshots, and the changelog's default message limit is 1 MB).</li>
 *   <li>{@value #JOURNAL_STORE}: key {@code task \0 seq(16 hex)}; every mutating engine call since the
 *       snapshot (route, rejectInvalid, learn) with its arguments, written after the call succeeded.</li>
 * </ul>
 * Restore = the snapshot (or a fresh engine) + the journal replayed in order. Every
 * snapshot.interval.calls journaled calls a new generation is written in full, then the meta entry points to
 * it, then the generations no longer needed are deleted. Under exactly_once_v2 all of it is in one stream-task
 * transaction, so a reader never sees a half-written snapshot, and the old generation goes at once. The journal
 * entries a new generation makes obsolete (those before the first one any kept generation needs, which no load
 * reads) are deleted {@value #JOURNAL_DELETES_PER_CALL} per later journaled call rather than all at once: the
 * 5,000 deletions of a default snapshot interval stalled the stream thread for about 50 ms. A load finds what a
 * crash or an eviction left of them (they lie just before the first entry needed) and deletes them the same way.
 * Under at_least_once nothing makes the three stores' changelogs agree after a crash: a restored meta entry may
 * point to a generation whose chunks are missing or from another attempt. So the generation the engine was built
 * from stays, with the journal from its start, as the previous generation until the next snapshot; a load
 * whose current generation is incomplete or fails its CRC-32C falls back to the previous generation and replays
 * the journal from there (counted as SNAPSHOT_FALLBACKS, with a WARN log line), and resets only when neither can
 * be read. This needs the generation kept as the previous one to be on the broker when the one before it is
 * dropped: each snapshot under at_least_once asks for a commit, which puts every changelog record before it on the
 * broker, and the next snapshot of that task waits until two {@link #settle()} calls (a punctuation of the router)
 * show that the commit is done.
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

    private static final int META_VERSION_1 = 1;
    private static final int META_VERSION = 2;
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
    private final Runnable requestCommit;
    /** How often {@link #settle()} was called; 0 while nothing calls it (then snapshots are not held back). */
    private long settles;
    private static final long SETTLED = Long.MIN_VALUE / 2;
    /** Obsolete journal entries deleted per journaled call: twice the rate they arise at, so none pile up. */
    static final int JOURNAL_DELETES_PER_CALL = 2;

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
        this(config, factory, counters, meta, snapshots, journal, clock, restoreEvents, () -> { });
    }

    /**
     * @param clock         the time of the gate events a load causes
     * @param restoreEvents receives the gate events a load caused (CONFIG_CHANGED, STATE_RESET), to publish
     * @param requestCommit asks Kafka Streams to commit soon ({@code ProcessorContext#commit}); called after each
     *                      snapshot under at_least_once, so that a new generation is on the broker long before the
     *                      next snapshot drops the one it replaces
     */
    EngineStore(final TracerConfig config, final RouterEngine.Factory factory, final TracerCounters counters,
                final KeyValueStore<String, byte[]> meta, final KeyValueStore<String, byte[]> snapshots,
                final KeyValueStore<String, byte[]> journal, final LongSupplier clock,
                final BiConsumer<String, List<GateEvent>> restoreEvents, final Runnable requestCommit) {
        this.requestCommit = requestCommit;
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
        /** What the meta store says (after a fallback its current generation is the unreadable one). */
        Meta meta;
        /**
         * The generation the engine in memory was built from (loaded, or last written), which the next snapshot keeps
         * as its previous generation under at_least_once; null when no generation could be read (the task was reset).
         */
        Generation base;
        /** The {@link #settle()} count when {@link #base} was written here; {@link #SETTLED} when read from the stores. */
        long baseWrittenAtSettle = SETTLED;
        long nextSeq;
        /** The journal length at which the next snapshot is due (moved on when a snapshot fails). */
        long snapshotDue = -1;
        /** Wall-clock time of the last use, for idle eviction. */
        long lastUsedMs;
        /** Obsolete journal entries [garbageFrom, garbageTo) not deleted yet: no load reads them. */
        long garbageFrom;
        long garbageTo;

        Loaded(final RouterEngine engine, final Meta meta, final Generation base, final long nextSeq) {
            this.engine = engine;
            this.meta = meta;
            this.base = base;
            this.nextSeq = nextSeq;
        }

        RouterEngine engine() {
            return engine;
        }
    }

    /**
     * One snapshot generation of a task: its chunk count, size and CRC-32C (of the whole snapshot; {@link #NO_CRC} in
     * meta format 1, which had none), and the sequence number of the first journal entry after it. Generation 0 with
     * no chunks is a fresh engine.
     */
    record Generation(long generation, int chunks, long bytes, long crc, long journalFrom) {
        static final long NO_CRC = -1L;

        static Generation fresh() {
            return new Generation(0, 0, 0, 0, 0);
        }

        private void write(final BinaryCodec.Writer w) {
            w.writeLong(generation).writeInt(chunks).writeLong(bytes).writeLong(crc).writeLong(journalFrom);
        }

        private static Generation read(final BinaryCodec.Reader r) {
            return new Generation(r.readLong(), r.readInt(), r.readLong(), r.readLong(), r.readLong());
        }
    }

    /**
     * The snapshot pointer of a task: the current generation and, under at_least_once, the previous one, kept with
     * the journal it needs until a later snapshot replaces it, so that a load that finds the current generation
     * incomplete or corrupt falls back to it. Format 2; format 1 (the current generation without CRC and no
     * previous one) is still read.
     */
    record Meta(Generation current, Generation previous) {
        Meta {
            Objects.requireNonNull(current, "current");
        }

        long generation() {
            return current.generation();
        }

        int chunks() {
            return current.chunks();
        }

        long bytes() {
            return current.bytes();
        }

        long journalFrom() {
            return current.journalFrom();
        }

        /** The first journal entry any kept generation needs. */
        long journalKeptFrom() {
            return previous == null ? current.journalFrom() : Math.min(previous.journalFrom(), current.journalFrom());
        }

        byte[] toBytes() {
            final BinaryCodec.Writer w = new BinaryCodec.Writer().writeByte(META_VERSION);
            current.write(w);
            w.writeByte(previous == null ? 0 : 1);
            if (previous != null) {
                previous.write(w);
            }
            return w.toBytes();
        }

        static Meta fromBytes(final byte[] b) {
            final BinaryCodec.Reader r = new BinaryCodec.Reader(b);
            final int v = r.readByte();
            if (v == META_VERSION_1) {
                return new Meta(new Generation(r.readLong(), r.readInt(), r.readLong(), Generation.NO_CRC, r.readLong()), null);
            }
            if (v != META_VERSION) {
                throw new IllegalStateException("unknown engine meta version " + v);
            }
            final Generation current = Generation.read(r);
            final int hasPrevious = r.readByte();
            if (hasPrevious != 0 && hasPrevious != 1) {
                throw new IllegalStateException("engine meta: previous-generation flag " + hasPrevious + " is neither 0 nor 1");
            }
            return new Meta(current, hasPrevious == 1 ? Generation.read(r) : null);
        }
    }

    /**
     * Marks a stream-thread iteration boundary: to be called from a wall-clock punctuation under at_least_once (two
     * calls are never in the same iteration of the stream thread). A snapshot asks for a commit, which the stream
     * thread does right after the processing step that wrote it; so two calls after a snapshot mean that the commit
     * is done and the snapshot is on the broker. Until then the next snapshot of that task is held back (its journal
     * grows a little instead), so a snapshot never drops the generation before the one it keeps while that one may
     * still be lost. While nothing calls this, snapshots are not held back.
     */
    void settle() {
        settles++;
    }

    /** Whether the generation a snapshot of this engine would keep as the previous one is surely on the broker. */
    private boolean baseSettled(final Loaded loaded) {
        return config.exactlyOnce() || settles == 0 || loaded.baseWrittenAtSettle == SETTLED
                || settles >= loaded.baseWrittenAtSettle + 2;
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
            final Meta fresh = new Meta(Generation.fresh(), null);
            meta.put(task, fresh.toBytes());
            if (known != null) {
                known.add(task);
            }
            LOG.info("task {}: new engine", task);
            return new Loaded(factory.create(task, config.taskConfig(task)), fresh, fresh.current(), 0);
        }
        final Meta m;
        try {
            m = Meta.fromBytes(metaBytes);
        } catch (final RuntimeException e) {
            // no pointer to the snapshot or journal: the task starts afresh; the stale entries stay unreferenced
            LOG.error("task {}: the engine's meta entry cannot be read ({}); the task starts afresh", task, e.getMessage());
            final Meta fresh = new Meta(Generation.fresh(), null);
            meta.put(task, fresh.toBytes());
            counters.increment(Counter.ENGINE_RESETS);
            return new Loaded(factory.create(task, config.taskConfig(task)), fresh, fresh.current(), 0);
        }
        final List<GateEvent> events = new ArrayList<>();
        boolean rewrite = false;
        Generation base = m.current();
        byte[] bytes = null;
        try {
            bytes = readSnapshot(task, base);
        } catch (final IllegalStateException current) {
            if (m.previous() != null) {
                try {
                    bytes = readSnapshot(task, m.previous());
                    counters.increment(Counter.SNAPSHOT_FALLBACKS);
                    LOG.warn("task {}: {}; falling back to the previous generation {} and the journal from entry {} (a write "
                            + "torn by a crash under at_least_once; nothing learned is lost if the journal is complete)", task,
                            current.getMessage(), m.previous().generation(), m.previous().journalFrom());
                    base = m.previous();
                    rewrite = true;
                } catch (final IllegalStateException previous) {
                    LOG.error("task {}: {}; and the previous generation cannot be read either: {}", task, current.getMessage(),
                            previous.getMessage());
                }
            } else {
                LOG.error("task {}: {}", task, current.getMessage());
            }
        }
        final RouterEngine engine;
        if (base.chunks() == 0 && bytes != null) {
            engine = factory.create(task, config.taskConfig(task));
        } else {
            final RouterEngine.Restored restored = factory.restore(task, config.taskConfig(task),
                    bytes == null ? new byte[0] : bytes, clock.getAsLong());
            engine = restored.engine();
            events.addAll(restored.events());
            rewrite |= !restored.events().isEmpty();
            if (restored.reset() != null) {
                counters.increment(Counter.ENGINE_RESETS);
                LOG.error("task {}: snapshot generation {} ({} bytes): {}; the gate is closed and opens again on new "
                        + "evidence", task, base.generation(), base.bytes(), restored.reset());
            }
            for (final GateEvent e : restored.events()) {
                if (e.getReason() == GateReason.CONFIG_CHANGED) {
                    counters.increment(Counter.CONFIG_CHANGES);
                    LOG.warn("task {}: {} (gate {} -> {})", task, e.getDetail(), e.getPrevious(), e.getState());
                }
            }
            if (bytes == null || restored.reset() != null) {
                base = null;
            }
        }
        final long journalFrom = base != null ? base.journalFrom() : m.journalFrom();
        long seq = journalFrom;
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
        counters.add(Counter.JOURNAL_REPLAYS, seq - journalFrom);
        LOG.info("task {}: engine restored from snapshot generation {} ({} bytes) + {} journaled calls in {} ms", task,
                base != null ? base.generation() : m.generation(), base != null ? base.bytes() : m.bytes(), seq - journalFrom,
                (System.nanoTime() - started) / 1_000_000);
        final Loaded loaded = new Loaded(engine, m, base, seq);
        loaded.garbageTo = m.journalKeptFrom();
        loaded.garbageFrom = loaded.garbageTo;
        while (loaded.garbageFrom > 0 && journal.get(journalKey(task, loaded.garbageFrom - 1)) != null) {
            loaded.garbageFrom--;
        }
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

    /**
     * The bytes of a snapshot generation (empty for a fresh engine's generation), checked against its chunk count,
     * size and CRC-32C (when the meta entry has one).
     *
     * @throws IllegalStateException naming what is missing or wrong
     */
    private byte[] readSnapshot(final String task, final Generation g) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, g.bytes()));
        for (int i = 0; i < g.chunks(); i++) {
            final byte[] chunk = snapshots.get(snapshotKey(task, g.generation(), i));
            if (chunk == null) {
                throw new IllegalStateException("chunk " + i + " of snapshot generation " + g.generation() + " is missing");
            }
            out.writeBytes(chunk);
        }
        if (out.size() != g.bytes()) {
            throw new IllegalStateException("snapshot generation " + g.generation() + " has " + out.size() + " bytes, expected "
                    + g.bytes());
        }
        final byte[] bytes = out.toByteArray();
        if (g.crc() != Generation.NO_CRC && g.chunks() > 0 && crc(bytes) != g.crc()) {
            throw new IllegalStateException("snapshot generation " + g.generation() + " fails its CRC-32C (" + crc(bytes)
                    + ", expected " + g.crc() + ")");
        }
        return bytes;
    }

    private static long crc(final byte[] bytes) {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
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
        for (int i = 0; i < JOURNAL_DELETES_PER_CALL && loaded.garbageFrom < loaded.garbageTo; i++) {
            journal.delete(journalKey(task, loaded.garbageFrom++));
        }
        if (loaded.snapshotDue < 0) {
            loaded.snapshotDue = loaded.meta.journalFrom() + config.snapshotIntervalCalls();
        }
        if (loaded.nextSeq >= loaded.snapshotDue && !baseSettled(loaded)) {
            // the generation the snapshot would keep may not be committed yet: snapshot at a later call
            LOG.debug("task {}: snapshot held back until generation {} is committed", task, loaded.meta.generation());
        } else if (loaded.nextSeq >= loaded.snapshotDue) {
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

    /**
     * Writes a new snapshot generation of a task's engine, then the meta entry pointing to it, then drops the
     * generations (and the journal) no longer needed. Under exactly_once_v2 that is every older generation and the
     * journal it covers (all in one transaction). Under at_least_once the generation the engine was built from stays
     * as the previous one, with the journal from its start, until the next snapshot: a crash can tear these writes
     * apart (each store has its own changelog), and a load then falls back to it.
     */
    void snapshot(final String task, final Loaded loaded) {
        final long started = System.nanoTime();
        final Meta old = loaded.meta;
        final byte[] bytes = loaded.engine.snapshot();
        final int chunkSize = config.snapshotChunkBytes();
        final int chunks = (bytes.length + chunkSize - 1) / chunkSize;
        final long generation = Math.max(old.current().generation(),
                old.previous() == null ? 0 : old.previous().generation()) + 1;
        for (int i = 0; i < chunks; i++) {
            final int from = i * chunkSize;
            final byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkSize));
            snapshots.put(snapshotKey(task, generation, i), chunk);
        }
        // chunks of an attempt at this generation whose meta entry a crash lost
        for (int i = chunks; snapshots.get(snapshotKey(task, generation, i)) != null; i++) {
            snapshots.delete(snapshotKey(task, generation, i));
        }
        final Generation written = new Generation(generation, chunks, bytes.length, crc(bytes), loaded.nextSeq);
        final Generation kept = config.exactlyOnce() ? null : loaded.base;
        final Meta next = new Meta(written, kept);
        meta.put(task, next.toBytes());
        loaded.meta = next;
        loaded.base = written;
        loaded.baseWrittenAtSettle = settles;
        for (final Generation dropped : new Generation[] {old.current(), old.previous()}) {
            if (dropped != null && !dropped.equals(kept)) {
                for (int i = 0; i < dropped.chunks(); i++) {
                    snapshots.delete(snapshotKey(task, dropped.generation(), i));
                }
            }
        }
        final long keepJournalFrom = kept == null ? loaded.nextSeq : kept.journalFrom();
        if (loaded.garbageFrom >= loaded.garbageTo) {
            loaded.garbageFrom = old.journalKeptFrom();
        }
        loaded.garbageTo = Math.max(loaded.garbageTo, keepJournalFrom); // deleted by the next calls (append)
        if (!config.exactlyOnce()) {
            requestCommit.run();
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
