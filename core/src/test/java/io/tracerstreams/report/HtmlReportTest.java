/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.report;

import io.tracerstreams.report.SyntheticStream.LabelSpec;
import io.tracerstreams.schema.BoundaryReport;
import io.tracerstreams.schema.Decision;
import io.tracerstreams.schema.GateEvent;
import io.tracerstreams.schema.Reason;
import io.tracerstreams.schema.RoutingDecision;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HtmlReportTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String SECRET = "zqxjprivate";

    private static final Map<ReportConfig, Sample> SAMPLES = new ConcurrentHashMap<>();

    /** Reports of a synthetic stream with a plateau, a gate that closes and reopens, and hostile texts (memoised). */
    static Sample sample(final ReportConfig config) {
        return SAMPLES.computeIfAbsent(config, HtmlReportTest::generate);
    }

    private static Sample generate(final ReportConfig config) {
        final List<LabelSpec> labels = new ArrayList<>();
        labels.add(new LabelSpec("card_arrival", 3.0, p -> 0.1 + 0.8 * p));
        labels.add(new LabelSpec("exchange_rate", 2.0, p -> Math.min(0.5, 0.1 + 1.5 * p)));
        labels.add(new LabelSpec("top_up_failed", 2.0, p -> 0.2 + 0.7 * p));
        labels.add(new LabelSpec("pin_blocked", 1.0, p -> 0.95));
        labels.add(new LabelSpec("<script>alert('label')</script>", 0.5, p -> 0.4));
        for (int i = 0; i < 10; i++) {
            final double level = 0.1 * i;
            labels.add(new LabelSpec("intent_" + i, 0.3, p -> level));
        }
        final SyntheticStream stream = new SyntheticStream(labels, 30_000, 42)
                .closedBetween(0.45, 0.5).textPrefix(SECRET + " </script><img src=x onerror=alert(1)> ").keepTexts();
        final ReportBuilder builder = new ReportBuilder(config.withPlateau(5, 0.05, 100));
        final List<BoundaryReport> reports = new ArrayList<>();
        while (stream.hasNext()) {
            stream.next(builder);
            if (stream.index() % 3_000 == 0) {
                reports.add(builder.build(stream.stats(stream.timestamp()), stream.timestamp()));
            }
        }
        return new Sample(reports, stream.gateEvents(), stream.texts());
    }

    record Sample(List<BoundaryReport> reports, List<GateEvent> events, List<String> texts) {
    }

    @Test
    void shouldRenderInHeadlessChromiumWithoutConsoleErrors(@TempDir final Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "skipped: " + CHROMIUM + " is absent (apt-get install chromium to run this browser check)");
        final Sample sample = sample(ReportConfig.DEFAULTS);
        final Path page = Path.of("target", "report-test", "report.html").toAbsolutePath();
        Files.createDirectories(page.getParent());
        HtmlReport.write(page, sample.reports(), List.of(), sample.events(), RenderOptions.DEFAULTS);

        final Headless run = headless(tmp, "--dump-dom", page.toUri().toString());
        final String dom = run.stdout();
        assertThat(run.consoleErrors()).as("console errors in " + page).isEmpty();
        final Matcher body = Pattern.compile("<body[^>]*>").matcher(dom);
        assertThat(body.find()).as("a body in the dumped DOM").isTrue();
        assertThat(body.group()).contains("data-errors=\"0\"");
        final Matcher charts = Pattern.compile("data-charts=\"(\\d+)\"").matcher(body.group());
        assertThat(charts.find()).as("the chart script ran to its end").isTrue();
        assertThat(Integer.parseInt(charts.group(1))).isEqualTo(6);
        assertThat(dom).contains("<table class=\"sortable\" id=\"label-table\"")
                .contains("<canvas id=\"curve-chart\"")
                .contains("card_arrival", "exchange_rate");
        // the escaped label shows as text, never as markup
        assertThat(dom).doesNotContain("<img src=\"x\"").doesNotContain("<script>alert(");
    }

    @Test
    void shouldSortTheLabelTableInTheBrowser(@TempDir final Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is absent");
        final Path page = tmp.resolve("report.html");
        HtmlReport.write(page, sample(ReportConfig.DEFAULTS).reports(), List.of(), List.of(), RenderOptions.DEFAULTS);
        // column 3 is the handled rate; Java renders the table by traffic share
        final Headless run = headless(tmp, "--dump-dom", page.toUri() + "#sort=label-table:3:desc");
        assertThat(run.consoleErrors()).isEmpty();
        final List<Double> rates = column(run.stdout(), "label-table", 3);
        assertThat(rates).hasSizeGreaterThan(5).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        final List<Double> asRendered = column(HtmlReport.render(sample(ReportConfig.DEFAULTS).reports()),
                "label-table", 3);
        assertThat(asRendered).isNotEqualTo(rates).containsExactlyInAnyOrderElementsOf(rates);
    }

    /** The data-v values of one column of a table in an HTML text. */
    private static List<Double> column(final String html, final String tableId, final int col) {
        final int start = html.indexOf("id=\"" + tableId + "\"");
        final String table = html.substring(start, html.indexOf("</table>", start));
        final List<Double> values = new ArrayList<>();
        final Matcher row = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(table);
        while (row.find()) {
            final Matcher cell = Pattern.compile("<td[^>]*data-v=\"([^\"]*)\"").matcher(row.group(1));
            int i = 0;
            while (cell.find()) {
                if (i++ == col) {
                    values.add(Double.parseDouble(cell.group(1)));
                }
            }
        }
        return values;
    }

    @Test
    void shouldSeeTheErrorsOfABrokenPage(@TempDir final Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM + " is absent");
        final Path page = tmp.resolve("broken.html");
        Files.writeString(page, "<html><body><script>noSuchFunction();</script></body></html>");
        assertThat(headless(tmp, "--dump-dom", page.toUri().toString()).consoleErrors())
                .anySatisfy(line -> assertThat(line).contains("Uncaught ReferenceError"));
    }

    @Test
    void shouldLeadWithLlmCallsSavedAsAFractionOfRequests() {
        final List<BoundaryReport> reports = sample(ReportConfig.DEFAULTS).reports();
        final BoundaryReport last = reports.get(reports.size() - 1);
        assertThat(last.getAudited()).as("the sample audits some handled requests").isPositive();
        final double saved = 1.0 - (double) (last.getDeferred() + last.getAudited()) / last.getRequestsSeen();
        assertThat(last.getCost().getLlmCallsSavedFraction()).as("the report carries the same figure")
                .isEqualTo(saved);
        final String expected = String.format(java.util.Locale.ROOT, "%.1f%%", 100 * saved);
        final String html = HtmlReport.render(reports);

        final Matcher firstCard = Pattern.compile("<div class=\"card\"><div class=\"card-title\">([^<]*)</div>"
                + "<div class=\"card-value\">([^<]*)</div>").matcher(html);
        assertThat(firstCard.find()).isTrue();
        assertThat(firstCard.group(1)).isEqualTo("LLM calls saved");
        assertThat(firstCard.group(2)).isEqualTo(expected);
        final String costTable = html.substring(html.indexOf("id=\"cost-table\""));
        assertThat(costTable.substring(0, costTable.indexOf("</tr>"))).contains("LLM calls saved").contains(expected);
        // coverage counts audited requests as handled, so it is above calls saved
        final double coverage = (double) last.getHandled() / last.getRequestsSeen();
        assertThat(coverage).isGreaterThan(saved);
    }

    @Test
    void shouldEscapeEveryTextOfTheReports() {
        final Sample sample = sample(ReportConfig.DEFAULTS);
        final String html = HtmlReport.render(sample.reports());
        assertThat(html).doesNotContain("<img").doesNotContain("<script>alert(")
                .contains("&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;")
                .contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
        // the embedded chart data cannot close its script element either
        final String data = html.substring(html.indexOf("id=\"report-data\">"), html.indexOf("</script>",
                html.indexOf("id=\"report-data\">")));
        assertThat(data).doesNotContain("<").contains("\\u003cscript\\u003e");
    }

    @Test
    void shouldBeSelfContained() {
        final String html = HtmlReport.render(sample(ReportConfig.DEFAULTS).reports());
        assertThat(html).contains("Chart.js v4.4.1").doesNotContain("sourceMappingURL");
        assertThat(Pattern.compile("<(script|img|link|iframe)[^>]*\\s(src|href)=", Pattern.CASE_INSENSITIVE)
                .matcher(html).find()).as("no element loads anything").isFalse();
    }

    @Test
    void shouldLeaveNoRawTextInTheHtmlOrJsonWhenTextsAreHashed() {
        final Sample hashedAtSource = sample(ReportConfig.DEFAULTS.withHashTexts(true).withHashSalt("s3cret"));
        assertNoRawText(hashedAtSource, RenderOptions.DEFAULTS);
        assertThat(hashedAtSource.reports()).allSatisfy(r -> assertThat(r.getTextsHashed()).isTrue());

        // a report built in clear and hashed when rendered
        final Sample clear = sample(ReportConfig.DEFAULTS);
        assertThat(HtmlReport.render(clear.reports())).contains(SECRET);
        assertNoRawText(clear, RenderOptions.DEFAULTS.withHashTexts(true));
    }

    private static void assertNoRawText(final Sample sample, final RenderOptions options) {
        final String html = HtmlReport.render(sample.reports(), List.of(), sample.events(), options);
        final String json = ReportJson.toJson(sample.reports(), options);
        for (final String out : List.of(html, json)) {
            assertThat(out).doesNotContain(SECRET).doesNotContain("onerror").contains(TextHasher.PREFIX);
        }
        final BoundaryReport last = sample.reports().get(sample.reports().size() - 1);
        assertThat(last.getHandledExamples().size() + last.getBoundaryPairs().size()).isPositive();
        final Pattern words = Pattern.compile(" q\\d+ ");
        assertThat(words.matcher(html).find()).as("a numbered synthetic text in the HTML").isFalse();
        int found = 0;
        for (final String text : sample.texts().subList(sample.texts().size() - 300, sample.texts().size())) {
            if (html.contains(HtmlReport.esc(text)) || json.contains(text)) {
                found++;
            }
        }
        assertThat(found).isZero();
    }

    @Test
    void shouldRenderAReportWithoutTrafficAndRefuseNoReport() {
        final ReportBuilder builder = new ReportBuilder(ReportConfig.DEFAULTS);
        builder.onDecision(RoutingDecision.newBuilder().setRequestId("r1").setTask("t").setDecision(Decision.DEFERRED)
                .setScore(0.1).setReason(Reason.WARMING_UP).setModelVersion("none")
                .setTimestamp(Instant.ofEpochMilli(0)).build(), "hello");
        final SyntheticStream stream = new SyntheticStream(List.of(new LabelSpec("a", 1, p -> 0)), 1, 1);
        final String html = HtmlReport.render(List.of(builder.build(stream.stats(0), 0)));
        assertThat(html).contains("No plateau detected.").contains("WARMING_UP").endsWith("</html>\n");
        assertThatThrownBy(() -> HtmlReport.render(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /** What a headless Chromium run printed. */
    record Headless(String stdout, String stderr) {
        List<String> consoleErrors() {
            final List<String> errors = new ArrayList<>();
            for (final String line : stderr.split("\n")) {
                // the page logs nothing itself: any console line is a problem (errors show as INFO:CONSOLE)
                if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                    errors.add(line);
                }
            }
            return errors;
        }
    }

    static Headless headless(final Path tmp, final String... args) throws IOException, InterruptedException {
        // the profile lives outside the JUnit temporary directory: Chromium's helper processes may still write
        // into it for a moment after the browser exits, which would fail JUnit's cleanup
        final Path profile = Files.createTempDirectory("tracer-chromium-profile-");
        final List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000", "--window-size=1280,2400"));
        command.addAll(List.of(args));
        final Path out = tmp.resolve("stdout.txt");
        final Path err = tmp.resolve("stderr.txt");
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish within 180 s: " + command);
            }
            return new Headless(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(final Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException | java.io.UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }
}
