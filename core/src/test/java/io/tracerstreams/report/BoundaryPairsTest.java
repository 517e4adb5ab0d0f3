/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportSlice;
import io.tracerstreams.schema.ReportTrend;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tracerstreams.report.ReportPartsFixtures.config;
import static io.tracerstreams.report.ReportPartsFixtures.deferred;
import static io.tracerstreams.report.ReportPartsFixtures.handled;
import static org.assertj.core.api.Assertions.assertThat;

class BoundaryPairsTest {

    private static ReportSlice slice(final String key, final Double threshold) {
        return ReportSlice.newBuilder().setKey(key).setRequests(1).setHandled(1).setOutcomes(0).setTrafficShare(0.1)
                .setHandledRate(0.5).setAgreement(null).setAgreementWeight(0).setAccuracy(null).setThreshold(threshold)
                .setHandledRateDelta(null).setTrafficShareDelta(null).setTrend(ReportTrend.NEW).build();
    }

    @Test
    void shouldPairTheClosestRequestsEitherSideOfTheBarAmongTheLastCandidates() {
        final int candidates = 8;
        final BoundaryPairs pairs = new BoundaryPairs(config(candidates, 40, 3, 6, 24, 100));
        final Random random = new Random(4);
        final Map<String, ArrayDeque<KeptExample>> lastHandled = new HashMap<>();
        final Map<String, ArrayDeque<KeptExample>> lastDeferred = new HashMap<>();
        final List<ReportSlice> order = new ArrayList<>();
        for (int l = 0; l < 10; l++) {
            order.add(slice("label_" + l, l % 3 == 0 ? null : 0.4 + 0.05 * l));
        }
        for (int i = 0; i < 5_000; i++) {
            final String label = "label_" + random.nextInt(10);
            final double score = random.nextDouble();
            final KeptExample e;
            if (random.nextBoolean()) {
                e = handled("r" + i, label, score, null);
                pairs.onHandled(label, e);
                remember(lastHandled, label, e, candidates);
            } else {
                e = deferred("r" + i, label, score, null);
                pairs.onDeferred(label, e);
                remember(lastDeferred, label, e, candidates);
            }
            if (i % 500 == 499) {
                final double served = 0.3 + 0.4 * random.nextDouble();
                for (final ReportBoundaryPair pair : pairs.build(order, served)) {
                    final int l = Integer.parseInt(pair.getLabel().substring(6));
                    final double bar = l % 3 == 0 ? served : 0.4 + 0.05 * l;
                    assertThat(pair.getThreshold()).isEqualTo(bar);
                    final double low = lastHandled.get(pair.getLabel()).stream().mapToDouble(x -> x.score)
                            .filter(s -> s >= bar).min().orElseThrow();
                    final double high = lastDeferred.get(pair.getLabel()).stream().mapToDouble(x -> x.score)
                            .filter(s -> s < bar).max().orElseThrow();
                    assertThat(pair.getHandled().getScore()).isEqualTo(low);
                    assertThat(pair.getDeferred().getScore()).isEqualTo(high);
                }
                assertThat(pairs.retained()).isLessThanOrEqualTo(10 * 2 * candidates);
            }
        }
        assertThat(pairs.build(order, 0.5)).hasSizeGreaterThanOrEqualTo(8);
    }

    private static void remember(final Map<String, ArrayDeque<KeptExample>> last, final String label,
                                 final KeptExample e, final int cap) {
        final ArrayDeque<KeptExample> ring = last.computeIfAbsent(label, k -> new ArrayDeque<>());
        ring.addLast(e);
        if (ring.size() > cap) {
            ring.removeFirst();
        }
    }

    @Test
    void shouldFollowTheSliceOrderUpToTheCapAndSkipLabelsWithoutAPair() {
        final BoundaryPairs pairs = new BoundaryPairs(config(4, 2, 3, 6, 24, 100));
        for (final String label : List.of("a", "b", "c", "d")) {
            pairs.onHandled(label, handled(label + "1", label, 0.8, 0.6));
            pairs.onDeferred(label, deferred(label + "2", label, 0.5, 0.6));
        }
        pairs.onHandled("e", handled("e1", "e", 0.8, 0.6)); // nothing deferred below the bar
        final List<ReportSlice> order = List.of(slice("e", 0.6), slice("c", 0.6), slice("a", 0.6), slice("b", 0.6));
        assertThat(pairs.build(order, null)).extracting(ReportBoundaryPair::getLabel).containsExactly("c", "a");
        // without any bar there is nothing to straddle
        assertThat(pairs.build(List.of(slice("a", null)), null)).isEmpty();
    }
}
