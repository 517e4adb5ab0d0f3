/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
/**
 * The surrogate learners and what sits around them in one task: the {@link io.tracerstreams.learning.LabelSpace}
 * (labels to slots, with a cap and an overflow slot), the learner zoo
 * ({@link io.tracerstreams.learning.EmbeddingClassifier} subclasses made by
 * {@link io.tracerstreams.learning.Learners}), the {@link io.tracerstreams.learning.Acceptor} (the score
 * s(x) = P(surrogate agrees with the LLM | x)), the {@link io.tracerstreams.learning.SupportMemory} (distance to
 * the nearest recent trace of a label, one of the acceptor's features) and the
 * {@link io.tracerstreams.learning.OodGuard}.
 *
 * <p>Per trace (test-then-train), for each learner: {@code p = learner.probabilities(x, labels.size())};
 * {@code predicted = EmbeddingClassifier.argmax(p)}; {@code agreed = predicted >= 0
 * && predicted == labels.slotOf(llmLabel)} (read before registering, so a new label is never agreed);
 * {@code d = support.distance(x, predicted)};
 * {@code acceptor.learn(Acceptor.features(p, d), agreed, weight)}; then
 * {@code slot = labels.register(llmLabel)}, {@code learner.learn(x, slot)}, and once per trace
 * {@code oodGuard.observe(x)} and {@code support.add(x, slot)}. Per request: {@code oodGuard.isOutOfDistribution(x)}, then the served
 * learner's probabilities, {@code labels.isOverflow(predicted)} (UNKNOWN_LABEL), and
 * {@code acceptor.score(Acceptor.features(p, support.distance(x, predicted)))}.
 *
 * <p>Everything here is deterministic given its seed and call sequence, has an explicit snapshot record
 * ({@code toState()} / {@code fromState}, the generated records of {@code io.tracerstreams.schema.state}: a round
 * trip restores identical outputs; {@link java.io.Serializable} only for snapshots of earlier formats, and for the
 * MOA models inside a MOA-backed learner's record, which have no schema), never throws on bad vectors (NaN,
 * infinities, wrong length: they are repaired or rejected and counted), and not thread-safe.
 */
package io.tracerstreams.learning;
