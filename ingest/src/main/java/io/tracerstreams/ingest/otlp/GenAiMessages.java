/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * GenAI chat messages in every shape the conventions and common instrumentations give them, read into one model:
 * the current {@code {role, parts:[{type:"text", content}], finish_reason}}, OpenAI's
 * {@code {role, content: "..." | [{type:"text", text}], tool_calls}}, a {@code gen_ai.choice} body
 * {@code {index, finish_reason, message:{...}}}, as structured attribute values or as JSON strings.
 */
final class GenAiMessages {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GenAiMessages() {
    }

    /** What a part of a message holds. */
    enum PartKind { TEXT, TOOL_CALL, TOOL_RESPONSE, REASONING, OTHER }

    /** One part of a message; {@code text} is set for TEXT parts. */
    record Part(PartKind kind, String text) {
    }

    /** One message: its role (lower case, may be empty), parts and finish reason (may be empty). */
    record Message(String role, List<Part> parts, String finishReason) {

        /** The text parts, joined by a new line; empty when there are none. */
        String text() {
            final StringBuilder sb = new StringBuilder();
            for (final Part p : parts) {
                if (p.kind() == PartKind.TEXT && p.text() != null && !p.text().isEmpty()) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(p.text());
                }
            }
            return sb.toString();
        }

        boolean has(final PartKind kind) {
            return parts.stream().anyMatch(p -> p.kind() == kind);
        }

        /** Whether it has parts that are neither text, reasoning nor tool calls (images, audio, files). */
        boolean hasNonText() {
            return has(PartKind.OTHER);
        }
    }

    /** Messages that cannot be read; the message says why. */
    static final class BadMessages extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadMessages(final String message) {
            super(message, null, false, false);
        }
    }

    /** A list of messages from an attribute value: a JSON string, or an array of maps. */
    static List<Message> list(final AnyValue value, final String what) {
        final JsonNode node = toJson(value, what);
        if (node.isObject()) {
            return List.of(message(node, "", what));
        }
        if (!node.isArray()) {
            throw new BadMessages(what + " is not a list of messages");
        }
        final List<Message> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(message(node.get(i), "", what + "[" + i + "]"));
        }
        return out;
    }

    /**
     * One message from an event's content or body: a JSON string, a map, or plain text (the content itself).
     *
     * @param defaultRole the role when the value gives none (the event name tells it)
     */
    static Message one(final AnyValue value, final String defaultRole, final String what) {
        if (value.hasStringValue()) {
            final String s = value.getStringValue().trim();
            if (!(s.startsWith("{") || s.startsWith("["))) {
                return new Message(defaultRole, List.of(new Part(PartKind.TEXT, value.getStringValue())), "");
            }
        }
        final JsonNode node = toJson(value, what);
        if (node.isArray()) {
            // a list of content parts
            final ObjectNode wrapped = NODES.objectNode();
            wrapped.set("content", node);
            return message(wrapped, defaultRole, what);
        }
        return message(node, defaultRole, what);
    }

    /** Plain text or a JSON list of messages (the 1.26 prompt / completion attributes). */
    static List<Message> textOrList(final AnyValue value, final String defaultRole, final String what) {
        if (value.hasStringValue()) {
            final String s = value.getStringValue().trim();
            if (!s.startsWith("[") && !s.startsWith("{")) {
                return List.of(new Message(defaultRole, List.of(new Part(PartKind.TEXT, value.getStringValue())), ""));
            }
        }
        final JsonNode node = toJson(value, what);
        if (node.isArray()) {
            final List<Message> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                out.add(message(node.get(i), defaultRole, what + "[" + i + "]"));
            }
            return out;
        }
        return List.of(message(node, defaultRole, what));
    }

    private static Message message(final JsonNode node, final String defaultRole, final String what) {
        if (!node.isObject()) {
            if (node.isTextual()) {
                return new Message(defaultRole, List.of(new Part(PartKind.TEXT, node.asText())), "");
            }
            throw new BadMessages(what + " is not a message object");
        }
        // a gen_ai.choice body wraps the message
        final JsonNode inner = node.get("message");
        if (inner != null && inner.isObject() && !node.has("parts") && !node.has("content")) {
            final Message m = message(inner, defaultRole, what + ".message");
            return new Message(m.role(), m.parts(), textOf(node.get("finish_reason"), m.finishReason()));
        }
        final String role = textOf(node.get("role"), defaultRole).toLowerCase(Locale.ROOT);
        final List<Part> parts = new ArrayList<>();
        final JsonNode partNodes = node.get("parts");
        if (partNodes != null && !partNodes.isNull()) {
            if (!partNodes.isArray()) {
                throw new BadMessages(what + ".parts is not a list");
            }
            for (final JsonNode p : partNodes) {
                parts.add(part(p));
            }
        }
        final JsonNode content = node.get("content");
        if (content != null && !content.isNull()) {
            if (content.isTextual()) {
                parts.add(new Part(PartKind.TEXT, content.asText()));
            } else if (content.isArray()) {
                for (final JsonNode p : content) {
                    parts.add(p.isTextual() ? new Part(PartKind.TEXT, p.asText()) : part(p));
                }
            } else if (content.isObject()) {
                parts.add(part(content));
            } else {
                parts.add(new Part(PartKind.TEXT, content.asText()));
            }
        }
        final JsonNode toolCalls = node.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            parts.add(new Part(PartKind.TOOL_CALL, null));
        }
        final JsonNode functionCall = node.get("function_call");
        if (functionCall != null && functionCall.isObject()) {
            parts.add(new Part(PartKind.TOOL_CALL, null));
        }
        return new Message(role, List.copyOf(parts), textOf(node.get("finish_reason"), ""));
    }

    private static Part part(final JsonNode p) {
        if (!p.isObject()) {
            return new Part(PartKind.OTHER, null);
        }
        final String type = textOf(p.get("type"), "text").toLowerCase(Locale.ROOT);
        return switch (type) {
            case "text", "input_text", "output_text" -> {
                final JsonNode c = p.has("content") ? p.get("content") : p.get("text");
                yield c == null || c.isNull() ? new Part(PartKind.TEXT, "") : new Part(PartKind.TEXT, c.asText());
            }
            case "tool_call", "function_call", "tool_use" -> new Part(PartKind.TOOL_CALL, null);
            case "tool_call_response", "tool_result", "function_call_output" -> new Part(PartKind.TOOL_RESPONSE, null);
            case "reasoning", "thinking" -> new Part(PartKind.REASONING, null);
            default -> new Part(PartKind.OTHER, null);
        };
    }

    private static String textOf(final JsonNode n, final String dflt) {
        return n == null || n.isNull() || !n.isValueNode() ? dflt : n.asText();
    }

    /** An attribute value as JSON: strings are parsed as JSON, structured values converted. */
    static JsonNode toJson(final AnyValue value, final String what) {
        if (value.hasStringValue()) {
            try {
                final JsonNode node = JSON.readTree(value.getStringValue());
                if (node == null || node.isMissingNode()) {
                    throw new BadMessages(what + " is an empty string");
                }
                return node;
            } catch (final IOException e) {
                throw new BadMessages(what + " is a string but not JSON");
            }
        }
        return convert(value);
    }

    private static JsonNode convert(final AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(v.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
            case INT_VALUE -> NODES.numberNode(v.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(v.getDoubleValue());
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                final ArrayNode a = NODES.arrayNode();
                for (final AnyValue x : v.getArrayValue().getValuesList()) {
                    a.add(convert(x));
                }
                yield a;
            }
            case KVLIST_VALUE -> {
                final ObjectNode o = NODES.objectNode();
                for (final KeyValue kv : v.getKvlistValue().getValuesList()) {
                    o.set(kv.getKey(), convert(kv.getValue()));
                }
                yield o;
            }
            default -> NODES.nullNode();
        };
    }
}
