/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.learning;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSpaceTest {

    @Test
    void shouldGiveSlotsInOrderOfFirstAppearance() {
        final LabelSpace space = new LabelSpace(10);
        assertThat(space.slotOf("b")).isEqualTo(LabelSpace.UNSEEN);
        assertThat(space.register("b")).isZero();
        assertThat(space.register("a")).isEqualTo(1);
        assertThat(space.register("b")).isZero();
        assertThat(space.slotOf("a")).isEqualTo(1);
        assertThat(space.label(0)).isEqualTo("b");
        assertThat(space.label(1)).isEqualTo("a");
        assertThat(space.size()).isEqualTo(2);
        assertThat(space.labels()).containsExactly("b", "a");
        assertThat(space.isFull()).isFalse();
    }

    @Test
    void shouldMapLabelsBeyondTheCapToOneOverflowSlot() {
        final LabelSpace space = new LabelSpace(2);
        space.register("x");
        space.register("y");
        assertThat(space.size()).isEqualTo(2);
        assertThat(space.isFull()).isTrue();
        final int overflow = space.register("z");
        assertThat(overflow).isEqualTo(space.overflowSlot()).isEqualTo(2);
        assertThat(space.register("w")).isEqualTo(overflow);
        assertThat(space.isOverflow(overflow)).isTrue();
        assertThat(space.isOverflow(0)).isFalse();
        assertThat(space.size()).isEqualTo(3);
        assertThat(space.label(overflow)).isEqualTo(LabelSpace.OVERFLOW_LABEL);
        assertThat(space.slotOf("z")).isEqualTo(LabelSpace.UNSEEN);
        assertThat(space.register("x")).isZero();
        assertThat(space.overflowRegistrations()).isEqualTo(2);
    }

    @Test
    void shouldRejectBadArguments() {
        assertThatThrownBy(() -> new LabelSpace(0)).hasMessageContaining("capacity");
        final LabelSpace space = new LabelSpace(3);
        assertThatThrownBy(() -> space.register(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(space.slotOf(null)).isEqualTo(LabelSpace.UNSEEN);
        assertThatThrownBy(() -> space.label(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldSurviveSerialisation() throws Exception {
        final LabelSpace space = new LabelSpace(2);
        space.register("p");
        space.register("q");
        space.register("r");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(space);
        }
        final LabelSpace copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (LabelSpace) in.readObject();
        }
        assertThat(copy.labels()).containsExactly("p", "q");
        assertThat(copy.size()).isEqualTo(3);
        assertThat(copy.register("q")).isEqualTo(1);
        assertThat(copy.register("s")).isEqualTo(2);
    }
}
