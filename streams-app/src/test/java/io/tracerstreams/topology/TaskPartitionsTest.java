/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.RoutingDecision;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TaskPartitionsTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldPutATaskWhereKafkasDefaultPartitionerPutsARecordKeyedByIt() {
        final Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            final int length = random.nextInt(40);
            final StringBuilder task = new StringBuilder();
            for (int c = 0; c < length; c++) {
                task.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0x20 + random.nextInt(0x3000)));
            }
            final int partitions = 1 + random.nextInt(64);
            final String t = task.toString();
            assertThat(TaskPartitions.of(t, partitions)).as(t).isEqualTo(
                    BuiltInPartitioner.partitionForKey(t.getBytes(StandardCharsets.UTF_8), partitions));
        }
    }

    /** TopologyTestDriver runs stream task 0_0: a task owned by partition 0 is routed in place, any other crosses the by-task topic. */
    @Test
    void shouldRouteInPlaceOnlyTheTasksOfThePartitionThatReadThem() {
        final Map<String, Object> settings = TopologyHarness.settings(stateDir);
        final int partitions = new TracerConfig(settings).topicPartitions();
        final String here = taskOn(0, partitions);
        final String elsewhere = taskOn(partitions - 1, partitions);
        try (TopologyHarness h = new TopologyHarness(settings)) {
            final TestOutputTopic<String, byte[]> byTask = h.driver.createOutputTopic(
                    h.config.applicationId() + "-" + TracerTopology.REPARTITION_NAME + "-repartition", new StringDeserializer(),
                    new ByteArrayDeserializer());

            h.request(here, "h-1", "where is my card");
            assertThat(byTask.readKeyValuesToList()).isEmpty();
            h.request(elsewhere, "e-1", "where is my card");
            assertThat(byTask.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(elsewhere);

            final List<KeyValue<String, RoutingDecision>> decisions = h.decisions.readKeyValuesToList();
            assertThat(decisions).extracting(kv -> kv.key).containsExactly("h-1", "e-1");
            assertThat(decisions).extracting(kv -> kv.value.getDecision()).containsOnly(Decision.DEFERRED);

            // the responses take the same paths, and each is learned once, by its task's engine
            h.response(here, "h-1", "card", null);
            assertThat(byTask.readKeyValuesToList()).isEmpty();
            h.response(elsewhere, "e-1", "card", null);
            assertThat(byTask.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(elsewhere);
            assertThat(h.dlq.readRecordsToList()).isEmpty();
            assertThat(h.counters.get(TracerCounters.Counter.TRACES_LEARNED)).isEqualTo(2);
        }
    }

    private static String taskOn(final int partition, final int partitions) {
        for (int i = 0; ; i++) {
            final String task = "task-" + i;
            if (TaskPartitions.of(task, partitions) == partition) {
                return task;
            }
        }
    }
}
