/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportExample;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The privacy switch of the reports: replaces input texts by {@code sha256:} and 16 hex digits (64 bits) of
 * SHA-256, or of HMAC-SHA256 keyed by a salt when one is given (an unsalted hash of a short text can be
 * guessed by hashing candidate texts).
 */
public final class TextHasher {

    /** The prefix of every hashed text. */
    public static final String PREFIX = "sha256:";

    private static final int HEX_DIGITS = 16;

    private static final ThreadLocal<Hashers> HASHERS = ThreadLocal.withInitial(Hashers::new);

    private TextHasher() {
    }

    /** One thread's digest and keyed MAC (both are stateful, and costly to look up on every text). */
    private static final class Hashers {
        private final MessageDigest sha256;
        private Mac mac;
        private String macSalt;

        Hashers() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (final GeneralSecurityException e) {
                // SHA-256 is mandatory in every Java platform
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }

        Mac mac(final String salt) {
            if (mac == null || !salt.equals(macSalt)) {
                try {
                    mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                } catch (final GeneralSecurityException e) {
                    // HmacSHA256 is mandatory in every Java platform
                    throw new IllegalStateException("HmacSHA256 unavailable", e);
                }
                macSalt = salt;
            }
            return mac;
        }
    }

    /** The hash of a text ({@code sha256:} and 16 hex digits); a null text hashes as the empty one. */
    public static String hash(final String text, final String salt) {
        final byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        final Hashers hashers = HASHERS.get();
        final byte[] digest;
        if (salt == null || salt.isEmpty()) {
            digest = hashers.sha256.digest(bytes);
        } else {
            digest = hashers.mac(salt).doFinal(bytes);
        }
        return PREFIX + HexFormat.of().formatHex(digest, 0, HEX_DIGITS / 2);
    }

    /** Whether a text is already a hash made here. */
    public static boolean isHash(final String text) {
        return text != null && text.length() == PREFIX.length() + HEX_DIGITS && text.startsWith(PREFIX);
    }

    /**
     * A copy of a report whose example texts are all hashed, and {@code texts_hashed} set; the report itself
     * when it is hashed already.
     */
    public static BoundaryReport redact(final BoundaryReport report, final String salt) {
        if (report.getTextsHashed()) {
            return report;
        }
        final BoundaryReport copy = BoundaryReport.newBuilder(report).build();
        copy.setHandledExamples(redact(copy.getHandledExamples(), salt));
        copy.setDeferredExamples(redact(copy.getDeferredExamples(), salt));
        final List<ReportBoundaryPair> pairs = new ArrayList<>();
        for (final ReportBoundaryPair pair : copy.getBoundaryPairs()) {
            pairs.add(ReportBoundaryPair.newBuilder(pair)
                    .setHandled(redact(pair.getHandled(), salt))
                    .setDeferred(redact(pair.getDeferred(), salt))
                    .build());
        }
        copy.setBoundaryPairs(pairs);
        copy.setTextsHashed(true);
        return copy;
    }

    private static List<ReportExample> redact(final List<ReportExample> examples, final String salt) {
        final List<ReportExample> out = new ArrayList<>(examples.size());
        for (final ReportExample example : examples) {
            out.add(redact(example, salt));
        }
        return out;
    }

    private static ReportExample redact(final ReportExample example, final String salt) {
        if (isHash(example.getText())) {
            return example;
        }
        return ReportExample.newBuilder(example).setText(hash(example.getText(), salt)).build();
    }
}
