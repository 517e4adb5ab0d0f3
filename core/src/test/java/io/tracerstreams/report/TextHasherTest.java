/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TextHasherTest {

    @Test
    void shouldGiveTheFirst64BitsOfSha256() throws Exception {
        final String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("how do I top up?".getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        assertThat(TextHasher.hash("how do I top up?", "")).isEqualTo("sha256:" + expected);
        assertThat(TextHasher.isHash(TextHasher.hash("x", ""))).isTrue();
        assertThat(TextHasher.isHash("sha256:short")).isFalse();
    }

    @Test
    void shouldKeyTheHashWithTheSaltAndSeparateTexts() {
        assertThat(TextHasher.hash("card lost", "a")).isNotEqualTo(TextHasher.hash("card lost", "b"))
                .isNotEqualTo(TextHasher.hash("card lost", "")).isEqualTo(TextHasher.hash("card lost", "a"));
        final Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            hashes.add(TextHasher.hash("text " + i, "salt"));
        }
        assertThat(hashes).hasSize(10_000);
    }
}
