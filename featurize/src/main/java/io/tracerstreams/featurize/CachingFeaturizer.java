/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Wraps a featurizer with a cache of vectors, in memory and optionally on disk, so that a text seen before is
 * not embedded again.
 *
 * <p><b>Bound.</b> The cache holds at most {@code maxBytes} of vectors in the heap, estimated as
 * {@link #entryBytes(int)} per text (4 bytes per dimension plus {@value #ENTRY_OVERHEAD_BYTES} bytes of key and
 * map overhead: 1,656 bytes for 384 dimensions); beyond it the least recently used text is evicted.
 * {@link #UNBOUNDED} keeps every vector (the replay tools, whose inputs are finite datasets). The cache file,
 * when there is one, holds the vectors in memory plus those appended since its last compaction: when its
 * records reach twice the entries the bound allows, it is rewritten in place from memory (least recently used
 * first), so it stays under about twice the bound.
 *
 * <p><b>File.</b> One append-only file per featurizer {@link Featurizer#id() id} in a cache directory (default
 * {@link #defaultDirectory()}), keyed by the SHA-256 of the text's UTF-8 bytes. The file is loaded into
 * memory when the cache opens (the last records win when it holds more than the bound); new vectors are appended
 * as they are computed. Format: a header (magic, version, dimension, featurizer id) then fixed-size records
 * {@code sha256[32] | float32[dimension] | crc32} (big-endian). The texts are not stored, but a vector is
 * derived from its text and reveals much of it: a cache file of user inputs is as sensitive as the inputs.
 *
 * <p>The cache never fails its caller: a truncated tail (a crash mid-append) is cut off; a corrupted
 * file (bad header, other dimension or id, bad checksum) is moved aside as {@code *.corrupt-<millis>},
 * with a warning, and rebuilt from the records before the damage; a file that cannot be read, written
 * or locked (another process holds it) leaves the cache working in memory only, with a warning.
 *
 * <p>Thread-safe. Returned vectors are copies. {@link #close()} flushes and closes the file, then
 * closes the wrapped featurizer (the cache owns it).
 */
public final class CachingFeaturizer implements Featurizer {

    private static final Logger LOG = LoggerFactory.getLogger(CachingFeaturizer.class);
    private static final int MAGIC = 0x54534531; // "TSE1"
    private static final int VERSION = 1;
    private static final int HASH_BYTES = 32;
    /** Estimated heap bytes per entry besides the vector: the key (48), the map entry (56) and the array header (16). */
    public static final int ENTRY_OVERHEAD_BYTES = 120;
    /** A bound that keeps every vector. */
    public static final long UNBOUNDED = Long.MAX_VALUE;
    /** Cache files open in this JVM: a second instance on one file caches in memory only. */
    private static final Set<Path> OPEN_FILES = ConcurrentHashMap.newKeySet();

    private final Featurizer delegate;
    private final Path file;
    private final int dimension;
    private final int recordBytes;
    /** Least recently used first; guarded by itself. */
    private final LinkedHashMap<Key, float[]> vectors = new LinkedHashMap<>(16, 0.75f, true);
    private final long maxEntries;
    private final long maxBytes;
    /** Records in the file (header excluded), to know when to compact; guarded by writeLock. */
    private long fileRecords;
    private long headerBytes;
    private volatile Listener listener = Listener.NONE;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong writeErrors = new AtomicLong();
    private final Object writeLock = new Object();
    private boolean registered;
    private FileChannel channel;
    private FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Observes the cache from the calling thread (e.g. to count hits as metrics of a stream thread). */
    public interface Listener {
        /** Does nothing. */
        Listener NONE = new Listener() {
        };

        /** Texts of one call served from the cache, texts embedded, entries evicted, and the estimated heap bytes after it. */
        default void onEmbed(final int hits, final int misses, final int evicted, final long bytes) {
        }
    }

    /** An unbounded cache in {@link #defaultDirectory()}. */
    public CachingFeaturizer(final Featurizer delegate) {
        this(delegate, defaultDirectory());
    }

    /**
     * An unbounded cache in {@code directory} (created when absent), loaded now.
     *
     * @param delegate  the featurizer whose vectors are cached; closed with this cache
     * @param directory the cache directory
     */
    public CachingFeaturizer(final Featurizer delegate, final Path directory) {
        this(delegate, Objects.requireNonNull(directory, "directory"), UNBOUNDED);
    }

    /**
     * A cache of at most {@code maxBytes} of vectors in memory, persisted in {@code directoryOrNull} (created when
     * absent, loaded now) or in memory only when it is null.
     *
     * @param delegate        the featurizer whose vectors are cached; closed with this cache
     * @param directoryOrNull the cache directory, or null for a cache in memory only
     * @param maxBytes        the bound of the heap the vectors take ({@link #entryBytes(int)} each), at least one
     *                        entry's worth; {@link #UNBOUNDED} for none
     */
    public CachingFeaturizer(final Featurizer delegate, final Path directoryOrNull, final long maxBytes) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.dimension = delegate.dimension();
        if (maxBytes < entryBytes(dimension)) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " holds not even one vector of " + entryBytes(dimension)
                    + " bytes");
        }
        this.maxBytes = maxBytes;
        this.maxEntries = maxBytes == UNBOUNDED ? Long.MAX_VALUE : maxBytes / entryBytes(dimension);
        this.recordBytes = HASH_BYTES + 4 * dimension + 4;
        this.file = directoryOrNull == null ? null : directoryOrNull.resolve(fileName(delegate.id()));
        if (directoryOrNull != null) {
            open(directoryOrNull);
        }
    }

    /** The estimated heap bytes of one cached vector of {@code dimension} floats. */
    public static long entryBytes(final int dimension) {
        return 4L * dimension + ENTRY_OVERHEAD_BYTES;
    }

    /** Sets who is told of hits, misses and evictions (called on the embedding thread). */
    public void setListener(final Listener listener) {
        this.listener = listener == null ? Listener.NONE : listener;
    }

    /** {@code ~/.cache/tracer-streams/embeddings}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "tracer-streams", "embeddings");
    }

    /** The cache file of a featurizer id in a directory. */
    public static Path cacheFile(final Path directory, final String featurizerId) {
        return directory.resolve(fileName(featurizerId));
    }

    /** The cache file of this cache, or null when it caches in memory only. */
    public Path file() {
        return file;
    }

    /** Texts served without embedding them so far (cached, or repeated within a call). */
    public long hitCount() {
        return hits.get();
    }

    /** Texts that had to be embedded so far. */
    public long missCount() {
        return misses.get();
    }

    /** Distinct texts cached (in memory). */
    public int size() {
        synchronized (vectors) {
            return vectors.size();
        }
    }

    /** Entries evicted so far to stay within the bound. */
    public long evictionCount() {
        return evictions.get();
    }

    /** Times the cache file was rewritten to drop evicted records. */
    public long compactionCount() {
        return compactions.get();
    }

    /** The estimated heap bytes of the cached vectors ({@link #entryBytes(int)} each). */
    public long bytes() {
        return size() * entryBytes(dimension);
    }

    /** The bound of {@link #bytes()}, {@link #UNBOUNDED} for none. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Whether new vectors are written to disk (false after an I/O failure or when another process holds the file). */
    public boolean isPersistent() {
        synchronized (writeLock) {
            return channel != null;
        }
    }

    /** Appends that failed (the vectors stay cached in memory). */
    public long writeErrorCount() {
        return writeErrors.get();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** Texts truncated by the wrapped featurizer: cache hits are not counted again. */
    @Override
    public long truncatedCount() {
        return delegate.truncatedCount();
    }

    @Override
    public List<float[]> embed(final List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (closed.get()) {
            throw new IllegalStateException("cache of " + id() + " is closed");
        }
        final float[][] out = new float[texts.size()][];
        final Map<Key, List<Integer>> missing = new LinkedHashMap<>();
        final List<String> missingTexts = new ArrayList<>();
        int callHits = 0;
        for (int i = 0; i < out.length; i++) {
            final String text = Objects.requireNonNull(texts.get(i), "texts contains null");
            final Key key = Key.of(text);
            final float[] cached;
            synchronized (vectors) {
                cached = vectors.get(key);
            }
            if (cached != null) {
                out[i] = cached.clone();
                callHits++;
            } else if (missing.containsKey(key)) {
                missing.get(key).add(i);       // a repeat within the batch: embedded once
                callHits++;
            } else {
                final List<Integer> indices = new ArrayList<>(1);
                indices.add(i);
                missing.put(key, indices);
                missingTexts.add(text);
            }
        }
        hits.addAndGet(callHits);
        misses.addAndGet(missingTexts.size());
        int evicted = 0;
        if (!missingTexts.isEmpty()) {
            final List<float[]> computed = delegate.embed(missingTexts);
            if (computed.size() != missingTexts.size()) {
                throw new IllegalStateException("featurizer " + id() + " returned " + computed.size()
                        + " vectors for " + missingTexts.size() + " texts");
            }
            int m = 0;
            for (final Map.Entry<Key, List<Integer>> entry : missing.entrySet()) {
                final float[] vector = computed.get(m++);
                for (final int index : entry.getValue()) {
                    out[index] = vector.clone();
                }
                evicted += remember(entry.getKey(), vector);
            }
        }
        listener.onEmbed(callHits, missingTexts.size(), evicted, bytes());
        return Arrays.asList(out);
    }

    /** Caches a vector, evicting the least recently used beyond the bound; returns the number evicted. */
    private int remember(final Key key, final float[] vector) {
        if (vector.length != dimension) {
            LOG.warn("featurizer {} returned a vector of length {} instead of {}: not cached", id(), vector.length, dimension);
            return 0;
        }
        final float[] copy = vector.clone();
        final int evicted;
        synchronized (vectors) {
            if (vectors.putIfAbsent(key, copy) != null) {
                return 0;
            }
            evicted = evictBeyondBound();
        }
        append(key, copy);
        return evicted;
    }

    /** Drops least recently used entries until the bound holds; the caller holds the lock of {@link #vectors}. */
    private int evictBeyondBound() {
        int evicted = 0;
        final var it = vectors.entrySet().iterator();
        while (vectors.size() > maxEntries && it.hasNext()) {
            it.next();
            it.remove();
            evicted++;
        }
        evictions.addAndGet(evicted);
        return evicted;
    }

    private void append(final Key key, final float[] vector) {
        final ByteBuffer record = ByteBuffer.allocate(recordBytes);
        putRecord(record, key, vector);
        record.flip();
        synchronized (writeLock) {
            if (channel == null) {
                return;
            }
            try {
                while (record.hasRemaining()) {
                    channel.write(record);
                }
                fileRecords++;
                if (maxEntries != Long.MAX_VALUE && fileRecords >= 2 * maxEntries) {
                    compact();
                }
            } catch (final IOException e) {
                writeErrors.incrementAndGet();
                LOG.warn("cannot append to embedding cache {} ({}): caching in memory only from now on", file, e.toString());
                releaseFile();
            }
        }
    }

    /**
     * Rewrites the file in place from memory (least recently used first, so a reload keeps the most recent);
     * the caller holds {@link #writeLock}. A crash mid-way leaves a valid prefix (a cut record is dropped on load).
     */
    private void compact() throws IOException {
        final List<Map.Entry<Key, float[]>> live;
        synchronized (vectors) {
            live = new ArrayList<>(vectors.entrySet());
        }
        channel.truncate(headerBytes);
        channel.position(headerBytes);
        fileRecords = 0;
        final ByteBuffer buffer = ByteBuffer.allocate(recordBytes * 64);
        for (final Map.Entry<Key, float[]> e : live) {
            if (buffer.remaining() < recordBytes) {
                writeFully(buffer);
            }
            putRecord(buffer, e.getKey(), e.getValue());
            fileRecords++;
        }
        writeFully(buffer);
        compactions.incrementAndGet();
        LOG.debug("embedding cache {} compacted to {} records", file, fileRecords);
    }

    private void writeFully(final ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private void putRecord(final ByteBuffer buffer, final Key key, final float[] vector) {
        final int start = buffer.position();
        buffer.put(key.bytes());
        for (final float v : vector) {
            buffer.putFloat(v);
        }
        final CRC32 crc = new CRC32();
        crc.update(buffer.array(), start, recordBytes - 4);
        buffer.putInt((int) crc.getValue());
    }

    /** Flushes and closes the cache file, then closes the wrapped featurizer. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (writeLock) {
            if (channel != null) {
                try {
                    channel.force(false);
                } catch (final IOException e) {
                    LOG.warn("cannot flush embedding cache {}: {}", file, e.toString());
                }
            }
            releaseFile();
            if (registered && file != null) {
                OPEN_FILES.remove(file.toAbsolutePath().normalize());
            }
        }
        delegate.close();
    }

    @Override
    public String toString() {
        return "CachingFeaturizer[" + id() + ", " + (file == null ? "in memory" : file) + ", entries=" + size()
                + (maxBytes == UNBOUNDED ? "" : ", maxBytes=" + maxBytes) + "]";
    }

    // ---- loading and repair --------------------------------------------------------------------------

    private void open(final Path directory) {
        if (!OPEN_FILES.add(file.toAbsolutePath().normalize())) {
            LOG.warn("embedding cache {} is already open in this process: this instance caches in memory only", file);
            return;
        }
        registered = true;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (final IOException | UnsupportedOperationException e) {
            LOG.warn("cannot open embedding cache {} ({}): caching in memory only", file, e.toString());
            channel = null;
            return;
        }
        try {
            lock = channel.tryLock();
        } catch (final IOException | OverlappingFileLockException e) {
            lock = null;
        }
        try {
            if (lock == null) {
                LOG.warn("embedding cache {} is locked by another process: reading it, caching new vectors in memory only", file);
                load(channel.size());
                releaseFile();
            } else {
                loadAndRepair();
            }
        } catch (final IOException e) {
            LOG.warn("cannot read embedding cache {} ({}): caching in memory only", file, e.toString());
            synchronized (vectors) {
                vectors.clear();
            }
            releaseFile();
        }
    }

    private void loadAndRepair() throws IOException {
        final long size = channel.size();
        if (size == 0) {
            writeHeader();
            return;
        }
        final Loaded loaded = load(size);
        switch (loaded.outcome) {
            case CLEAN:
                channel.position(size);
                fileRecords = (size - headerBytes) / recordBytes;
                break;
            case TRUNCATED_TAIL:
                LOG.warn("embedding cache {} ends in a partial record (interrupted write?): dropping its last {} bytes",
                        file, size - loaded.validBytes);
                channel.truncate(loaded.validBytes);
                channel.position(loaded.validBytes);
                fileRecords = (loaded.validBytes - headerBytes) / recordBytes;
                break;
            default:
                final Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
                LOG.warn("embedding cache {} is corrupted ({}): moved to {}, rebuilding it from {} valid records",
                        file, loaded.reason, aside, vectors.size());
                rebuild(aside);
                break;
        }
    }

    private void rebuild(final Path aside) throws IOException {
        releaseFile();
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        lock = channel.tryLock();
        if (lock == null) {
            throw new IOException("cannot lock the rebuilt file");
        }
        writeHeader();
        final List<Map.Entry<Key, float[]>> kept;
        synchronized (vectors) {
            kept = new ArrayList<>(vectors.entrySet());
        }
        for (final Map.Entry<Key, float[]> entry : kept) {
            append(entry.getKey(), entry.getValue());
        }
        if (channel != null) {
            channel.force(false);
        }
    }

    private void writeHeader() throws IOException {
        final byte[] id = delegate.id().getBytes(StandardCharsets.UTF_8);
        final ByteBuffer header = ByteBuffer.allocate(16 + id.length);
        header.putInt(MAGIC).putInt(VERSION).putInt(dimension).putInt(id.length).put(id).flip();
        channel.truncate(0);
        channel.position(0);
        while (header.hasRemaining()) {
            channel.write(header);
        }
        channel.force(false);
        headerBytes = 16L + id.length;
        fileRecords = 0;
    }

    private enum Outcome { CLEAN, TRUNCATED_TAIL, CORRUPT }

    private record Loaded(Outcome outcome, long validBytes, String reason) {
    }

    /**
     * Reads records into {@link #vectors} up to the first damage, through the open channel (another
     * descriptor on the file, once closed, would drop this process's lock on it).
     */
    private Loaded load(final long size) throws IOException {
        channel.position(0);
        final InputStream raw = Channels.newInputStream(channel); // not closed: closing would close the channel
        final DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        final byte[] expectedId = delegate.id().getBytes(StandardCharsets.UTF_8);
        headerBytes = 16L + expectedId.length;
        if (size < headerBytes) {
            return new Loaded(Outcome.CORRUPT, 0, "header cut short");
        }
        final int magic = in.readInt();
        final int version = in.readInt();
        final int dim = in.readInt();
        final int idLength = in.readInt();
        if (magic != MAGIC || version != VERSION) {
            return new Loaded(Outcome.CORRUPT, 0, "not an embedding cache of this version");
        }
        if (dim != dimension || idLength != expectedId.length) {
            return new Loaded(Outcome.CORRUPT, 0, "written for dimension " + dim + ", expected " + dimension);
        }
        final byte[] id = new byte[idLength];
        in.readFully(id);
        if (!Arrays.equals(id, expectedId)) {
            return new Loaded(Outcome.CORRUPT, 0, "written for featurizer "
                    + new String(id, StandardCharsets.UTF_8) + ", expected " + delegate.id());
        }
        final byte[] record = new byte[recordBytes];
        final ByteBuffer view = ByteBuffer.wrap(record);
        final CRC32 crc = new CRC32();
        long offset = headerBytes;
        while (true) {
            final int read = in.readNBytes(record, 0, recordBytes);
            if (read == 0) {
                return new Loaded(Outcome.CLEAN, offset, null);
            }
            if (read < recordBytes) {
                return new Loaded(Outcome.TRUNCATED_TAIL, offset, null);
            }
            crc.reset();
            crc.update(record, 0, recordBytes - 4);
            if ((int) crc.getValue() != view.getInt(recordBytes - 4)) {
                return new Loaded(Outcome.CORRUPT, offset, "bad checksum at byte " + offset);
            }
            final byte[] hash = Arrays.copyOf(record, HASH_BYTES);
            final float[] vector = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                vector[d] = view.getFloat(HASH_BYTES + 4 * d);
            }
            synchronized (vectors) {
                vectors.put(Key.ofHash(hash), vector); // a later record is the more recent use
                evictBeyondBound();
            }
            offset += recordBytes;
        }
    }

    private void releaseFile() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (final IOException ignored) {
            // closing the channel releases it too
        }
        lock = null;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (final IOException ignored) {
            // nothing left to release
        }
        channel = null;
    }

    private static String fileName(final String featurizerId) {
        return featurizerId.replaceAll("[^A-Za-z0-9._-]", "_") + ".emb";
    }

    /** SHA-256 of a text, as four longs for cheap hashing. */
    private record Key(long a, long b, long c, long d) {

        static Key of(final String text) {
            try {
                final MessageDigest sha = MessageDigest.getInstance("SHA-256");
                return ofHash(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (final NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }

        static Key ofHash(final byte[] hash) {
            final ByteBuffer buffer = ByteBuffer.wrap(hash);
            return new Key(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        }

        byte[] bytes() {
            return ByteBuffer.allocate(HASH_BYTES).putLong(a).putLong(b).putLong(c).putLong(d).array();
        }
    }
}
