/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task.format3;

import java.io.Serial;
import java.io.Serializable;

/**
 * The shape of the report builder that format-3 engine snapshots hold (before the report was split into its parts),
 * kept only so that such a snapshot can be read: Java serialization matches a class by its simple name and serial
 * version, and discards every field the local class does not declare. These classes declare none, so reading a
 * format-3 snapshot skips its report state; the restore starts the report afresh and keeps every other part.
 * Nothing ever writes them.
 */
public final class ReportBuilder implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private ReportBuilder() {
    }

    /** Format 3's decayed counter. */
    public static final class Decayed implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private Decayed() {
        }
    }

    /** Format 3's slice of the traffic. */
    public static final class Slice implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private Slice() {
        }
    }

    /** Format 3's example. */
    public static final class Example implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private Example() {
        }
    }

    /** Format 3's example reservoir. */
    public static final class Reservoir implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private Reservoir() {
        }
    }

    /** Format 3's coverage curve. */
    public static final class CurveState implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private CurveState() {
        }
    }

    /** Format 3's gate flips. */
    public static final class ReportGateFlipState implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private ReportGateFlipState() {
        }
    }
}
