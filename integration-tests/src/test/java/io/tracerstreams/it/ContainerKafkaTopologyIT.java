/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import com.github.dockerjava.api.model.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.util.List;

/**
 * The topology ITs on Apache Kafka's own image ({@code apache/kafka}) in Docker. Runs only where a Docker
 * engine answers and an {@code apache/kafka} image is already present locally (the tag in
 * {@code -Dtracer.it.kafka.image}, else the first local tag): a pull would retry for minutes where the network
 * is closed, so the images (also Testcontainers' ryuk, unless TESTCONTAINERS_RYUK_DISABLED=true) are checked before
 * any container starts, and the class is skipped otherwise.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaTopologyIT extends TopologyITBase {

    private static KafkaContainer kafka;

    @BeforeAll
    static void startBroker() {
        final String image = localKafkaImage();
        Assumptions.assumeTrue(image != null, "skipped: no apache/kafka image present locally (docker pull apache/kafka:4.1.0, "
                + "or set -Dtracer.it.kafka.image)");
        Assumptions.assumeTrue("true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))
                || !DockerClientFactory.instance().client().listImagesCmd().withReferenceFilter("testcontainers/ryuk").exec().isEmpty(),
                "skipped: Testcontainers' testcontainers/ryuk image is not present locally (or set TESTCONTAINERS_RYUK_DISABLED=true)");
        kafka = new KafkaContainer(image);
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    /** The wanted image if present, else any local apache/kafka tag, else null. Never pulls. */
    static String localKafkaImage() {
        final String wanted = System.getProperty("tracer.it.kafka.image");
        final List<Image> images = DockerClientFactory.instance().client().listImagesCmd()
                .withReferenceFilter("apache/kafka").exec();
        for (final Image i : images) {
            for (final String tag : i.getRepoTags() == null ? new String[0] : i.getRepoTags()) {
                if (wanted == null || wanted.equals(tag)) {
                    return tag;
                }
            }
        }
        return null;
    }

    @Override
    String bootstrapServers() {
        return kafka.getBootstrapServers();
    }
}
