/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracerstreams.broker.EmbeddedKafka;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.featurize.HashingFeaturizer;
import io.tracerstreams.schema.GateState;
import io.tracerstreams.serde.CompatibilityLevel;
import io.tracerstreams.serde.RestSchemaRegistryClient;
import io.tracerstreams.serde.SchemaRegistryClient;
import io.tracerstreams.topology.TracerApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js example (examples/node-consumer: kafkajs and @kafkajs/confluent-schema-registry) against the
 * embedded broker and a real Apicurio Registry (Confluent API): the topology runs until its gate opens, then the
 * example, installed with {@code npm ci}, reads the decisions and gate events from the beginning, decodes their Avro
 * through the registry and prints the flip. Skips with the reason where node/npm or the Apicurio artifact is absent.
 */
class NodeConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;
    @TempDir
    Path work;

    @Test
    void shouldPrintTheGateFlipAndCountTheDecisionsDecodedThroughTheRegistry() throws Exception {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "SKIPPED: node and npm are not on the PATH "
                + "(.ci/run installs the Debian packages nodejs and npm); the Node consumer example is not run");
        final Optional<Path> runner = ApicurioRegistry.runnerJar();
        Assumptions.assumeTrue(runner.isPresent(), () -> ApicurioRegistry.missingArtifactReason());

        final Path example = ReadmeSnippets.root().resolve("examples/node-consumer");
        for (final String f : List.of("package.json", "package-lock.json", "consumer.js")) {
            Files.copy(example.resolve(f), work.resolve(f));
        }
        final Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                .directory(work.toFile()).redirectErrorStream(true).start();
        final String installLog = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(install.exitValue()).as("npm ci:\n%s", installLog).isZero();

        try (ApicurioRegistry apicurio = ApicurioRegistry.start(runner.get());
             EmbeddedKafka kafka = EmbeddedKafka.start();
             HashingFeaturizer featurizer = new HashingFeaturizer(64)) {
            try (SchemaRegistryClient admin = new RestSchemaRegistryClient(apicurio.ccompatUrl())) {
                admin.setCompatibility(null, CompatibilityLevel.BACKWARD);
            }
            final TracerConfig config = ItConfigs.tracer(kafka.bootstrapServers(), apicurio.ccompatUrl(), "node", stateDir);
            final int decisions;
            try (TracerApp app = TracerApp.run(config, featurizer); LlmSimulator llm = new LlmSimulator(config, "intents", 5L)) {
                assertThat(app.awaitRunning(WAIT)).isTrue();
                for (int round = 0; round < 12 && llm.gateEvents.stream().noneMatch(e -> e.getState() == GateState.OPEN); round++) {
                    llm.round(50, WAIT);
                    llm.poll();
                }
                assertThat(llm.gateEvents).as("gate events").anyMatch(e -> e.getState() == GateState.OPEN);
                decisions = llm.requestsSent;
            }

            final TracerConfig.Topics t = config.topics();
            // the README's command, on this broker and registry, plus the test's topics and stop conditions
            final List<String> command = readmeNodeCommand(kafka.bootstrapServers(), apicurio.ccompatUrl());
            command.addAll(List.of("--decisions", t.decisions(), "--gate-events", t.gateEvents(), "--group", "node-it",
                    "--json", "--until-flips", "1", "--until-decisions", String.valueOf(decisions), "--timeout-ms", "90000"));
            final Process node = new ProcessBuilder(command)
                    .directory(work.toFile()).redirectError(work.resolve("stderr.txt").toFile()).start();
            final String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
            final String err = Files.readString(work.resolve("stderr.txt"));
            assertThat(node.exitValue()).as("node consumer.js exit code; stdout:\n%s\nstderr:\n%s", out, err).isZero();

            final List<JsonNode> lines = new ArrayList<>();
            final ObjectMapper json = new ObjectMapper();
            for (final String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(json.readTree(line));
                }
            }
            final JsonNode flip = lines.stream().filter(l -> l.path("type").asText().equals("gate-flip")).findFirst()
                    .orElseThrow(() -> new AssertionError("no gate flip printed:\n" + out + "\n" + err));
            assertThat(flip.path("task").asText()).isEqualTo("intents");
            assertThat(flip.path("previous").asText()).isEqualTo("CLOSED");
            assertThat(flip.path("state").asText()).isEqualTo("OPEN");
            assertThat(flip.path("threshold").isNumber()).isTrue();
            final JsonNode summary = lines.get(lines.size() - 1);
            assertThat(summary.path("type").asText()).isEqualTo("summary");
            assertThat(summary.path("undecodable").asInt()).isZero();
            assertThat(summary.path("decisions").asInt()).isGreaterThanOrEqualTo(decisions);
            int perTask = 0;
            for (final JsonNode n : summary.path("by_task").path("intents")) {
                perTask += n.asInt();
            }
            assertThat(perTask).isEqualTo(summary.path("decisions").asInt());
            assertThat(summary.path("by_task").path("intents").fieldNames()).toIterable()
                    .anyMatch(k -> k.startsWith("HANDLED/")).anyMatch(k -> k.startsWith("DEFERRED/"));
        }
    }

    /** The README's {@code node consumer.js ...} line, with its broker and registry replaced by the test's. */
    static List<String> readmeNodeCommand(final String bootstrap, final String registry) {
        final String snippet = ReadmeSnippets.snippet("node-consumer");
        final String line = snippet.lines().filter(l -> l.startsWith("node consumer.js")).findFirst()
                .orElseThrow(() -> new AssertionError("the README's node-consumer snippet runs no `node consumer.js`"));
        assertThat(snippet).contains("npm ci");
        final List<String> command = new ArrayList<>(List.of(line.trim().split("\\s+")));
        assertThat(command).contains("--bootstrap", "--registry", "--from-beginning");
        command.set(command.indexOf("--bootstrap") + 1, bootstrap);
        command.set(command.indexOf("--registry") + 1, registry);
        return command;
    }

    private static boolean onPath(final String command) {
        try {
            final Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
