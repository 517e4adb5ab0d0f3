/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import java.nio.charset.StandardCharsets;

/**
 * Decides which handled requests are audited (also answered by the LLM). The draw is a hash of the
 * task's seed and the request id mapped to [0, 1): independent of arrival order, identical across
 * restarts, replays and instances, and uniform over request ids, so the audited share is epsilon and
 * audited traces are a fair sample of handled traffic.
 */
final class AuditSampler {

    private AuditSampler() {
    }

    /** Whether this request is audited at rate {@code epsilon}. */
    static boolean sampled(final long seed, final String requestId, final double epsilon) {
        return epsilon >= 1.0 || uniform(seed, requestId) < epsilon;
    }

    /** A uniform draw in [0, 1) determined by the seed and the request id (64-bit FNV-1a, then a SplitMix64 finaliser). */
    static double uniform(final long seed, final String requestId) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (final byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
