/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * Sentence embeddings computed in-process with ONNX Runtime and a HuggingFace tokenizer, from the
 * model files inside langchain4j's model artifacts (see {@link EmbeddingModel}).
 *
 * <p>Texts are tokenized without the fixed 128-token padding their {@code tokenizer.json} asks for:
 * each chunk of at most {@link Config#batchSize()} texts is padded to its longest text only, and texts
 * longer than {@link EmbeddingModel#maxTokens()} are truncated (counted by {@link #truncatedCount()}).
 * A batch is sorted by token count before it is cut into chunks, and a chunk ends early where it would be more
 * than a fifth padding ({@link #MAX_PADDED_SHARE}), so that short texts are not padded to long ones; the
 * results are returned in the order given. Token vectors are pooled as the model
 * needs (mean over the attention mask, or the {@code [CLS]} vector) and L2-normalised: for the fp32
 * models this reproduces langchain4j's own embedding models.
 *
 * <p><b>Reproducibility.</b> The fp32 models give a text the same vector (up to float rounding, ~1e-6)
 * whatever its batch-mates. The quantized MiniLM does not: its dynamic quantization scales depend on
 * the whole padded batch. With {@link Config#reproducible()} (the default) such a model embeds one text
 * per ONNX call, so a text always gets the same vector (what caches, restores and tests need); turning
 * it off batches for throughput and gives the featurizer a distinct {@link #id()} ({@code -batched}),
 * so that batch-dependent vectors never share a cache with reproducible ones.
 *
 * <p><b>Threads.</b> Thread-safe: {@link OrtSession#run} may be called concurrently, and the tokenizer
 * is configured once in the constructor and only read afterwards (langchain4j shares one the same way).
 * {@link #close()} waits for running calls, then releases the ONNX session and the native tokenizer;
 * later calls to {@link #embed(List)} throw {@link IllegalStateException}. The process-wide
 * {@link OrtEnvironment} is not closed.
 */
public final class OnnxFeaturizer implements Featurizer {

    /** The default number of texts per ONNX call. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /**
     * The most padded cells a chunk may compute per real token: 1.25, i.e. at most a fifth of a chunk is padding.
     * Not tuned: chosen so that texts within a quarter of each other's length share a chunk.
     */
    static final double MAX_PADDED_SHARE = 1.25;

    /**
     * Settings of an {@link OnnxFeaturizer}.
     *
     * @param model          the model to run
     * @param intraOpThreads ONNX Runtime's intra-op threads per call (at least 1)
     * @param batchSize      the most texts per ONNX call (1 to 1024); larger batches are split
     * @param reproducible   for a {@link EmbeddingModel#batchDependent()} model, embed one text per call
     *                       so that vectors do not depend on batch-mates; ignored for the other models
     * @param spinning       let idle ONNX Runtime workers spin for work: ~30% faster single calls on an
     *                       otherwise idle machine, but they starve other threads on a busy one (off by default)
     */
    public record Config(EmbeddingModel model, int intraOpThreads, int batchSize, boolean reproducible,
                         boolean spinning) {
        public Config {
            Objects.requireNonNull(model, "model");
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
            }
            if (batchSize < 1 || batchSize > 1024) {
                throw new IllegalArgumentException("batchSize must be in [1, 1024], got " + batchSize);
            }
        }

        /**
         * The defaults for a model: {@code min(2, cores)} intra-op threads, batches of
         * {@value OnnxFeaturizer#DEFAULT_BATCH_SIZE}, reproducible, no spinning.
         */
        public static Config of(final EmbeddingModel model) {
            return new Config(model, Math.min(2, Runtime.getRuntime().availableProcessors()), DEFAULT_BATCH_SIZE, true,
                    false);
        }

        /** A copy with another number of intra-op threads. */
        public Config withIntraOpThreads(final int threads) {
            return new Config(model, threads, batchSize, reproducible, spinning);
        }

        /** A copy with another batch size. */
        public Config withBatchSize(final int size) {
            return new Config(model, intraOpThreads, size, reproducible, spinning);
        }

        /** A copy with another reproducibility setting. */
        public Config withReproducible(final boolean value) {
            return new Config(model, intraOpThreads, batchSize, value, spinning);
        }

        /** A copy with ONNX Runtime's thread spinning on or off. */
        public Config withSpinning(final boolean value) {
            return new Config(model, intraOpThreads, batchSize, reproducible, value);
        }

        /** The batch size actually used: 1 for a batch-dependent model in reproducible mode. */
        public int effectiveBatchSize() {
            return model.batchDependent() && reproducible ? 1 : batchSize;
        }
    }

    private final Config config;
    private final String id;
    private final int chunkSize;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean needsTokenTypeIds;
    private final String outputName;
    private final AtomicLong truncated = new AtomicLong();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /** Loads a model with the default settings ({@link Config#of}). */
    public OnnxFeaturizer(final EmbeddingModel model) {
        this(Config.of(model));
    }

    /**
     * Loads the model and tokenizer named by the config from the classpath (about a second).
     *
     * @throws IllegalStateException when the model's resources are not on the classpath or do not load
     */
    public OnnxFeaturizer(final Config config) {
        this.config = Objects.requireNonNull(config, "config");
        final EmbeddingModel model = config.model();
        this.id = model.batchDependent() && !config.reproducible() ? model.id() + "-batched" : model.id();
        this.chunkSize = config.effectiveBatchSize();
        this.environment = OrtEnvironment.getEnvironment();
        // DJL otherwise probes the EC2 metadata endpoint for its telemetry on every tokenizer load
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        final byte[] graph = readResource(model.modelResource(), model);
        OrtSession opened = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (!config.spinning()) {
                // idle ORT workers otherwise spin for work; beside Kafka Streams' threads, the broker's and a
                // second featurizing thread on a small machine they starve everything else
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            opened = environment.createSession(graph, options);
            this.needsTokenTypeIds = opened.getInputNames().contains("token_type_ids");
            this.outputName = hiddenStateOutput(opened, model);
            this.tokenizer = newTokenizer(model);
            this.session = opened;
        } catch (final OrtException | RuntimeException e) {
            closeQuietly(opened);
            throw new IllegalStateException("cannot load embedding model " + model.id() + ": " + e.getMessage(), e);
        }
    }

    /** The settings this featurizer runs with. */
    public Config config() {
        return config;
    }

    /** The model this featurizer runs. */
    public EmbeddingModel model() {
        return config.model();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return config.model().dimension();
    }

    @Override
    public long truncatedCount() {
        return truncated.get();
    }

    @Override
    public List<float[]> embed(final List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return List.of();
        }
        final String[] input = new String[texts.size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = Objects.requireNonNull(texts.get(i), () -> "texts contains null");
        }
        final ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("featurizer " + id + " is closed");
            }
            return embedOpen(input);
        } finally {
            lock.unlock();
        }
    }

    private List<float[]> embedOpen(final String[] input) {
        final Encoding[] encodings = tokenizer.batchEncode(input, true, false);
        long cut = 0;
        for (final Encoding encoding : encodings) {
            if (encoding.exceedMaxLength()) {
                cut++;
            }
        }
        truncated.addAndGet(cut);
        // longest first: similar lengths share a chunk, so little padding is computed
        final int[] order = IntStream.range(0, encodings.length).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -encodings[i].getIds().length))
                .mapToInt(Integer::intValue).toArray();
        final float[][] vectors = new float[encodings.length][];
        for (final int[] chunk : chunks(order, encodings, chunkSize)) {
            final float[][] pooled = run(chunk, encodings);
            for (int j = 0; j < chunk.length; j++) {
                vectors[chunk[j]] = pooled[j];
            }
        }
        return Arrays.asList(vectors);
    }

    /**
     * Cuts texts sorted longest first into chunks of at most {@code maxRows}, starting a new chunk where adding
     * the next text would make the padded cells exceed {@value #MAX_PADDED_SHARE} times the real tokens. A batch
     * of texts of mixed lengths (a few dozen live requests) then runs as a few chunks of similar lengths instead of
     * one chunk padded to its longest text, which computed up to several times the useful work.
     */
    static List<int[]> chunks(final int[] order, final Encoding[] encodings, final int maxRows) {
        final int[] lengths = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            lengths[i] = encodings[order[i]].getIds().length;
        }
        final List<int[]> out = new java.util.ArrayList<>();
        for (final int[] range : chunkRanges(lengths, maxRows)) {
            out.add(Arrays.copyOfRange(order, range[0], range[1]));
        }
        return out;
    }

    /** Chunk boundaries [from, to) over token counts sorted in descending order (see {@link #chunks}). */
    static List<int[]> chunkRanges(final int[] descendingLengths, final int maxRows) {
        final List<int[]> out = new java.util.ArrayList<>();
        int from = 0;
        while (from < descendingLengths.length) {
            final int width = Math.max(1, descendingLengths[from]);
            long real = descendingLengths[from];
            int to = from + 1;
            while (to < descendingLengths.length && to - from < maxRows
                    && (double) width * (to - from + 1) <= MAX_PADDED_SHARE * (real + descendingLengths[to])) {
                real += descendingLengths[to];
                to++;
            }
            out.add(new int[] {from, to});
            from = to;
        }
        return out;
    }

    private float[][] run(final int[] chunk, final Encoding[] encodings) {
        int width = 1;
        for (final int index : chunk) {
            width = Math.max(width, encodings[index].getIds().length);
        }
        final int rows = chunk.length;
        final long[] ids = new long[rows * width];
        final long[] mask = new long[rows * width];
        final long[] types = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            final Encoding encoding = encodings[chunk[r]];
            System.arraycopy(encoding.getIds(), 0, ids, r * width, encoding.getIds().length);
            System.arraycopy(encoding.getAttentionMask(), 0, mask, r * width, encoding.getAttentionMask().length);
            System.arraycopy(encoding.getTypeIds(), 0, types, r * width, encoding.getTypeIds().length);
        }
        final long[] shape = {rows, width};
        final Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            if (needsTokenTypeIds) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                final OnnxValue value = result.get(outputName)
                        .orElseThrow(() -> new IllegalStateException("model output " + outputName + " missing"));
                final FloatBuffer hidden = ((OnnxTensor) value).getFloatBuffer();
                return pool(hidden, mask, rows, width);
            }
        } catch (final OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + id + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[][] pool(final FloatBuffer hidden, final long[] mask, final int rows, final int width) {
        final int dim = dimension();
        final float[][] out = new float[rows][];
        final float[] token = new float[dim];
        for (int r = 0; r < rows; r++) {
            final double[] sum = new double[dim];
            if (config.model().pooling() == EmbeddingModel.Pooling.CLS) {
                hidden.get(r * width * dim, token);
                for (int d = 0; d < dim; d++) {
                    sum[d] = token[d];
                }
            } else {
                int count = 0;
                for (int t = 0; t < width; t++) {
                    if (mask[r * width + t] != 0) {
                        hidden.get((r * width + t) * dim, token);
                        for (int d = 0; d < dim; d++) {
                            sum[d] += token[d];
                        }
                        count++;
                    }
                }
                final double divisor = Math.max(1, count);
                for (int d = 0; d < dim; d++) {
                    sum[d] /= divisor;
                }
            }
            out[r] = normalise(sum);
        }
        return out;
    }

    static float[] normalise(final double[] sum) {
        double norm = 0;
        for (final double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        final float[] vector = new float[sum.length];
        if (norm == 0 || !Double.isFinite(norm)) {
            // cannot happen for a trained model; keep the contract (unit length) all the same
            vector[0] = 1f;
            return vector;
        }
        for (int d = 0; d < sum.length; d++) {
            vector[d] = (float) (sum[d] / norm);
        }
        return vector;
    }

    /**
     * Waits for running calls to finish, then releases the ONNX session and the native tokenizer.
     * Idempotent.
     */
    @Override
    public void close() {
        final ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(session);
            tokenizer.close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxFeaturizer[" + id + ", threads=" + config.intraOpThreads() + ", batch=" + chunkSize + "]";
    }

    private static HuggingFaceTokenizer newTokenizer(final EmbeddingModel model) {
        final byte[] json = readResource(model.tokenizerResource(), model);
        final Map<String, String> options = Map.of(
                "padding", "false",                        // we pad each chunk to its longest text
                "truncation", "true",
                "maxLength", Integer.toString(model.maxTokens()),
                "modelMaxLength", Integer.toString(model.maxTokens()),
                "addSpecialTokens", "true");
        try (InputStream in = new ByteArrayInputStream(json)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read tokenizer of " + model.id(), e);
        }
    }

    private static String hiddenStateOutput(final OrtSession session, final EmbeddingModel model) throws OrtException {
        final Map<String, NodeInfo> outputs = session.getOutputInfo();
        final String name = outputs.containsKey("last_hidden_state")
                ? "last_hidden_state" : outputs.keySet().iterator().next();
        final TensorInfo info = (TensorInfo) outputs.get(name).getInfo();
        final long[] shape = info.getShape();
        if (shape.length != 3 || shape[2] != model.dimension()) {
            throw new IllegalStateException("output " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [batch, tokens, " + model.dimension() + "]");
        }
        return name;
    }

    private static byte[] readResource(final String resource, final EmbeddingModel model) {
        final ClassLoader loader = OnnxFeaturizer.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource + " of model " + model.id()
                        + " is missing: add its langchain4j-embeddings-* artifact to the classpath");
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + resource, e);
        }
    }

    private static void closeQuietly(final OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (final OrtException ignored) {
            // nothing left to release
        }
    }
}
