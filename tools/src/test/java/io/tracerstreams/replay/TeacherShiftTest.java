/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.replay;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TeacherShiftTest {

    private static List<String> labels(final int n) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("label_" + i);
        }
        return out;
    }

    @Test
    void shouldRotateKLabelsInOneCycleWithoutFixedPointsForEverySeedAndK() {
        final List<String> labels = labels(77);
        for (long seed = 1; seed <= 50; seed++) {
            for (final int k : new int[] {2, 3, 20, 77}) {
                final Map<String, String> rotation = TeacherShift.rotation(labels, k, 0, seed).rotation();
                assertThat(rotation).hasSize(k);
                assertThat(labels).containsAll(rotation.keySet());
                // a permutation of the K labels: the images are exactly the renamed labels
                assertThat(new HashSet<>(rotation.values())).isEqualTo(rotation.keySet());
                // one cycle of length K: following the rotation from any label visits all K before returning
                final String start = rotation.keySet().iterator().next();
                final Set<String> seen = new HashSet<>();
                String at = start;
                do {
                    assertThat(seen.add(at)).as("seed %d k %d revisits %s early", seed, k, at).isTrue();
                    at = rotation.get(at);
                } while (!at.equals(start));
                assertThat(seen).hasSize(k);
                rotation.forEach((from, to) -> assertThat(to).isNotEqualTo(from));
            }
        }
    }

    @Test
    void shouldBeSeededAndIndependentOfTheLabelsOrder() {
        final List<String> labels = labels(40);
        final List<String> reversed = new ArrayList<>(labels);
        java.util.Collections.reverse(reversed);
        assertThat(TeacherShift.rotation(labels, 10, 0, 7).rotation())
                .isEqualTo(TeacherShift.rotation(reversed, 10, 0, 7).rotation());
        final Set<Map<String, String>> distinct = new HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            distinct.add(TeacherShift.rotation(labels, 10, 0, seed).rotation());
        }
        assertThat(distinct).as("different seeds give different rotations").hasSizeGreaterThan(15);
    }

    @Test
    void shouldRenameOnlyFromRequestNOn() {
        final TeacherShift shift = TeacherShift.rotation(labels(10), 4, 100, 3);
        for (final Map.Entry<String, String> e : shift.rotation().entrySet()) {
            assertThat(shift.apply(e.getKey(), 0)).isEqualTo(e.getKey());
            assertThat(shift.apply(e.getKey(), 99)).isEqualTo(e.getKey());
            assertThat(shift.apply(e.getKey(), 100)).isEqualTo(e.getValue());
            assertThat(shift.apply(e.getKey(), 5_000)).isEqualTo(e.getValue());
        }
        for (final String label : labels(10)) {
            if (!shift.rotation().containsKey(label)) {
                assertThat(shift.apply(label, 100)).isEqualTo(label);
            }
        }
        assertThat(TeacherShift.rotation(labels(10), 0, 100, 3).active()).isFalse();
        assertThat(TeacherShift.NONE.apply("label_1", Long.MAX_VALUE - 1)).isEqualTo("label_1");
    }

    @Test
    void shouldNameTheBadOption() {
        assertThatThrownBy(() -> TeacherShift.rotation(labels(5), 1, 0, 1)).hasMessageContaining("shift-labels");
        assertThatThrownBy(() -> TeacherShift.rotation(labels(5), 6, 0, 1)).hasMessageContaining("shift-labels")
                .hasMessageContaining("(5)");
        assertThatThrownBy(() -> TeacherShift.rotation(labels(5), 2, -1, 1)).hasMessageContaining("shift-at");
    }
}
