/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import java.util.List;

/**
 * Turns input texts into fixed-size, L2-normalised vectors: the only features the surrogates see.
 *
 * <p>Implementations are thread-safe: the featurize stage of the topology calls one instance from
 * every stream thread.
 */
public interface Featurizer extends AutoCloseable {

    /** A stable name of the model and its settings (e.g. {@code all-minilm-l6-v2}); part of cache keys and model versions. */
    String id();

    /** The length of every vector this featurizer returns. */
    int dimension();

    /**
     * Embeds texts in one call (batching is the implementation's business).
     *
     * @param texts non-null texts; empty strings are allowed and embed to a valid vector
     * @return one L2-normalised vector per text, in the order given
     */
    List<float[]> embed(List<String> texts);

    /** Embeds one text. */
    default float[] embed(final String text) {
        return embed(List.of(text)).get(0);
    }

    /** How many texts so far were cut at the model's token limit. */
    long truncatedCount();

    @Override
    void close();
}
