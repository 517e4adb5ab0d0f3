/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a protobuf {@code TracesData}. A batch that does not parse whole (cut off by a producer that died, a
 * size limit, a corrupt copy) is walked field by field instead: every ResourceSpans, ScopeSpans and Span that is
 * complete before the damage is kept, and the damage is reported. Only a batch with nothing readable at all is
 * unreadable.
 */
final class OtlpProtoDecoder {

    private static final int RESOURCE_SPANS = 1;   // TracesData.resource_spans
    private static final int RESOURCE = 1;         // ResourceSpans.resource
    private static final int SCOPE_SPANS = 2;      // ResourceSpans.scope_spans
    private static final int SCOPE = 1;            // ScopeSpans.scope
    private static final int SPANS = 2;            // ScopeSpans.spans

    private OtlpProtoDecoder() {
    }

    static DecodedBatch decode(final byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') {
            throw new UnreadableBatchException("the record is JSON, not protobuf: the exporter writes otlp_json; set "
                    + OtlpMappingConfig.PREFIX + OtlpMappingConfig.ENCODING + "=otlp_json");
        }
        final List<DecodedBatch.SpanInBatch> spans = new ArrayList<>();
        try {
            final TracesData data = TracesData.parseFrom(bytes);
            for (final ResourceSpans rs : data.getResourceSpansList()) {
                addAll(rs.getResource(), rs.getScopeSpansList(), spans);
            }
            return new DecodedBatch(spans, List.of(), Optional.empty());
        } catch (final InvalidProtocolBufferException e) {
            final Salvage salvage = new Salvage();
            salvage.tracesData(bytes, spans);
            if (spans.isEmpty() && salvage.completeFields == 0) {
                throw new UnreadableBatchException("not an OTLP TracesData protobuf (" + e.getMessage() + ")", e);
            }
            return new DecodedBatch(spans, List.of(), Optional.of("damaged protobuf batch of " + bytes.length
                    + " bytes (" + e.getMessage() + "): " + salvage.lostSpans + " span(s) cut off, " + spans.size()
                    + " complete span(s) before the damage kept"));
        }
    }

    private static void addAll(final Resource resource, final List<ScopeSpans> scopes,
                               final List<DecodedBatch.SpanInBatch> out) {
        for (final ScopeSpans ss : scopes) {
            for (final Span span : ss.getSpansList()) {
                out.add(new DecodedBatch.SpanInBatch(resource, ss.getScope(), span, false));
            }
        }
    }

    /** Field-by-field walk of a damaged batch. */
    private static final class Salvage {
        private int completeFields;
        private int lostSpans;

        void tracesData(final byte[] bytes, final List<DecodedBatch.SpanInBatch> out) {
            walk(bytes, (field, value, complete) -> {
                if (field != RESOURCE_SPANS) {
                    return;
                }
                if (complete) {
                    try {
                        final ResourceSpans rs = ResourceSpans.parseFrom(value);
                        addAll(rs.getResource(), rs.getScopeSpansList(), out);
                        return;
                    } catch (final InvalidProtocolBufferException e) {
                        // damaged inside: walk it
                    }
                }
                resourceSpans(value, out);
            });
        }

        private void resourceSpans(final byte[] bytes, final List<DecodedBatch.SpanInBatch> out) {
            final Resource[] resource = {Resource.getDefaultInstance()};
            final List<DecodedBatch.SpanInBatch> found = new ArrayList<>();
            walk(bytes, (field, value, complete) -> {
                if (field == RESOURCE && complete) {
                    try {
                        resource[0] = Resource.parseFrom(value);
                    } catch (final InvalidProtocolBufferException e) {
                        // keep the spans without their resource
                    }
                } else if (field == SCOPE_SPANS) {
                    if (complete) {
                        try {
                            final ScopeSpans ss = ScopeSpans.parseFrom(value);
                            for (final Span span : ss.getSpansList()) {
                                found.add(new DecodedBatch.SpanInBatch(null, ss.getScope(), span, false));
                            }
                            return;
                        } catch (final InvalidProtocolBufferException e) {
                            // damaged inside: walk it
                        }
                    }
                    scopeSpans(value, found);
                }
            });
            for (final DecodedBatch.SpanInBatch s : found) {
                out.add(new DecodedBatch.SpanInBatch(resource[0], s.scope(), s.span(), false));
            }
        }

        private void scopeSpans(final byte[] bytes, final List<DecodedBatch.SpanInBatch> out) {
            final InstrumentationScope[] scope = {InstrumentationScope.getDefaultInstance()};
            final List<Span> found = new ArrayList<>();
            walk(bytes, (field, value, complete) -> {
                if (field == SCOPE && complete) {
                    try {
                        scope[0] = InstrumentationScope.parseFrom(value);
                    } catch (final InvalidProtocolBufferException e) {
                        // keep the spans without their scope
                    }
                } else if (field == SPANS) {
                    if (!complete) {
                        lostSpans++;
                        return;
                    }
                    try {
                        found.add(Span.parseFrom(value));
                    } catch (final InvalidProtocolBufferException e) {
                        lostSpans++;
                    }
                }
            });
            for (final Span span : found) {
                out.add(new DecodedBatch.SpanInBatch(null, scope[0], span, false));
            }
        }

        /**
         * Visits the length-delimited fields of a message in order; one cut off by the end of the buffer is
         * visited with what there is and {@code complete=false}; the walk stops at the first unreadable tag.
         */
        private void walk(final byte[] bytes, final FieldVisitor visitor) {
            final CodedInputStream in = CodedInputStream.newInstance(bytes);
            try {
                while (!in.isAtEnd()) {
                    final int tag = in.readTag();
                    if (tag == 0) {
                        return;
                    }
                    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        in.skipField(tag);
                        continue;
                    }
                    final int length = in.readRawVarint32();
                    final int available = bytes.length - in.getTotalBytesRead();
                    if (length < 0) {
                        return;
                    }
                    if (length <= available) {
                        final byte[] value = in.readRawBytes(length);
                        completeFields++;
                        visitor.visit(WireFormat.getTagFieldNumber(tag), value, true);
                    } else {
                        visitor.visit(WireFormat.getTagFieldNumber(tag), in.readRawBytes(available), false);
                        return;
                    }
                }
            } catch (final IOException e) {
                // the damage: what came before was visited
            }
        }
    }

    @FunctionalInterface
    private interface FieldVisitor {
        void visit(int field, byte[] value, boolean complete);
    }
}
