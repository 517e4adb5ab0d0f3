/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.RoutingDecision;
import io.tracerstreams.task.TaskConfig;
import io.tracerstreams.task.TaskEngine;
import io.tracerstreams.task.TraceOrigin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The evaluation protocol of DESIGN section 7, run through the very {@link TaskEngine} the topology runs.
 *
 * <p>A dataset is streamed in a seeded order as requests; each row's label plays the LLM's answer
 * (optionally perturbed by teacher noise). The engine never sees the label of a request it HANDLED unless
 * it was audited; the harness always does. The simulated LLM answers exactly the requests sent to it
 * (deferred and audited), after a delay of {@code delay} further requests.
 *
 * <p>Train-then-test form: the train split is streamed first, then the test split, and the test phase is
 * reported. By default the train split enters as a trace log ({@link TrainMode#BACKFILL}: every row is an
 * LLM response tracer never routed, the data batch TRACER fits on); {@link TrainMode#REQUESTS} streams it
 * as live requests under the protocol instead.
 */
public final class Replay {

    /** How the train split enters the stream. */
    public enum TrainMode {
        /** Every train row is a backfilled trace (input + LLM label), learned without routing. */
        BACKFILL,
        /** Train rows are live requests like the test rows: only deferred and audited ones are labelled. */
        REQUESTS
    }

    /**
     * The protocol's settings.
     *
     * @param task          engine settings; the alpha is replaced per run
     * @param delay         requests that pass before the LLM's answer to a request arrives (>= 0)
     * @param teacherNoise  probability that the LLM's label is replaced by another label (in [0, 1))
     * @param trainMode     how the train split enters
     * @param curveEvery    requests per block of the curve (> 0); blocks restart at the test phase and at the shift
     * @param reportEvery   requests between two boundary reports (> 0); a report also follows every gate flip
     *                      and ends the run
     * @param hashTexts     the privacy switch: example texts in reports are hashed
     * @param shiftLabels   labels the LLM renames in a seeded rotation ({@link TeacherShift}); 0 = no shift
     * @param shiftAt       the first request (0-based, counted over the routed stream) the shift applies to
     */
    public record Options(TaskConfig task, int delay, double teacherNoise, TrainMode trainMode, int curveEvery,
                          int reportEvery, boolean hashTexts, int shiftLabels, long shiftAt) {

        /** The settings without a teacher shift. */
        public Options(final TaskConfig task, final int delay, final double teacherNoise, final TrainMode trainMode,
                       final int curveEvery, final int reportEvery, final boolean hashTexts) {
            this(task, delay, teacherNoise, trainMode, curveEvery, reportEvery, hashTexts, 0, 0L);
        }

        public Options {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(trainMode, "trainMode");
            if (delay < 0) {
                throw new IllegalArgumentException("replay option 'delay' must be >= 0 (got " + delay + ")");
            }
            if (!(teacherNoise >= 0.0 && teacherNoise < 1.0)) {
                throw new IllegalArgumentException("replay option 'teacherNoise' must be in [0, 1) (got " + teacherNoise + ")");
            }
            if (curveEvery <= 0) {
                throw new IllegalArgumentException("replay option 'curveEvery' must be > 0 (got " + curveEvery + ")");
            }
            if (reportEvery <= 0) {
                throw new IllegalArgumentException("replay option 'reportEvery' must be > 0 (got " + reportEvery + ")");
            }
            if (shiftLabels < 0 || shiftLabels == 1) {
                throw new IllegalArgumentException("replay option 'shiftLabels' must be 0 (no shift) or >= 2 (got "
                        + shiftLabels + ")");
            }
            if (shiftAt < 0) {
                throw new IllegalArgumentException("replay option 'shiftAt' must be >= 0 (got " + shiftAt + ")");
            }
        }

        /** The protocol's defaults around a task configuration: no delay, no noise, backfilled train split. */
        public static Options of(final TaskConfig task) {
            return new Options(task, 0, 0.0, TrainMode.BACKFILL, 500, 1_000, false);
        }

        /** These settings with a teacher shift of {@code labels} labels from request {@code at} on. */
        public Options withShift(final int labels, final long at) {
            return new Options(task, delay, teacherNoise, trainMode, curveEvery, reportEvery, hashTexts, labels, at);
        }

        /** These settings with another train mode. */
        public Options withTrainMode(final TrainMode mode) {
            return new Options(task, delay, teacherNoise, mode, curveEvery, reportEvery, hashTexts, shiftLabels, shiftAt);
        }
    }

    /** One row with its vector. */
    public record Row(LabelledText item, float[] vector) {
    }

    /**
     * What the engine did with one request, and what the harness knows about it.
     *
     * @param index    the request's place in the routed stream (0-based)
     * @param test     whether it belongs to the test phase
     * @param decision the engine's decision
     * @param llmLabel the LLM's answer (after teacher noise and shift): the truth realised agreement counts
     * @param gateOpen the gate's state after routing
     * @param item     the dataset row (its label is the answer before noise and shift)
     */
    public record Step(int index, boolean test, RoutingDecision decision, String llmLabel, boolean gateOpen,
                       LabelledText item) {
        /** Whether the request was handled by the surrogate. */
        public boolean handled() {
            return decision.getDecision() == Decision.HANDLED;
        }

        /** Whether a handled request's label equals the LLM's. */
        public boolean agreed() {
            return handled() && llmLabel.equals(decision.getLabel());
        }
    }

    /** Receives every step and gate event, e.g. for reports and progress bars. */
    public interface Listener {
        /** A request was routed. */
        default void onStep(final Step step, final TaskEngine engine) {
        }

        /** A trace was learned. */
        default void onTrace(final LabelledText item, final String llmLabel, final TraceOrigin origin) {
        }

        /** The gate changed state or served learner. */
        default void onGateEvent(final GateEvent event) {
        }
    }

    private Replay() {
    }

    /**
     * Runs the protocol once.
     *
     * @param train     the train split (may be empty when only {@code test} is streamed)
     * @param test      the test split (may be empty: then the train split is streamed as requests and reported)
     * @param alpha     the target agreement of this run
     * @param options   protocol settings
     * @param seed      seeds the order, the teacher noise and the engine
     * @param listener  observer (or {@code null})
     */
    public static ReplayResult run(final List<Row> train, final List<Row> test, final double alpha,
                                   final Options options, final long seed, final Listener listener) {
        final Listener observer = listener == null ? new Listener() { } : listener;
        final TaskConfig task = options.task().withAlpha(alpha).withSeed(seed);
        final TaskEngine engine = TaskEngine.create("replay", task,
                task.reportConfig().withHashTexts(options.hashTexts()));
        final Random random = new Random(seed);
        final List<Row> trainOrder = shuffled(train, random);
        final List<Row> testOrder = shuffled(test, random);
        final List<String> labelPool = labelPool(train, test);
        final TeacherShift shift = TeacherShift.rotation(labelPool, options.shiftLabels(), options.shiftAt(), seed);
        final ReplayResult.Builder result = new ReplayResult.Builder(alpha, seed, options.curveEvery());

        final boolean testOnly = testOrder.isEmpty();
        final List<Row> requests = new ArrayList<>();
        if (options.trainMode() == TrainMode.BACKFILL && !testOnly) {
            long t = 0;
            for (final Row row : trainOrder) {
                final String llmLabel = teacher(row.item().label(), options.teacherNoise(), labelPool, random);
                learn(engine, row, llmLabel, null, t++, result, observer);
            }
        } else {
            requests.addAll(trainOrder);
        }
        final int testStart = testOnly ? 0 : requests.size();
        requests.addAll(testOrder);
        result.phases(testStart, requests.size());
        result.shift(shift);

        final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        for (int i = 0; i < requests.size(); i++) {
            deliver(engine, inFlight, i, result, observer);
            final Row row = requests.get(i);
            final String llmLabel = teacher(shift.apply(row.item().label(), i), options.teacherNoise(), labelPool,
                    random);
            final RoutingDecision decision = engine.route(row.item().id(), row.item().text(), row.vector(), i);
            final Step step = new Step(i, i >= testStart, decision, llmLabel, engine.gateOpen(), row.item());
            result.onStep(step, engine);
            observer.onStep(step, engine);
            if (decision.getDecision() == Decision.DEFERRED || decision.getAudit()) {
                inFlight.add(new Pending(i + 1 + options.delay(), row, llmLabel, decision));
            }
            if ((i + 1) % options.reportEvery() == 0) {
                result.onReport(engine.report(i));
            }
        }
        result.finish(engine);
        deliver(engine, inFlight, Integer.MAX_VALUE, result, observer);
        result.onReport(engine.report(requests.size()));
        return result.build(engine);
    }

    private record Pending(int due, Row row, String llmLabel, RoutingDecision decision) {
    }

    private static void deliver(final TaskEngine engine, final ArrayDeque<Pending> inFlight, final int now,
                                final ReplayResult.Builder result, final Listener observer) {
        while (!inFlight.isEmpty() && inFlight.peekFirst().due() <= now) {
            final Pending p = inFlight.pollFirst();
            learn(engine, p.row(), p.llmLabel(), p.decision(), now == Integer.MAX_VALUE ? p.due() : now, result, observer);
        }
    }

    private static void learn(final TaskEngine engine, final Row row, final String llmLabel,
                              final RoutingDecision routed, final long time, final ReplayResult.Builder result,
                              final Listener observer) {
        final List<GateEvent> events = engine.learn(row.item().id(), row.item().text(), row.vector(), llmLabel,
                routed, time);
        observer.onTrace(row.item(), llmLabel, TraceOrigin.of(routed));
        for (final GateEvent event : events) {
            result.onGateEvent(event, engine);
            observer.onGateEvent(event);
        }
        if (!events.isEmpty()) {
            result.onReport(engine.report(time));
        }
    }

    private static List<Row> shuffled(final List<Row> rows, final Random random) {
        final List<Row> copy = new ArrayList<>(rows);
        Collections.shuffle(copy, random);
        return copy;
    }

    private static List<String> labelPool(final List<Row> train, final List<Row> test) {
        final java.util.TreeSet<String> labels = new java.util.TreeSet<>();
        train.forEach(r -> labels.add(r.item().label()));
        test.forEach(r -> labels.add(r.item().label()));
        return List.copyOf(labels);
    }

    /** The LLM's answer: the row's label, or with probability {@code noise} another label drawn uniformly. */
    private static String teacher(final String label, final double noise, final List<String> pool, final Random random) {
        if (noise <= 0.0 || pool.size() < 2 || random.nextDouble() >= noise) {
            return label;
        }
        String other = label;
        while (other.equals(label)) {
            other = pool.get(random.nextInt(pool.size()));
        }
        return other;
    }
}
