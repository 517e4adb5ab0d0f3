/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.serde.MockSchemaRegistryClient;
import io.tracerstreams.serde.SpecificAvroSerde;
import io.tracerstreams.serde.TracerSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client on MockProducer and MockConsumer: correlation, timeouts, answers, close, metrics, bad arguments. */
class TracerClientTest {

    private static final String DECISIONS = "tracer.decisions";
    private static final TopicPartition P0 = new TopicPartition(DECISIONS, 0);
    private static final TopicPartition P1 = new TopicPartition(DECISIONS, 1);

    private final String registry = "mock://client-test-" + UUID.randomUUID();
    private final SpecificAvroSerde<LlmRequest> requests = TracerSerdes.llmRequest(registry, false);
    private final SpecificAvroSerde<LlmResponse> responses = TracerSerdes.llmResponse(registry, false);
    private final SpecificAvroSerde<RoutingDecision> decisions = TracerSerdes.routingDecision(registry, false);
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final SlowMockConsumer consumer = new SlowMockConsumer();
    private final AtomicInteger offsets = new AtomicInteger();
    private TracerClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ZERO);
        }
        requests.close();
        responses.close();
        decisions.close();
        MockSchemaRegistryClient.dropScope(MockSchemaRegistryClient.scopeOf(registry));
    }

    private TracerClientConfig.Builder config() {
        return TracerClientConfig.builder().bootstrapServers("unused:9092").schemaRegistryUrl(registry)
                .clientId("test").metadataRefresh(Duration.ofMillis(50));
    }

    private TracerClient start(final TracerClientConfig config) {
        consumer.updatePartitions(DECISIONS, List.of(partition(0), partition(1)));
        consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
        client = new TracerClient(config, producer, consumer);
        return client;
    }

    private static PartitionInfo partition(final int p) {
        return new PartitionInfo(DECISIONS, p, Node.noNode(), new Node[0], new Node[0]);
    }

    /** The requests the client wrote, decoded. */
    private List<LlmRequest> sentRequests() {
        final List<LlmRequest> out = new ArrayList<>();
        for (final ProducerRecord<String, byte[]> r : producer.history()) {
            if (r.topic().equals("llm.requests")) {
                out.add(requests.deserializer().deserialize(r.topic(), r.value()));
            }
        }
        return out;
    }

    private static RoutingDecision decision(final LlmRequest request, final io.tracerstreams.schema.Decision d,
                                            final String label, final Reason reason, final boolean audit) {
        return RoutingDecision.newBuilder().setRequestId(request.getRequestId()).setTask(request.getTask())
                .setDecision(d).setLabel(label).setScore(0.9).setThreshold(0.8).setReason(reason).setAudit(audit)
                .setAuditProbability(audit ? 0.1 : 1.0).setModelVersion("ncm@100").setTimestamp(Instant.now()).build();
    }

    private void publish(final RoutingDecision d) {
        final int offset = offsets.getAndIncrement();
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(DECISIONS, offset % 2, offset / 2,
                d.getTask(), decisions.serializer().serialize(DECISIONS, d))));
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldCompleteEachCallWithTheDecisionOfItsOwnRequestId() throws Exception {
        start(config().build());
        final CompletableFuture<Decision> a = client.route("intents", "my card was stolen");
        final CompletableFuture<Decision> b = client.route("intents", "where is my parcel");
        await(() -> sentRequests().size() == 2);
        final List<LlmRequest> sent = sentRequests();
        final LlmRequest ra = sent.stream().filter(r -> r.getInput().equals("my card was stolen")).findFirst().orElseThrow();
        final LlmRequest rb = sent.stream().filter(r -> r.getInput().equals("where is my parcel")).findFirst().orElseThrow();
        assertThat(producer.history()).allSatisfy(r -> assertThat(r.key()).isEqualTo("intents"));

        // another client's decision is ignored; the two decisions arrive in the opposite order
        publish(decision(LlmRequest.newBuilder(rb).setRequestId("someone-else").build(),
                io.tracerstreams.schema.Decision.HANDLED, "x", Reason.CONFIDENT, false));
        publish(decision(rb, io.tracerstreams.schema.Decision.DEFERRED, null, Reason.GATE_CLOSED, false));
        publish(decision(ra, io.tracerstreams.schema.Decision.HANDLED, "lost_or_stolen_card", Reason.CONFIDENT, false));

        final Decision da = a.get(10, TimeUnit.SECONDS);
        final Decision db = b.get(10, TimeUnit.SECONDS);
        assertThat(da.requestId()).isEqualTo(ra.getRequestId());
        assertThat(da.isHandled()).isTrue();
        assertThat(da.label()).contains("lost_or_stolen_card");
        assertThat(da.mustCallLlm()).isFalse();
        assertThat(da.isTimeout()).isFalse();
        assertThat(db.requestId()).isEqualTo(rb.getRequestId());
        assertThat(db.reason()).isEqualTo(Reason.GATE_CLOSED);
        assertThat(db.mustCallLlm()).isTrue();
        assertThat(db.input()).isEqualTo("where is my parcel");

        final ClientMetrics m = client.metricsSnapshot();
        assertThat(m.calls()).isEqualTo(2);
        assertThat(m.decisions()).isEqualTo(2);
        assertThat(m.timeouts()).isZero();
        assertThat(m.inFlight()).isZero();
        assertThat(m.latencyMaxMs()).isGreaterThanOrEqualTo(m.latencyAvgMs()).isGreaterThanOrEqualTo(0.0);
        assertThat(m.latencyP50Ms()).isGreaterThanOrEqualTo(0.0).isLessThanOrEqualTo(m.latencyP99Ms());
        // histogram buckets: a percentile is within one (narrow, at these latencies) bucket of the largest value
        assertThat(m.latencyP99Ms()).isLessThanOrEqualTo(m.latencyMaxMs() + 50.0);
        assertThat(client.metrics().keySet()).anySatisfy(n -> {
            assertThat(n.group()).isEqualTo(TracerClient.METRIC_GROUP);
            assertThat(n.name()).isEqualTo("in-flight");
            assertThat(n.tags()).containsEntry("client-id", "test");
        });
    }

    @Test
    void shouldCompleteDeferredWithReasonTimeoutWhenNoDecisionArrivesAndIgnoreALateOne() throws Exception {
        start(config().build());
        final CompletableFuture<Decision> call = client.route("intents", "hello", Duration.ofMillis(200));
        final Decision d = call.get(10, TimeUnit.SECONDS);
        assertThat(d.isHandled()).isFalse();
        assertThat(d.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(d.mustCallLlm()).isTrue();
        assertThat(d.isTimeout()).isTrue();
        assertThat(d.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(d.record().getModelVersion()).contains("no decision within 200 ms");

        publish(decision(sentRequests().get(0), io.tracerstreams.schema.Decision.HANDLED, "greeting", Reason.CONFIDENT, false));
        await(() -> consumer.polledRecords.get() > 0);
        assertThat(call.get().reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(client.metricsSnapshot().timeouts()).isEqualTo(1);
        assertThat(client.metricsSnapshot().decisions()).isZero();
        assertThat(client.metricsSnapshot().inFlight()).isZero();
    }

    @Test
    void shouldCompleteTimeoutAtOnceWhenTheRequestCannotBeDelivered() throws Exception {
        final MockProducer<String, byte[]> manual = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        consumer.updatePartitions(DECISIONS, List.of(partition(0)));
        consumer.updateEndOffsets(Map.of(P0, 0L));
        client = new TracerClient(config().build(), manual, consumer);
        final CompletableFuture<Decision> call = client.route("intents", "hello", Duration.ofMinutes(5));
        await(() -> manual.history().size() == 1);
        manual.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));
        final Decision d = call.get(10, TimeUnit.SECONDS);
        assertThat(d.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(d.record().getModelVersion()).contains("not delivered").contains("Expiring 1 record");
        assertThat(client.metricsSnapshot().sendErrors()).isEqualTo(1);
        assertThat(client.metricsSnapshot().timeouts()).isEqualTo(1);
    }

    @Test
    void shouldHoldRequestsUntilTheConsumerHasItsPositionAndTimeOutWhileTheBrokerIsUnreachable() throws Exception {
        consumer.failPartitionsFor.set(1_000_000);
        client = new TracerClient(config().build(), producer, consumer);
        final Decision d = client.route("intents", "hello", Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
        assertThat(d.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(producer.history()).as("no request is sent before the decisions can be read").isEmpty();

        // the broker comes back: calls go through
        consumer.updatePartitions(DECISIONS, List.of(partition(0)));
        consumer.updateEndOffsets(Map.of(P0, 0L));
        consumer.failPartitionsFor.set(0);
        final CompletableFuture<Decision> next = client.route("intents", "hello again", Duration.ofSeconds(30));
        await(() -> sentRequests().stream().anyMatch(r -> r.getInput().equals("hello again")));
        final LlmRequest sent = sentRequests().stream().filter(r -> r.getInput().equals("hello again")).findFirst().orElseThrow();
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(DECISIONS, 0, 0L, "intents",
                decisions.serializer().serialize(DECISIONS, decision(sent, io.tracerstreams.schema.Decision.HANDLED, "greeting",
                        Reason.CONFIDENT, false)))));
        assertThat(next.get(10, TimeUnit.SECONDS).label()).contains("greeting");
    }

    @Test
    void shouldTimeOutOnTimeWhileAHeldRequestsSendBlocks() throws Exception {
        // a send that blocks (max.block.ms: metadata of a broker that went away) must not hold up other calls' timeouts
        final MockProducer<String, byte[]> blocking = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    final ProducerRecord<String, byte[]> record, final org.apache.kafka.clients.producer.Callback callback) {
                try {
                    Thread.sleep(6_000);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        consumer.failPartitionsFor.set(1_000_000);
        client = new TracerClient(config().build(), blocking, consumer);
        client.route("intents", "held, then sent slowly", Duration.ofSeconds(30));
        final long t0 = System.nanoTime();
        final CompletableFuture<Decision> other = client.route("intents", "held too", Duration.ofMillis(1_500));
        final CompletableFuture<Long> doneAtMs = other.thenApply(d -> (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(100);
        consumer.updatePartitions(DECISIONS, List.of(partition(0)));
        consumer.updateEndOffsets(Map.of(P0, 0L));
        consumer.failPartitionsFor.set(0); // positioned: the first held request's send starts and blocks for 6 s
        assertThat(other.get(20, TimeUnit.SECONDS).reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(doneAtMs.get()).as("ms until the 1.5 s call timed out (a blocked timer would take 6 s)").isLessThan(4_500L);
    }

    @Test
    void shouldAnswerDeferredAndAuditedDecisionsAndRefuseHandledOnes() throws Exception {
        start(config().build());
        final LlmRequest request = LlmRequest.newBuilder().setRequestId("r1").setTask("intents").setInput("card stolen")
                .setTimestamp(Instant.now()).build();
        final Decision deferred = Decision.of(decision(request, io.tracerstreams.schema.Decision.DEFERRED, null,
                Reason.LOW_SCORE, false), "card stolen");
        final Decision audited = Decision.of(decision(request, io.tracerstreams.schema.Decision.HANDLED, "card",
                Reason.AUDIT, true), "card stolen");
        final Decision handled = Decision.of(decision(request, io.tracerstreams.schema.Decision.HANDLED, "card",
                Reason.CONFIDENT, false), "card stolen");

        client.answer(deferred, "lost_or_stolen_card", "gpt-x", 420).get(10, TimeUnit.SECONDS);
        client.answer(audited, "lost_or_stolen_card").get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.answer(handled, "lost_or_stolen_card"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r1").hasMessageContaining("HANDLED").hasMessageContaining("without audit");
        assertThatThrownBy(() -> client.answer(deferred, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("llmLabel");

        final List<ProducerRecord<String, byte[]>> written = producer.history().stream()
                .filter(r -> r.topic().equals("llm.responses")).toList();
        assertThat(written).hasSize(2);
        final LlmResponse first = responses.deserializer().deserialize("llm.responses", written.get(0).value());
        assertThat(written.get(0).key()).isEqualTo("intents");
        assertThat(first.getRequestId()).isEqualTo("r1");
        assertThat(first.getLabel()).isEqualTo("lost_or_stolen_card");
        assertThat(first.getInput()).isEqualTo("card stolen");
        assertThat(first.getModel()).isEqualTo("gpt-x");
        assertThat(first.getLatencyMs()).isEqualTo(420);
        assertThat(client.metricsSnapshot().answers()).isEqualTo(2);
    }

    @Test
    void shouldDrainOnCloseThenCompleteTheRestWithTimeout() throws Exception {
        start(config().build());
        final CompletableFuture<Decision> answered = client.route("intents", "a", Duration.ofMinutes(5));
        final CompletableFuture<Decision> unanswered = client.route("intents", "b", Duration.ofMinutes(5));
        await(() -> sentRequests().size() == 2);
        final LlmRequest ra = sentRequests().stream().filter(r -> r.getInput().equals("a")).findFirst().orElseThrow();
        final ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            final Future<?> closing = closer.submit(() -> client.close(Duration.ofMillis(1_500)));
            Thread.sleep(100);
            assertThatThrownBy(() -> client.route("intents", "c")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            publish(decision(ra, io.tracerstreams.schema.Decision.HANDLED, "x", Reason.CONFIDENT, false));
            assertThat(answered.get(10, TimeUnit.SECONDS).reason()).as("answered while draining").isEqualTo(Reason.CONFIDENT);
            closing.get(20, TimeUnit.SECONDS);
        } finally {
            closer.shutdownNow();
        }
        assertThat(unanswered).isDone();
        assertThat(unanswered.get().reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(unanswered.get().record().getModelVersion()).contains("closed");
        assertThat(producer.closed()).isTrue();
        assertThat(consumer.closed()).isTrue();
        client.close(); // idempotent
    }

    @Test
    void shouldCorrelateConcurrentCallsFromManyThreads() throws Exception {
        start(config().build());
        final int threads = 6;
        final int perThread = 150;
        final ExecutorService callers = Executors.newFixedThreadPool(threads);
        final AtomicInteger answeredCount = new AtomicInteger();
        final Thread tracer = new Thread(() -> {
            // plays tracer: answers every request with a label derived from its input, in the order they were sent
            int seen = 0;
            while (seen < threads * perThread && !Thread.currentThread().isInterrupted()) {
                final List<LlmRequest> sent = sentRequests();
                for (; seen < sent.size(); seen++) {
                    final LlmRequest r = sent.get(seen);
                    publish(decision(r, io.tracerstreams.schema.Decision.HANDLED, "label-of-" + r.getInput(),
                            Reason.CONFIDENT, false));
                    answeredCount.incrementAndGet();
                }
                try {
                    Thread.sleep(2);
                } catch (final InterruptedException e) {
                    return;
                }
            }
        });
        tracer.start();
        try {
            final List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                results.add(callers.submit(() -> {
                    final List<String> problems = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        final String input = "t" + thread + "-" + i;
                        final Decision d = client.routeAndWait("intents", input, Duration.ofSeconds(30));
                        if (!d.label().orElse("").equals("label-of-" + input) || !input.equals(d.input())) {
                            problems.add(input + " -> " + d);
                        }
                    }
                    return problems;
                }));
            }
            for (final Future<List<String>> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEmpty();
            }
        } finally {
            callers.shutdownNow();
            tracer.interrupt();
        }
        assertThat(client.metricsSnapshot().decisions()).isEqualTo(threads * perThread);
        assertThat(client.metricsSnapshot().inFlight()).isZero();
    }

    @Test
    void shouldReadPartitionsAddedLaterFromTheirBeginning() throws Exception {
        start(config().build());
        final CompletableFuture<Decision> call = client.route("intents", "x", Duration.ofSeconds(30));
        await(() -> sentRequests().size() == 1);
        final TopicPartition p2 = new TopicPartition(DECISIONS, 2);
        consumer.updateBeginningOffsets(Map.of(p2, 0L));
        consumer.updatePartitions(DECISIONS, List.of(partition(0), partition(1), partition(2)));
        await(() -> consumer.assignment().contains(p2));
        final RoutingDecision d = decision(sentRequests().get(0), io.tracerstreams.schema.Decision.HANDLED, "y",
                Reason.CONFIDENT, false);
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(DECISIONS, 2, 0L, "intents",
                decisions.serializer().serialize(DECISIONS, d))));
        assertThat(call.get(10, TimeUnit.SECONDS).label()).contains("y");
    }

    @Test
    void shouldSendAtOnceWhenTheDecisionsTopicHasNoPartitionsYetAndReadThemFromTheBeginningOnceTheyExist()
            throws Exception {
        client = new TracerClient(config().metadataRefresh(Duration.ofMinutes(5)).build(), producer, consumer);
        final CompletableFuture<Decision> call = client.route("intents", "x", Duration.ofSeconds(30));
        await(() -> sentRequests().size() == 1);
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updatePartitions(DECISIONS, List.of(partition(0)));
        await(() -> consumer.assignment().contains(P0)); // within about a second, not metadataRefresh
        final RoutingDecision d = decision(sentRequests().get(0), io.tracerstreams.schema.Decision.DEFERRED, null,
                Reason.WARMING_UP, false);
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(DECISIONS, 0, 0L, "intents",
                decisions.serializer().serialize(DECISIONS, d))));
        assertThat(call.get(10, TimeUnit.SECONDS).reason()).isEqualTo(Reason.WARMING_UP);
    }

    @Test
    void shouldRejectBadArgumentsWithAMessageNamingTheField() {
        start(config().build());
        assertThatThrownBy(() -> client.route(" ", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task");
        assertThatThrownBy(() -> client.route("a\nb", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character");
        assertThatThrownBy(() -> client.route("intents", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input");
        assertThatThrownBy(() -> client.route("intents", "x", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThat(client.metricsSnapshot().calls()).isZero();

        assertThatThrownBy(() -> TracerClientConfig.builder().schemaRegistryUrl("mock://x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> TracerClientConfig.builder().bootstrapServers("b:9092").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schemaRegistryUrl");
        assertThatThrownBy(() -> config().decisionsTopic("bad topic").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decisionsTopic");
        assertThatThrownBy(() -> config().defaultTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultTimeout");
        assertThatThrownBy(() -> config().kafkaProperty("isolation.level", "read_uncommitted").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("isolation.level");
    }

    @Test
    void shouldConfigureReadCommittedWithoutAGroupAndAnIdempotentProducer() {
        final TracerClientConfig c = config().kafkaProperty("security.protocol", "SSL").build();
        assertThat(TracerClient.consumerProperties(c)).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false).doesNotContainKey("group.id")
                .containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "unused:9092");
        assertThat(TracerClient.producerProperties(c)).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true).containsEntry("security.protocol", "SSL");
    }

    /** A MockConsumer that does not spin (poll waits a little when empty) and can fail partitionsFor. */
    private static final class SlowMockConsumer extends MockConsumer<String, byte[]> {
        final AtomicInteger failPartitionsFor = new AtomicInteger();
        final AtomicInteger polledRecords = new AtomicInteger();

        SlowMockConsumer() {
            super("latest");
        }

        @Override
        public synchronized List<PartitionInfo> partitionsFor(final String topic) {
            if (failPartitionsFor.get() > 0) {
                failPartitionsFor.decrementAndGet();
                throw new TimeoutException("Timeout expired while fetching topic metadata");
            }
            return super.partitionsFor(topic);
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(final Duration timeout) {
            final ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            polledRecords.addAndGet(records.count());
            return records;
        }
    }
}
