/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-process schema registry for {@code mock://NAME} URLs: every serde configured with the same NAME
 * shares one instance, so a producer's ids resolve in a consumer of the same JVM (the embedded demo,
 * TopologyTestDriver tests). Behaves like Confluent's registry: global ids shared by identical schemas
 * across subjects, versions per subject, default compatibility BACKWARD, 409 on incompatible schemas.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

    /** The URL scheme that selects this client. */
    public static final String SCHEME = "mock://";

    private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> compatibilityBySubject = new HashMap<>();
    private CompatibilityLevel globalCompatibility = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    /** A private registry (not shared by scope name). */
    public MockSchemaRegistryClient() {
        this("<private>");
    }

    private MockSchemaRegistryClient(final String scope) {
        this.scope = scope;
    }

    /** The registry shared by every {@code mock://name} client, created on first use. */
    public static MockSchemaRegistryClient forScope(final String name) {
        return SCOPES.computeIfAbsent(name, MockSchemaRegistryClient::new);
    }

    /** Forgets the shared registry of a scope (tests call it to start clean). */
    public static void dropScope(final String name) {
        SCOPES.remove(name);
    }

    /** The scope name of a {@code mock://NAME} URL. */
    public static String scopeOf(final String url) {
        if (!url.startsWith(SCHEME) || url.length() == SCHEME.length()) {
            throw new IllegalArgumentException("not a mock://NAME URL: " + url);
        }
        final String rest = url.substring(SCHEME.length());
        final int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /** The scope this registry serves. */
    public String scope() {
        return scope;
    }

    /** The subjects registered so far. */
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        final Integer known = idsBySchema.get(text);
        if (known != null && versions.contains(known)) {
            return known;
        }
        final List<String> problems = AvroCompatibility.violations(getCompatibility(subject), schema,
                schemasOf(versions));
        if (!problems.isEmpty()) {
            if (versions.isEmpty()) {
                versionsBySubject.remove(subject);
            }
            throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for "
                    + "subject \"" + subject + "\": " + problems, 409, SchemaRegistryException.INCOMPATIBLE_SCHEMA);
        }
        final int id = known != null ? known : nextId++;
        idsBySchema.put(text, id);
        schemasById.put(id, schema);
        versions.add(id);
        return id;
    }

    /** The version numbers of a subject (1, 2, ...); empty when it has none. */
    public synchronized List<Integer> versions(final String subject) {
        final List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        final List<Integer> out = new ArrayList<>(ids.size());
        for (int v = 1; v <= ids.size(); v++) {
            out.add(v);
        }
        return out;
    }

    /** One version of a subject (from 1). */
    public synchronized SchemaMetadata getVersion(final String subject, final int version) {
        final List<Integer> ids = versionsBySubject.get(subject);
        if (ids == null || ids.isEmpty()) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND);
        }
        if (version < 1 || version > ids.size()) {
            throw new SchemaRegistryException("Version " + version + " not found.", 404,
                    SchemaRegistryException.VERSION_NOT_FOUND);
        }
        final int id = ids.get(version - 1);
        return new SchemaMetadata(subject, id, version, schemasById.get(id));
    }

    @Override
    public synchronized int getId(final String subject, final Schema schema) {
        final List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND);
        }
        final Integer id = idsBySchema.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new SchemaRegistryException("Schema not found under subject '" + subject + "'.", 404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return id;
    }

    @Override
    public synchronized Schema getById(final int id) {
        final Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    @Override
    public synchronized SchemaMetadata getLatest(final String subject) {
        final List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND);
        }
        final int id = versions.get(versions.size() - 1);
        return new SchemaMetadata(subject, id, versions.size(), schemasById.get(id));
    }

    @Override
    public synchronized void setCompatibility(final String subject, final CompatibilityLevel level) {
        if (subject == null) {
            globalCompatibility = level;
        } else {
            compatibilityBySubject.put(subject, level);
        }
    }

    @Override
    public synchronized CompatibilityLevel getCompatibility(final String subject) {
        return subject == null ? globalCompatibility
                : compatibilityBySubject.getOrDefault(subject, globalCompatibility);
    }

    @Override
    public synchronized boolean testCompatibility(final String subject, final Schema schema) {
        final List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        return AvroCompatibility.violations(getCompatibility(subject), schema, schemasOf(versions)).isEmpty();
    }

    private List<Schema> schemasOf(final List<Integer> ids) {
        final List<Schema> out = new ArrayList<>(ids.size());
        for (final int id : ids) {
            out.add(schemasById.get(id));
        }
        return out;
    }

    @Override
    public String toString() {
        return "MockSchemaRegistryClient[" + scope + "]";
    }
}
