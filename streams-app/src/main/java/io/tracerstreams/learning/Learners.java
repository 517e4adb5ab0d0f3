/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.util.List;

/** Creates learners by name (the names the task configuration uses). */
public final class Learners {

    /** Every name {@link #create(String, long)} accepts, in a sensible zoo order. */
    public static final List<String> NAMES = List.of("softmax", "ncm", "knn", "nb");

    private Learners() {
    }

    /**
     * A fresh learner with default settings.
     *
     * @param name one of {@link #NAMES} (case-insensitive)
     * @param seed the seed of its random choices
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static EmbeddingClassifier create(final String name, final long seed) {
        final String key = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (key) {
            case "softmax":
                return new SoftmaxRegression(seed);
            case "ncm":
                return new NearestClassMean(seed);
            case "knn":
                return new CosineKnn(seed);
            case "nb":
                return new DenseNaiveBayes(seed);
            default:
                throw new IllegalArgumentException("unknown learner '" + name + "': valid names are " + NAMES);
        }
    }
}
