/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.FrontierPoint;
import io.tracerstreams.schema.ReportLabelThreshold;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.ReportBoundaryPair;
import io.tracerstreams.schema.ReportCost;
import io.tracerstreams.schema.ReportCurvePoint;
import io.tracerstreams.schema.ReportExample;
import io.tracerstreams.schema.ReportGateFlip;
import io.tracerstreams.schema.ReportPlateau;
import io.tracerstreams.schema.ReportSlice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Renders boundary reports into one self-contained HTML file: no network, Chart.js inlined from the webjar
 * on the classpath, every text HTML-escaped. Shows the latest report in detail (coverage and agreement
 * curves with the alpha line and every gate flip marked, a sortable per-label table, length buckets,
 * deferral reasons, plateaus, boundary pairs, examples, frontier, cost) and, given several, how the
 * estimates moved across reports.
 *
 * <p>Every table sorts on a click on its header; a link can ask for a sorted table with a fragment such as
 * {@code report.html#sort=label-table:3:desc} (table id, column from 0, optional descending).
 */
public final class HtmlReport {

    /** The classpath resource of Chart.js (org.webjars.npm:chart.js). */
    public static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static volatile String chartJs;

    private HtmlReport() {
    }

    /** Renders reports read from the tracer.reports topic (oldest first), with the default options. */
    public static String render(final List<BoundaryReport> reports) {
        return render(reports, List.of(), List.of(), RenderOptions.DEFAULTS);
    }

    /**
     * Renders a sequence of reports of one task (ordered by timestamp here; the latest is shown in detail).
     *
     * @param reports    at least one report, all of the same task
     * @param curve      coverage-curve points from a replay, drawn instead of the last report's own curve
     *                   when not empty
     * @param gateEvents gate events to mark on the curves besides those the last report carries; may be empty
     * @param options    privacy switch and title
     */
    public static String render(final List<BoundaryReport> reports, final List<ReportCurvePoint> curve,
                                final List<GateEvent> gateEvents, final RenderOptions options) {
        Objects.requireNonNull(reports, "reports");
        Objects.requireNonNull(options, "options");
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no report to render");
        }
        final List<BoundaryReport> shown = new ArrayList<>(reports.size());
        for (final BoundaryReport report : reports) {
            if (!report.getTask().equals(reports.get(0).getTask())) {
                throw new IllegalArgumentException("reports of several tasks (" + reports.get(0).getTask() + ", "
                        + report.getTask() + "): render one task at a time");
            }
            shown.add(options.hashTexts() ? TextHasher.redact(report, options.hashSalt()) : report);
        }
        shown.sort(Comparator.comparing(BoundaryReport::getTimestamp));
        final BoundaryReport last = shown.get(shown.size() - 1);
        final List<ReportCurvePoint> points = curve == null || curve.isEmpty() ? last.getCurve() : curve;
        final String title = options.title().isEmpty()
                ? "tracer-streams boundary report: " + last.getTask() : options.title();

        final StringBuilder html = new StringBuilder(512 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n")
                .append("<script>window.__reportErrors=[];window.addEventListener('error',function(e){")
                .append("window.__reportErrors.push(String(e.message));});</script>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(html, title, last);
        summary(html, last);
        section(html, "curve", "Coverage and agreement over requests");
        html.append("<div class=\"chart tall\"><canvas id=\"curve-chart\"></canvas></div>\n")
                .append("<p class=\"note\">Coverage: handled share of each interval of requests; agreement: weighted ")
                .append("agreement with the LLM of the outcomes at or above the threshold in that interval (audits ")
                .append("weigh 1/&epsilon;). Dashed horizontal line: alpha = ").append(num(last.getAlpha()))
                .append(". Dashed vertical lines: gate flips (green: opened, red: closed).</p>\n");
        if (points.isEmpty()) {
            html.append("<p class=\"empty\">No curve point yet.</p>\n");
        }
        if (shown.size() > 1) {
            section(html, "history", "Across reports");
            html.append("<div class=\"chart\"><canvas id=\"history-chart\"></canvas></div>\n");
            history(html, shown);
        }
        frontier(html, last);
        labelThresholds(html, last);
        reasons(html, last);
        section(html, "labels", "Per label");
        html.append("<p class=\"note\">A handled request counts under the surrogate's label, a deferred one under ")
                .append("the LLM's label once it answered. Rates are decayed over requests (half-life ")
                .append(last.getHalfLifeRequests()).append(" requests); agreement is that of answers with this label. ")
                .append("Click a column to sort.</p>\n");
        if (!last.getLabels().isEmpty()) {
            html.append("<div class=\"chart\"><canvas id=\"labels-chart\"></canvas></div>\n");
        }
        slices(html, "label-table", "label", last.getLabels());
        section(html, "lengths", "Per input length (" + last.getLengthUnit() + ")");
        slices(html, "length-table", "bucket", last.getLengthBuckets());
        plateaus(html, last);
        if (shown.size() > 1) {
            html.append("<div class=\"chart\"><canvas id=\"label-history-chart\"></canvas></div>\n")
                    .append("<p class=\"note\">Handled rate per label across reports (the busiest labels and the ")
                    .append("plateaued ones), over traces learned.</p>\n");
        }
        pairs(html, last);
        examples(html, "handled-examples", "Representative handled requests", last.getHandledExamples());
        examples(html, "deferred-examples", "Representative deferred requests", last.getDeferredExamples());
        final List<Flip> flips = flips(last, gateEvents, points);
        gateTable(html, flips);
        cost(html, last);
        html.append("<footer>Generated by tracer-streams from ").append(shown.size())
                .append(shown.size() == 1 ? " report" : " reports").append(". ")
                .append(last.getTextsHashed() ? "Example texts are hashed (privacy switch on)."
                        : "Example texts are shown as received.")
                .append("</footer>\n<pre id=\"js-errors\" hidden></pre>\n");

        html.append("<script type=\"application/json\" id=\"report-data\">")
                .append(jsonForScript(chartData(shown, points, flips)))
                .append("</script>\n<script>").append(chartJs()).append("</script>\n<script>").append(SCRIPT)
                .append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    /** Writes {@link #render(List, List, List, RenderOptions)} to a file (UTF-8). */
    public static void write(final Path file, final List<BoundaryReport> reports, final List<ReportCurvePoint> curve,
                             final List<GateEvent> gateEvents, final RenderOptions options) throws IOException {
        Files.writeString(file, render(reports, curve, gateEvents, options), StandardCharsets.UTF_8);
    }

    /** Chart.js from the classpath, without its source-map comment. */
    static String chartJs() {
        String js = chartJs;
        if (js == null) {
            try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(CHART_JS)) {
                if (in == null) {
                    throw new IllegalStateException("Chart.js not on the classpath: " + CHART_JS
                            + " (dependency org.webjars.npm:chart.js)");
                }
                js = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .replaceAll("(?m)^//# sourceMappingURL=.*$", "")
                        .replace("</script", "<\\/script");
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            chartJs = js;
        }
        return js;
    }

    // ------------------------------------------------------------------------------------------- sections

    private static void header(final StringBuilder html, final String title, final BoundaryReport r) {
        final boolean open = "OPEN".equals(r.getGateState().name());
        html.append("<header><h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">Task <b>")
                .append(esc(r.getTask())).append("</b> &middot; report #").append(r.getSequence())
                .append(" &middot; ").append(esc(iso(r.getTimestamp())));
        if (r.getPreviousTimestamp() != null) {
            html.append(" &middot; previous ").append(esc(iso(r.getPreviousTimestamp())));
        }
        html.append(" &middot; served learner <b>").append(esc(r.getServedLearner().isEmpty() ? "-" : r.getServedLearner()))
                .append("</b>");
        if (!r.getModelVersion().isEmpty()) {
            html.append(" &middot; model ").append(esc(r.getModelVersion()));
        }
        html.append("</p>\n<p><span class=\"badge ").append(open ? "open" : "closed").append("\">gate ")
                .append(esc(r.getGateState().name())).append("</span> <span class=\"badge\">alpha ")
                .append(num(r.getAlpha())).append("</span> <span class=\"badge\">threshold ")
                .append(r.getThreshold() == null ? "none" : num(r.getThreshold())).append("</span>");
        if (r.getTextsHashed()) {
            html.append(" <span class=\"badge hashed\">texts hashed</span>");
        }
        html.append("</p></header>\n");
    }

    private static void summary(final StringBuilder html, final BoundaryReport r) {
        final double coverage = r.getRequestsSeen() == 0 ? 0.0 : (double) r.getHandled() / r.getRequestsSeen();
        html.append("<section class=\"cards\">\n");
        final ReportCost cost = r.getCost();
        card(html, "LLM calls saved", pct(llmCallsSaved(r)), count(llmCalls(r)) + " LLM calls for "
                + count(r.getRequestsSeen()) + " requests" + (cost == null ? ""
                : ", " + money(cost.getMoneySaved(), cost.getCurrency()) + " saved"));
        card(html, "Requests routed", count(r.getRequestsSeen()), count(r.getHandled()) + " handled, "
                + count(r.getDeferred()) + " deferred, " + count(r.getAudited()) + " audited");
        card(html, "Traces learned", count(r.getTracesSeen()), "labelled by the LLM");
        card(html, "Coverage", pct(coverage), "estimate at threshold " + pct(r.getCoverageEstimate()));
        card(html, "Agreement estimate", pct(r.getAgreement()), "bounds [" + pct(r.getAgreementLower()) + ", "
                + pct(r.getAgreementUpper()) + "], target " + pct(r.getAlpha()));
        if (cost != null) {
            card(html, "Per 1,000 requests", fmt(cost.getCallsSavedPer1000(), 0) + " calls saved",
                    money(cost.getMoneySavedPer1000(), cost.getCurrency()) + " saved at recent rates");
        }
        html.append("</section>\n");
    }

    /**
     * The headline: LLM calls saved = 1 - LLM calls / requests, a fraction, where LLM calls = deferred + audited
     * (an audited request is handled but still an LLM call); NaN before the first request.
     */
    static double llmCallsSaved(final BoundaryReport r) {
        return r.getRequestsSeen() == 0 ? Double.NaN : 1.0 - (double) llmCalls(r) / r.getRequestsSeen();
    }

    /** Requests the LLM answered: deferred + audited. */
    static long llmCalls(final BoundaryReport r) {
        return r.getDeferred() + r.getAudited();
    }

    private static void card(final StringBuilder html, final String title, final String value, final String sub) {
        html.append("<div class=\"card\"><div class=\"card-title\">").append(esc(title))
                .append("</div><div class=\"card-value\">").append(esc(value)).append("</div><div class=\"card-sub\">")
                .append(esc(sub)).append("</div></div>\n");
    }

    private static void history(final StringBuilder html, final List<BoundaryReport> reports) {
        html.append("<table class=\"sortable\" id=\"history-table\"><thead><tr>");
        header(html, "report", "time", "requests", "traces", "gate", "threshold", "coverage est.", "agreement",
                "lower bound", "plateaus");
        html.append("</tr></thead><tbody>\n");
        for (final BoundaryReport r : reports) {
            html.append("<tr>");
            cell(html, r.getSequence(), Long.toString(r.getSequence()));
            cell(html, r.getTimestamp().toEpochMilli(), iso(r.getTimestamp()));
            cell(html, r.getRequestsSeen(), count(r.getRequestsSeen()));
            cell(html, r.getTracesSeen(), count(r.getTracesSeen()));
            text(html, r.getGateState().name());
            cell(html, r.getThreshold(), r.getThreshold() == null ? "-" : num(r.getThreshold()));
            cell(html, r.getCoverageEstimate(), pct(r.getCoverageEstimate()));
            cell(html, r.getAgreement(), pct(r.getAgreement()));
            cell(html, r.getAgreementLower(), pct(r.getAgreementLower()));
            cell(html, r.getPlateaus().size(), Integer.toString(r.getPlateaus().size()));
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void frontier(final StringBuilder html, final BoundaryReport r) {
        section(html, "frontier", "Frontier: coverage at other alphas");
        if (r.getFrontier().isEmpty()) {
            html.append("<p class=\"empty\">No frontier in this report.</p>\n");
            return;
        }
        html.append("<div class=\"row\"><div class=\"chart small\"><canvas id=\"frontier-chart\"></canvas></div>")
                .append("<table id=\"frontier-table\"><thead><tr>");
        header(html, "alpha", "coverage", "threshold");
        html.append("</tr></thead><tbody>\n");
        for (final FrontierPoint p : r.getFrontier()) {
            html.append("<tr>");
            cell(html, p.getAlpha(), num(p.getAlpha()));
            cell(html, p.getCoverage(), pct(p.getCoverage()));
            cell(html, p.getThreshold(), p.getThreshold() == null ? "none qualifies" : num(p.getThreshold()));
            html.append("</tr>\n");
        }
        html.append("</tbody></table></div>\n");
    }

    private static void labelThresholds(final StringBuilder html, final BoundaryReport r) {
        if (r.getLabelThresholds() == null || r.getLabelThresholds().isEmpty()) {
            return; // one threshold for all labels: nothing per label to show
        }
        section(html, "label-thresholds", "Per-label thresholds under one alpha");
        html.append("<p>The gate keeps one threshold on scores recalibrated per label; on the acceptor's raw score that "
                + "is one threshold per label. Labels the surrogate gets right more often than its scores say are handled "
                + "from a lower score, weak ones from a higher one or not at all; the handled set as a whole keeps "
                + "agreement &gt;= alpha under the gate's bound.</p>\n");
        html.append("<table id=\"label-thresholds-table\"><thead><tr>");
        header(html, "label", "threshold", "offset", "window outcomes", "agreement");
        html.append("</tr></thead><tbody>\n");
        for (final ReportLabelThreshold t : r.getLabelThresholds()) {
            html.append("<tr>");
            text(html, t.getLabel());
            cell(html, t.getThreshold(), t.getThreshold() == null ? "none" : num(t.getThreshold()));
            cell(html, t.getOffset(), String.format(java.util.Locale.ROOT, "%+.3f", t.getOffset()));
            cell(html, t.getOutcomes(), Long.toString(t.getOutcomes()));
            cell(html, t.getAgreement(), t.getAgreement() == null ? "\u2013" : pct(t.getAgreement()));
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void reasons(final StringBuilder html, final BoundaryReport r) {
        section(html, "reasons", "Why it defers");
        final Map<String, Long> all = r.getDeferralsByReason();
        if (all.isEmpty()) {
            html.append("<p class=\"empty\">No deferral yet.</p>\n");
            return;
        }
        long total = 0;
        for (final long v : all.values()) {
            total += v;
        }
        html.append("<div class=\"row\"><div class=\"chart small\"><canvas id=\"reasons-chart\"></canvas></div>")
                .append("<table class=\"sortable\" id=\"reasons-table\"><thead><tr>");
        header(html, "reason", "deferred", "share", "since previous report");
        html.append("</tr></thead><tbody>\n");
        final List<Map.Entry<String, Long>> entries = new ArrayList<>(all.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (final Map.Entry<String, Long> e : entries) {
            final long since = r.getDeferralsByReasonSincePrevious().getOrDefault(e.getKey(), 0L);
            html.append("<tr>");
            text(html, e.getKey());
            cell(html, e.getValue(), count(e.getValue()));
            cell(html, (double) e.getValue() / total, pct((double) e.getValue() / total));
            cell(html, since, count(since));
            html.append("</tr>\n");
        }
        html.append("</tbody></table></div>\n");
    }

    private static void slices(final StringBuilder html, final String id, final String keyName,
                               final List<ReportSlice> slices) {
        if (slices.isEmpty()) {
            html.append("<p class=\"empty\">No traffic yet.</p>\n");
            return;
        }
        html.append("<table class=\"sortable\" id=\"").append(id).append("\"><thead><tr>");
        header(html, keyName, "requests", "traffic share", "handled rate", "change", "trend", "agreement",
                "accuracy", "threshold", "outcomes");
        html.append("</tr></thead><tbody>\n");
        for (final ReportSlice s : slices) {
            html.append("<tr>");
            text(html, s.getKey());
            cell(html, s.getRequests(), count(s.getRequests()));
            cell(html, s.getTrafficShare(), pct(s.getTrafficShare()));
            cell(html, s.getHandledRate(), pct(s.getHandledRate()));
            cell(html, s.getHandledRateDelta(), s.getHandledRateDelta() == null ? "new" : signedPct(s.getHandledRateDelta()));
            html.append("<td data-v=\"").append(esc(s.getTrend().name())).append("\" class=\"trend ")
                    .append(s.getTrend().name().toLowerCase(Locale.ROOT)).append("\">").append(esc(s.getTrend().name()))
                    .append("</td>");
            cell(html, s.getAgreement(), s.getAgreement() == null ? "-" : pct(s.getAgreement()));
            cell(html, s.getAccuracy(), s.getAccuracy() == null ? "-" : pct(s.getAccuracy()));
            cell(html, s.getThreshold(), s.getThreshold() == null ? "-" : num(s.getThreshold()));
            cell(html, s.getOutcomes(), count(s.getOutcomes()));
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void plateaus(final StringBuilder html, final BoundaryReport r) {
        section(html, "plateaus", "Where coverage plateaus");
        html.append("<p class=\"note\">Labels whose handled rate grew by less than the plateau tolerance over the last ")
                .append(r.getPlateauReports()).append(" report intervals (newer half against older half), counting the ")
                .append("requests routed while the gate was open, with the rate and traffic of each interval, oldest ")
                .append("first.</p>\n");
        if (r.getPlateaus().isEmpty()) {
            html.append("<p class=\"empty\">No plateau detected.</p>\n");
            return;
        }
        html.append("<table class=\"sortable\" id=\"plateau-table\"><thead><tr>");
        header(html, "label", "handled rate", "growth", "traffic share", "handled rate per interval",
                "requests per interval");
        html.append("</tr></thead><tbody>\n");
        for (final ReportPlateau p : r.getPlateaus()) {
            html.append("<tr>");
            text(html, p.getLabel());
            cell(html, p.getHandledRate(), pct(p.getHandledRate()));
            cell(html, p.getGrowth(), signedPct(p.getGrowth()));
            cell(html, p.getTrafficShare(), pct(p.getTrafficShare()));
            final StringBuilder rates = new StringBuilder();
            for (final double v : p.getHandledRates()) {
                rates.append(rates.length() == 0 ? "" : " ").append(pct(v));
            }
            final StringBuilder reqs = new StringBuilder();
            for (final long v : p.getRequests()) {
                reqs.append(reqs.length() == 0 ? "" : " ").append(v);
            }
            text(html, rates.toString());
            text(html, reqs.toString());
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void pairs(final StringBuilder html, final BoundaryReport r) {
        section(html, "pairs", "Boundary pairs");
        html.append("<p class=\"note\">Per label, the recent handled request with the lowest score at or above the ")
                .append("threshold beside the recent deferred one with the highest score below it.</p>\n");
        if (r.getBoundaryPairs().isEmpty()) {
            html.append("<p class=\"empty\">No pair yet (needs a threshold and both sides of it per label).</p>\n");
            return;
        }
        html.append("<table class=\"sortable\" id=\"pairs-table\"><thead><tr>");
        header(html, "label", "threshold", "handled (score)", "handled text", "deferred (score)", "deferred text",
                "LLM said");
        html.append("</tr></thead><tbody>\n");
        for (final ReportBoundaryPair p : r.getBoundaryPairs()) {
            html.append("<tr>");
            text(html, p.getLabel());
            cell(html, p.getThreshold(), num(p.getThreshold()));
            cell(html, p.getHandled().getScore(), num(p.getHandled().getScore()));
            html.append("<td class=\"text\">").append(esc(p.getHandled().getText())).append("</td>");
            cell(html, p.getDeferred().getScore(), num(p.getDeferred().getScore()));
            html.append("<td class=\"text\">").append(esc(p.getDeferred().getText())).append("</td>");
            text(html, p.getDeferred().getLlmLabel() == null ? "-" : p.getDeferred().getLlmLabel());
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void examples(final StringBuilder html, final String id, final String title,
                                 final List<ReportExample> examples) {
        section(html, id, title);
        if (examples.isEmpty()) {
            html.append("<p class=\"empty\">None.</p>\n");
            return;
        }
        html.append("<table class=\"sortable\" id=\"").append(id).append("-table\"><thead><tr>");
        header(html, "text", "reason", "surrogate label", "LLM label", "score", "threshold", "words");
        html.append("</tr></thead><tbody>\n");
        for (final ReportExample e : examples) {
            html.append("<tr><td class=\"text\">").append(esc(e.getText())).append("</td>");
            text(html, e.getReason().name());
            text(html, e.getSurrogateLabel() == null ? "-" : e.getSurrogateLabel());
            text(html, e.getLlmLabel() == null ? "-" : e.getLlmLabel());
            cell(html, e.getScore(), num(e.getScore()));
            cell(html, e.getThreshold(), e.getThreshold() == null ? "-" : num(e.getThreshold()));
            cell(html, e.getWords(), Integer.toString(e.getWords()));
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void gateTable(final StringBuilder html, final List<Flip> flips) {
        section(html, "gate", "Gate events");
        if (flips.isEmpty()) {
            html.append("<p class=\"empty\">No gate event.</p>\n");
            return;
        }
        html.append("<table class=\"sortable\" id=\"gate-table\"><thead><tr>");
        header(html, "time", "requests", "traces", "state", "reason", "threshold", "agreement bounds", "coverage",
                "detail");
        html.append("</tr></thead><tbody>\n");
        for (final Flip f : flips) {
            html.append("<tr>");
            cell(html, f.timestampMs, iso(Instant.ofEpochMilli(f.timestampMs)));
            cell(html, f.requests, f.requests < 0 ? "-" : count(Math.round(f.requests)));
            cell(html, f.traces, count(f.traces));
            html.append("<td data-v=\"").append(esc(f.state)).append("\" class=\"state ")
                    .append(esc(f.state.toLowerCase(Locale.ROOT))).append("\">").append(esc(f.previous))
                    .append(" &rarr; ").append(esc(f.state)).append("</td>");
            text(html, f.reason);
            cell(html, f.threshold, f.threshold == null ? "-" : num(f.threshold));
            cell(html, f.lower, "[" + pct(f.lower) + ", " + pct(f.upper) + "]");
            cell(html, f.coverage, pct(f.coverage));
            text(html, f.detail);
            html.append("</tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void cost(final StringBuilder html, final BoundaryReport r) {
        section(html, "cost", "Cost");
        final ReportCost cost = r.getCost();
        if (cost == null) {
            html.append("<p class=\"empty\">No cost projection in this report.</p>\n");
            return;
        }
        final String c = cost.getCurrency();
        html.append("<table id=\"cost-table\"><tbody>\n");
        row(html, "LLM calls saved so far (1 - LLM calls / requests)", pct(llmCallsSaved(r)));
        row(html, "LLM calls so far (deferred + audited)", count(llmCalls(r)) + " of " + count(r.getRequestsSeen())
                + " requests");
        row(html, "Price per LLM call", money(cost.getPricePerCall(), c));
        row(html, "LLM calls avoided so far (handled, not audited)", count(cost.getLlmCallsSaved()));
        row(html, "Money saved so far", money(cost.getMoneySaved(), c));
        row(html, "Recent handled rate", pct(cost.getRecentHandledRate()));
        row(html, "Recent audit rate (handled and also sent to the LLM)", pct(cost.getRecentAuditRate()));
        row(html, "Projected LLM calls saved per 1,000 requests", fmt(cost.getCallsSavedPer1000(), 1));
        row(html, "Projected cost per 1,000 requests without tracer", money(cost.getCostPer1000Without(), c));
        row(html, "Projected cost per 1,000 requests with tracer", money(cost.getCostPer1000With(), c));
        row(html, "Projected saving per 1,000 requests", money(cost.getMoneySavedPer1000(), c));
        html.append("</tbody></table>\n");
    }

    // ------------------------------------------------------------------------------------------- chart data

    /** A gate event placed on the requests axis (-1 when it cannot be placed). */
    private record Flip(long timestampMs, double requests, long traces, String state, String previous,
                        String reason, String detail, Double threshold, double lower, double upper, double coverage) {
    }

    private static List<Flip> flips(final BoundaryReport last, final List<GateEvent> events,
                                    final List<ReportCurvePoint> points) {
        final List<Flip> out = new ArrayList<>();
        for (final ReportGateFlip f : last.getGateFlips()) {
            out.add(new Flip(f.getTimestamp().toEpochMilli(), f.getRequestsSeen(), f.getTracesSeen(),
                    f.getState().name(), f.getPrevious().name(), f.getReason(), f.getDetail(), f.getThreshold(),
                    f.getAgreementLower(), f.getAgreementUpper(), f.getCoverage()));
        }
        if (events != null) {
            for (final GateEvent e : events) {
                final long ts = e.getTimestamp() == null ? 0L : e.getTimestamp().toEpochMilli();
                final String state = e.getState() == null ? "?" : e.getState().name();
                final boolean known = out.stream().anyMatch(f -> f.timestampMs == ts && f.traces == e.getTracesSeen()
                        && f.state.equals(state));
                if (!known) {
                    out.add(new Flip(ts, requestsAt(e.getTracesSeen(), points), e.getTracesSeen(), state,
                            e.getPrevious() == null ? "?" : e.getPrevious().name(),
                            e.getReason() == null ? "" : e.getReason().name(),
                            e.getDetail() == null ? "" : e.getDetail(), e.getThreshold(), e.getAgreementLower(),
                            e.getAgreementUpper(), e.getCoverage()));
                }
            }
        }
        out.sort(Comparator.comparingLong(Flip::traces).thenComparingLong(Flip::timestampMs));
        return out;
    }

    /** Where a trace count falls on the requests axis, interpolated along the curve; -1 when unknown. */
    private static double requestsAt(final long traces, final List<ReportCurvePoint> points) {
        ReportCurvePoint before = null;
        for (final ReportCurvePoint p : points) {
            if (p.getTracesSeen() >= traces) {
                if (before == null || p.getTracesSeen() == before.getTracesSeen()) {
                    return p.getRequestsSeen();
                }
                final double f = (double) (traces - before.getTracesSeen()) / (p.getTracesSeen() - before.getTracesSeen());
                return before.getRequestsSeen() + f * (p.getRequestsSeen() - before.getRequestsSeen());
            }
            before = p;
        }
        return -1;
    }

    private static ObjectNode chartData(final List<BoundaryReport> reports, final List<ReportCurvePoint> points,
                                        final List<Flip> flips) {
        final BoundaryReport last = reports.get(reports.size() - 1);
        final ObjectNode data = NODES.objectNode();
        data.put("alpha", last.getAlpha());
        final ArrayNode curve = data.putArray("curve");
        for (final ReportCurvePoint p : points) {
            curve.add(ReportJson.toTree(p));
        }
        final ArrayNode flipNodes = data.putArray("flips");
        for (final Flip f : flips) {
            if (f.requests >= 0) {
                flipNodes.addObject().put("x", f.requests).put("state", f.state);
            }
        }
        final ArrayNode history = data.putArray("history");
        for (final BoundaryReport r : reports) {
            history.addObject().put("x", r.getRequestsSeen()).put("coverage", r.getCoverageEstimate())
                    .put("agreement", r.getAgreement()).put("lower", r.getAgreementLower())
                    .put("handled", r.getRequestsSeen() == 0 ? 0.0 : (double) r.getHandled() / r.getRequestsSeen());
        }
        final List<String> tracked = new ArrayList<>();
        for (final ReportSlice s : last.getLabels()) {
            if (tracked.size() >= 8) {
                break;
            }
            tracked.add(s.getKey());
        }
        for (final ReportPlateau p : last.getPlateaus()) {
            if (tracked.size() < 12 && !tracked.contains(p.getLabel())) {
                tracked.add(p.getLabel());
            }
        }
        final ObjectNode labelHistory = data.putObject("labelHistory");
        final ArrayNode xs = labelHistory.putArray("x");
        for (final BoundaryReport r : reports) {
            xs.add(r.getTracesSeen());
        }
        final ArrayNode series = labelHistory.putArray("series");
        for (final String name : tracked) {
            final ObjectNode one = series.addObject().put("label", name);
            final ArrayNode ys = one.putArray("y");
            for (final BoundaryReport r : reports) {
                final ReportSlice slice = r.getLabels().stream().filter(s -> s.getKey().equals(name)).findFirst()
                        .orElse(null);
                if (slice == null) {
                    ys.addNull();
                } else {
                    ys.add(slice.getHandledRate());
                }
            }
        }
        final ArrayNode frontier = data.putArray("frontier");
        for (final FrontierPoint p : last.getFrontier()) {
            frontier.addObject().put("alpha", p.getAlpha()).put("coverage", p.getCoverage());
        }
        final ObjectNode reasons = data.putObject("reasons");
        last.getDeferralsByReason().forEach(reasons::put);
        final ArrayNode labels = data.putArray("labels");
        for (final ReportSlice s : last.getLabels().subList(0, Math.min(30, last.getLabels().size()))) {
            final ObjectNode node = labels.addObject().put("key", s.getKey()).put("handled", s.getHandledRate());
            if (s.getAgreement() != null) {
                node.put("agreement", s.getAgreement());
            }
        }
        return data;
    }

    /** JSON safe inside a script element: no '<', '>' or '&' and no line separators outside escapes. */
    private static String jsonForScript(final ObjectNode node) {
        return node.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static void section(final StringBuilder html, final String id, final String title) {
        html.append("<h2 id=\"").append(esc(id)).append("\">").append(esc(title)).append("</h2>\n");
    }

    private static void header(final StringBuilder html, final String... names) {
        for (final String name : names) {
            html.append("<th>").append(esc(name)).append("</th>");
        }
    }

    private static void row(final StringBuilder html, final String name, final String value) {
        html.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void text(final StringBuilder html, final String value) {
        html.append("<td data-v=\"").append(esc(value)).append("\">").append(esc(value)).append("</td>");
    }

    private static void cell(final StringBuilder html, final Number sortValue, final String shown) {
        final double v = sortValue == null || !Double.isFinite(sortValue.doubleValue()) ? -1e300 : sortValue.doubleValue();
        html.append("<td class=\"num\" data-v=\"").append(v).append("\">").append(esc(shown)).append("</td>");
    }

    /** HTML-escapes a text for element content and attribute values. */
    static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String iso(final Instant t) {
        return t == null ? "-" : t.toString();
    }

    private static String pct(final double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100.0 * v) : "-";
    }

    private static String signedPct(final double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f pt", 100.0 * v) : "-";
    }

    private static String num(final double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String fmt(final double v, final int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "-";
    }

    private static String count(final long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String money(final double v, final String currency) {
        return String.format(Locale.ROOT, "%,.4f %s", v, currency);
    }

    private static final String CSS = String.join("\n",
            "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1200px;"
                    + "padding:16px 24px;color:#1d2330;background:#fafbfc}",
            "h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde1e6;"
                    + "padding-bottom:4px}",
            ".meta{color:#555;margin:0 0 6px}.note{color:#555;font-size:12.5px;margin:4px 0 8px}"
                    + ".empty{color:#888;font-style:italic}",
            ".badge{display:inline-block;padding:2px 8px;border-radius:10px;background:#e8ebef;font-size:12px;margin-right:4px}",
            ".badge.open{background:#d8f0dc;color:#1b5e20}.badge.closed{background:#f6dcdc;color:#8e1c1c}"
                    + ".badge.hashed{background:#fff1c9}",
            ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px;margin-top:12px}",
            ".card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 12px}",
            ".card-title{font-size:12px;color:#666}.card-value{font-size:20px;font-weight:600}"
                    + ".card-sub{font-size:11.5px;color:#666}",
            ".chart{position:relative;height:260px;background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:8px}",
            ".chart.tall{height:340px}.chart.small{height:220px;flex:1 1 360px}",
            ".row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}.row table{flex:1 1 360px}",
            "table{border-collapse:collapse;background:#fff;font-size:12.5px;margin:6px 0;width:100%}",
            "th,td{border:1px solid #e3e6ea;padding:4px 7px;text-align:left;vertical-align:top}",
            "th{background:#f1f3f5}table.sortable th{cursor:pointer;user-select:none}",
            "table.sortable th[data-dir=asc]::after{content:' \\25B2'}table.sortable th[data-dir=desc]::after{content:' \\25BC'}",
            "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}",
            "td.text{max-width:360px;word-break:break-word}",
            "td.trend.up{color:#1b5e20}td.trend.down{color:#8e1c1c}td.state.open{color:#1b5e20}td.state.closed{color:#8e1c1c}",
            "footer{margin:28px 0 8px;color:#777;font-size:12px}");

    private static final String SCRIPT = String.join("\n",
            "(function(){",
            "'use strict';",
            "var data=JSON.parse(document.getElementById('report-data').textContent);",
            "var charts=0;",
            "function sortTable(table,col,th){",
            "  var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);",
            "  var asc=th.getAttribute('data-dir')!=='asc';",
            "  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.removeAttribute('data-dir');});",
            "  th.setAttribute('data-dir',asc?'asc':'desc');",
            "  rows.sort(function(a,b){var va=a.cells[col].getAttribute('data-v'),vb=b.cells[col].getAttribute('data-v');",
            "    var na=parseFloat(va),nb=parseFloat(vb);",
            "    var c=(!isNaN(na)&&!isNaN(nb)&&String(na)!=='NaN')?(na-nb):String(va).localeCompare(String(vb));",
            "    return asc?c:-c;});",
            "  rows.forEach(function(r){body.appendChild(r);});",
            "}",
            "Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(table){",
            "  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){",
            "    th.addEventListener('click',function(){sortTable(table,i,th);});});});",
            "var wanted=/sort=([A-Za-z0-9_-]+):(\\d+)(:desc)?/.exec(location.hash);",
            "if(wanted){var st=document.getElementById(wanted[1]);if(st&&st.tHead){var sc=parseInt(wanted[2],10);",
            "  var sth=st.tHead.rows[0].cells[sc];if(sth){sortTable(st,sc,sth);if(wanted[3]){sortTable(st,sc,sth);}}}}",
            "if(typeof Chart==='undefined'){throw new Error('Chart.js did not load');}",
            "var flipPlugin={id:'gateFlips',afterDatasetsDraw:function(chart,args,opts){",
            "  var flips=(opts&&opts.flips)||[];var x=chart.scales.x;var area=chart.chartArea;var ctx=chart.ctx;",
            "  flips.forEach(function(f){var px=x.getPixelForValue(f.x);if(px<area.left||px>area.right){return;}",
            "    ctx.save();ctx.strokeStyle=f.state==='OPEN'?'#2e7d32':'#c62828';ctx.lineWidth=1.5;ctx.setLineDash([5,4]);",
            "    ctx.beginPath();ctx.moveTo(px,area.top);ctx.lineTo(px,area.bottom);ctx.stroke();",
            "    ctx.setLineDash([]);ctx.fillStyle=ctx.strokeStyle;ctx.font='10px sans-serif';",
            "    ctx.fillText(f.state==='OPEN'?'opened':'closed',px+3,area.top+10);ctx.restore();});}};",
            "function pct(v){return (v*100).toFixed(1)+'%';}",
            "var pctAxis={min:0,max:1,ticks:{callback:function(v){return Math.round(v*100)+'%';}}};",
            "function line(id,datasets,flips,xTitle){var el=document.getElementById(id);if(!el){return;}",
            "  new Chart(el,{type:'line',data:{datasets:datasets},plugins:[flipPlugin],options:{animation:false,",
            "    responsive:true,maintainAspectRatio:false,parsing:false,normalized:true,spanGaps:true,",
            "    interaction:{mode:'nearest',intersect:false,axis:'x'},",
            "    scales:{x:{type:'linear',title:{display:true,text:xTitle}},y:pctAxis},",
            "    plugins:{gateFlips:{flips:flips},tooltip:{callbacks:{label:function(c){",
            "      return c.dataset.label+': '+pct(c.parsed.y);}}}}}});charts++;}",
            "function ds(label,color,points,dash,fill){return {label:label,data:points,borderColor:color,",
            "  backgroundColor:color,borderWidth:dash?1.5:2,pointRadius:points.length>60?0:2,borderDash:dash?[6,4]:[],",
            "  fill:false,tension:0};}",
            "var curve=data.curve;",
            "if(curve.length>0){",
            "  var xs=curve.map(function(p){return p.requests_seen;});",
            "  var x0=Math.min(0,Math.min.apply(null,xs)),x1=Math.max.apply(null,xs);",
            "  var pool=Math.max(1,Math.ceil(curve.length/25));var agreement=[];",
            "  for(var i=0;i<curve.length;i++){var s=0,w=0;",
            "    for(var j=Math.max(0,i-pool+1);j<=i;j++){var q=curve[j];if(q.agreement===null){continue;}",
            "      var qw=q.agreement_weight>0?q.agreement_weight:1;s+=q.agreement*qw;w+=qw;}",
            "    if(w>0){agreement.push({x:curve[i].requests_seen,y:s/w});}}",
            "  line('curve-chart',[",
            "    ds('coverage (interval)','#1565c0',curve.map(function(p){return {x:p.requests_seen,y:p.coverage};})),",
            "    ds('coverage (cumulative)','#90caf9',curve.map(function(p){return {x:p.requests_seen,y:p.cumulative_coverage};})),",
            "    ds(pool>1?'agreement at threshold (pooled over '+pool+' points)':'agreement at threshold','#ef6c00',agreement),",
            "    ds('alpha','#6a1b9a',[{x:x0,y:data.alpha},{x:x1,y:data.alpha}],true)],data.flips,'requests seen');",
            "}",
            "if(data.history.length>1){",
            "  var h=data.history;var hx=h.map(function(p){return p.x;});",
            "  line('history-chart',[",
            "    ds('coverage estimate','#1565c0',h.map(function(p){return {x:p.x,y:p.coverage};})),",
            "    ds('handled share so far','#90caf9',h.map(function(p){return {x:p.x,y:p.handled};})),",
            "    ds('agreement estimate','#ef6c00',h.map(function(p){return {x:p.x,y:p.agreement};})),",
            "    ds('agreement lower bound','#ffb74d',h.map(function(p){return {x:p.x,y:p.lower};})),",
            "    ds('alpha','#6a1b9a',[{x:Math.min.apply(null,hx),y:data.alpha},{x:Math.max.apply(null,hx),y:data.alpha}],true)],",
            "    data.flips,'requests seen');",
            "}",
            "var palette=['#1565c0','#ef6c00','#2e7d32','#6a1b9a','#c62828','#00838f','#f9a825','#5d4037',",
            "  '#ad1457','#283593','#558b2f','#4e342e'];",
            "if(data.history.length>1&&data.labelHistory.series.length>0){",
            "  var lx=data.labelHistory.x;",
            "  line('label-history-chart',data.labelHistory.series.map(function(s,i){",
            "    return ds(s.label,palette[i%palette.length],s.y.map(function(v,j){return {x:lx[j],y:v};})",
            "      .filter(function(p){return p.y!==null;}));}),[],'traces learned');",
            "}",
            "function bars(id,labels,datasets,horizontal){var el=document.getElementById(id);if(!el){return;}",
            "  var valueAxis=horizontal?'x':'y';var scales={};scales[valueAxis]=pctAxis;",
            "  new Chart(el,{type:'bar',data:{labels:labels,datasets:datasets},options:{animation:false,",
            "    responsive:true,maintainAspectRatio:false,indexAxis:horizontal?'y':'x',scales:scales,",
            "    plugins:{tooltip:{callbacks:{label:function(c){return c.dataset.label+': '+pct(c.raw);}}}}}});charts++;}",
            "if(data.frontier.length>0){bars('frontier-chart',data.frontier.map(function(p){return 'alpha '+p.alpha;}),",
            "  [{label:'coverage',data:data.frontier.map(function(p){return p.coverage;}),backgroundColor:'#1565c0'}],false);}",
            "var reasonKeys=Object.keys(data.reasons);",
            "if(reasonKeys.length>0){var el=document.getElementById('reasons-chart');if(el){",
            "  new Chart(el,{type:'bar',data:{labels:reasonKeys,datasets:[{label:'deferred requests',",
            "    data:reasonKeys.map(function(k){return data.reasons[k];}),backgroundColor:'#c62828'}]},",
            "    options:{animation:false,responsive:true,maintainAspectRatio:false,indexAxis:'y'}});charts++;}}",
            "if(data.labels.length>0){bars('labels-chart',data.labels.map(function(s){return s.key;}),[",
            "  {label:'handled rate',data:data.labels.map(function(s){return s.handled;}),backgroundColor:'#1565c0'},",
            "  {label:'agreement',data:data.labels.map(function(s){return s.agreement===undefined?null:s.agreement;}),",
            "   backgroundColor:'#ef6c00'}],false);}",
            "document.body.setAttribute('data-charts',String(charts));",
            "})();",
            "window.addEventListener('load',function(){var errs=window.__reportErrors||[];",
            "  var pre=document.getElementById('js-errors');",
            "  document.body.setAttribute('data-errors',String(errs.length));",
            "  if(errs.length>0){pre.hidden=false;pre.textContent=errs.join('\\n');}});");
}
