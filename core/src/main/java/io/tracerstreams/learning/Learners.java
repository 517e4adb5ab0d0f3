/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import java.util.List;
import java.util.Locale;

/** Creates learners by name (the names the task configuration uses). */
public final class Learners {

    /** The default zoo: our own learners, best first on the Banking77/CLINC150 benchmark. */
    public static final List<String> DEFAULT_ZOO = List.of("softmax", "ncm", "knn", "nb");

    /**
     * Every name {@link #create(String, long)} accepts: the default zoo plus {@code moa-sgd}, MOA's
     * SGDMultiClass (log loss, learning rate 1.0) behind {@link MoaClassifierAdapter} with
     * {@link #MOA_MAX_SLOTS} pre-declared slots (opt-in: slower and less accurate than {@code softmax}).
     */
    public static final List<String> NAMES = List.of("softmax", "ncm", "knn", "nb", "moa-sgd");

    /** Slots pre-declared for the MOA-backed learners; traces of higher slots are not learned by them. */
    public static final int MOA_MAX_SLOTS = 256;

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
        final String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "softmax":
                return new SoftmaxRegression(seed);
            case "ncm":
                return new NearestClassMean(seed);
            case "knn":
                return new CosineKnn(seed);
            case "nb":
                return new DenseNaiveBayes(seed);
            case "moa-sgd": {
                final moa.classifiers.functions.SGDMultiClass sgd = new moa.classifiers.functions.SGDMultiClass();
                sgd.lossFunctionOption.setChosenLabel("LOGLOSS");
                sgd.learningRateOption.setValue(1.0);
                return new MoaClassifierAdapter("moa-sgd", sgd, MOA_MAX_SLOTS, seed);
            }
            default:
                throw new IllegalArgumentException("unknown learner '" + name + "': valid names are " + NAMES);
        }
    }
}
