/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import java.util.Locale;

/** How the OpenTelemetry Collector's Kafka exporter encodes a batch ({@code encoding} of the exporter). */
public enum OtlpEncoding {
    /** Protobuf {@code TracesData} (the exporter's default). */
    OTLP_PROTO("otlp_proto"),
    /** OTLP JSON: lowerCamelCase names, hex trace and span ids, enums as integers, 64-bit integers as strings. */
    OTLP_JSON("otlp_json");

    private final String value;

    OtlpEncoding(final String value) {
        this.value = value;
    }

    /** The name the exporter uses, e.g. {@code otlp_proto}. */
    public String value() {
        return value;
    }

    /** Parses {@code otlp_proto} or {@code otlp_json}. */
    public static OtlpEncoding parse(final String text) {
        for (final OtlpEncoding e : values()) {
            if (e.value.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown OTLP encoding '" + text + "' (otlp_proto or otlp_json)");
    }
}
