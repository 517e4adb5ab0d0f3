/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.topology;

import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.HashingFeaturizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start of an instance when the cluster cannot be reached: the featurizer's warm-up runs beside it. */
class TracerAppStartTest {

    /** Embeds slowly and counts the calls in progress. */
    private static final class SlowFeaturizer implements Featurizer {
        private final Featurizer delegate = new HashingFeaturizer(64);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String id() {
            return "slow-hashing";
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public List<float[]> embed(final List<String> texts) {
            inFlight.incrementAndGet();
            try {
                Thread.sleep(60);
                calls.incrementAndGet();
                return delegate.embed(texts);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public long truncatedCount() {
            return 0;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void shouldLeaveTheFeaturizerIdleWhenTheTopicsCannotBeCreated() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:" + closedPort);
        props.put("schema.registry.url", "mock://tracer-app-start");
        props.put("kafka.default.api.timeout.ms", "1500");
        props.put("kafka.request.timeout.ms", "1000");
        final SlowFeaturizer featurizer = new SlowFeaturizer();

        // the warm-up's 48 calls of 60 ms outlast the admin client's 1.5 s: run() must still wait for them, since
        // its caller closes the featurizer next
        assertThatThrownBy(() -> TracerApp.run(new TracerConfig(props), featurizer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic");
        assertThat(featurizer.inFlight.get()).isZero();
        assertThat(featurizer.calls.get()).isEqualTo(48);
    }
}
