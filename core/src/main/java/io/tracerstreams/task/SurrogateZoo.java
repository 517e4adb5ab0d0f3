/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.AgreementWindow;
import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.GateStatistics;
import io.tracerstreams.gate.PerLabelThresholds;
import io.tracerstreams.learning.Acceptor;
import io.tracerstreams.learning.EmbeddingClassifier;
import io.tracerstreams.learning.LabelSpace;
import io.tracerstreams.learning.Learners;
import io.tracerstreams.learning.SupportMemory;
import io.tracerstreams.schema.state.ZooMemberState;
import io.tracerstreams.schema.state.ZooState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The surrogates of one task side by side, with what they share: the label space and the support memory.
 * Each member is a learner, or a blend of learners (a name like {@code softmax+knn}: the mean of their
 * probability vectors; it learns nothing itself, its parts do), with an acceptor and an agreement window of
 * its own. One member is served: it answers routed requests and the parity gate watches its window.
 *
 * <ul>
 *   <li>{@link #predict}: the served member's answer to a request and its acceptor's score.</li>
 *   <li>{@link #learn}: test-then-train over every member: each predicts the trace, the outcome enters its
 *   window with the trace's weight and its acceptor learns it; only then do the learners learn the trace.</li>
 *   <li>{@link #reselect}: the member whose window gives the highest coverage at alpha (the coverage of its
 *   deployable threshold) becomes the served one if it beats the current one by {@value #SWITCH_MARGIN}.</li>
 * </ul>
 * The acceptor's features include the cosine distance from the input to the nearest recent trace of the
 * predicted label ({@link SupportMemory}), so inputs far from what the surrogate learned score lower.
 *
 * <p>State for snapshots: {@link #toState()} / {@link #fromState} (each part by its own {@code toState}; a MOA-backed
 * learner's MOA model is read back through {@link JavaParts}' allow-list). Serializable only for snapshots of
 * earlier formats.
 *
 * <p>Deterministic; not thread-safe.
 */
final class SurrogateZoo implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Traces between two choices of the served member. */
    static final int SELECTION_EVERY = 200;
    /** Coverage (at alpha) by which a challenger must beat the served member to replace it. */
    static final double SWITCH_MARGIN = 0.02;

    /** The served member's answer to a request: its label (null when unknown or the overflow class) and score. */
    record Prediction(String label, double score) {
        /** Whether the prediction is no real label (nothing learned yet, or the overflow class). */
        boolean unknown() {
            return label == null;
        }
    }

    /** What the served member predicted for a trace before learning it. */
    record Outcome(String predicted, double score, boolean agreed) {
    }

    private final List<Member> members;
    private final LabelSpace labels;
    private final SupportMemory support;
    private RelabelWatch relabel;      // null in a snapshot of an older release: see relabel()
    private GateStatistics statistics; // replaced by reconfigure()
    private double alpha;
    private int served;

    /** One surrogate with its acceptor and agreement window. */
    private static final class Member implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final EmbeddingClassifier learner; // null for a blend
        private final int[] parts;                 // member indices of a blend's parts; empty for a learner
        private final Acceptor acceptor;
        private final AgreementWindow window;
        private final PerLabelThresholds perLabel; // null: one threshold on the raw score

        Member(final String name, final EmbeddingClassifier learner, final int[] parts, final GateConfig gate,
               final boolean perLabelThresholds) {
            this.name = name;
            this.learner = learner;
            this.parts = parts;
            this.acceptor = new Acceptor();
            this.window = new AgreementWindow(gate);
            this.perLabel = perLabelThresholds
                    ? new PerLabelThresholds(gate.windowSize(), TaskConfig.PER_LABEL_PRIOR_WEIGHT) : null;
        }

        /** The score the gate's threshold applies to: the acceptor's, recalibrated per label when that is on. */
        double gateScore(final String label, final double acceptorScore) {
            return perLabel == null ? acceptorScore : perLabel.score(label, acceptorScore);
        }

        /** A member as a snapshot holds it. */
        Member(final String name, final EmbeddingClassifier learner, final int[] parts, final Acceptor acceptor,
               final AgreementWindow window, final PerLabelThresholds perLabel) {
            this.name = name;
            this.learner = learner;
            this.parts = parts;
            this.acceptor = acceptor;
            this.window = window;
            this.perLabel = perLabel;
        }

        boolean isBlend() {
            return learner == null;
        }

        ZooMemberState toState() {
            return ZooMemberState.newBuilder().setName(name).setLearner(learner == null ? null : learner.toState())
                    .setParts(Arrays.stream(parts).boxed().toList()).setAcceptor(acceptor.toState())
                    .setWindow(window.toState()).setPerLabel(perLabel == null ? null : perLabel.toState()).build();
        }
    }

    /**
     * The members named by the config: learners first in their order, then blends of them; the first learner
     * is served.
     *
     * @throws IllegalArgumentException when a learner name is unknown or a blend's part is not in the list
     */
    SurrogateZoo(final TaskConfig config, final GateConfig gateConfig) {
        this.members = members(config, gateConfig);
        this.labels = new LabelSpace(config.labelCap());
        this.support = new SupportMemory();
        this.statistics = new GateStatistics(gateConfig);
        this.alpha = config.alpha();
        this.served = 0;
    }

    private SurrogateZoo(final List<Member> members, final LabelSpace labels, final SupportMemory support,
                         final RelabelWatch relabel, final GateConfig gateConfig, final int served) {
        this.members = members;
        this.labels = labels;
        this.support = support;
        this.relabel = relabel;
        this.statistics = new GateStatistics(gateConfig);
        this.alpha = gateConfig.alpha();
        this.served = served;
    }

    /** The zoo's state, for a snapshot ({@link #fromState}). */
    ZooState toState() {
        final List<ZooMemberState> out = new ArrayList<>(members.size());
        for (final Member member : members) {
            out.add(member.toState());
        }
        return ZooState.newBuilder().setMembers(out).setServed(served).setLabels(labels.toState())
                .setSupport(support.toState()).setRelabel((relabel == null ? new RelabelWatch() : relabel).toState())
                .build();
    }

    /**
     * The zoo a snapshot holds; it predicts and learns exactly like the one that wrote it.
     *
     * @param state      the zoo's state ({@link #toState()})
     * @param gateConfig the gate settings of the snapshot's task settings (those the zoo chose its served member
     *                   under when the snapshot was written)
     * @throws IllegalArgumentException naming the field when the state is inconsistent, or a MOA model cannot be read
     */
    static SurrogateZoo fromState(final ZooState state, final GateConfig gateConfig) {
        final List<ZooMemberState> saved = state.getMembers();
        final List<Member> members = new ArrayList<>(saved.size());
        for (int m = 0; m < saved.size(); m++) {
            final ZooMemberState s = saved.get(m);
            final int[] parts = s.getParts().stream().mapToInt(Integer::intValue).toArray();
            if ((s.getLearner() == null) == (parts.length == 0)) {
                throw new IllegalArgumentException("snapshot field 'members[" + m + "]' (" + s.getName()
                        + ") must hold a learner or a blend's parts, not both or neither");
            }
            for (final int part : parts) {
                if (part < 0 || part >= m || saved.get(part).getLearner() == null) {
                    throw new IllegalArgumentException("snapshot field 'members[" + m + "].parts' names member " + part
                            + ", not a learner before it");
                }
            }
            final EmbeddingClassifier learner = s.getLearner() == null ? null : EmbeddingClassifier.fromState(
                    s.getLearner(), bytes -> JavaParts.read(bytes, moa.classifiers.Classifier.class));
            members.add(new Member(s.getName(), learner, parts, Acceptor.fromState(s.getAcceptor()),
                    AgreementWindow.fromState(s.getWindow()),
                    s.getPerLabel() == null ? null : PerLabelThresholds.fromState(s.getPerLabel())));
        }
        if (members.isEmpty() || state.getServed() < 0 || state.getServed() >= members.size()) {
            throw new IllegalArgumentException("snapshot field 'served' is " + state.getServed() + " for "
                    + members.size() + " members");
        }
        return new SurrogateZoo(List.copyOf(members), LabelSpace.fromState(state.getLabels()),
                SupportMemory.fromState(state.getSupport()), RelabelWatch.fromState(state.getRelabel()), gateConfig,
                state.getServed());
    }

    private static List<Member> members(final TaskConfig config, final GateConfig gateConfig) {
        final List<Member> zoo = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        long seed = config.seed();
        for (final String name : config.learners()) {
            if (!name.contains("+")) {
                zoo.add(new Member(name.trim().toLowerCase(Locale.ROOT), Learners.create(name, seed++),
                        new int[0], gateConfig, config.perLabelThresholds()));
                names.add(zoo.get(zoo.size() - 1).name);
            }
        }
        for (final String name : config.learners()) {
            if (name.contains("+")) {
                final String[] parts = name.trim().toLowerCase(Locale.ROOT).split("\\+");
                final int[] indices = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = parts[i].trim();
                    indices[i] = names.indexOf(parts[i]);
                    if (indices[i] < 0) {
                        throw new IllegalArgumentException("task config field 'learners': blend '" + name
                                + "' needs its part '" + parts[i] + "' in the list too (got " + config.learners() + ")");
                    }
                }
                zoo.add(new Member(String.join("+", parts), null, indices, gateConfig, config.perLabelThresholds()));
            }
        }
        return List.copyOf(zoo);
    }

    /**
     * The task's gate settings changed in place (alpha, delta, n_min, c_min, epsilon): the choice of the served
     * member follows the new alpha from now on. The windows keep their outcomes (still valid evidence).
     */
    void reconfigure(final GateConfig gateConfig) {
        this.statistics = new GateStatistics(gateConfig);
        this.alpha = gateConfig.alpha();
    }

    /** The served member's label and acceptor score for a request's embedding. Changes nothing. */
    Prediction predict(final float[] embedding) {
        final Member member = members.get(served);
        final double[] probs = probabilities(member, embedding, slotCount(), null);
        final int top = EmbeddingClassifier.argmax(probs);
        if (top < 0 || labels.isOverflow(top)) {
            return new Prediction(null, 0.0);
        }
        final String label = labels.label(top);
        return new Prediction(label,
                member.gateScore(label, member.acceptor.score(Acceptor.features(probs, support.distance(embedding, top)))));
    }

    /**
     * Learns one trace test-then-train: every member first predicts it against the label space as it was (a
     * label seen for the first time can never be agreed with), its window takes the outcome with
     * {@code weight} and its acceptor learns it; then the learners and the support memory learn the trace.
     *
     * @return what the served member predicted
     */
    Outcome learn(final float[] embedding, final String llmLabel, final double weight) {
        final int known = labels.slotOf(llmLabel);
        final int slots = slotCount();
        final double[][] memberProbs = new double[members.size()][];
        final int[] predictions = new int[members.size()];
        final double[] distances = new double[members.size()];
        Outcome outcome = null;
        for (int m = 0; m < members.size(); m++) {
            final Member member = members.get(m);
            final double[] probs = probabilities(member, embedding, slots, memberProbs);
            memberProbs[m] = probs;
            final int predicted = EmbeddingClassifier.argmax(probs);
            final boolean agreed = known >= 0 && predicted == known && !labels.isOverflow(known);
            final boolean unknown = predicted < 0 || labels.isOverflow(predicted);
            predictions[m] = predicted;
            distances[m] = unknown ? SupportMemory.NO_SUPPORT : supportDistance(embedding, predicted, m, predictions, distances);
            final double[] features = Acceptor.features(probs, distances[m]);
            // routing would answer UNKNOWN_LABEL whatever the score: never in accepted(t) for t > 0
            final String predictedLabel = unknown ? null : labels.label(predicted);
            final double rawScore = unknown ? 0.0 : member.acceptor.score(features);
            // test-then-train: the per-label offset of this outcome's own score has not seen the outcome
            final double score = unknown ? 0.0 : member.gateScore(predictedLabel, rawScore);
            member.window.add(score, agreed, weight);
            if (!unknown) {
                member.acceptor.learn(features, agreed, weight);
                if (member.perLabel != null) {
                    member.perLabel.learn(predictedLabel, rawScore, agreed, weight);
                }
            }
            if (m == served) {
                outcome = new Outcome(unknown ? null : labels.label(predicted), score, agreed);
            }
        }
        final int forget = relabel().observe(predictions[served] >= 0 && !labels.isOverflow(predictions[served])
                ? predictions[served] : -1, known);
        if (forget >= 0) {
            // the old examples of this label go before the trace is learned: it is one of the new ones
            final long keep = relabel().keepNewest() - 1;
            for (final Member member : members) {
                if (!member.isBlend()) {
                    member.learner.forget(forget, keep);
                }
            }
            support.forget(forget, keep);
        }
        final int slot = labels.register(llmLabel);
        for (final Member member : members) {
            if (!member.isBlend()) {
                member.learner.learn(embedding, slot);
            }
        }
        support.add(embedding, slot);
        return outcome;
    }

    /**
     * Live evidence refuted the gate: for the next {@code length} traces, forget the old examples of each label the
     * LLM now contradicts ({@link RelabelWatch}), keeping what was learned since the estimated change point.
     *
     * @param tracesSinceChange traces learned since the estimated change point
     * @param length            traces to watch
     */
    void relearnFrom(final long tracesSinceChange, final long length) {
        relabel().start(tracesSinceChange, length);
    }

    /** Labels forgotten after refutations so far. */
    long labelsForgotten() {
        return relabel().labelsForgotten();
    }

    private RelabelWatch relabel() {
        if (relabel == null) {
            relabel = new RelabelWatch();
        }
        return relabel;
    }

    /**
     * Re-chooses the served member: the one with the highest coverage at alpha, if it beats the served one by
     * {@value #SWITCH_MARGIN}.
     *
     * @return why the served member changed (for the gate event), or empty when it did not
     */
    Optional<String> reselect() {
        if (members.size() < 2) {
            return Optional.empty();
        }
        int best = served;
        double bestCoverage = coverageAtAlpha(members.get(served));
        for (int i = 0; i < members.size(); i++) {
            final double coverage = coverageAtAlpha(members.get(i));
            if (i != served && coverage > bestCoverage + SWITCH_MARGIN) {
                best = i;
                bestCoverage = coverage;
            }
        }
        if (best == served) {
            return Optional.empty();
        }
        final String from = members.get(served).name;
        served = best;
        return Optional.of(String.format(Locale.ROOT, "served learner %s -> %s (coverage at alpha %.3f)", from,
                members.get(best).name, bestCoverage));
    }

    /** Drops from every member's window all but the {@code newest} most recent outcomes (see AgreementWindow#keepNewest). */
    void keepNewest(final int newest) {
        for (final Member member : members) {
            member.window.keepNewest(newest);
            if (member.perLabel != null) {
                member.perLabel.keepNewest(newest);
            }
        }
    }

    /** The served member's agreement window (the one the parity gate decides on). */
    AgreementWindow servedWindow() {
        return members.get(served).window;
    }

    /**
     * The served member's per-label thresholds at the served threshold (NaN when closed), or an empty list when the
     * task keeps one threshold for all labels.
     */
    List<PerLabelThresholds.Row> perLabelThresholds(final double servedThreshold) {
        final PerLabelThresholds perLabel = members.get(served).perLabel;
        return perLabel == null ? List.of() : perLabel.table(servedThreshold);
    }

    /** The served member's name. */
    String servedName() {
        return members.get(served).name;
    }

    /** The coverage frontier of the served member's window at these alphas. */
    List<GateStatistics.FrontierEntry> frontier(final List<Double> alphas) {
        return statistics.frontier(servedWindow(), alphas);
    }

    /** Coverage at alpha that each member's window would give now, by member name. */
    Map<String, Double> coverageByMember() {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (final Member member : members) {
            out.put(member.name, coverageAtAlpha(member));
        }
        return out;
    }

    /** Labels learned so far (the overflow class not counted). */
    int labelCount() {
        return labels.size();
    }

    /** The labels learned so far, in slot order. */
    List<String> labels() {
        return labels.labels();
    }

    private double coverageAtAlpha(final Member member) {
        final GateStatistics.Estimate e = statistics.deployable(member.window, alpha);
        return e.index() < 0 ? 0.0 : e.coverage();
    }

    /** The support distance of member m's prediction, reusing an earlier member's scan of the same label. */
    private double supportDistance(final float[] embedding, final int predicted, final int m, final int[] predictions,
                                   final double[] distances) {
        for (int j = 0; j < m; j++) {
            if (predictions[j] == predicted) {
                return distances[j];
            }
        }
        return support.distance(embedding, predicted);
    }

    /**
     * A member's class probabilities: its learner's, or the mean of its parts' (taken from {@code known} when
     * they were computed already: learners come before blends).
     */
    private double[] probabilities(final Member member, final float[] embedding, final int slots,
                                   final double[][] known) {
        if (!member.isBlend()) {
            return member.learner.probabilities(embedding, slots);
        }
        final double[] mean = new double[slots];
        for (final int part : member.parts) {
            final double[] p = known != null && known[part] != null
                    ? known[part] : members.get(part).learner.probabilities(embedding, slots);
            for (int i = 0; i < slots; i++) {
                mean[i] += p[i] / member.parts.length;
            }
        }
        return mean;
    }

    private int slotCount() {
        return labels.size() + (labels.overflowRegistrations() > 0 ? 1 : 0);
    }
}
