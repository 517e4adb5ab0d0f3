/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import com.yahoo.labs.samoa.instances.Instance;
import io.tracerstreams.schema.state.CosineKnnState;
import io.tracerstreams.schema.state.DenseNaiveBayesState;
import io.tracerstreams.schema.state.LearnerState;
import io.tracerstreams.schema.state.MoaLearnerState;
import io.tracerstreams.schema.state.NearestClassMeanState;
import io.tracerstreams.schema.state.SoftmaxState;
import moa.classifiers.AbstractClassifier;
import moa.classifiers.Classifier;
import moa.classifiers.MultiClassClassifier;
import moa.core.Measurement;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A surrogate learner on embedding vectors: a MOA classifier with a fast {@code float[]} path.
 *
 * <p>The engine uses the fast path: {@link #probabilities(float[], int)} and {@link #learn(float[], int)},
 * with class <em>slots</em> from a {@link LabelSpace}. Slots may grow at any time without resetting the
 * model, and no MOA header is needed. Inputs are sanitised (NaN as 0, huge values clamped) and scaled to
 * unit length before the learner sees them; the vector length is fixed by the first vector learned, and
 * vectors of another length are rejected (all-zero probabilities, no learning) and counted in
 * {@link #rejectedInputs()}.
 *
 * <p>The MOA methods delegate to the fast path, so the same learners run in MOA's own evaluation tasks:
 * every attribute but the class is a vector component, the class value (an index into a nominal class
 * attribute, e.g. pre-declared placeholders {@code c0..cN}) is the slot, and instance weights are ignored.
 * MOA's {@code -r} seed option is not used: the seed is given at construction.
 *
 * <p>State for snapshots: {@link #toState()} and {@link #fromState} (a record per learner family, a branch of
 * {@link LearnerState#getModel()}; a new family needs a branch of its own, so the learners are the ones of this
 * package). A restored learner predicts and learns exactly like the original. MOA's own fields of the object (its
 * options, its model context) are not part of the state: the fast path never reads them.
 *
 * <p>Deterministic given the seed and the call sequence; {@link java.io.Serializable} (only for snapshots of
 * earlier formats; Java serialisation restores identical probabilities). Not thread-safe.
 */
public abstract class EmbeddingClassifier extends AbstractClassifier implements MultiClassClassifier {

    private static final long serialVersionUID = 1L;

    /** The seed the learner was created with. */
    protected final long seed;
    private int dimension = -1;
    private int slots;
    private long learned;
    private long rejected;
    private transient float[] scratch;
    private transient double[] scores;

    /** @param seed the seed of every random choice the learner makes */
    protected EmbeddingClassifier(final long seed) {
        this.seed = seed;
    }

    /** A short name, e.g. {@code softmax}; {@link Learners#create(String, long)} accepts it. */
    public abstract String name();

    /**
     * Class probabilities for a vector, over slots {@code 0..numSlots-1}: non-negative, finite, summing to 1
     * over the slots learned so far (slots never learned get 0); all zero when nothing was learned yet, the
     * vector was rejected, or the learner has no vote for any of these slots.
     *
     * @param x        the embedding (not modified)
     * @param numSlots the length of the returned array (the label space's size)
     */
    public final double[] probabilities(final float[] x, final int numSlots) {
        final double[] out = new double[Math.max(0, numSlots)];
        final int k = Math.min(numSlots, slots);
        if (k <= 0 || learned == 0 || !prepare(x)) {
            return out;
        }
        final double[] raw = scoresBuffer(slots);
        Arrays.fill(raw, 0, slots, 0.0);
        votes(scratch, k, raw);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double v = raw[i];
            if (Double.isNaN(v) || v < 0) {
                v = 0;
            } else if (v > Double.MAX_VALUE / (k + 1)) {
                v = Double.MAX_VALUE / (k + 1);
            }
            out[i] = v;
            sum += v;
        }
        if (sum > 0) {
            for (int i = 0; i < k; i++) {
                out[i] /= sum;
            }
        } else {
            // no usable vote (e.g. only slots beyond numSlots were learned): no information
            Arrays.fill(out, 0.0);
        }
        return out;
    }

    /**
     * Learns one example.
     *
     * @param x    the embedding (not modified)
     * @param slot its class slot, {@code >= 0}; a negative slot is rejected
     */
    public final void learn(final float[] x, final int slot) {
        if (slot < 0) {
            rejected++;
            return;
        }
        if (dimension < 0 && x != null && x.length > 0) {
            dimension = x.length;
            initialize(dimension);
        }
        if (!prepare(x)) {
            return;
        }
        if (slot >= slots) {
            slots = slot + 1;
            growSlots(slots);
        }
        train(scratch, slot);
        learned++;
    }

    /**
     * Forgets what this learner learned of one slot before its {@code keepNewest} most recent examples: the LLM now
     * contradicts that label's old examples (it renamed or redefined the label), so they must stop voting for it.
     * Examples of the slot among the newest {@code keepNewest} stay. Learners that cannot forget selectively do
     * nothing (the default; MOA's classifiers); each of ours says what it forgets.
     *
     * @param slot       the slot whose old examples are forgotten (ignored when out of range)
     * @param keepNewest how many of the most recent examples learned (of any slot) are exempt, {@code >= 0}
     */
    public final void forget(final int slot, final long keepNewest) {
        if (slot < 0 || slot >= slots || learned == 0) {
            return;
        }
        forgetSlot(slot, Math.max(0L, Math.min(keepNewest, learned)));
    }

    /** The index of the largest probability, or -1 when all are zero. */
    public static int argmax(final double[] probabilities) {
        int best = -1;
        double bestValue = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > bestValue) {
                bestValue = probabilities[i];
                best = i;
            }
        }
        return best;
    }

    /** Examples learned so far. */
    public final long learnedCount() {
        return learned;
    }

    /** Inputs rejected so far (wrong length, null, negative slot). */
    public final long rejectedInputs() {
        return rejected;
    }

    /** Slots learned so far (highest learned slot + 1). */
    public final int slotCount() {
        return slots;
    }

    /** The vector length fixed by the first vector learned, -1 before. */
    public final int dimension() {
        return dimension;
    }

    // ---- state ------------------------------------------------------------------------------------

    /** The learner's state, for a snapshot ({@link #fromState}). */
    public final LearnerState toState() {
        return LearnerState.newBuilder().setSeed(seed).setDimension(dimension).setSlots(slots).setLearned(learned)
                .setRejected(rejected).setModel(modelState()).build();
    }

    /**
     * The learner a snapshot holds; it predicts and learns exactly like the one that wrote it.
     *
     * @param state     the learner's state ({@link #toState()})
     * @param moaModels reads a MOA-backed learner's Java-serialized classifier (through the snapshot's allow-list of
     *                  classes: the learning package does not read Java serialization itself)
     * @throws IllegalArgumentException naming the field when the state is inconsistent, or from {@code moaModels}
     */
    public static EmbeddingClassifier fromState(final LearnerState state,
                                                final Function<ByteBuffer, Classifier> moaModels) {
        final Object model = state.getModel();
        final long seed = state.getSeed();
        final EmbeddingClassifier learner;
        if (model instanceof SoftmaxState s) {
            learner = SoftmaxRegression.fromState(seed, s);
        } else if (model instanceof NearestClassMeanState s) {
            learner = NearestClassMean.fromState(seed, s);
        } else if (model instanceof CosineKnnState s) {
            learner = CosineKnn.fromState(seed, s);
        } else if (model instanceof DenseNaiveBayesState s) {
            learner = DenseNaiveBayes.fromState(seed, s);
        } else if (model instanceof MoaLearnerState s) {
            learner = MoaClassifierAdapter.fromState(seed, s, moaModels.apply(s.getClassifier()));
        } else {
            throw new IllegalArgumentException("snapshot field 'model' holds "
                    + (model == null ? "null" : model.getClass().getName()) + ", not a learner's state");
        }
        if (state.getDimension() < -1 || state.getSlots() < 0 || state.getLearned() < 0 || state.getRejected() < 0) {
            throw new IllegalArgumentException("snapshot fields 'dimension', 'slots', 'learned', 'rejected' must be >= 0"
                    + " (dimension >= -1), were " + state.getDimension() + ", " + state.getSlots() + ", "
                    + state.getLearned() + ", " + state.getRejected());
        }
        if ((state.getDimension() >= 0) != (state.getSlots() > 0)) {
            // the first vector learned fixes the dimension and a slot together (and a reset clears both)
            throw new IllegalArgumentException("snapshot fields 'dimension' and 'slots' disagree: dimension "
                    + state.getDimension() + " with " + state.getSlots() + " slots");
        }
        learner.checkShape(state.getDimension(), state.getSlots());
        learner.dimension = state.getDimension();
        learner.slots = state.getSlots();
        learner.learned = state.getLearned();
        learner.rejected = state.getRejected();
        return learner;
    }

    /** The model's state: the record of the learner's family, a branch of {@link LearnerState#getModel()}. */
    abstract Object modelState();

    /**
     * Checks a restored model against the learner's vector length and slot count (so that a corrupt snapshot fails
     * at restore, not on a later request); nothing to check by default (MOA's models).
     *
     * @throws IllegalArgumentException naming the field when the model does not fit
     */
    void checkShape(final int dimension, final int numSlots) {
    }

    /** Checks a model's vector length and per-slot row count against the learner's. */
    static void checkShape(final int modelDim, final int rows, final int dimension, final int numSlots) {
        if (modelDim != Math.max(0, dimension)) {
            throw new IllegalArgumentException("snapshot field 'dim' is " + modelDim + " for a learner of dimension "
                    + dimension);
        }
        States.length(rows, numSlots, "slots of the model");
    }

    // ---- hooks ------------------------------------------------------------------------------------

    /** Allocates the model for a vector length (called once, on the first vector learned). */
    protected abstract void initialize(int dimension);

    /** Makes room for slots {@code 0..numSlots-1} (called when a new highest slot is learned). */
    protected abstract void growSlots(int numSlots);

    /**
     * Writes non-negative unnormalised votes for slots {@code 0..numSlots-1} into {@code out}
     * (pre-filled with 0). NaN, negative and infinite values are repaired by the caller.
     *
     * @param z unit-length, finite input (a scratch buffer: do not keep it)
     */
    protected abstract void votes(float[] z, int numSlots, double[] out);

    /** Learns a unit-length, finite input (a scratch buffer: copy it to keep it). */
    protected abstract void train(float[] z, int slot);

    /**
     * Forgets what was learned of {@code slot} before the {@code keepNewest} most recent examples (see
     * {@link #forget}); {@code slot} is below {@link #slotCount()}. Does nothing by default.
     */
    protected void forgetSlot(final int slot, final long keepNewest) {
    }

    /** Forgets everything learned (the seed stays). */
    protected abstract void clear();

    // ---- MOA --------------------------------------------------------------------------------------

    @Override
    public double[] getVotesForInstance(final Instance inst) {
        return probabilities(vectorOf(inst), inst.numClasses());
    }

    @Override
    public void trainOnInstanceImpl(final Instance inst) {
        if (inst.classIsMissing()) {
            return;
        }
        learn(vectorOf(inst), (int) inst.classValue());
    }

    @Override
    public void resetLearningImpl() {
        dimension = -1;
        slots = 0;
        learned = 0;
        rejected = 0;
        scratch = null;
        clear();
    }

    @Override
    protected Measurement[] getModelMeasurementsImpl() {
        return new Measurement[] {
            new Measurement("slots", slots),
            new Measurement("dimension", dimension),
            new Measurement("examples learned", learned),
        };
    }

    @Override
    public void getModelDescription(final StringBuilder out, final int indent) {
        for (int i = 0; i < indent; i++) {
            out.append(' ');
        }
        out.append(name()).append(" (").append(getClass().getSimpleName()).append("): ")
                .append(slots).append(" slots, dimension ").append(dimension)
                .append(", ").append(learned).append(" examples learned");
    }

    @Override
    public boolean isRandomizable() {
        return true;
    }

    /** The instance's non-class attribute values as a vector. */
    static float[] vectorOf(final Instance inst) {
        final int n = inst.numAttributes();
        final int classIndex = inst.classIndex();
        final float[] x = new float[classIndex >= 0 && classIndex < n ? n - 1 : n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (i != classIndex) {
                x[j++] = (float) inst.value(i);
            }
        }
        return x;
    }

    // ---- internals --------------------------------------------------------------------------------

    private boolean prepare(final float[] x) {
        if (x == null || dimension < 0 || x.length != dimension) {
            rejected++;
            return false;
        }
        if (scratch == null || scratch.length != dimension) {
            scratch = new float[dimension];
        }
        Vectors.sanitizeAndNormalize(x, scratch);
        return true;
    }

    private double[] scoresBuffer(final int n) {
        if (scores == null || scores.length < n) {
            scores = new double[Math.max(n, 16)];
        }
        return scores;
    }
}
