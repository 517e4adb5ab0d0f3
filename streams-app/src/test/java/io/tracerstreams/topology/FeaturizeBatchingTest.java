/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.serde.MockSchemaRegistryClient;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The featurize stage's batches: every record read is forwarded once, in the order read, with its key (the task),
 * timestamp and headers, and with the vector its own text embeds to; held records survive a lost processor
 * (the store is what its changelog restores); a featurizer failure on one text spares its batch-mates.
 */
class FeaturizeBatchingTest {

    private static final String REQUESTS = "llm.requests";
    private static final String RESPONSES = "llm.responses";

    @TempDir
    Path stateDir;

    private TracerConfig config;
    private TopicSerdes serdes;
    private final HashingFeaturizer hashing = new HashingFeaturizer(64);
    private final List<Integer> callSizes = new ArrayList<>();
    private String failOn;

    /** The hashing featurizer, recording the size of each call; fails a call that contains {@link #failOn}. */
    private final Featurizer featurizer = new Featurizer() {
        @Override
        public String id() {
            return hashing.id();
        }

        @Override
        public int dimension() {
            return hashing.dimension();
        }

        @Override
        public List<float[]> embed(final List<String> texts) {
            callSizes.add(texts.size());
            if (failOn != null && texts.stream().anyMatch(t -> t.contains(failOn))) {
                throw new IllegalStateException("cannot embed " + failOn);
            }
            return hashing.embed(texts);
        }

        @Override
        public long truncatedCount() {
            return 0;
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() {
        config = new TracerConfig(TopologyHarness.settings(stateDir));
        serdes = TopicSerdes.fromConfig(config);
    }

    @AfterEach
    void tearDown() {
        serdes.close();
        MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(config.schemaRegistryUrl()));
    }

    private Properties props() {
        final Properties props = new Properties();
        props.put("application.id", "batching-test");
        props.put("bootstrap.servers", "unused:9092");
        props.put("state.dir", stateDir.toString());
        return props;
    }

    private MockProcessorContext<String, Emitted> context(final KeyValueStore<Long, byte[]> store) {
        final MockProcessorContext<String, Emitted> context = new MockProcessorContext<>(props());
        context.setCurrentSystemTimeMs(1_000_000L);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return context;
    }

    private static KeyValueStore<Long, byte[]> store() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FeaturizeProcessor.BUFFER_STORE), Serdes.Long(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    private FeaturizeProcessor processor(final MockProcessorContext<String, Emitted> context, final int maxTexts) {
        return processor(context, maxTexts, 0L);
    }

    private FeaturizeProcessor processor(final MockProcessorContext<String, Emitted> context, final int maxTexts,
                                         final long settleIntervalMs) {
        final TracerCounters counters = new TracerCounters();
        final FeaturizeProcessor p = new FeaturizeProcessor(REQUESTS, serdes, featurizer, config.maxInputChars(), maxTexts, 5,
                config.tasksAllowed(), new RegistryOutageRetry(config.schemaRegistryOutageBackoffMaxMs(),
                config.schemaRegistryOutageWaitMaxMs(), counters), true, 10, settleIntervalMs, counters);
        p.init(context);
        return p;
    }

    private byte[] request(final String id, final String task, final String input) {
        return serdes.request().serializer().serialize(REQUESTS, LlmRequest.newBuilder().setRequestId(id).setTask(task)
                .setInput(input).setTimestamp(Instant.EPOCH).build());
    }

    private byte[] response(final String id, final String task, final String label, final String input) {
        return serdes.response().serializer().serialize(RESPONSES, LlmResponse.newBuilder().setRequestId(id).setTask(task)
                .setLabel(label).setInput(input).setModel("llm").setTimestamp(Instant.EPOCH).build());
    }

    /** Feeds one record as read from {@code topic} at {@code offset}, with a header naming it. */
    private static void feed(final MockProcessorContext<String, Emitted> context, final FeaturizeProcessor p, final String topic,
                             final long offset, final byte[] value) {
        context.setRecordMetadata(topic, 0, offset);
        final RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", ("t-" + offset).getBytes(StandardCharsets.UTF_8));
        p.process(new Record<>(("k" + offset).getBytes(StandardCharsets.UTF_8), value, 1_000L + offset, headers));
    }

    private static String header(final CapturedForward<? extends String, ? extends Emitted> f) {
        return new String(f.record().headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldHoldRecordsUntilTheBatchIsFullThenForwardEveryOneInReadOrderWithKeyTimestampAndHeaders() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 6);
        feed(context, p, REQUESTS, 0, request("r0", "intents", "my card was stolen, please block it"));
        feed(context, p, RESPONSES, 1, response("r1", "intents", "lost_card", "lost card"));
        feed(context, p, REQUESTS, 2, new byte[] {0, 0, 0, 0, 99, 1, 2});
        feed(context, p, REQUESTS, 3, request("r3", "intents", " "));
        feed(context, p, RESPONSES, 4, response("r4", "intents", "greeting", null));
        assertThat(context.forwarded()).as("held until the batch is full").isEmpty();
        assertThat(store.approximateNumEntries()).isEqualTo(5);
        assertThat(callSizes).isEmpty();

        feed(context, p, REQUESTS, 5, request("r5", "other", "hi"));

        assertThat(callSizes).as("one featurizer call for the batch's three texts").containsExactly(3);
        assertThat(context.committed()).as("a full batch leaves commits to commit.interval.ms").isFalse();
        final List<CapturedForward<? extends String, ? extends Emitted>> out = context.forwarded();
        assertThat(out).hasSize(6);
        assertThat(out).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1", "t-2", "t-3", "t-4", "t-5");
        assertThat(out).extracting(f -> (Object) f.record().timestamp()).containsExactly(1000L, 1001L, 1002L, 1003L, 1004L, 1005L);
        assertThat(out).extracting(f -> (Object) f.record().key()).containsExactly("intents", "intents", null, "intents", "intents", "other");
        final TraceRecord r0 = (TraceRecord) out.get(0).record().value();
        assertThat(r0.kind()).isEqualTo(TraceRecord.Kind.REQUEST);
        assertThat(r0.sourceOffset()).isEqualTo(0);
        assertThat(r0.embedding()).containsExactly(hashing.embed("my card was stolen, please block it"));
        final TraceRecord r1 = (TraceRecord) out.get(1).record().value();
        assertThat(r1.kind()).isEqualTo(TraceRecord.Kind.RESPONSE);
        assertThat(r1.sourceTopic()).isEqualTo(RESPONSES);
        assertThat(r1.embedding()).containsExactly(hashing.embed("lost card"));
        assertThat(out.get(2).record().value()).isInstanceOf(DeadLetter.class);
        assertThat(new String(out.get(2).record().headers().lastHeader(DeadLetter.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                .isEqualTo("2");
        assertThat(((TraceRecord) out.get(3).record().value()).kind()).isEqualTo(TraceRecord.Kind.INVALID_REQUEST);
        assertThat(((TraceRecord) out.get(4).record().value()).embedding()).isNull();
        assertThat(((TraceRecord) out.get(5).record().value()).embedding()).containsExactly(hashing.embed("hi"));
        assertThat(store.approximateNumEntries()).as("the buffer is empty after the flush").isZero();
    }

    @Test
    void shouldGiveEveryRecordOfALengthSortedBatchItsOwnVector() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 40);
        final Random random = new Random(7);
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            final StringBuilder sb = new StringBuilder();
            for (int w = random.nextInt(30); w >= 0; w--) {
                sb.append("w").append(random.nextInt(500)).append(' ');
            }
            texts.add(sb.toString().trim());
            feed(context, p, i % 2 == 0 ? REQUESTS : RESPONSES, i,
                    i % 2 == 0 ? request("r" + i, "t", texts.get(i)) : response("r" + i, "t", "l", texts.get(i)));
        }
        assertThat(callSizes).containsExactly(40);
        final List<CapturedForward<? extends String, ? extends Emitted>> out = context.forwarded();
        assertThat(out).hasSize(40);
        for (int i = 0; i < 40; i++) {
            final TraceRecord r = (TraceRecord) out.get(i).record().value();
            assertThat(r.requestId()).isEqualTo("r" + i);
            assertThat(r.embedding()).as("record %d", i).containsExactly(hashing.embed(texts.get(i)));
        }
    }

    @Test
    void shouldFlushAPartialBatchOnTheWallClockAndPunctuateOnlyWhileRecordsAreHeld() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 32);
        assertThat(context.scheduledPunctuators()).as("nothing held, nothing scheduled").isEmpty();
        feed(context, p, REQUESTS, 0, request("r0", "t", "one"));
        feed(context, p, REQUESTS, 1, request("r1", "t", "two"));
        assertThat(context.scheduledPunctuators()).hasSize(1);
        final MockProcessorContext.CapturedPunctuator punctuator = context.scheduledPunctuators().get(0);
        assertThat(punctuator.getInterval().toMillis()).isEqualTo(5);

        assertThat(context.committed()).isFalse();
        punctuator.getPunctuator().punctuate(context.currentSystemTimeMs() + 5);

        assertThat(context.forwarded()).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1");
        assertThat(context.committed()).as("a partial batch flushed on time asks for a commit once routed").isTrue();
        assertThat(punctuator.cancelled()).as("no punctuation while nothing is held").isTrue();
        assertThat(store.approximateNumEntries()).isZero();
        feed(context, p, REQUESTS, 2, request("r2", "t", "three"));
        assertThat(context.scheduledPunctuators()).hasSize(2);
        assertThat(context.scheduledPunctuators().get(1).cancelled()).isFalse();

        context.resetCommit();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(context.currentSystemTimeMs() + 5 + 10 + 5 + 1);
        assertThat(context.forwarded()).extracting(FeaturizeBatchingTest::header).contains("t-2");
        assertThat(context.committed()).as("a flush that comes late (a busy thread: a backlog) leaves commits to "
                + "commit.interval.ms").isFalse();

        context.resetCommit();
        feed(context, p, RESPONSES, 3, response("r3", "t", "l", "three"));
        final MockProcessorContext.CapturedPunctuator third = context.scheduledPunctuators().get(2);
        third.getPunctuator().punctuate(context.currentSystemTimeMs() + 5);
        assertThat(context.forwarded()).extracting(FeaturizeBatchingTest::header).contains("t-3");
        assertThat(context.committed()).as("a batch of responses alone waits for the next commit: nobody waits for "
                + "a learned trace").isFalse();
        feed(context, p, RESPONSES, 4, response("r4", "t", "l", "four"));
        feed(context, p, REQUESTS, 5, request("r5", "t", "five"));
        context.scheduledPunctuators().get(3).getPunctuator().punctuate(context.currentSystemTimeMs() + 5);
        assertThat(context.committed()).as("a batch with a request in it asks for its commit").isTrue();
    }

    @Test
    void shouldForwardAResponseWithNothingToEmbedAtOnceOnlyWhileNothingIsHeld() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 32);
        feed(context, p, RESPONSES, 0, response("r0", "t", "l", null));
        assertThat(context.forwarded()).as("nothing held before it: forwarded at once").extracting(FeaturizeBatchingTest::header)
                .containsExactly("t-0");
        assertThat(store.approximateNumEntries()).as("never written to the buffer").isZero();
        assertThat(context.scheduledPunctuators()).isEmpty();
        assertThat(callSizes).isEmpty();

        feed(context, p, RESPONSES, 1, response("r1", "t", "l", "an input to learn from"));
        assertThat(context.forwarded()).as("a response with an input waits to be embedded in a batch").hasSize(1);
        feed(context, p, RESPONSES, 2, response("r2", "t", "l", null));
        feed(context, p, REQUESTS, 3, request("r3", "t", "three"));
        assertThat(context.forwarded()).as("behind a held record a response waits too: read order").hasSize(1);
        assertThat(store.approximateNumEntries()).isEqualTo(3);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs() + 5);
        assertThat(context.forwarded()).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1", "t-2", "t-3");
        assertThat(((TraceRecord) context.forwarded().get(1).record().value()).embedding())
                .containsExactly(hashing.embed("an input to learn from"));

        feed(context, p, RESPONSES, 4, response("r4", "t", "l", null));
        assertThat(context.forwarded()).as("the buffer is empty again").hasSize(5);
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldHoldAResponseWhileFlushedRecordsAwaitTheirSettleUnderAtLeastOnce() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 1, 100L);
        feed(context, p, REQUESTS, 0, request("r0", "t", "zero"));
        assertThat(context.forwarded()).hasSize(1);
        assertThat(store.approximateNumEntries()).as("flushed, kept until settled").isEqualTo(1);
        feed(context, p, RESPONSES, 1, response("r1", "t", "l", null));
        assertThat(store.approximateNumEntries()).as("held like any record while the buffer is not empty").isEqualTo(1 + 1);
    }

    /**
     * Under at_least_once a crash right after a flush could keep the buffer's deletions (its own changelog) and lose
     * the flush's outputs, while the records' offsets were committed before: the records would be lost. So a flush
     * asks for a commit and its records stay in the buffer (skipped by later flushes) until the settle punctuation
     * has run twice; a processor lost before then flushes them again (at least once).
     */
    @Test
    void shouldKeepFlushedRecordsForAWhileUnderAtLeastOnceAndFlushThemAgainAfterACrash() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> first = context(store);
        final FeaturizeProcessor p = processor(first, 1, 1_000L);
        assertThat(first.scheduledPunctuators()).singleElement()
                .satisfies(s -> assertThat(s.getInterval().toMillis()).isEqualTo(1_000L));
        feed(first, p, REQUESTS, 0, request("r0", "t", "zero"));
        assertThat(first.committed()).as("a flush asks for a commit").isTrue();
        feed(first, p, REQUESTS, 1, request("r1", "t", "one"));
        assertThat(first.forwarded()).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1");
        assertThat(store.approximateNumEntries()).as("flushed, kept").isEqualTo(2);
        p.settleFlushed(); // arms r0, r1
        // later flushes skip what was flushed
        feed(first, p, REQUESTS, 2, request("r2", "t", "two"));
        assertThat(first.forwarded()).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1", "t-2");
        assertThat(store.approximateNumEntries()).isEqualTo(3);

        // lost now: the store is what the changelog restores, flushed records included: flushed again
        final MockProcessorContext<String, Emitted> second = new MockProcessorContext<>(props());
        second.setCurrentSystemTimeMs(1_000_000L);
        second.addStateStore(store);
        final FeaturizeProcessor restored = processor(second, 1, 1_000L);
        feed(second, restored, REQUESTS, 3, request("r3", "t", "three"));
        assertThat(second.forwarded()).extracting(f -> ((TraceRecord) f.record().value()).requestId())
                .containsExactly("r0", "r1", "r2", "r3");

        // what was flushed goes at the second settle run after its flush
        restored.settleFlushed();
        assertThat(store.approximateNumEntries()).isEqualTo(4);
        restored.settleFlushed();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldEmbedWhatTheStoreHeldWhenAProcessorWasLostAndKeepTheReadOrderAfterIt() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> first = context(store);
        final FeaturizeProcessor lost = processor(first, 32);
        feed(first, lost, REQUESTS, 0, request("r0", "t", "zero"));
        feed(first, lost, RESPONSES, 1, response("r1", "t", "l", "one"));
        feed(first, lost, REQUESTS, 2, request("r2", "t", "two"));
        assertThat(first.forwarded()).isEmpty();

        // the processor is gone (a crash, or the task moved); its store is what the changelog restores
        final MockProcessorContext<String, Emitted> second = new MockProcessorContext<>(props());
        second.setCurrentSystemTimeMs(1_000_000L);
        second.addStateStore(store);
        final FeaturizeProcessor restored = processor(second, 32);
        assertThat(second.scheduledPunctuators()).as("held records are flushed on the wall clock").hasSize(1);
        feed(second, restored, REQUESTS, 3, request("r3", "t", "three"));
        second.scheduledPunctuators().get(0).getPunctuator().punctuate(0L);

        assertThat(second.forwarded()).extracting(FeaturizeBatchingTest::header).containsExactly("t-0", "t-1", "t-2", "t-3");
        assertThat(second.forwarded()).extracting(f -> ((TraceRecord) f.record().value()).requestId())
                .containsExactly("r0", "r1", "r2", "r3");
    }

    @Test
    void shouldEmbedBatchMatesOneAtATimeWhenTheFeaturizerFailsOnOneText() {
        final KeyValueStore<Long, byte[]> store = store();
        final MockProcessorContext<String, Emitted> context = context(store);
        final FeaturizeProcessor p = processor(context, 3);
        failOn = "boom";
        feed(context, p, REQUESTS, 0, request("r0", "t", "fine"));
        feed(context, p, REQUESTS, 1, request("r1", "t", "boom here"));
        feed(context, p, RESPONSES, 2, response("r2", "t", "l", "also fine"));

        assertThat(callSizes).containsExactly(3, 1, 1, 1);
        final List<CapturedForward<? extends String, ? extends Emitted>> out = context.forwarded();
        assertThat(out).hasSize(3);
        assertThat(((TraceRecord) out.get(0).record().value()).embedding()).containsExactly(hashing.embed("fine"));
        final TraceRecord failed = (TraceRecord) out.get(1).record().value();
        assertThat(failed.kind()).isEqualTo(TraceRecord.Kind.INVALID_REQUEST);
        assertThat(failed.note()).contains("featurizer failed").contains("cannot embed boom");
        assertThat(((TraceRecord) out.get(2).record().value()).embedding()).containsExactly(hashing.embed("also fine"));
    }
}
