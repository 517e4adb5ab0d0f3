/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.featurize;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Padding-bounded chunks over texts sorted longest first, on random length profiles (no model needed). */
class OnnxChunkingTest {

    @Test
    void shouldCoverEveryTextInOrderWithinTheRowLimitAndThePaddingBoundAndCutOnlyWhereNeeded() {
        final Random random = new Random(11);
        for (int run = 0; run < 2_000; run++) {
            final int n = 1 + random.nextInt(80);
            final int maxRows = 1 + random.nextInt(40);
            final int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = 2 + random.nextInt(run % 2 == 0 ? 10 : 126);
            }
            Arrays.sort(lengths);
            for (int i = 0; i < n / 2; i++) {
                final int t = lengths[i];
                lengths[i] = lengths[n - 1 - i];
                lengths[n - 1 - i] = t;
            }
            final List<int[]> ranges = OnnxFeaturizer.chunkRanges(lengths, maxRows);
            int expectedFrom = 0;
            for (final int[] r : ranges) {
                assertThat(r[0]).isEqualTo(expectedFrom);
                assertThat(r[1] - r[0]).isBetween(1, maxRows);
                long real = 0;
                for (int i = r[0]; i < r[1]; i++) {
                    real += lengths[i];
                }
                final int width = lengths[r[0]];
                if (r[1] - r[0] > 1) {
                    assertThat((double) width * (r[1] - r[0])).isLessThanOrEqualTo(OnnxFeaturizer.MAX_PADDED_SHARE * real);
                }
                if (r[1] < n && r[1] - r[0] < maxRows) {
                    assertThat((double) width * (r[1] - r[0] + 1))
                            .as("the next text would have broken the padding bound")
                            .isGreaterThan(OnnxFeaturizer.MAX_PADDED_SHARE * (real + lengths[r[1]]));
                }
                expectedFrom = r[1];
            }
            assertThat(expectedFrom).isEqualTo(n);
        }
    }

    @Test
    void shouldKeepTextsOfEqualLengthInFullChunks() {
        final int[] lengths = new int[70];
        Arrays.fill(lengths, 12);
        assertThat(OnnxFeaturizer.chunkRanges(lengths, 32)).extracting(r -> r[1] - r[0]).containsExactly(32, 32, 6);
    }
}
