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

    /**
     * The prefix of a learner given by its MOA command-line spec, e.g. {@code moa:meta.AdaptiveRandomForest -s 5}
     * or {@code moa:trees.HoeffdingAdaptiveTree}: any MOA classifier (class names relative to
     * {@code moa.classifiers}, options as on MOA's command line) behind {@link MoaClassifierAdapter} with
     * {@link #MOA_MAX_SLOTS} pre-declared slots.
     */
    public static final String MOA_PREFIX = "moa:";

    private Learners() {
    }

    /**
     * A fresh learner with default settings.
     *
     * @param name one of {@link #NAMES} (case-insensitive), or {@link #MOA_PREFIX} and a MOA command-line spec
     * @param seed the seed of its random choices
     * @throws IllegalArgumentException for an unknown name, listing the valid ones, or a spec MOA cannot parse
     */
    public static EmbeddingClassifier create(final String name, final long seed) {
        final String trimmed = name == null ? "" : name.trim();
        if (isMoaSpec(trimmed)) {
            final String spec = trimmed.substring(MOA_PREFIX.length()).trim();
            return new MoaClassifierAdapter(MOA_PREFIX + spec, moaClassifier(spec), MOA_MAX_SLOTS, seed);
        }
        final String key = trimmed.toLowerCase(Locale.ROOT);
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
                throw new IllegalArgumentException("unknown learner '" + name + "': valid names are " + NAMES
                        + ", or " + MOA_PREFIX + "<MOA classifier spec> (e.g. " + MOA_PREFIX
                        + "trees.HoeffdingAdaptiveTree)");
        }
    }

    /**
     * Checks a learner name as {@link #create} would take it, without building its model.
     *
     * @throws IllegalArgumentException as {@link #create} does
     */
    public static void validate(final String name) {
        final String trimmed = name == null ? "" : name.trim();
        if (isMoaSpec(trimmed)) {
            moaClassifier(trimmed.substring(MOA_PREFIX.length()).trim());
        } else if (!NAMES.contains(trimmed.toLowerCase(Locale.ROOT))) {
            create(trimmed, 0L);
        }
    }

    private static boolean isMoaSpec(final String name) {
        return name.regionMatches(true, 0, MOA_PREFIX, 0, MOA_PREFIX.length());
    }

    /** A fresh MOA classifier from its command-line spec (class relative to {@code moa.classifiers}, options). */
    private static moa.classifiers.Classifier moaClassifier(final String spec) {
        final Object made;
        try {
            made = moa.options.ClassOption.cliStringToObject(spec, moa.classifiers.Classifier.class, null);
        } catch (final Exception | LinkageError e) {
            throw new IllegalArgumentException("MOA cannot parse the learner spec '" + spec + "': " + e.getMessage(), e);
        }
        if (!(made instanceof moa.classifiers.Classifier classifier)) {
            throw new IllegalArgumentException("the learner spec '" + spec + "' names " + made.getClass().getName()
                    + ", not a MOA classifier");
        }
        return classifier;
    }
}
