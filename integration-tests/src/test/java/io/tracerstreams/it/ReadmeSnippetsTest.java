/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.connect.LlmTraceToResponseConfig;
import io.tracerstreams.connect.LogFileSourceConnector;
import io.tracerstreams.connect.TracerAvroConverter;
import io.tracerstreams.ingest.otlp.OtlpEncoding;
import io.tracerstreams.tools.TracerCli;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's "Getting your traces in" examples use real keys, classes and options. */
class ReadmeSnippetsTest {

    @Test
    void shouldShowACollectorConfigWhoseKafkaExporterFeedsTheTopicTracerReads() throws Exception {
        final JsonNode collector = new YAMLMapper().readTree(ReadmeSnippets.snippet("otel-collector"));
        final JsonNode kafka = collector.get("exporters").get("kafka");
        final Properties props = new Properties();
        props.load(new StringReader(ReadmeSnippets.snippet("otlp-properties")));
        final Map<String, Object> settings = new HashMap<>();
        props.stringPropertyNames().forEach(k -> settings.put(k, props.getProperty(k)));
        settings.put(TracerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
        settings.put(TracerConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://registry:8080");
        final TracerConfig config = new TracerConfig(settings);
        assertThat(config.ingestOtlpTopic()).contains(kafka.get("traces").get("topic").asText());
        assertThat(config.otlpMapping().encoding()).isEqualTo(OtlpEncoding.parse(kafka.get("traces").get("encoding").asText()));
        assertThat(collector.get("service").get("pipelines").get("traces").get("exporters").get(0).asText()).isEqualTo("kafka");
    }

    @Test
    void shouldShowAConnectorWhoseKeysAreTheConnectorsTheTransformationsAndTheConvertersOwn() throws Exception {
        final JsonNode json = new ObjectMapper().readTree(ReadmeSnippets.snippet("connector-json"));
        final JsonNode config = json.get("config");
        final List<String> unknown = new ArrayList<>();
        final Map<String, String> smt = new HashMap<>();
        config.fields().forEachRemaining(f -> {
            final String k = f.getKey();
            if (k.equals("connector.class") || k.equals("transforms") || k.equals("key.converter") || k.equals("value.converter")) {
                return;
            }
            if (k.startsWith("transforms.trace.")) {
                final String key = k.substring("transforms.trace.".length());
                if (!key.equals("type")) {
                    smt.put(key, f.getValue().asText());
                    if (!LlmTraceToResponseConfig.CONFIG_DEF.names().contains(key)) {
                        unknown.add(k);
                    }
                }
            } else if (k.startsWith("value.converter.")) {
                if (!TracerAvroConverter.CONFIG_DEF.names().contains(k.substring("value.converter.".length()))) {
                    unknown.add(k);
                }
            } else if (!LogFileSourceConnector.CONFIG_DEF.names().contains(k)) {
                unknown.add(k);
            }
        });
        assertThat(unknown).as("keys that nothing reads").isEmpty();
        assertThat(Class.forName(config.get("connector.class").asText())).isEqualTo(LogFileSourceConnector.class);
        assertThat(Transformation.class).isAssignableFrom(Class.forName(config.get("transforms.trace.type").asText()));
        assertThat(Class.forName(config.get("value.converter").asText())).isEqualTo(TracerAvroConverter.class);
        new LlmTraceToResponseConfig(smt);
        assertThat(config.get("files").asText()).startsWith("/data/llm-logs/"); // compose.yaml mounts docker/llm-logs there
    }

    @Test
    void shouldShowAnImportCommandLineThatParses() {
        final String line = ReadmeSnippets.snippet("tracer-import").trim();
        assertThat(line).startsWith("./tracer import ");
        final String[] args = line.substring("./tracer ".length()).split("\\s+");
        final CommandLine cli = new CommandLine(new TracerCli());
        final CommandLine.ParseResult parsed = cli.parseArgs(args);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("import");
        assertThat(parsed.subcommand().matchedOptionValue("--task", "")).isEqualTo("support-intents");
        assertThat(parsed.subcommand().matchedPositionals()).isNotEmpty();
    }
}
