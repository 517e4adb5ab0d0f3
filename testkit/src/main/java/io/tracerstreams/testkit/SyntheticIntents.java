/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded stream of short texts from a few intents, each with its own vocabulary plus shared filler words:
 * learnable by any surrogate on hashed or embedded features, with no dataset to download. For plumbing
 * tests, integration tests and latency benchmarks, not for accuracy claims.
 */
public final class SyntheticIntents {

    private static final String[] FILLER = {"please", "hello", "i", "need", "my", "the", "a", "to", "can", "you", "now", "help"};

    private final Random random;
    private final List<String> labels = new ArrayList<>();
    private final List<String[]> vocabularies = new ArrayList<>();

    /**
     * @param intents number of labels (at least 2)
     * @param seed    seed of the stream
     */
    public SyntheticIntents(final int intents, final long seed) {
        if (intents < 2) {
            throw new IllegalArgumentException("intents must be at least 2 (got " + intents + ")");
        }
        this.random = new Random(seed);
        for (int i = 0; i < intents; i++) {
            labels.add("intent_" + i);
            final String[] words = new String[6];
            for (int w = 0; w < words.length; w++) {
                words[w] = "w" + i + "x" + w;
            }
            vocabularies.add(words);
        }
    }

    /** One labelled text. */
    public record Example(String text, String label) {
    }

    /** The labels, in order. */
    public List<String> labels() {
        return List.copyOf(labels);
    }

    /** The next example: a uniformly drawn intent, three of its words and two filler words, shuffled. */
    public Example next() {
        final int intent = random.nextInt(labels.size());
        final String[] vocab = vocabularies.get(intent);
        final List<String> words = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            words.add(vocab[random.nextInt(vocab.length)]);
        }
        for (int i = 0; i < 2; i++) {
            words.add(FILLER[random.nextInt(FILLER.length)]);
        }
        java.util.Collections.shuffle(words, random);
        return new Example(String.join(" ", words), labels.get(intent));
    }
}
