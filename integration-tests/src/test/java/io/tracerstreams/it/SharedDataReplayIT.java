/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.it;

import io.tracerstreams.featurize.Featurizer;
import io.tracerstreams.featurize.Featurizers;
import io.tracerstreams.replay.Datasets;
import io.tracerstreams.replay.LabelledText;
import io.tracerstreams.replay.Replay;
import io.tracerstreams.replay.ReplayResult;
import io.tracerstreams.task.TaskConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product's promise on real data, through the replay protocol (DESIGN section 7) with the real
 * all-MiniLM-L6-v2 embeddings: on the test phase the realised agreement of handled requests is at least
 * alpha, the surrogate takes a real share of the intent traffic, and the gate refuses SNLI, where a
 * surrogate on sentence embeddings cannot reach alpha. CLINC150 at 0.95 is the row where a trace log
 * flatters the surrogate (its train split agrees more than its test split) and batch TRACER broke its
 * promise: the verification of the backfilled window on live traffic must keep alpha there. Skips where
 * ../shared/data is absent.
 */
class SharedDataReplayIT {

    private static final Path CACHE = Path.of("target", "embedding-cache");

    @ParameterizedTest(name = "{0} at alpha {3}")
    @CsvSource({
        "banking77, train, test, 0.85, 0.90",
        "banking77, train, test, 0.95, 0.50",
        "clinc150, train, test, 0.90, 0.85",
        "clinc150, train, test, 0.95, 0.50",
        "snli, validation, test, 0.90, 0.0",
    })
    void shouldKeepAlphaOnHandledTraffic(final String dataset, final String trainSplit, final String testSplit,
                                         final double alpha, final double minCoverage) {
        final List<Replay.Row> train = rows(dataset, trainSplit);
        final List<Replay.Row> test = rows(dataset, testSplit);
        final ReplayResult r = Replay.run(train, test, alpha, Replay.Options.of(TaskConfig.DEFAULTS), 1, null);

        if (minCoverage > 0) {
            assertThat(r.test().coverage()).as("test coverage").isGreaterThanOrEqualTo(minCoverage);
            assertThat(r.test().realisedAgreement()).as("realised agreement").isGreaterThanOrEqualTo(alpha);
        } else {
            assertThat(r.test().handled()).as("SNLI requests handled at alpha " + alpha).isZero();
        }
    }

    private static List<Replay.Row> rows(final String dataset, final String split) {
        final Path file = SharedData.dataFile(dataset + "/" + split + ".jsonl.gz");
        final List<LabelledText> items = Datasets.read(file, row -> !Set.of("oos").contains(row.label()));
        try (Featurizer f = Featurizers.open("minilm", CACHE)) {
            final List<float[]> vectors = f.embed(items.stream().map(LabelledText::text).toList());
            final List<Replay.Row> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(new Replay.Row(items.get(i), vectors.get(i)));
            }
            return out;
        }
    }
}
