/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.task;

import io.tracerstreams.gate.GateConfig;
import io.tracerstreams.gate.GateSnapshot;
import io.tracerstreams.gate.GateTransition;
import io.tracerstreams.gate.ParityGate;
import io.tracerstreams.learning.OodGuard;
import io.tracerstreams.report.ReportBuilder;
import io.tracerstreams.report.ReportConfig;
import io.tracerstreams.schema.ConfigChange;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.GateReason;
import io.tracerstreams.schema.GateState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Restores an engine from a snapshot under the settings that apply <em>now</em>: a snapshot keeps the settings it
 * was written with only to say what changed.
 * <ul>
 *   <li>Settings that apply in place (alpha, delta, epsilon, verify.rate, min.accepted, min.coverage,
 *   frontier.alphas, cost.per.call, seed, and the report settings such as reports.hash.texts) take effect at once:
 *   the gate re-decides on the evidence in the served window under the new settings
 *   ({@link ParityGate#reconfigure}); a changed report setting rebuilds the report's running state (it holds
 *   example texts: turning reports.hash.texts on drops every clear text kept before). One gate event with reason
 *   CONFIG_CHANGED lists every change, old and new values.</li>
 *   <li>Settings whose state cannot carry over (learners, window.size, label.cap, embedding.model: a new model is
 *   a new vector space) reset the task: a fresh engine under the new settings, the gate closed, one gate event
 *   CONFIG_CHANGED (the changes marked not live), and {@link Restored#reset()} says why (the caller logs it).</li>
 *   <li>A snapshot that cannot be read (corrupt, an unknown format, a class outside the allow-list, settings that
 *   no longer validate) resets the task: a fresh engine, the gate closed, a gate event STATE_RESET. When only
 *   the gate, OOD guard or report part cannot be read, that part alone starts afresh (a fresh gate is closed
 *   and re-opens by the normal rules on the evidence in the surrogates' windows: event STATE_RESET).</li>
 * </ul>
 * The result is never an exception: a task is never left dead by its saved state.
 */
final class EngineRestore {

    private EngineRestore() {
    }

    static TaskEngine.Restored restore(final byte[] snapshot, final String task, final TaskConfig current,
                                       final ReportConfig currentReport, final String embeddingModel,
                                       final long timestampMs) {
        Objects.requireNonNull(snapshot, "snapshot");
        final EngineSnapshots.Parts parts;
        try {
            parts = EngineSnapshots.read(snapshot, currentReport.hashSalt());
        } catch (final IllegalArgumentException e) {
            return reset(task, current, currentReport, embeddingModel, timestampMs, GateState.CLOSED,
                    GateReason.STATE_RESET, "the saved state cannot be read (" + e.getMessage() + ")", List.of());
        }
        final GateState previous = parts.gate() == null ? GateState.CLOSED : parts.gate().state();
        if (parts.zoo() == null || parts.counters() == null || parts.verification() == null) {
            return reset(task, current, currentReport, embeddingModel, timestampMs, previous, GateReason.STATE_RESET,
                    "parts of the saved state cannot be read (" + String.join("; ", parts.unreadable()) + ")", List.of());
        }
        final List<ConfigChange> changes = changes(parts, current, currentReport, embeddingModel);
        final List<ConfigChange> structural = changes.stream().filter(c -> !c.getLive()).toList();
        if (!structural.isEmpty()) {
            return reset(task, current, currentReport, embeddingModel, timestampMs, previous, GateReason.CONFIG_CHANGED,
                    "settings changed that the saved state cannot carry over (" + describe(structural)
                            + "): the task starts afresh", changes);
        }
        final BackfillVerification verification = parts.verification();
        if (!verification.hasWindow(current.windowSize())) {
            return reset(task, current, currentReport, embeddingModel, timestampMs, previous, GateReason.STATE_RESET,
                    "the saved verification does not match window.size " + current.windowSize(), List.of());
        }
        verification.reconfigure(current);
        final List<String> notes = new ArrayList<>();
        final OodGuard ood = parts.ood() != null ? parts.ood() : TaskEngine.freshOod(current);
        ReportBuilder report = parts.report();
        if (report == null || !report.config().equals(currentReport)) {
            report = new ReportBuilder(currentReport);
        }
        final ParityGate restoredGate = parts.gate();
        final ParityGate gate = restoredGate != null ? restoredGate : new ParityGate(current.gateConfig());
        final SurrogateZoo zoo = parts.zoo();
        final TaskEngine engine = new TaskEngine(new EngineState(task, current, zoo, ood, verification, gate, report,
                parts.counters()), embeddingModel);
        for (final String unreadable : parts.unreadable()) {
            notes.add(unreadable.startsWith("ood") ? unreadable + " (OOD guard starts afresh)"
                    : unreadable.startsWith("report") ? unreadable + " (report starts afresh)" : unreadable);
        }
        final List<GateEvent> events = new ArrayList<>(2);
        if (restoredGate == null) {
            final GateTransition t = new GateTransition(previous, GateState.CLOSED, GateReason.STATE_RESET, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, "the saved gate cannot be read ("
                    + String.join("; ", parts.unreadable()) + "): a fresh gate, closed; it opens by the normal rules on "
                    + "the evidence in the surrogates' windows", 0);
            events.add(engine.event(t, timestampMs));
        }
        if (!changes.isEmpty()) {
            final String detail = "settings changed: " + describe(changes);
            final GateConfig gateConfig = current.gateConfig();
            final GateTransition t;
            if (!gateConfig.equals(gate.config())) {
                zoo.reconfigure(gateConfig);
                t = gate.reconfigure(gateConfig, zoo.servedWindow(), detail);
            } else {
                t = unchanged(gate.current(), detail);
            }
            final GateEvent event = engine.event(t, timestampMs);
            event.setConfigChanges(changes);
            events.add(event);
        }
        if (changes.isEmpty() && !current.gateConfig().equals(gate.config())) {
            // the same settings, but this version derives other gate settings from them (an upgrade): apply them;
            // only a change of the gate's state is an event
            zoo.reconfigure(current.gateConfig());
            final GateTransition t = gate.reconfigure(current.gateConfig(), zoo.servedWindow(),
                    "this version of tracer derives other gate settings from the same configuration");
            if (t.from() != t.to()) {
                events.add(engine.event(t, timestampMs));
            }
        }
        engine.recordEvents(events);
        final String why = notes.isEmpty() ? null : String.join("; ", notes);
        return new TaskEngine.Restored(engine, List.copyOf(events), why == null ? null : "partly reset: " + why,
                changes, parts.format());
    }

    private static TaskEngine.Restored reset(final String task, final TaskConfig current, final ReportConfig currentReport,
                                             final String embeddingModel, final long timestampMs,
                                             final GateState previous, final GateReason reason, final String why,
                                             final List<ConfigChange> changes) {
        final TaskEngine engine = TaskEngine.create(task, current, currentReport, embeddingModel);
        final GateTransition t = new GateTransition(previous, GateState.CLOSED, reason, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, why, 0);
        final GateEvent event = engine.event(t, timestampMs);
        event.setConfigChanges(changes);
        engine.recordEvents(List.of(event));
        return new TaskEngine.Restored(engine, List.of(event), why, changes, 0);
    }

    /** A CONFIG_CHANGED transition that leaves the gate as it is (no gate setting changed). */
    private static GateTransition unchanged(final GateSnapshot now, final String detail) {
        return new GateTransition(now.state(), now.state(), GateReason.CONFIG_CHANGED, now.agreement(), now.lower(),
                now.upper(), now.coverage(), now.threshold(), now.windowSize(), now.effectiveSize(),
                detail + "; the gate's settings are unchanged", now.outcomes());
    }

    private static String thresholds(final TaskConfig config) {
        return config.perLabelThresholds() ? "per-label" : "single";
    }

    /** Every setting that differs between the snapshot and now; live = it applies in place. */
    static List<ConfigChange> changes(final EngineSnapshots.Parts parts, final TaskConfig now, final ReportConfig report,
                                      final String embeddingModel) {
        final TaskConfig was = parts.config();
        final List<ConfigChange> out = new ArrayList<>();
        add(out, "alpha", was.alpha(), now.alpha());
        add(out, "delta", was.delta(), now.delta());
        add(out, "epsilon", was.epsilon(), now.epsilon());
        add(out, "verify.rate", was.verifyRate(), now.verifyRate());
        add(out, "min.accepted", was.minAccepted(), now.minAccepted());
        add(out, "min.coverage", was.minCoverage(), now.minCoverage());
        add(out, "frontier.alphas", was.frontierAlphas(), now.frontierAlphas());
        add(out, "cost.per.call", was.costPerCall(), now.costPerCall());
        add(out, "seed", was.seed(), now.seed());
        add(out, "window.size", was.windowSize(), now.windowSize());
        add(out, "learners", was.learners(), now.learners());
        add(out, "label.cap", was.labelCap(), now.labelCap());
        add(out, "gate.thresholds", thresholds(was), thresholds(now));
        final String model = embeddingModel == null ? "" : embeddingModel;
        if (!parts.embeddingModel().isEmpty() && !model.isEmpty()) {
            add(out, "embedding.model", parts.embeddingModel(), model);
        }
        final ReportBuilder builder = parts.report();
        if (builder != null) {
            final ReportConfig old = builder.config();
            add(out, "reports.hash.texts", old.hashTexts(), report.hashTexts());
            // price and seed follow cost.per.call and seed (listed above); anything else is a report setting
            final ReportConfig aligned = old.withHashTexts(report.hashTexts()).withPricePerCall(report.pricePerCall())
                    .withSeed(report.seed());
            if (!aligned.equals(report)) {
                add(out, "reports", aligned, report);
            }
        }
        return out;
    }

    private static void add(final List<ConfigChange> out, final String key, final Object was, final Object now) {
        if (!Objects.equals(was, now)) {
            final boolean live = RestoreEffect.live(key);
            out.add(ConfigChange.newBuilder().setKey(key).setOldValue(String.valueOf(was)).setNewValue(String.valueOf(now))
                    .setLive(live).build());
        }
    }

    static String describe(final List<ConfigChange> changes) {
        return changes.stream().map(c -> c.getKey() + " " + c.getOldValue() + " -> " + c.getNewValue())
                .collect(Collectors.joining(", "));
    }
}
