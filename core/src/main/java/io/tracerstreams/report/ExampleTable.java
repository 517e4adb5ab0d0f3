/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.state.ReportExampleState;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example requests of a report's stored state, each once: the parts that keep an example (awaiting its
 * outcome, in a reservoir, a boundary candidate) store its index here, and a restored example shared by several
 * parts is one object again. Under the privacy switch no clear text goes in or comes out: a text that is not a hash
 * is hashed on the way in (the builder keeps only hashes then, so this is a guard) and rejected on the way out.
 */
final class ExampleTable {

    private final Map<KeptExample, Integer> indexes = new IdentityHashMap<>();
    private final List<KeptExample> examples = new ArrayList<>();
    private final boolean hashTexts;
    private final String salt;

    private ExampleTable(final ReportConfig config) {
        this.hashTexts = config.hashTexts();
        this.salt = config.hashSalt();
    }

    /** An empty table to store a builder's examples in. */
    static ExampleTable forWriting(final ReportConfig config) {
        return new ExampleTable(config);
    }

    /**
     * The examples of a stored state.
     *
     * @throws IllegalArgumentException when an example does not validate, or holds clear text while texts are hashed
     */
    static ExampleTable restore(final List<ReportExampleState> states, final ReportConfig config) {
        final ExampleTable table = new ExampleTable(config);
        for (int i = 0; i < states.size(); i++) {
            final ReportExampleState s = states.get(i);
            if (s.getRequestId() == null || s.getReason() == null) {
                throw new IllegalArgumentException("report state 'examples[" + i + "]' lacks a request id or reason");
            }
            if (config.hashTexts() && s.getText() != null && !TextHasher.isHash(s.getText())) {
                throw new IllegalArgumentException("report state 'examples[" + i + "].text' is clear text, and texts "
                        + "are hashed");
            }
            final KeptExample e = new KeptExample(s.getRequestId(), s.getText(), s.getHandled(), s.getReason(),
                    s.getSurrogateLabel(), s.getScore(), s.getThreshold(), s.getWords(), s.getTimestampMs(),
                    s.getGateOpen());
            e.llmLabel = s.getLlmLabel();
            e.tick = s.getTick();
            table.examples.add(e);
        }
        return table;
    }

    /** The index of an example, added to the table when new. */
    int indexOf(final KeptExample example) {
        final Integer known = indexes.get(example);
        if (known != null) {
            return known;
        }
        final int index = examples.size();
        indexes.put(example, index);
        examples.add(example);
        return index;
    }

    /** The indexes of examples, in order. */
    List<Integer> indexesOf(final Iterable<KeptExample> kept) {
        final List<Integer> out = new ArrayList<>();
        for (final KeptExample e : kept) {
            out.add(indexOf(e));
        }
        return out;
    }

    /**
     * The example at an index.
     *
     * @throws IllegalArgumentException naming {@code field} when there is no example at that index
     */
    KeptExample at(final int index, final String field) {
        if (index < 0 || index >= examples.size()) {
            throw new IllegalArgumentException("report state '" + field + "' refers to example " + index + " of "
                    + examples.size());
        }
        return examples.get(index);
    }

    /** The examples at indexes, in order. */
    List<KeptExample> at(final List<Integer> indexList, final String field) {
        final List<KeptExample> out = new ArrayList<>(indexList.size());
        for (final int index : indexList) {
            out.add(at(index, field));
        }
        return out;
    }

    /** The examples added so far, as stored. */
    List<ReportExampleState> states() {
        final List<ReportExampleState> out = new ArrayList<>(examples.size());
        for (final KeptExample e : examples) {
            final String text = hashTexts && e.text != null && !TextHasher.isHash(e.text)
                    ? TextHasher.hash(e.text, salt) : e.text;
            out.add(ReportExampleState.newBuilder()
                    .setRequestId(e.requestId)
                    .setText(text)
                    .setHandled(e.handled)
                    .setReason(e.reason)
                    .setSurrogateLabel(e.surrogateLabel)
                    .setLlmLabel(e.llmLabel)
                    .setScore(e.score)
                    .setThreshold(e.threshold)
                    .setWords(e.words)
                    .setTimestampMs(e.timestampMs)
                    .setGateOpen(e.gateOpen)
                    .setTick(e.tick)
                    .build());
        }
        return out;
    }
}
