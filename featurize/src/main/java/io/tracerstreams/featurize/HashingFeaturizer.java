/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A cheap fallback featurizer: signed feature hashing of lower-cased word unigrams and bigrams into a
 * fixed dimension, L2-normalised. No model, no native code, deterministic across runs and machines
 * (MurmurHash3 x86_32 of the UTF-8 bytes, fixed seeds).
 *
 * <p>Words are maximal runs of Unicode letters and digits. A text without words (the empty string,
 * pure punctuation) embeds to the unit vector of a reserved {@code <empty>} feature. Thread-safe and
 * stateless; {@link #close()} does nothing.
 */
public final class HashingFeaturizer implements Featurizer {

    /** The default number of buckets. */
    public static final int DEFAULT_DIMENSION = 1024;

    private static final int INDEX_SEED = 0x5f3759df;
    private static final int SIGN_SEED = 0x1b873593;
    private static final String EMPTY_FEATURE = "\u0000<empty>";

    private final int dimension;

    /** A featurizer into {@value #DEFAULT_DIMENSION} buckets. */
    public HashingFeaturizer() {
        this(DEFAULT_DIMENSION);
    }

    /**
     * A featurizer into {@code dimension} buckets.
     *
     * @throws IllegalArgumentException when dimension is not in [2, 2^24]
     */
    public HashingFeaturizer(final int dimension) {
        if (dimension < 2 || dimension > (1 << 24)) {
            throw new IllegalArgumentException("dimension must be in [2, 16777216], got " + dimension);
        }
        this.dimension = dimension;
    }

    @Override
    public String id() {
        return "hashing-uni-bi-" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public List<float[]> embed(final List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        final List<float[]> out = new ArrayList<>(texts.size());
        for (final String text : texts) {
            out.add(embedOne(Objects.requireNonNull(text, "texts contains null")));
        }
        return out;
    }

    @Override
    public float[] embed(final String text) {
        return embedOne(Objects.requireNonNull(text, "text"));
    }

    /** Always 0: nothing is cut. */
    @Override
    public long truncatedCount() {
        return 0;
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // stateless
    }

    private float[] embedOne(final String text) {
        final double[] sums = new double[dimension];
        final List<String> words = words(text);
        for (int i = 0; i < words.size(); i++) {
            add(sums, words.get(i));
            if (i > 0) {
                add(sums, words.get(i - 1) + ' ' + words.get(i));
            }
        }
        double norm = 0;
        for (final double v : sums) {
            norm += v * v;
        }
        if (norm == 0) {
            // no words, or colliding features that cancelled out: keep the unit-length contract
            Arrays.fill(sums, 0);
            add(sums, EMPTY_FEATURE);
            norm = 1;
        }
        final double scale = 1 / Math.sqrt(norm);
        final float[] vector = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            vector[d] = (float) (sums[d] * scale);
        }
        return vector;
    }

    private void add(final double[] sums, final String feature) {
        final byte[] bytes = feature.getBytes(StandardCharsets.UTF_8);
        final int index = Math.floorMod(murmur3(bytes, INDEX_SEED), dimension);
        final int sign = (murmur3(bytes, SIGN_SEED) & 1) == 0 ? 1 : -1;
        sums[index] += sign;
    }

    static List<String> words(final String text) {
        final String lower = text.toLowerCase(Locale.ROOT);
        final List<String> words = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < lower.length()) {
            final int cp = lower.codePointAt(i);
            final boolean wordChar = Character.isLetterOrDigit(cp);
            if (wordChar && start < 0) {
                start = i;
            } else if (!wordChar && start >= 0) {
                words.add(lower.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(lower.substring(start));
        }
        return words;
    }

    /** MurmurHash3 x86 32-bit. */
    static int murmur3(final byte[] data, final int seed) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = seed;
        final int blocks = data.length / 4;
        for (int b = 0; b < blocks; b++) {
            final int i = b * 4;
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        final int tail = blocks * 4;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
