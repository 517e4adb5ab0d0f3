/* Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later. */
package io.tracerstreams.client;

import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * tracer's answer to one call, as a {@link TracerClient} returns it: the {@link RoutingDecision} read from
 * {@code tracer.decisions} (or made by the client on a timeout, reason {@link Reason#TIMEOUT}), with the input of the
 * call and how long the decision took. Immutable.
 *
 * <p>Use it so: if {@link #isHandled()}, use {@link #label()}; if {@link #mustCallLlm()} (DEFERRED, or HANDLED
 * with audit), call the LLM and give its label to {@link TracerClient#answer(Decision, String)}.
 */
public final class Decision {

    private final RoutingDecision record;
    private final String input;
    private final Duration latency;
    private final boolean fromTracer;

    Decision(final RoutingDecision record, final String input, final Duration latency, final boolean fromTracer) {
        this.record = Objects.requireNonNull(record, "record");
        this.input = input;
        this.latency = Objects.requireNonNull(latency, "latency");
        this.fromTracer = fromTracer;
    }

    /**
     * A decision a service read from {@code tracer.decisions} itself (not through {@link TracerClient#route}), so
     * that it can be answered with {@link TracerClient#answer(Decision, String)}; {@code input} may be null.
     */
    public static Decision of(final RoutingDecision record, final String input) {
        return new Decision(record, input, Duration.ZERO, record.getReason() != Reason.TIMEOUT);
    }

    public String requestId() {
        return record.getRequestId();
    }

    public String task() {
        return record.getTask();
    }

    /** The input of the call; null only for a decision made with {@link #of} and no input. */
    public String input() {
        return input;
    }

    /** True when the surrogate answered: use {@link #label()}. */
    public boolean isHandled() {
        return record.getDecision() == io.tracerstreams.schema.Decision.HANDLED;
    }

    /** True when the LLM must answer this call: DEFERRED, or HANDLED with audit. */
    public boolean mustCallLlm() {
        return !isHandled() || record.getAudit();
    }

    /** True when tracer's audit asks the LLM to answer a HANDLED call too. */
    public boolean isAudit() {
        return record.getAudit();
    }

    /** The surrogate's label when handled; empty when deferred. */
    public Optional<String> label() {
        return Optional.ofNullable(record.getLabel());
    }

    public Reason reason() {
        return record.getReason();
    }

    /** True when the client made this decision because none arrived in time (or the request was not delivered). */
    public boolean isTimeout() {
        return !fromTracer;
    }

    /** From the call to its decision. */
    public Duration latency() {
        return latency;
    }

    /** The decision record itself (the client's own for a timeout: score 0, model_version says why). */
    public RoutingDecision record() {
        return record;
    }

    @Override
    public String toString() {
        return "Decision{requestId=" + requestId() + ", task=" + task() + ", " + record.getDecision()
                + (isHandled() ? " label=" + record.getLabel() : "") + ", reason=" + reason()
                + (isAudit() ? ", audit" : "") + ", latency=" + latency.toMillis() + " ms"
                + (isTimeout() ? ", " + record.getModelVersion() : "") + "}";
    }
}
