/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the Confluent Schema Registry REST API ({@code /subjects}, {@code /schemas/ids}, {@code /config},
 * {@code /compatibility}) on {@link HttpClient}; works with Confluent, Apicurio ({@code .../apis/ccompat/v7}),
 * Karapace and Redpanda. Caches ids and schemas (both immutable in a registry), retries IO errors, 5xx and 429
 * with exponential backoff (honouring {@code Retry-After}), fails over between several URLs, and sends basic
 * or bearer credentials. Errors carry the registry's {@code error_code} and message;
 * {@link SchemaRegistryException#isTransient()} tells an outage (no answer, 5xx, 429) from an answer. https:// URLs
 * use the {@code schema.registry.ssl.*} truststore and keystore when set ({@link RegistryTls}).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** The media type of the Confluent API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
            + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AvroSerdeConfig config;
    private final List<String> baseUrls;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private volatile int preferredUrl;

    /** A client for the URLs, credentials, timeouts and retries of a configuration. */
    public RestSchemaRegistryClient(final AvroSerdeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.isMock()) {
            throw new IllegalArgumentException("mock:// URLs are served by MockSchemaRegistryClient");
        }
        this.baseUrls = config.registryUrls().stream()
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        config.tls().sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /** A client for one base URL with default settings and no credentials. */
    public RestSchemaRegistryClient(final String baseUrl) {
        this(AvroSerdeConfig.forUrl(baseUrl));
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        final Map<String, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        final Integer cached = known.get(text);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        final int id = requireInt(answer, "id", "register under " + subject);
        known.put(text, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public int getId(final String subject, final Schema schema) {
        final String text = schema.toString();
        final Map<String, Integer> known = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        final Integer cached = known.get(text);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
        final int id = requireInt(answer, "id", "look up under " + subject);
        known.put(text, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getById(final int id) {
        final Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        final JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        final Schema schema = parse(answer, "schema " + id);
        final Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public SchemaMetadata getLatest(final String subject) {
        final JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        final int id = requireInt(answer, "id", "latest of " + subject);
        final int version = requireInt(answer, "version", "latest of " + subject);
        final Schema schema = parse(answer, "latest of " + subject);
        schemasById.putIfAbsent(id, schema);
        return new SchemaMetadata(subject, id, version, schema);
    }

    @Override
    public void setCompatibility(final String subject, final CompatibilityLevel level) {
        final ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("PUT", subject == null ? "/config" : "/config/" + encode(subject), body);
    }

    @Override
    public CompatibilityLevel getCompatibility(final String subject) {
        JsonNode answer;
        if (subject == null) {
            answer = call("GET", "/config", null);
        } else {
            try {
                answer = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
            } catch (final SchemaRegistryException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
                answer = call("GET", "/config", null);
            }
        }
        final JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel")
                : answer.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new SchemaRegistryException("registry answered no compatibility level: " + answer, 200, -1);
        }
        return CompatibilityLevel.parse(level.asText());
    }

    @Override
    public boolean testCompatibility(final String subject, final Schema schema) {
        try {
            final JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema));
            final JsonNode ok = answer.get("is_compatible");
            if (ok == null || !ok.isBoolean()) {
                throw new SchemaRegistryException("registry answered no is_compatible: " + answer, 200, -1);
            }
            return ok.asBoolean();
        } catch (final SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return true; // nothing registered yet: anything is compatible
            }
            throw e;
        }
    }

    /** The base URLs, without credentials. */
    public List<String> baseUrls() {
        return baseUrls;
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + baseUrls;
    }

    private static ObjectNode schemaBody(final Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static String encode(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int requireInt(final JsonNode answer, final String field, final String what) {
        final JsonNode v = answer.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new SchemaRegistryException("registry answer to " + what + " has no integer '" + field + "': "
                    + answer, 200, -1);
        }
        return v.asInt();
    }

    private static Schema parse(final JsonNode answer, final String what) {
        final JsonNode type = answer.get("schemaType");
        if (type != null && type.isTextual() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw new SchemaRegistryException(what + " is a " + type.asText() + " schema, not AVRO", 200, -1);
        }
        final JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("registry answer for " + what + " has no 'schema': " + answer, 200, -1);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (final SchemaParseException e) {
            throw new SchemaRegistryException("registry returned an unparsable Avro schema for " + what + ": "
                    + e.getMessage(), e);
        }
    }

    /** One API call with retries and failover; returns the parsed JSON answer. */
    private JsonNode call(final String method, final String path, final JsonNode body) {
        final String payload = body == null ? null : body.toString();
        final int urls = baseUrls.size();
        SchemaRegistryException last = null;
        long retryAfterMillis = 0;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                sleep(backoff(attempt, retryAfterMillis));
            }
            retryAfterMillis = 0;
            final int index = Math.floorMod(preferredUrl, urls);
            final String base = baseUrls.get(index);
            final HttpRequest request = request(base + path, method, payload);
            final HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                last = SchemaRegistryException.unreachable("schema registry " + base + " " + method + " " + path
                        + " failed: " + e, e);
                preferredUrl = index + 1; // fail over to the next URL, if any
                LOG.debug("registry call failed (attempt {}): {}", attempt + 1, last.getMessage());
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling the schema registry", e);
            }
            final int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return readJson(response.body(), base, method, path);
            }
            last = error(response, base, method, path);
            retryAfterMillis = retryAfter(response);
            if (!last.isRetriable()) {
                throw last;
            }
            LOG.debug("registry call failed (attempt {}): {}", attempt + 1, last.getMessage());
        }
        throw new SchemaRegistryException(last.getMessage() + " (gave up after " + (config.maxRetries() + 1)
                + " attempts)", last.httpStatus(), last.errorCode(), last.isTransient(), last);
    }

    private HttpRequest request(final String uri, final String method, final String payload) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT);
        config.credentials().authorizationHeader().ifPresent(h -> builder.header("Authorization", h));
        if (payload == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static JsonNode readJson(final String text, final String base, final String method, final String path) {
        try {
            return JSON.readTree(text);
        } catch (final IOException e) {
            throw new SchemaRegistryException("schema registry " + base + " " + method + " " + path
                    + " answered non-JSON: " + abbreviate(text), e);
        }
    }

    private static SchemaRegistryException error(final HttpResponse<String> response, final String base,
                                                 final String method, final String path) {
        int code = -1;
        String message = abbreviate(response.body());
        try {
            final JsonNode node = JSON.readTree(response.body());
            if (node != null && node.isObject()) {
                if (node.hasNonNull("error_code") && node.get("error_code").canConvertToInt()) {
                    code = node.get("error_code").asInt();
                }
                if (node.hasNonNull("message")) {
                    message = node.get("message").asText();
                }
            }
        } catch (final IOException e) {
            // not JSON: keep the raw text
        }
        final int status = response.statusCode();
        return new SchemaRegistryException("schema registry " + base + " " + method + " "
                + path + " failed: HTTP " + status + (code >= 0 ? ", error_code " + code : "") + ": " + message
                + hint(status), status, code);
    }

    private static String hint(final int status) {
        if (status == 401) {
            return " (check " + AvroSerdeConfig.BASIC_AUTH_USER_INFO + " / " + AvroSerdeConfig.BEARER_AUTH_TOKEN + ")";
        }
        if (status == 403) {
            return " (the credentials lack permission for this subject)";
        }
        return "";
    }

    /** Exponential backoff from the configured base, at least the server's Retry-After, at most the cap. */
    private Duration backoff(final int attempt, final long retryAfterMillis) {
        final long base = config.retryBackoff().toMillis();
        final long cap = config.retryBackoffMax().toMillis();
        final long exp = base << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(cap, Math.max(retryAfterMillis, Math.max(0, exp))));
    }

    /** The Retry-After header in milliseconds when given as seconds, else 0. */
    private static long retryAfter(final HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Math.max(0L, Long.parseLong(v.trim()) * 1000L);
            } catch (final NumberFormatException e) {
                return 0L; // an HTTP date: use the exponential backoff
            }
        }).orElse(0L);
    }

    private static void sleep(final Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while waiting to retry the schema registry", e);
        }
    }

    private static String abbreviate(final String s) {
        if (s == null) {
            return "";
        }
        final String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}
