/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import io.tracerstreams.testkit.SampleRecords;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.LlmRequest;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serdes inside a topology run by TopologyTestDriver, on a mock:// registry shared by the test's serdes. */
class TopologyTestDriverSerdeTest {

    private static final String URL = "mock://topology-test";

    @BeforeEach
    @AfterEach
    void clean() {
        MockSchemaRegistryClient.dropScope("topology-test");
    }

    @Test
    void shouldCarryAvroRecordsThroughATopologyAndSkipUndecodableBytes() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream("llm.requests", Consumed.with(Serdes.String(), TracerSerdes.llmRequest(URL, false)))
                .mapValues(r -> RoutingDecision.newBuilder().setRequestId(r.getRequestId()).setTask(r.getTask())
                        .setDecision(Decision.DEFERRED).setScore(0.1).setReason(Reason.WARMING_UP)
                        .setModelVersion("none@0").setTimestamp(r.getTimestamp()).build())
                .to("tracer.decisions", Produced.with(Serdes.String(), TracerSerdes.routingDecision(URL, false)));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            final TestInputTopic<String, LlmRequest> in = driver.createInputTopic("llm.requests",
                    new StringSerializer(), TracerSerdes.llmRequest(URL, false).serializer());
            final TestInputTopic<String, byte[]> raw = driver.createInputTopic("llm.requests",
                    new StringSerializer(), new ByteArraySerializer());
            final TestOutputTopic<String, RoutingDecision> out = driver.createOutputTopic("tracer.decisions",
                    new StringDeserializer(), TracerSerdes.routingDecision(URL, false).deserializer());

            raw.pipeInput("banking77", new byte[] {1, 2, 3});
            in.pipeInput("banking77", SampleRecords.request());

            final RoutingDecision decision = out.readValue();
            assertThat(decision.getRequestId()).isEqualTo("r-1");
            assertThat(decision.getDecision()).isEqualTo(Decision.DEFERRED);
            assertThat(decision.getTimestamp()).isEqualTo(SampleRecords.TS);
            assertThat(out.isEmpty()).isTrue();
            assertThat(MockSchemaRegistryClient.forScope("topology-test").subjects())
                    .containsExactlyInAnyOrder("llm.requests-value", "tracer.decisions-value");
        }
    }
}
