/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import io.tracerstreams.schema.state.CosineKnnState;

import java.util.Arrays;
import java.util.Objects;

/**
 * k nearest neighbours by cosine over a sliding window of the most recent examples (a ring buffer of int8
 * rows, {@link QuantizedRows}: no per-example objects, a quarter of the bytes of floats). Each of the k
 * nearest votes for its slot with
 * weight {@code exp(beta * (cos - cos_max))}, so closer neighbours count more.
 *
 * <p>Class pruning ({@code candidateClasses = M > 0}): the learner also keeps the mean of each slot's
 * examples in the window; a prediction first ranks the slots by the cosine to their means and scans only
 * the stored examples of the M best slots. This is an approximation (a neighbour of a slot whose mean is
 * far is missed) that cuts the cost of a prediction several times over on many-class tasks; 0 scans the
 * whole window (exact). On few-class tasks, {@code maxPerClass} bounds the scan to the newest examples of
 * each candidate slot. Cost to predict: slots x d + (share of the window in candidate slots) x window x d;
 * to learn: O(d). {@link #forget} drops a slot's older examples from the vote (their places stay until the ring
 * reuses them).
 */
public final class CosineKnn extends EmbeddingClassifier {

    private static final long serialVersionUID = 1L;

    /** Settings; see {@link #defaults()}. */
    public record Settings(int window, int k, double beta, int candidateClasses, int maxPerClass)
            implements java.io.Serializable {
        public Settings {
            if (candidateClasses < 0) {
                throw new IllegalArgumentException("candidateClasses must be >= 0, was " + candidateClasses);
            }
            if (maxPerClass < 0) {
                throw new IllegalArgumentException("maxPerClass must be >= 0, was " + maxPerClass);
            }
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, was " + window);
            }
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, was " + k);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be finite and >= 0, was " + beta);
            }
        }

        /** Settings that scan every stored example of the candidate classes ({@code maxPerClass = 0}). */
        public Settings(final int window, final int k, final double beta, final int candidateClasses) {
            this(window, k, beta, candidateClasses, 0);
        }

        /**
         * Window 5,000, k = 10, beta = 20, pruning to the 8 nearest class means, at most the 256 newest examples
         * of each candidate class scanned. The cap only binds on tasks with few classes (Banking77 holds about
         * 65 examples per class in the window, CLINC150 33); on a 10-class task it halves the cost of a
         * prediction, which the router pays on every request where the blend softmax+knn serves.
         */
        public static Settings defaults() {
            return new Settings(5000, 10, 20, 8, 256);
        }
    }

    private final Settings settings;
    private QuantizedRows rows;
    private transient float[] decoded;
    private int[] rowSlots;
    private int stored;
    private int next;
    private int dim;
    private double[][] classSums = new double[0][];
    private float[][] classMeans = new float[0][];
    private int[] classCounts = new int[0];
    private transient float[] topSim;
    private transient boolean[] candidate;
    private transient double[] classSims;
    private transient int[] topIdx;
    private transient float[] query;
    private transient int[] scannedOfSlot;

    /** A learner with the default settings. */
    public CosineKnn(final long seed) {
        this(seed, Settings.defaults());
    }

    /** A learner with explicit settings. */
    public CosineKnn(final long seed, final Settings settings) {
        super(seed);
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** For MOA's option machinery. */
    public CosineKnn() {
        this(1L);
    }

    @Override
    public String name() {
        return "knn";
    }

    /** The settings in use. */
    public Settings settings() {
        return settings;
    }

    /** Examples in the window. */
    public int stored() {
        return stored;
    }

    @Override
    protected void initialize(final int dimension) {
        this.dim = dimension;
        this.rows = new QuantizedRows(settings.window(), dimension);
        this.rowSlots = new int[settings.window()];
    }

    @Override
    protected void growSlots(final int numSlots) {
        final int old = classSums.length;
        classSums = Arrays.copyOf(classSums, numSlots);
        classMeans = Arrays.copyOf(classMeans, numSlots);
        classCounts = Arrays.copyOf(classCounts, numSlots);
        for (int k = old; k < numSlots; k++) {
            classSums[k] = new double[dim];
            classMeans[k] = new float[dim];
        }
    }

    @Override
    protected void votes(final float[] z, final int numSlots, final double[] out) {
        final int found = nearest(z, selectCandidates(z, numSlots));
        if (found == 0) {
            return;
        }
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < found; i++) {
            best = Math.max(best, topSim[i]);
        }
        for (int i = 0; i < found; i++) {
            final int slot = rowSlots[topIdx[i]];
            if (slot < numSlots) {
                out[slot] += Math.exp(settings.beta() * (topSim[i] - best));
            }
        }
    }

    /**
     * Marks the slots whose rows are scanned: all below numSlots, or with pruning the
     * {@code candidateClasses} slots with the nearest means. Returns the marks.
     */
    private boolean[] selectCandidates(final float[] z, final int numSlots) {
        final int slots = classCounts.length;
        if (candidate == null || candidate.length < slots) {
            candidate = new boolean[Math.max(16, slots)];
            classSims = new double[Math.max(16, slots)];
        }
        Arrays.fill(candidate, false);
        final int m = settings.candidateClasses();
        int present = 0;
        for (int k = 0; k < Math.min(numSlots, slots); k++) {
            if (classCounts[k] > 0) {
                present++;
            }
        }
        if (m == 0 || present <= m) {
            for (int k = 0; k < Math.min(numSlots, slots); k++) {
                candidate[k] = true;
            }
            return candidate;
        }
        for (int k = 0; k < Math.min(numSlots, slots); k++) {
            classSims[k] = classCounts[k] > 0 ? Vectors.dot(classMeans[k], 0, z, dim) : Double.NEGATIVE_INFINITY;
        }
        // m rounds of selection: m and the slot count are small
        for (int round = 0; round < m; round++) {
            int best = -1;
            for (int k = 0; k < Math.min(numSlots, slots); k++) {
                if (!candidate[k] && classCounts[k] > 0 && (best < 0 || classSims[k] > classSims[best])) {
                    best = k;
                }
            }
            candidate[best] = true;
        }
        return candidate;
    }

    /** Fills topSim/topIdx with the k most similar stored rows of candidate slots; returns how many. */
    private int nearest(final float[] z, final boolean[] candidates) {
        final int k = Math.min(settings.k(), stored);
        if (topSim == null || topSim.length != settings.k()) {
            topSim = new float[settings.k()];
            topIdx = new int[settings.k()];
        }
        int filled = 0;
        int minPos = 0;
        float min = Float.POSITIVE_INFINITY;
        final int cap = settings.maxPerClass();
        if (cap > 0) {
            if (scannedOfSlot == null || scannedOfSlot.length < candidates.length) {
                scannedOfSlot = new int[candidates.length];
            }
            Arrays.fill(scannedOfSlot, 0);
        }
        // newest first, so that a capped class keeps its most recent examples
        for (int i = 0; i < stored; i++) {
            final int r = Math.floorMod(next - 1 - i, rowSlots.length);
            final int slot = rowSlots[r];
            if (slot < 0 || !candidates[slot] || (cap > 0 && scannedOfSlot[slot]++ >= cap)) {
                continue;
            }
            final float s = rows.dot(r, z);
            if (filled < k) {
                topSim[filled] = s;
                topIdx[filled] = r;
                filled++;
                if (filled == k) {
                    minPos = argmin(topSim, k);
                    min = topSim[minPos];
                }
            } else if (s > min) {
                topSim[minPos] = s;
                topIdx[minPos] = r;
                minPos = argmin(topSim, k);
                min = topSim[minPos];
            }
        }
        return filled;
    }

    private static int argmin(final float[] v, final int n) {
        int pos = 0;
        for (int i = 1; i < n; i++) {
            if (v[i] < v[pos]) {
                pos = i;
            }
        }
        return pos;
    }

    /**
     * The cosine distance ({@code 1 - cos}, in [0, 2]) from a vector to the nearest stored example, or
     * NaN when the window is empty or the vector unusable. One full scan of the window.
     */
    public double nearestDistance(final float[] x) {
        if (stored == 0 || x == null || x.length != dim) {
            return Double.NaN;
        }
        if (query == null || query.length != dim) {
            query = new float[dim];
        }
        Vectors.sanitizeAndNormalize(x, query);
        float best = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < stored; r++) {
            if (rowSlots[r] >= 0) {
                best = Math.max(best, rows.dot(r, query));
            }
        }
        if (best == Float.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        return Math.max(0.0, 1.0 - best);
    }

    @Override
    protected void train(final float[] z, final int slot) {
        if (decoded == null || decoded.length != dim) {
            decoded = new float[dim];
        }
        if (stored == rowSlots.length && rowSlots[next] >= 0) {
            // the oldest example leaves the window and its slot's mean (a forgotten one left it already)
            rows.get(next, decoded);
            updateMean(rowSlots[next], decoded, 0, -1);
        }
        // the stored (quantised) vector enters the mean, so that it leaves it exactly
        rows.set(next, z);
        rows.get(next, decoded);
        updateMean(slot, decoded, 0, 1);
        rowSlots[next] = slot;
        next = (next + 1) % rowSlots.length;
        stored = Math.min(stored + 1, rowSlots.length);
    }

    /**
     * Removes the slot's stored examples older than the {@code keepNewest} newest of the window from the vote and
     * from the slot's mean; their places are reused as the ring moves on.
     */
    @Override
    protected void forgetSlot(final int slot, final long keepNewest) {
        if (rowSlots == null || keepNewest >= stored) {
            return;
        }
        if (decoded == null || decoded.length != dim) {
            decoded = new float[dim];
        }
        for (long age = keepNewest; age < stored; age++) {
            final int r = (int) Math.floorMod(next - 1 - age, (long) rowSlots.length);
            if (rowSlots[r] == slot) {
                rows.get(r, decoded);
                updateMean(slot, decoded, 0, -1);
                rowSlots[r] = -1;
            }
        }
    }

    private void updateMean(final int slot, final float[] v, final int off, final int sign) {
        classCounts[slot] += sign;
        final double[] sum = classSums[slot];
        double norm = 0;
        for (int j = 0; j < dim; j++) {
            sum[j] += sign * v[off + j];
            norm += sum[j] * sum[j];
        }
        final float[] mean = classMeans[slot];
        final double inv = classCounts[slot] > 0 && norm > 0 ? 1.0 / Math.sqrt(norm) : 0.0;
        for (int j = 0; j < dim; j++) {
            mean[j] = (float) (sum[j] * inv);
        }
    }

    @Override
    CosineKnnState modelState() {
        return CosineKnnState.newBuilder().setWindow(settings.window()).setK(settings.k()).setBeta(settings.beta())
                .setCandidateClasses(settings.candidateClasses()).setMaxPerClass(settings.maxPerClass()).setDim(dim)
                .setRows(rows == null ? null : rows.toState()).setRowSlots(rowSlots == null ? null : States.ints(rowSlots))
                .setStored(stored).setNext(next).setClassSums(States.doubleRows(classSums))
                .setClassMeans(States.floatRows(classMeans)).setClassCounts(States.ints(classCounts)).build();
    }

    @Override
    void checkShape(final int dimension, final int numSlots) {
        checkShape(dim, classSums.length, dimension, numSlots);
        States.slots(rowSlots, stored, classSums.length, "row_slots");
    }

    static CosineKnn fromState(final long seed, final CosineKnnState s) {
        final CosineKnn l = new CosineKnn(seed, new Settings(s.getWindow(), s.getK(), s.getBeta(), s.getCandidateClasses(),
                s.getMaxPerClass()));
        final int window = s.getWindow();
        l.dim = s.getDim();
        if (s.getRows() != null) {
            l.rows = QuantizedRows.fromState(s.getRows(), window, l.dim, "rows");
            if (s.getRowSlots() == null) {
                throw new IllegalArgumentException("snapshot field 'row_slots' is null while 'rows' is not");
            }
            l.rowSlots = States.ints(s.getRowSlots());
            States.length(l.rowSlots.length, window, "row_slots");
        }
        if (s.getStored() < 0 || s.getStored() > window || s.getNext() < 0 || s.getNext() >= window) {
            throw new IllegalArgumentException("snapshot fields 'stored' and 'next' must be in [0, " + window
                    + "] and [0, " + window + "), were " + s.getStored() + " and " + s.getNext());
        }
        l.stored = s.getStored();
        l.next = s.getNext();
        l.classSums = States.doubleRows(s.getClassSums(), l.dim, "class_sums");
        l.classMeans = States.floatRows(s.getClassMeans(), l.dim, "class_means");
        States.length(l.classMeans.length, l.classSums.length, "class_means");
        l.classCounts = States.ints(s.getClassCounts());
        States.length(l.classCounts.length, l.classSums.length, "class_counts");
        return l;
    }

    @Override
    protected void clear() {
        classSums = new double[0][];
        classMeans = new float[0][];
        classCounts = new int[0];
        rows = null;
        rowSlots = null;
        stored = 0;
        next = 0;
        dim = 0;
    }
}
