/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import java.util.List;

/** Varied inputs for the featurizer tests: short, long, noisy, non-ASCII. */
final class EmbeddingTexts {

    /** Far more than 128 word pieces (and more than 512 for bge). */
    static final String LONG = ("I was charged twice for the same card payment at the supermarket yesterday and "
            + "the second charge is still pending, although the cashier said the first one had failed. ").repeat(20);

    static final List<String> VARIED = List.of(
            "How do I activate my new card?",
            "my card got declined at the shop",
            "What is the exchange rate for EUR to USD today?",
            "I want to cancel the transfer I made this morning!!!",
            "Why was I charged a fee for withdrawing cash?",
            "top up failed",
            "Can I get a virtual card for online shopping",
            "Pourquoi ma carte est-elle bloquée ?",
            "Überweisung nicht angekommen – was tun?",
            "我的卡丢了",
            "pin    blocked \t after 3 attempts\n please help",
            "refund??? 💳😡",
            "1234 5678 9012 3456",
            "The ATM swallowed my card.",
            "a",
            "Is there a limit on how much I can top up per day, and does it differ between "
                    + "bank transfers and card top ups?",
            "WHERE IS MY MONEY",
            "I'd like to change my PIN; where can I do that (app or ATM)?",
            "how long does a transfer from the UK take",
            LONG);

    private EmbeddingTexts() {
    }

    static double cosine(final float[] a, final float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double norm(final float[] v) {
        double sum = 0;
        for (final float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    static double maxAbsDiff(final float[] a, final float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
