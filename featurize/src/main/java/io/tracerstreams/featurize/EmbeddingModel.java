/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

/**
 * The sentence-embedding models {@link OnnxFeaturizer} can run: ONNX files and HuggingFace tokenizers
 * shipped as classpath resources inside langchain4j's model artifacts
 * ({@code dev.langchain4j:langchain4j-embeddings-*}), with the pooling langchain4j uses for each.
 */
public enum EmbeddingModel {

    /** all-MiniLM-L6-v2, fp32: mean pooling, 384 dimensions, 128 tokens (the limit of its tokenizer.json). */
    MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
            Pooling.MEAN, 384, 128, false),

    /**
     * all-MiniLM-L6-v2, dynamically quantized int8: mean pooling, 384 dimensions, 128 tokens. Its
     * quantization scales are computed over the whole padded batch, so a text's vector depends on its
     * batch-mates ({@link #batchDependent()}).
     */
    MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
            Pooling.MEAN, 384, 128, true),

    /** BAAI bge-small-en-v1.5, fp32: CLS pooling, 384 dimensions, 512 tokens. */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
            Pooling.CLS, 384, 512, false);

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        /** The average of the token vectors over the attention mask. */
        MEAN,
        /** The vector of the first ({@code [CLS]}) token. */
        CLS
    }

    private final String id;
    private final String modelResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final int dimension;
    private final int maxTokens;
    private final boolean batchDependent;

    EmbeddingModel(final String id, final String modelResource, final String tokenizerResource,
                   final Pooling pooling, final int dimension, final int maxTokens, final boolean batchDependent) {
        this.id = id;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.dimension = dimension;
        this.maxTokens = maxTokens;
        this.batchDependent = batchDependent;
    }

    /** The stable name of the model, e.g. {@code all-minilm-l6-v2}. */
    public String id() {
        return id;
    }

    /** The classpath resource of the ONNX graph. */
    public String modelResource() {
        return modelResource;
    }

    /** The classpath resource of the HuggingFace {@code tokenizer.json}. */
    public String tokenizerResource() {
        return tokenizerResource;
    }

    /** The pooling langchain4j uses for this model. */
    public Pooling pooling() {
        return pooling;
    }

    /** The length of the vectors. */
    public int dimension() {
        return dimension;
    }

    /** The token limit (special tokens included); longer texts are truncated. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Whether a text's vector depends on the other texts of its batch (dynamic quantization). */
    public boolean batchDependent() {
        return batchDependent;
    }
}
