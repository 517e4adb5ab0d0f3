/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.ingest.otlp.BatchResult;
import io.tracerstreams.ingest.otlp.MappedCall;
import io.tracerstreams.ingest.otlp.OtlpBatchMapper;
import io.tracerstreams.ingest.otlp.OtlpMappingConfig;
import io.tracerstreams.ingest.otlp.SkipReason;
import io.tracerstreams.ingest.otlp.UnreadableBatchException;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.LlmResponse;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OTLP stage, present when {@code ingest.otlp.topic} is set: reads OpenTelemetry trace batches (as the
 * Collector's Kafka exporter writes them), maps every GenAI classification call in them onto an
 * {@link LlmResponse} (and/or an {@link LlmRequest}, by {@code ingest.otlp.emit}), and writes them to tracer's own
 * input topics, in the transaction that consumes the batch. The featurize stage reads them from there like any
 * other trace: the traces are on the topic for everyone to see, and this stage stays apart from the rest of the
 * topology.
 *
 * <pre>
 *  ingest.otlp.topic --[ingest-otlp]--+--&gt; llm.responses (key task)
 *                                     +--&gt; llm.requests  (key task, ingest.otlp.emit=requests|both)
 *                                     +--&gt; tracer.dlq    (unreadable or damaged batches)
 * </pre>
 *
 * <p>Why a Kafka Streams stage and not a Connect converter or transformation: one OTLP record holds a batch of many
 * spans, and Connect's converters and transformations map one record to at most one record.
 *
 * <p>A span that maps to nothing (not a classification call, no task, a tool call, ...) is counted per reason
 * ({@code otlp-spans-skipped-<reason>}) and is no dead letter; a record that is no OTLP batch goes to the DLQ
 * (reason {@code undecodable}); a protobuf batch cut off part-way gives its complete spans and a DLQ copy that says
 * how many were kept. A DLQ copy of a record over {@value #MAX_DEAD_LETTER_BYTES} bytes carries no value (the
 * producer's request limit): its headers point to the source offset instead.
 */
public final class OtlpIngestStage {

    /** The name of the stage's processor node. */
    public static final String NAME = "ingest-otlp";
    static final String STAGE = "ingest-otlp";
    static final int MAX_DEAD_LETTER_BYTES = 512 * 1024;

    private OtlpIngestStage() {
    }

    /** Adds the stage to a topology when {@code ingest.otlp.topic} is set; does nothing otherwise. */
    public static void addTo(final StreamsBuilder builder, final TracerConfig config, final TopicSerdes serdes,
                             final TracerCounters counters) {
        if (config.ingestOtlpTopic().isEmpty()) {
            return;
        }
        final OtlpBatchMapper mapper = new OtlpBatchMapper(config.otlpMapping(), config.maxInputChars());
        final TracerConfig.Topics topics = config.topics();
        final KStream<String, Object> out = builder
                .stream(config.ingestOtlpTopic().get(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-otlp"))
                .process(() -> new MapProcessor(mapper, counters), Named.as(NAME));
        out.split(Named.as("otlp-"))
                .branch((k, v) -> v instanceof LlmRequest, Branched.withConsumer(s -> s
                        .mapValues(v -> (LlmRequest) v, Named.as("otlp-request-values"))
                        .to(topics.requests(), Produced.with(Serdes.String(), serdes.request()).withName("write-otlp-requests")),
                        "requests"))
                .branch((k, v) -> v instanceof LlmResponse, Branched.withConsumer(s -> s
                        .mapValues(v -> (LlmResponse) v, Named.as("otlp-response-values"))
                        .to(topics.responses(), Produced.with(Serdes.String(), serdes.response()).withName("write-otlp-responses")),
                        "responses"))
                .branch((k, v) -> v instanceof DeadLetter, Branched.withConsumer(s -> s
                        .map((k, v) -> KeyValue.pair(((DeadLetter) v).key(), ((DeadLetter) v).value()), Named.as("otlp-dead-letter-bytes"))
                        .to(topics.dlq(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write-otlp-dlq")),
                        "dead-letters"))
                .noDefaultBranch();
    }

    /** Maps one batch record onto requests, responses and dead letters. */
    private static final class MapProcessor implements Processor<byte[], byte[], String, Object> {

        private static final Logger LOG = LoggerFactory.getLogger(OtlpIngestStage.class);

        private final OtlpBatchMapper mapper;
        private final TracerCounters counters;
        private final OtlpMappingConfig.Emit emit;
        private ProcessorContext<String, Object> context;

        MapProcessor(final OtlpBatchMapper mapper, final TracerCounters counters) {
            this.mapper = mapper;
            this.counters = counters;
            this.emit = mapper.config().emit();
        }

        @Override
        public void init(final ProcessorContext<String, Object> context) {
            this.context = context;
            counters.bindOtlp(context.metrics());
        }

        @Override
        public void process(final Record<byte[], byte[]> record) {
            counters.increment(Counter.OTLP_BATCHES_READ);
            final BatchResult result;
            try {
                result = mapper.map(record.value(), record.timestamp());
            } catch (final UnreadableBatchException e) {
                dead(record, e.getMessage());
                return;
            } catch (final RuntimeException e) {
                dead(record, "the OTLP mapping failed: " + FeaturizeProcessor.describe(e));
                return;
            }
            counters.otlpBatch(result);
            for (final MappedCall call : result.calls()) {
                if (emit != OtlpMappingConfig.Emit.RESPONSES) {
                    context.forward(new Record<String, Object>(call.task(), call.toRequest(), call.startMs()));
                }
                if (emit != OtlpMappingConfig.Emit.REQUESTS) {
                    context.forward(new Record<String, Object>(call.task(), call.toResponse(), call.timestampMs()));
                }
            }
            result.damage().ifPresent(damage -> dead(record, damage));
            if (LOG.isDebugEnabled()) {
                for (final SkipReason r : result.skipped().keySet()) {
                    LOG.debug("OTLP batch at {}: {} span(s) skipped ({}), e.g. {}", where(), result.skipped().get(r), r.code(),
                            result.examples().get(r));
                }
            }
        }

        private void dead(final Record<byte[], byte[]> record, final String why) {
            counters.deadLetter(DeadLetterReason.UNDECODABLE);
            final byte[] value = record.value();
            final boolean tooBig = value != null && value.length > MAX_DEAD_LETTER_BYTES;
            final String detail = tooBig ? why + " (the value, " + value.length + " bytes, is not copied: read it at the "
                    + "source offset)" : why;
            LOG.debug("dead letter from {}: {}", where(), detail);
            final RecordMetadata m = context.recordMetadata().orElse(null);
            context.forward(new Record<String, Object>(null, new DeadLetter(record.key(), tooBig ? null : value),
                    record.timestamp(), DeadLetter.headers(record.headers(), DeadLetterReason.UNDECODABLE, detail, STAGE,
                    m == null ? null : m.topic(), m == null ? -1 : m.partition(), m == null ? -1 : m.offset(), null, null)));
        }

        private String where() {
            return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
        }
    }
}
