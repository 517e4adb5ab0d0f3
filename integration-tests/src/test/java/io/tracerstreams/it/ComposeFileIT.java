/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracerstreams.bench.chaos.ChildProcess;
import io.tracerstreams.config.TracerConfig;
import io.tracerstreams.serde.AvroSerdeConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yaml}, its Dockerfile and the Connect worker's properties, checked against the code and
 * the build (no image is run: none can be pulled here): images pinned to the versions the build uses, every mounted
 * file and directory present after {@code package}, every environment key a real setting of the application or of
 * Kafka, every host and port one the other services serve. An integration test because it needs the packaged
 * jars.
 */
class ComposeFileIT {

    private static Path root;
    private static Path docker;
    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        root = ReadmeSnippets.root();
        docker = root.resolve("docker");
        compose = new YAMLMapper().readTree(docker.resolve("compose.yaml").toFile());
        services = compose.get("services");
    }

    private static String pomProperty(final String name) throws IOException {
        final Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(root.resolve("pom.xml")));
        assertThat(m.find()).as("pom.xml property %s", name).isTrue();
        return m.group(1).trim();
    }

    private static Map<String, String> environment(final JsonNode service) {
        final Map<String, String> env = new HashMap<>();
        final JsonNode e = service.get("environment");
        if (e != null) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        }
        return env;
    }

    private static Iterable<Map.Entry<String, JsonNode>> each(final JsonNode node) {
        return node::fields;
    }

    @Test
    void shouldPinEveryImageToTheVersionsTheBuildUses() throws IOException {
        final String kafka = pomProperty("kafka.version");
        final String apicurio = pomProperty("apicurio.version");
        for (final Map.Entry<String, JsonNode> s : each(services)) {
            final JsonNode image = s.getValue().get("image");
            final JsonNode build = s.getValue().get("build");
            assertThat(image != null || build != null).as("service %s has an image or a build", s.getKey()).isTrue();
            if (image == null) {
                continue;
            }
            final String ref = image.asText();
            assertThat(ref).as("service %s pins a tag", s.getKey()).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest");
            if (ref.startsWith("apache/kafka:")) {
                assertThat(ref).as("Kafka image of %s", s.getKey()).isEqualTo("apache/kafka:" + kafka);
            }
            if (ref.startsWith("apicurio/apicurio-registry")) {
                assertThat(ref).as("registry image").endsWith(":" + apicurio);
            }
        }
    }

    @Test
    void shouldMountOnlyFilesThatExistAndDeclareEveryNamedVolume() {
        final Set<String> declared = new HashSet<>();
        if (compose.has("volumes")) {
            compose.get("volumes").fieldNames().forEachRemaining(declared::add);
        }
        final Set<String> used = new HashSet<>();
        for (final Map.Entry<String, JsonNode> s : each(services)) {
            final JsonNode volumes = s.getValue().get("volumes");
            if (volumes == null) {
                continue;
            }
            for (final JsonNode v : volumes) {
                final String source = v.asText().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    final Path p = docker.resolve(source).normalize();
                    assertThat(p).as("mount %s of service %s", source, s.getKey()).exists();
                } else {
                    assertThat(declared).as("named volume %s of service %s", source, s.getKey()).contains(source);
                    used.add(source);
                }
            }
            final JsonNode deps = s.getValue().get("depends_on");
            if (deps != null) {
                final List<String> names = new ArrayList<>();
                if (deps.isArray()) {
                    deps.forEach(d -> names.add(d.asText()));
                } else {
                    deps.fieldNames().forEachRemaining(names::add);
                }
                for (final String d : names) {
                    assertThat(services.has(d)).as("%s depends on %s", s.getKey(), d).isTrue();
                }
            }
        }
        assertThat(used).as("every declared volume is used").containsAll(declared);
        // the Connect plugin: its jar and lib/ beside it, as package leaves them
        final Path plugin = root.resolve("connectors/target");
        try (var jars = Files.list(plugin)) {
            assertThat(jars.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("tracer-connectors-.*\\.jar"));
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
        assertThat(plugin.resolve("lib")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("tracer-serde-"));
    }

    @Test
    void shouldGiveTheApplicationOnlyRealSettingsPointingAtTheOtherServices() throws Exception {
        final JsonNode tracer = services.get("tracer");
        final Map<String, String> env = environment(tracer);
        final long tracerVars = env.keySet().stream().filter(k -> k.startsWith(TracerConfig.ENV_PREFIX)).count();
        assertThat(TracerConfig.fromEnvironment(env)).as("every TRACER_* variable maps to a setting").hasSize((int) tracerVars);
        final TracerConfig config = TracerConfig.load(null, env, Map.of());
        final String[] hostPort = config.bootstrapServers().split(":");
        assertThat(services.has(hostPort[0])).as("bootstrap host %s is a service", hostPort[0]).isTrue();
        assertThat(environment(services.get(hostPort[0])).get("KAFKA_LISTENERS")).contains(":" + hostPort[1]);
        final URI registry = URI.create(config.schemaRegistryUrl());
        assertThat(services.has(registry.getHost())).as("registry host is a service").isTrue();
        assertThat(services.get(registry.getHost()).get("ports").get(0).asText()).endsWith(":" + registry.getPort());
        assertThat(config.ingestOtlpTopic()).isPresent();
        // the registry's setup call goes to the same API
        assertThat(services.get("registry-setup").get("command").asText()).contains(registry.getHost() + ":" + registry.getPort()
                + registry.getPath());
        // the broker's KAFKA_* variables are real broker settings (the image maps KAFKA_A_B to a.b)
        final Set<String> brokerKeys = new HashSet<>(kafka.server.KafkaConfig.configDef().names());
        for (final String k : environment(services.get("kafka")).keySet()) {
            final String key = k.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace("___", "-")
                    .replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
            assertThat(brokerKeys).as("%s is the broker setting %s", k, key).contains(key);
        }
    }

    @Test
    void shouldBuildTheApplicationImageFromWhatPackageLeaves() throws Exception {
        final JsonNode build = services.get("tracer").get("build");
        final Path context = docker.resolve(build.get("context").asText()).normalize();
        final Path dockerfile = context.resolve(build.get("dockerfile").asText());
        assertThat(dockerfile).exists();
        final String pom = Files.readString(root.resolve("streams-app/pom.xml"));
        for (final String line : Files.readAllLines(dockerfile)) {
            if (line.startsWith("COPY ")) {
                final String source = line.split("\\s+")[1];
                if (source.contains("*")) {
                    final String dir = source.substring(0, source.lastIndexOf('/'));
                    final String glob = source.substring(source.lastIndexOf('/') + 1);
                    try (var files = Files.newDirectoryStream(context.resolve(dir), glob)) {
                        assertThat(files.iterator().hasNext()).as("%s after package", source).isTrue();
                    }
                } else if (source.equals("streams-app/target/lib/")) {
                    // written by -Pdocker package: the docker profile copies the runtime dependencies there
                    assertThat(pom).contains("<id>docker</id>").contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>");
                } else {
                    assertThat(context.resolve(source)).as("COPY %s", source).exists();
                }
            }
            if (line.startsWith("ENV TRACER_")) {
                final String[] kv = line.substring(4).split("=", 2);
                assertThat(TracerConfig.fromEnvironment(Map.of(kv[0], kv[1]))).as(line).hasSize(1);
            }
            if (line.startsWith("ENTRYPOINT")) {
                final Matcher m = Pattern.compile("\"(io\\.tracerstreams\\.[A-Za-z.]+)\"").matcher(line);
                assertThat(m.find()).as("ENTRYPOINT names a main class").isTrue();
                assertThat(Class.forName(m.group(1)).getMethod("main", String[].class)).isNotNull();
                // the image starts the JVM as the tracer launcher does, and as the benchmarks' tracer processes do
                for (final String option : ChildProcess.TRACER_JVM_OPTIONS) {
                    assertThat(line).as("ENTRYPOINT has the launcher's JVM option %s", option).contains("\"" + option + "\"");
                }
                assertThat(Files.readString(root.resolve("tracer"))).as("the tracer launcher's default JVM options")
                        .contains("${TRACER_JAVA_OPTS:-" + String.join(" ", ChildProcess.TRACER_JVM_OPTIONS) + "}");
            }
        }
    }

    @Test
    void shouldConfigureConnectWithTheConverterOnThePluginPath() throws Exception {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(docker.resolve("connect-distributed.properties"))) {
            p.load(r);
        }
        final Map<String, String> props = new HashMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
        final DistributedConfig worker = new DistributedConfig(props);
        for (final String key : props.keySet()) {
            if (!key.startsWith("value.converter.") && !key.startsWith("key.converter.")) {
                assertThat(worker.values()).as("%s is a worker setting", key).containsKey(key);
            }
        }
        final Class<?> converter = Class.forName(props.get("value.converter"));
        assertThat(Converter.class).isAssignableFrom(converter);
        final Converter c = (Converter) converter.getDeclaredConstructor().newInstance();
        for (final Iterator<String> it = props.keySet().stream().filter(k -> k.startsWith("value.converter.")).iterator(); it.hasNext(); ) {
            final String key = it.next().substring("value.converter.".length());
            assertThat(c.config().names()).as("value.converter.%s is a converter setting", key).contains(key);
        }
        assertThat(props.get("value.converter.schema.registry.url"))
                .isEqualTo(environment(services.get("tracer")).get("TRACER_SCHEMA_REGISTRY_URL"));
        AvroSerdeConfig.fromMap(Map.of("schema.registry.url", props.get("value.converter.schema.registry.url")));
        final JsonNode connect = services.get("connect");
        final List<String> mounts = new ArrayList<>();
        connect.get("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).anyMatch(m -> m.startsWith("../connectors/target:" + props.get("plugin.path") + "/"));
        assertThat(mounts).anyMatch(m -> m.split(":")[1].equals(connect.get("command").get(1).asText()));
        assertThat(props.get("bootstrap.servers")).isEqualTo(environment(services.get("tracer")).get("TRACER_BOOTSTRAP_SERVERS"));
    }
}
