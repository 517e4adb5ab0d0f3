/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Which stream task owns a task's router state: partition {@code murmur2(task) mod n} of the by-task topic, the
 * partition Kafka's default partitioner gives a record keyed by the task (as a UTF-8 string) on a topic of
 * {@code n} partitions. A producer that keys requests and responses by task (as the design asks and every tracer
 * producer does) therefore puts each record on the input partition whose stream task routes it: the featurize
 * stage hands it to the router in the same stream task and the same transaction. Only a record that arrives on
 * another partition (another key, a custom partitioner, input topics of another partition count) crosses the
 * by-task topic, which puts it on its owner's partition.
 */
final class TaskPartitions {

    private TaskPartitions() {
    }

    /** The by-task partition of a task among {@code partitions}. */
    static int of(final String task, final int partitions) {
        return Utils.toPositive(Utils.murmur2(task.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Puts each trace on its task's partition of the by-task topic. */
    static StreamPartitioner<String, TraceRecord> partitioner() {
        return new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(final String topic, final String task, final TraceRecord value,
                                                     final int numPartitions) {
                return Optional.of(Set.of(of(task, numPartitions)));
            }
        };
    }

    /**
     * Forwards the traces this stream task routes itself ({@code here} true), or those it must send to their
     * owner through the by-task topic ({@code here} false).
     */
    static final class Filter implements Processor<String, TraceRecord, String, TraceRecord> {

        private final int partitions;
        private final boolean here;
        private ProcessorContext<String, TraceRecord> context;

        Filter(final int partitions, final boolean here) {
            this.partitions = partitions;
            this.here = here;
        }

        @Override
        public void init(final ProcessorContext<String, TraceRecord> context) {
            this.context = context;
        }

        @Override
        public void process(final Record<String, TraceRecord> record) {
            if ((of(record.key(), partitions) == context.taskId().partition()) == here) {
                context.forward(record);
            }
        }
    }
}
