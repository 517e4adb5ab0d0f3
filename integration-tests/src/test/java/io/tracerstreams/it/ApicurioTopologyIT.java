/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The topology ITs on the in-process KRaft broker with a real Confluent-API schema registry (Apicurio
 * Registry 3.0.9 from Maven Central, BACKWARD compatibility): every record on every topic goes through
 * the registry, as in production.
 */
class ApicurioTopologyIT extends TopologyITBase {

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
