/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.bench;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThroughputBenchmarkTest {

    @Test
    void shouldNameDistinctTasksThatTheDefaultPartitionerSpreadsRoundRobin() {
        for (final int partitions : new int[] {1, 2, 3, 4, 7}) {
            for (final int count : new int[] {1, 4, 9}) {
                final List<String> tasks = ThroughputBenchmark.spreadTasks(count, partitions);
                assertThat(new HashSet<>(tasks)).hasSize(count);
                for (int j = 0; j < count; j++) {
                    assertThat(BuiltInPartitioner.partitionForKey(tasks.get(j).getBytes(StandardCharsets.UTF_8), partitions))
                            .as("task %d of %d on %d partitions", j, count, partitions).isEqualTo(j % partitions);
                }
            }
        }
    }
}
