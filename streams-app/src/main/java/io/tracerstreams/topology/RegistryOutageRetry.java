/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.serde.SchemaRegistryException;
import io.tracerstreams.topology.TracerCounters.Counter;

import org.apache.kafka.streams.errors.TaskMigratedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Keeps a schema registry outage from turning valid records into dead letters: a decode that failed because the
 * registry did not answer, or answered 5xx or 429 ({@link SchemaRegistryException#isTransient()}), is retried on the
 * stream thread with exponential backoff (100 ms doubling up to schema.registry.outage.backoff.max.ms), counted
 * ({@code schema-registry-retries}) and logged. Any other failure (an unknown schema id, bytes that are not Avro)
 * is the caller's: those records are genuinely undecodable.
 *
 * <p>The thread blocks for at most schema.registry.outage.wait.max.ms per record (kept under the consumer's
 * max.poll.interval.ms, 5 min by default, so the instance stays in its group). Beyond it this throws
 * {@link TaskMigratedException}, which Kafka Streams handles without the processing-exception handler: the thread
 * closes its tasks without committing (aborting the transaction under exactly_once_v2), rejoins the group and
 * processes the same records again, so nothing is skipped and nothing is dead-lettered while the registry is down.
 * Thread-safe (it keeps no state between calls): the topology shares one.
 */
final class RegistryOutageRetry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageRetry.class);
    private static final long FIRST_BACKOFF_MS = 100;

    /** How the retry waits (a test can replace the sleep). */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final long backoffMaxMs;
    private final long waitMaxMs;
    private final TracerCounters counters;
    private final Sleeper sleeper;

    RegistryOutageRetry(final long backoffMaxMs, final long waitMaxMs, final TracerCounters counters) {
        this(backoffMaxMs, waitMaxMs, counters, Thread::sleep);
    }

    RegistryOutageRetry(final long backoffMaxMs, final long waitMaxMs, final TracerCounters counters, final Sleeper sleeper) {
        this.backoffMaxMs = backoffMaxMs;
        this.waitMaxMs = waitMaxMs;
        this.counters = counters;
        this.sleeper = sleeper;
    }

    /**
     * The value of {@code decode}, retried while the registry is unavailable.
     *
     * @throws RuntimeException        what {@code decode} threw for any other reason
     * @throws TaskMigratedException   after schema.registry.outage.wait.max.ms of outage, or when interrupted
     */
    <T> T call(final Supplier<T> decode, final String what) {
        long waited = 0;
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                final T value = decode.get();
                if (attempt > 1) {
                    LOG.info("schema registry answers again: {} decoded after {} attempts and {} ms of waiting", what, attempt,
                            waited);
                }
                return value;
            } catch (final RuntimeException e) {
                final SchemaRegistryException outage = transientCause(e);
                if (outage == null) {
                    throw e;
                }
                if (waited >= waitMaxMs) {
                    LOG.warn("schema registry unavailable for {} ms while decoding {}: closing this thread's tasks without "
                            + "committing; their records are processed again after it rejoins", waited, what);
                    throw new TaskMigratedException("schema registry unavailable for " + waited + " ms: " + outage.getMessage(),
                            e);
                }
                final long pause = Math.min(backoff, waitMaxMs - waited);
                if (attempt == 1 || attempt % 10 == 0) {
                    LOG.warn("schema registry unavailable while decoding {} (attempt {}, {} ms so far): {}; the stream waits "
                            + "and retries in {} ms", what, attempt, waited, outage.getMessage(), pause);
                }
                counters.increment(Counter.SCHEMA_REGISTRY_RETRIES);
                try {
                    sleeper.sleep(pause);
                } catch (final InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new TaskMigratedException("interrupted while waiting for the schema registry", interrupted);
                }
                waited += pause;
                backoff = Math.min(backoffMaxMs, backoff * 2);
            }
        }
    }

    /** The transient registry failure in the cause chain of {@code e}, or null. */
    static SchemaRegistryException transientCause(final Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof SchemaRegistryException s) {
                return s.isTransient() ? s : null;
            }
        }
        return null;
    }
}
