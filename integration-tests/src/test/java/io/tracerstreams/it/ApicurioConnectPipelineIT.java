/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Connect end to end on the in-process KRaft broker with a real Apicurio Registry (Confluent API). */
class ApicurioConnectPipelineIT extends ConnectPipelineITBase {

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry apicurio;
    private static String skipReason;

    @BeforeAll
    static void start() throws Exception {
        final Optional<Path> runner = ApicurioRegistry.runnerJar();
        if (runner.isEmpty()) {
            skipReason = ApicurioRegistry.missingArtifactReason();
            return;
        }
        apicurio = ApicurioRegistry.start(runner.get());
        try (SchemaRegistryClient admin = new RestSchemaRegistryClient(apicurio.ccompatUrl())) {
            admin.setCompatibility(null, CompatibilityLevel.BACKWARD);
        }
        kafka = EmbeddedKafka.start();
    }

    @BeforeEach
    void requireRegistry() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (apicurio != null) {
            apicurio.close();
        }
    }

    @Override
    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    String registryUrl(final String prefix) {
        return apicurio.ccompatUrl();
    }
}
