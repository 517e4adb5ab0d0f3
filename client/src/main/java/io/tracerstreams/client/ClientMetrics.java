/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.client;

/**
 * A snapshot of a {@link TracerClient}'s metrics (the same values as its Kafka metrics, group
 * {@value TracerClient#METRIC_GROUP}).
 *
 * @param inFlight     calls without a decision yet
 * @param calls        calls made
 * @param decisions    calls completed with tracer's decision
 * @param timeouts     calls completed DEFERRED, TIMEOUT (no decision in time, request not delivered, or closed)
 * @param sendErrors   requests the producer could not deliver (also counted as timeouts)
 * @param answers      LLM labels written to the responses topic
 * @param latencyAvgMs mean call-to-decision latency over the metrics window (NaN before the first decision)
 * @param latencyP50Ms median call-to-decision latency over the metrics window (histogram of 0-30 s)
 * @param latencyP99Ms 99th percentile of call-to-decision latency over the metrics window (histogram of 0-30 s)
 * @param latencyMaxMs largest call-to-decision latency over the metrics window (NaN before the first decision;
 *                     latencies over 30 s count as 30 s)
 */
public record ClientMetrics(long inFlight, long calls, long decisions, long timeouts, long sendErrors, long answers,
                            double latencyAvgMs, double latencyP50Ms, double latencyP99Ms, double latencyMaxMs) {
}
