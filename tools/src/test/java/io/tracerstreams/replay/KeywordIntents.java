/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, learnable text dataset for tests: each intent has its own vocabulary, every text mixes a few
 * of its words with shared filler, and a share of rows carries a random label (noise the surrogate
 * cannot learn).
 */
final class KeywordIntents {

    private static final String[] FILLER = {"please", "hi", "i", "need", "help", "with", "my", "the", "a", "today", "thanks"};

    private KeywordIntents() {
    }

    static List<LabelledText> generate(final int intents, final int rows, final double labelNoise, final long seed) {
        final Random random = new Random(seed);
        final List<LabelledText> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            final int intent = random.nextInt(intents);
            final StringBuilder text = new StringBuilder();
            final int words = 3 + random.nextInt(5);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                text.append(random.nextDouble() < 0.6 ? "w" + intent + "x" + random.nextInt(6)
                        : FILLER[random.nextInt(FILLER.length)]);
            }
            final int label = random.nextDouble() < labelNoise ? random.nextInt(intents) : intent;
            out.add(new LabelledText("row-" + seed + "-" + i, text.toString(), "intent_" + label));
        }
        return out;
    }
}
