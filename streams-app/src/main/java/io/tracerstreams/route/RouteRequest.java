/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One call of {@code POST /v1/route}: the JSON body {@code {"task": "...", "input": "...", "timeout_ms": 2000,
 * "attributes": {"tenant": "a"}}}, parsed and checked. {@code task} and {@code input} are required strings;
 * {@code timeout_ms} (1 to {@value #MAX_TIMEOUT_MS}) and {@code attributes} (an object of strings) are optional; any
 * other field is refused, so a misspelt one does not pass unnoticed.
 *
 * <p>What is refused here is what tracer cannot put on the requests topic (400, with a message naming the field): a
 * body that is not a JSON object, a missing or non-string task or input, a blank task or one with control characters.
 * An input tracer can record but not route, an empty or oversized one, is not refused here: the topology answers it
 * DEFERRED, INVALID_INPUT (by {@code max.input.chars}), as it answers it on the topic, and learning sees it.
 *
 * @param task       the classification task
 * @param input      the text to classify
 * @param timeoutMs  how long to wait for the decision, or null for the endpoint's default
 * @param attributes free-form request attributes (recorded on the request)
 */
public record RouteRequest(String task, String input, Long timeoutMs, Map<String, String> attributes) {

    /** The longest timeout a call may ask for. */
    public static final long MAX_TIMEOUT_MS = 60_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("task", "input", "timeout_ms", "attributes");

    public RouteRequest {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * Parses a body.
     *
     * @throws Invalid (status 400) naming the field at fault
     */
    public static RouteRequest parse(final byte[] body) throws Invalid {
        final JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (final JsonProcessingException e) {
            throw new Invalid(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (final java.io.IOException e) {
            throw new Invalid(400, "the body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new Invalid(400, "the body is empty: send {\"task\": \"...\", \"input\": \"...\"}");
        }
        if (!(root instanceof ObjectNode object)) {
            throw new Invalid(400, "the body must be a JSON object {\"task\": \"...\", \"input\": \"...\"}, got "
                    + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        for (final Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            final String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new Invalid(400, "unknown field '" + name + "': the fields are task, input, timeout_ms, attributes");
            }
        }
        final String task = string(object, "task");
        if (task.isBlank()) {
            throw new Invalid(400, "field 'task' is blank: name the classification task");
        }
        for (int i = 0; i < task.length(); i++) {
            if (Character.isISOControl(task.charAt(i))) {
                throw new Invalid(400, "field 'task' has a control character at position " + i);
            }
        }
        final String input = string(object, "input");
        Long timeoutMs = null;
        final JsonNode timeout = object.get("timeout_ms");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isIntegralNumber() || timeout.asLong() < 1 || timeout.asLong() > MAX_TIMEOUT_MS) {
                throw new Invalid(400, "field 'timeout_ms' must be an integer from 1 to " + MAX_TIMEOUT_MS + ", got " + timeout);
            }
            timeoutMs = timeout.asLong();
        }
        final Map<String, String> attributes = new LinkedHashMap<>();
        final JsonNode attrs = object.get("attributes");
        if (attrs != null && !attrs.isNull()) {
            if (!attrs.isObject()) {
                throw new Invalid(400, "field 'attributes' must be an object of strings, got " + attrs.getNodeType());
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new Invalid(400, "field 'attributes." + e.getKey() + "' must be a string");
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        return new RouteRequest(task, input, timeoutMs, attributes);
    }

    private static String string(final ObjectNode object, final String field) throws Invalid {
        final JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw new Invalid(400, "field '" + field + "' is missing" + (field.equals("input")
                    ? " (an empty string is allowed: tracer answers it DEFERRED, INVALID_INPUT)" : ""));
        }
        if (!node.isTextual()) {
            throw new Invalid(400, "field '" + field + "' must be a string, got " + node.getNodeType().toString()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return node.asText();
    }

    /** A call the endpoint refuses: its HTTP status and a message for the caller. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        public Invalid(final int status, final String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status: 400 (bad body), 405 (method), 413 (too large), 415. */
        public int status() {
            return status;
        }
    }
}
