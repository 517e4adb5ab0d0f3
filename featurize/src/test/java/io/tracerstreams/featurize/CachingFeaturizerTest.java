/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingFeaturizerTest {

    private static final List<String> TEXTS = IntStream.range(0, 20)
            .mapToObj(i -> "text number " + i + (i % 3 == 0 ? " ünïcödé 💳" : ""))
            .collect(Collectors.toList());

    @TempDir
    Path dir;

    @Test
    void shouldEmbedEachDistinctTextOnceAndCountHitsAndMisses() {
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir)) {
            final List<float[]> first = cache.embed(List.of("a", "b", "a"));
            final List<float[]> second = cache.embed(List.of("b", "c"));

            assertThat(inner.embedded.get()).isEqualTo(3);
            assertThat(cache.missCount()).isEqualTo(3);
            assertThat(cache.hitCount()).isEqualTo(2);
            assertThat(cache.size()).isEqualTo(3);
            assertThat(first.get(0)).containsExactly(first.get(2));
            assertThat(second.get(0)).containsExactly(first.get(1));
            assertThat(second.get(1)).containsExactly(new CountingFeaturizer("fake", 8).embed("c"));
        }
    }

    @Test
    void shouldServeEveryTextFromDiskAfterReopening() {
        final List<float[]> written;
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            written = cache.embed(TEXTS);
        }
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir)) {
            final List<float[]> read = cache.embed(TEXTS);

            assertThat(inner.embedded.get()).isZero();
            assertThat(cache.hitCount()).isEqualTo(TEXTS.size());
            assertThat(cache.isPersistent()).isTrue();
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(read.get(i)).containsExactly(written.get(i));
            }
        }
    }

    @Test
    void shouldKeepOneFilePerFeaturizerId() {
        try (CachingFeaturizer a = new CachingFeaturizer(new CountingFeaturizer("model-a", 8), dir);
             CachingFeaturizer b = new CachingFeaturizer(new CountingFeaturizer("model/b", 8), dir)) {
            a.embed("x");
            b.embed("x");

            assertThat(a.file()).isNotEqualTo(b.file());
            assertThat(b.file().getFileName().toString()).isEqualTo("model_b.emb");
        }
    }

    @Test
    void shouldDropAPartialRecordLeftByACrashAndKeepAppending() throws IOException {
        final Path file;
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            cache.embed(TEXTS);
            file = cache.file();
        }
        final long fullSize = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(fullSize - 7);                         // the last append was cut mid-record
        }

        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir)) {
            assertThat(cache.size()).isEqualTo(TEXTS.size() - 1);
            cache.embed(TEXTS);

            assertThat(inner.embedded.get()).isEqualTo(1);
        }
        assertThat(Files.size(file)).isEqualTo(fullSize);
        assertThat(corruptCopies()).isEmpty();
    }

    @Test
    void shouldMoveACorruptedFileAsideAndRebuildFromTheRecordsBeforeTheDamage() throws IOException {
        final Path file;
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            cache.embed(TEXTS);
            file = cache.file();
        }
        final int recordBytes = 32 + 4 * 8 + 4;
        final long headerBytes = Files.size(file) - (long) TEXTS.size() * recordBytes;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            final long inFifthRecord = headerBytes + 5L * recordBytes + 40;
            raf.seek(inFifthRecord);
            final int b = raf.read();
            raf.seek(inFifthRecord);
            raf.write(b ^ 0x10);
        }

        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir)) {
            assertThat(cache.size()).isEqualTo(5);
            cache.embed(TEXTS);
            assertThat(inner.embedded.get()).isEqualTo(TEXTS.size() - 5);
        }
        assertThat(corruptCopies()).hasSize(1);
        final CountingFeaturizer third = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(third, dir)) {
            cache.embed(TEXTS);
            assertThat(third.embedded.get()).isZero();
        }
    }

    @Test
    void shouldStartAfreshOnGarbageOrAFileOfAnotherDimension() throws IOException {
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            cache.embed(TEXTS);
        }
        final CountingFeaturizer wider = new CountingFeaturizer("fake", 16);
        try (CachingFeaturizer cache = new CachingFeaturizer(wider, dir)) {
            assertThat(cache.size()).isZero();
            assertThat(cache.embed("hello")).hasSize(16);
        }
        final byte[] garbage = new byte[1000];
        new Random(3).nextBytes(garbage);
        Files.write(CachingFeaturizer.cacheFile(dir, "fake"), garbage);

        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 16), dir)) {
            assertThat(cache.size()).isZero();
            assertThat(cache.embed("hello")).hasSize(16);
            assertThat(cache.isPersistent()).isTrue();
        }
        assertThat(corruptCopies()).hasSize(2);
    }

    @Test
    void shouldWriteAReadableFileUnderConcurrentAppends() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int seed = t;
                futures.add(pool.submit(() -> {
                    final Random random = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                        cache.embed(List.of("t" + random.nextInt(300), "t" + random.nextInt(300)));
                    }
                }));
            }
            for (final Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer reopened = new CachingFeaturizer(inner, dir)) {
            final int distinct = reopened.size();
            assertThat(distinct).isBetween(250, 300);
            reopened.embed(IntStream.range(0, 300).mapToObj(i -> "t" + i).collect(Collectors.toList()));
            assertThat(inner.embedded.get()).isEqualTo(300 - distinct);
        }
        assertThat(corruptCopies()).isEmpty();
    }

    @Test
    void shouldReturnCopiesThatCallersCannotUseToAlterTheCache() {
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            final float[] first = cache.embed("x");
            final float[] expected = first.clone();
            first[0] = 42f;

            assertThat(cache.embed("x")).containsExactly(expected);
        }
    }

    @Test
    void shouldCacheInMemoryOnlyWhenTheFileIsAlreadyOpenOrTheDirectoryUnusable() throws IOException {
        final Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        try (CachingFeaturizer first = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir);
             CachingFeaturizer second = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir);
             CachingFeaturizer broken = new CachingFeaturizer(new CountingFeaturizer("fake", 8), notADirectory)) {
            assertThat(first.isPersistent()).isTrue();
            assertThat(second.isPersistent()).isFalse();
            assertThat(broken.isPersistent()).isFalse();
            assertThat(second.embed(List.of("a", "a"))).hasSize(2);
            assertThat(broken.embed(List.of("a", "a"))).hasSize(2);
            assertThat(broken.hitCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldCloseTheWrappedFeaturizerAndRefuseLaterCalls() {
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        final CachingFeaturizer cache = new CachingFeaturizer(inner, dir);
        cache.close();
        cache.close();

        assertThat(inner.closed).isTrue();
        assertThatThrownBy(() -> cache.embed("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldHoldNoMoreThanTheBoundAndEvictTheLeastRecentlyUsedText() {
        final long tenEntries = 10 * CachingFeaturizer.entryBytes(8);
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        final List<int[]> calls = new ArrayList<>();
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, null, tenEntries)) {
            cache.setListener(new CachingFeaturizer.Listener() {
                @Override
                public void onEmbed(final int hits, final int misses, final int evicted, final long bytes) {
                    calls.add(new int[] {hits, misses, evicted, (int) bytes});
                }
            });
            for (int i = 0; i < 10; i++) {
                cache.embed("t" + i);
            }
            cache.embed("t0");                              // t0 becomes the most recently used
            cache.embed("t10");                             // evicts t1, the least recently used

            assertThat(cache.size()).isEqualTo(10);
            assertThat(cache.bytes()).isEqualTo(tenEntries).isLessThanOrEqualTo(cache.maxBytes());
            assertThat(cache.evictionCount()).isEqualTo(1);
            final long before = inner.embedded.get();
            cache.embed("t0");
            assertThat(inner.embedded.get()).isEqualTo(before);
            cache.embed("t1");
            assertThat(inner.embedded.get()).isEqualTo(before + 1);
            assertThat(cache.file()).isNull();
            assertThat(cache.isPersistent()).isFalse();
        }
        assertThat(calls.get(10)).containsExactly(1, 0, 0, (int) tenEntries);
        assertThat(calls.get(11)).containsExactly(0, 1, 1, (int) tenEntries);
    }

    @Test
    void shouldStayWithinTheBoundOverManyDistinctTextsInMemoryAndOnDisk() throws IOException {
        final long bound = 50 * CachingFeaturizer.entryBytes(8);
        final Path file;
        try (CachingFeaturizer cache = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir, bound)) {
            file = cache.file();
            final long recordBytes = 32 + 4 * 8 + 4;
            long maxFile = 0;
            for (int i = 0; i < 5_000; i++) {
                cache.embed(List.of("distinct " + i, "distinct " + i));
                assertThat(cache.bytes()).isLessThanOrEqualTo(bound);
                maxFile = Math.max(maxFile, Files.size(file));
            }
            assertThat(cache.size()).isEqualTo(50);
            assertThat(cache.compactionCount()).isPositive();
            assertThat(maxFile).isLessThan(100 * 2 * recordBytes);   // header + at most twice the bound's records
        }
        // the file keeps the most recent texts
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir, bound)) {
            assertThat(cache.size()).isEqualTo(50);
            cache.embed(IntStream.range(4_950, 5_000).mapToObj(i -> "distinct " + i).collect(Collectors.toList()));
            assertThat(inner.embedded.get()).isZero();
        }
        assertThat(corruptCopies()).isEmpty();
    }

    @Test
    void shouldLoadOnlyTheMostRecentRecordsOfAFileLargerThanTheBound() {
        try (CachingFeaturizer unbounded = new CachingFeaturizer(new CountingFeaturizer("fake", 8), dir)) {
            unbounded.embed(TEXTS);
        }
        final CountingFeaturizer inner = new CountingFeaturizer("fake", 8);
        try (CachingFeaturizer cache = new CachingFeaturizer(inner, dir, 5 * CachingFeaturizer.entryBytes(8))) {
            assertThat(cache.size()).isEqualTo(5);
            cache.embed(TEXTS.subList(15, 20));
            assertThat(inner.embedded.get()).isZero();
        }
    }

    @Test
    void shouldRefuseABoundThatHoldsNoVector() {
        assertThatThrownBy(() -> new CachingFeaturizer(new CountingFeaturizer("fake", 8), null, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
    }

    private List<Path> corruptCopies() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".corrupt-")).collect(Collectors.toList());
        }
    }
}
