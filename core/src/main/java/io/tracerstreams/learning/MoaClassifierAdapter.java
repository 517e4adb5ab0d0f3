/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import io.tracerstreams.schema.state.MoaLearnerState;
import moa.classifiers.Classifier;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a stock MOA classifier behind the fast path. The header is built once, on the first vector, with
 * {@code maxSlots} pre-declared placeholder class values ({@code c0, c1, ...}): MOA learners break when the
 * header grows mid-stream, so slots beyond {@code maxSlots} are rejected (not learned) instead.
 * Votes are restricted to the requested slots and repaired like every learner's.
 *
 * <p>State for snapshots: MOA's models have no schema, so the classifier (with its header as its model context) is
 * kept as its Java serialization inside {@link MoaLearnerState}, which the caller reads back through its allow-list.
 */
public final class MoaClassifierAdapter extends EmbeddingClassifier {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final Classifier inner;
    private final int maxSlots;
    private InstancesHeader header;

    /**
     * @param name     the short name
     * @param inner    a fresh MOA classifier, options already set
     * @param maxSlots how many class slots to pre-declare
     * @param seed     the seed handed to the inner classifier
     */
    public MoaClassifierAdapter(final String name, final Classifier inner, final int maxSlots, final long seed) {
        super(seed);
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots must be >= 1, was " + maxSlots);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.inner = Objects.requireNonNull(inner, "inner");
        this.maxSlots = maxSlots;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected void initialize(final int dimension) {
        final List<Attribute> attributes = new ArrayList<>(dimension + 1);
        for (int j = 0; j < dimension; j++) {
            attributes.add(new Attribute("e" + j));
        }
        final List<String> values = new ArrayList<>(maxSlots);
        for (int c = 0; c < maxSlots; c++) {
            values.add("c" + c);
        }
        attributes.add(new Attribute("class", values));
        final Instances instances = new Instances(name, attributes, 0);
        instances.setClassIndex(dimension);
        header = new InstancesHeader(instances);
        inner.setRandomSeed((int) seed);
        inner.prepareForUse();
        inner.setModelContext(header);
    }

    @Override
    protected void growSlots(final int numSlots) {
        // pre-declared
    }

    private Instance instance(final float[] z, final int slot) {
        final double[] values = new double[z.length + 1];
        for (int j = 0; j < z.length; j++) {
            values[j] = z[j];
        }
        values[z.length] = slot;
        final Instance inst = new DenseInstance(1.0, values);
        inst.setDataset(header);
        if (slot < 0) {
            inst.setMissing(z.length);
        }
        return inst;
    }

    @Override
    protected void votes(final float[] z, final int numSlots, final double[] out) {
        final double[] v = inner.getVotesForInstance(instance(z, -1));
        for (int k = 0; k < Math.min(numSlots, v.length); k++) {
            out[k] = v[k];
        }
    }

    @Override
    protected void train(final float[] z, final int slot) {
        if (slot < maxSlots) {
            inner.trainOnInstance(instance(z, slot));
        }
    }

    @Override
    MoaLearnerState modelState() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(inner);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot serialize the MOA classifier of learner " + name + ": " + e, e);
        }
        return MoaLearnerState.newBuilder().setName(name).setMaxSlots(maxSlots)
                .setClassifier(ByteBuffer.wrap(bytes.toByteArray())).build();
    }

    @Override
    void checkShape(final int dimension, final int numSlots) {
        final int attributes = header == null ? -1 : header.numAttributes() - 1;
        if (attributes != dimension) {
            throw new IllegalArgumentException("snapshot field 'classifier' has a header of " + attributes
                    + " attributes for a learner of dimension " + dimension);
        }
    }

    /** The adapter around a classifier read back from {@link #modelState()}'s bytes (its header is its model context). */
    static MoaClassifierAdapter fromState(final long seed, final MoaLearnerState s, final Classifier classifier) {
        final MoaClassifierAdapter l = new MoaClassifierAdapter(s.getName(), classifier, s.getMaxSlots(), seed);
        l.header = classifier.getModelContext();
        return l;
    }

    @Override
    protected void clear() {
        inner.resetLearning();
        header = null;
    }
}
