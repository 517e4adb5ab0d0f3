/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.demo;

import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DemoDataGeneratorTest {

    @Test
    void shouldShipExactlyWhatTheGeneratorWrites() throws Exception {
        assertThat(resourceBytes(DemoDataGenerator.INTENTS_FILE))
                .isEqualTo(DemoDataGenerator.gzip(DemoDataGenerator.intentRows(DemoDataGenerator.DEFAULT_SEED)));
        assertThat(resourceBytes(DemoDataGenerator.PRIORITY_FILE))
                .isEqualTo(DemoDataGenerator.gzip(DemoDataGenerator.priorityRows(DemoDataGenerator.DEFAULT_SEED)));
    }

    @Test
    void shouldGiveAnotherDatasetForAnotherSeed() {
        assertThat(DemoDataGenerator.intentRows(7)).isNotEqualTo(DemoDataGenerator.intentRows(8));
    }

    @Test
    void shouldHaveManyIntentsWithVariedUniqueUtterances() {
        final List<LabelledText> rows = read(DemoDataGenerator.INTENTS_FILE);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2_400);
        final Map<String, Long> perLabel = rows.stream()
                .collect(Collectors.groupingBy(LabelledText::label, Collectors.counting()));
        assertThat(perLabel).hasSizeGreaterThanOrEqualTo(24);
        assertThat(perLabel.values()).allSatisfy(n -> assertThat(n).isBetween(80L, 130L));
        assertThat(rows.stream().map(LabelledText::text).distinct().count()).isEqualTo(rows.size());
        assertThat(rows.stream().map(LabelledText::id).distinct().count()).isEqualTo(rows.size());
        // variety: lengths from a couple of words to long sentences, lower-cased and prefixed forms
        final Set<Integer> wordCounts = new HashSet<>();
        rows.forEach(r -> wordCounts.add(r.text().split("\\s+").length));
        assertThat(wordCounts).contains(2, 3, 15);
        assertThat(rows.stream().filter(r -> r.text().equals(r.text().toLowerCase(Locale.ROOT))).count())
                .isGreaterThan(rows.size() / 5);
        assertThat(rows.stream().filter(r -> r.text().toLowerCase(Locale.ROOT).startsWith("hi")).count())
                .isGreaterThan(50);
    }

    @Test
    void shouldHaveAmbiguousPhrasingsLabelledBothWays() {
        final List<LabelledText> rows = read(DemoDataGenerator.INTENTS_FILE);
        final Map<String, Set<String>> labelsOfCore = new HashMap<>();
        for (final LabelledText r : rows) {
            final String t = r.text().toLowerCase(Locale.ROOT);
            if (t.contains("i need to change my address")) {
                labelsOfCore.computeIfAbsent("address", k -> new HashSet<>()).add(r.label());
            }
        }
        assertThat(labelsOfCore.get("address")).containsExactlyInAnyOrder("change_address", "change_delivery_address");
    }

    @Test
    void shouldMakeTicketPriorityUnpredictableFromTheTextAlone() {
        final List<LabelledText> rows = read(DemoDataGenerator.PRIORITY_FILE);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(2_400);
        final Map<String, Long> perLabel = rows.stream()
                .collect(Collectors.groupingBy(LabelledText::label, Collectors.counting()));
        assertThat(perLabel.keySet()).containsExactlyInAnyOrder("low", "normal", "high");
        assertThat(perLabel.values()).allSatisfy(n -> assertThat((double) n / rows.size()).isLessThan(0.6));
        // the best a text-only rule can do on any frequent slice (same opening words): far below 0.9
        final Map<String, Map<String, Integer>> slices = new HashMap<>();
        for (final LabelledText r : rows) {
            final String[] words = r.text().toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", "").split(" +");
            final String key = String.join(" ", java.util.Arrays.copyOf(words, Math.min(3, words.length)));
            slices.computeIfAbsent(key, k -> new HashMap<>()).merge(r.label(), 1, Integer::sum);
        }
        slices.values().stream().filter(m -> m.values().stream().mapToInt(Integer::intValue).sum() >= 30)
                .forEach(m -> {
                    final int total = m.values().stream().mapToInt(Integer::intValue).sum();
                    final int top = m.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                    assertThat((double) top / total).as("purity of slice %s", m).isLessThan(0.8);
                });
    }

    private static List<LabelledText> read(final String file) {
        return Datasets.read(DemoDatasets.open(file), file, r -> true);
    }

    private static byte[] resourceBytes(final String file) throws Exception {
        try (InputStream in = DemoDataGeneratorTest.class.getResourceAsStream("/demo/" + file)) {
            assertThat(in).as("resource /demo/%s", file).isNotNull();
            return in.readAllBytes();
        }
    }
}
