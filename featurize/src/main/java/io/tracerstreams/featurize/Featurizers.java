/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Opens a featurizer by name: the names the command line and the configuration accept.
 *
 * <table>
 *   <caption>Featurizer names</caption>
 *   <tr><th>name</th><th>featurizer</th></tr>
 *   <tr><td>{@code minilm} (default)</td><td>all-MiniLM-L6-v2 fp32 ({@link EmbeddingModel#MINILM_L6_V2})</td></tr>
 *   <tr><td>{@code minilm-q}</td><td>all-MiniLM-L6-v2 int8, one text per call ({@link EmbeddingModel#MINILM_L6_V2_Q})</td></tr>
 *   <tr><td>{@code bge-small}</td><td>bge-small-en-v1.5 fp32 ({@link EmbeddingModel#BGE_SMALL_EN_V15})</td></tr>
 *   <tr><td>{@code hashing}</td><td>{@link HashingFeaturizer} with 1024 dimensions</td></tr>
 * </table>
 */
public final class Featurizers {

    /** The name opened when none is given. */
    public static final String DEFAULT_NAME = "minilm";

    /** Every accepted name, default first. */
    public static final List<String> NAMES = List.of("minilm", "minilm-q", "bge-small", "hashing");

    private Featurizers() {
    }

    /**
     * Opens a featurizer; the caller closes it.
     *
     * @param name           one of {@link #NAMES} (case-insensitive; null or blank means {@value #DEFAULT_NAME})
     * @param cacheDirOrNull a directory for a {@link CachingFeaturizer} around the ONNX models, or null
     *                       for no on-disk cache; the hashing featurizer is never cached (computing it is
     *                       cheaper than looking it up)
     * @throws IllegalArgumentException for an unknown name, naming the accepted ones
     * @throws IllegalStateException    when a model cannot be loaded
     */
    public static Featurizer open(final String name, final Path cacheDirOrNull) {
        final Featurizer featurizer = openUncached(name, 0);
        return cacheDirOrNull == null || featurizer instanceof HashingFeaturizer ? featurizer
                : new CachingFeaturizer(featurizer, cacheDirOrNull);
    }

    /**
     * Opens a featurizer with a bounded cache; the caller closes it.
     *
     * @param name           as for {@link #open(String, Path)}
     * @param cacheDirOrNull where the cache keeps its file, or null for a cache in memory only
     * @param cacheMaxBytes  the bound of the cache's heap ({@link CachingFeaturizer#entryBytes(int)} per text);
     *                       0 for no cache; the hashing featurizer is never cached
     * @throws IllegalArgumentException for an unknown name or a bound too small for one vector
     */
    public static Featurizer open(final String name, final Path cacheDirOrNull, final long cacheMaxBytes) {
        return open(name, cacheDirOrNull, cacheMaxBytes, 0);
    }

    /**
     * As {@link #open(String, Path, long)}, with ONNX Runtime running each call on {@code intraOpThreads} threads (the
     * calling one included); 0 for the default, {@code min(2, cores)}. The hashing featurizer ignores it.
     *
     * @throws IllegalArgumentException also for a negative thread count
     */
    public static Featurizer open(final String name, final Path cacheDirOrNull, final long cacheMaxBytes,
                                  final int intraOpThreads) {
        if (cacheMaxBytes < 0) {
            throw new IllegalArgumentException("cacheMaxBytes must not be negative, got " + cacheMaxBytes);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must not be negative, got " + intraOpThreads);
        }
        final Featurizer featurizer = openUncached(name, intraOpThreads);
        if (cacheMaxBytes == 0 || featurizer instanceof HashingFeaturizer) {
            return featurizer;
        }
        try {
            return new CachingFeaturizer(featurizer, cacheDirOrNull, cacheMaxBytes);
        } catch (final RuntimeException e) {
            featurizer.close();
            throw e;
        }
    }

    private static Featurizer openUncached(final String name, final int intraOpThreads) {
        final String key = name == null || name.isBlank() ? DEFAULT_NAME : name.trim().toLowerCase(Locale.ROOT);
        final Featurizer featurizer;
        switch (key) {
            case "minilm":
                featurizer = new OnnxFeaturizer(onnxConfig(EmbeddingModel.MINILM_L6_V2, intraOpThreads));
                break;
            case "minilm-q":
                featurizer = new OnnxFeaturizer(onnxConfig(EmbeddingModel.MINILM_L6_V2_Q, intraOpThreads));
                break;
            case "bge-small":
                featurizer = new OnnxFeaturizer(onnxConfig(EmbeddingModel.BGE_SMALL_EN_V15, intraOpThreads));
                break;
            case "hashing":
                featurizer = new HashingFeaturizer();
                break;
            default:
                throw new IllegalArgumentException("unknown featurizer '" + name + "': expected one of "
                        + String.join(", ", NAMES));
        }
        return featurizer;
    }

    private static OnnxFeaturizer.Config onnxConfig(final EmbeddingModel model, final int intraOpThreads) {
        final OnnxFeaturizer.Config defaults = OnnxFeaturizer.Config.of(model);
        return intraOpThreads == 0 ? defaults : defaults.withIntraOpThreads(intraOpThreads);
    }
}
