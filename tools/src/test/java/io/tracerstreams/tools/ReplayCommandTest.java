/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayCommandTest {

    @TempDir
    Path dir;

    /** A small learnable JSONL dataset: three intents with their own words. */
    private Path dataset(final String name, final int rows, final long seed) throws Exception {
        final Random random = new Random(seed);
        final String[][] words = {{"card", "lost", "stolen", "block"}, {"refund", "money", "back", "return"},
            {"address", "move", "change", "update"}};
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            final int intent = random.nextInt(3);
            final String text = "please " + words[intent][random.nextInt(4)] + " my " + words[intent][random.nextInt(4)];
            lines.add("{\"id\":\"" + name + i + "\",\"text\":\"" + text + "\",\"label\":\"intent" + intent + "\"}");
        }
        return Files.write(dir.resolve(name + ".jsonl"), lines, StandardCharsets.UTF_8);
    }

    private static String run(final String... args) {
        final PrintStream original = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(TracerCli.execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintOneJsonObjectWithAResultPerAlphaAndWriteTheCurveAndReports() throws Exception {
        final Path train = dataset("train", 2_500, 1);
        final Path test = dataset("test", 1_000, 2);
        final Path curve = dir.resolve("curve.csv");
        final Path html = dir.resolve("report.html");
        final Path json = dir.resolve("report.json");
        final String stdout = run("replay", "--train", train.toString(), "--test", test.toString(), "--alpha", "0.9",
                "--alpha", "0.95", "--featurizer", "hashing", "--learners", "ncm", "--json", "--quiet",
                "--curve", curve.toString(), "--report", html.toString(), "--report-json", json.toString(),
                "--hash-texts");

        final JsonNode root = new ObjectMapper().readTree(stdout);
        assertThat(root.get("results")).hasSize(2);
        final JsonNode first = root.get("results").get(0);
        assertThat(first.get("alpha").asDouble()).isEqualTo(0.9);
        assertThat(first.get("test").get("requests").asLong()).isEqualTo(1_000);
        assertThat(first.get("test").get("coverage").asDouble()).isBetween(0.0, 1.0);
        final JsonNode testPhase = first.get("test");
        assertThat(testPhase.fieldNames().next()).as("the headline comes first").isEqualTo("llm_calls_saved");
        assertThat(testPhase.get("llm_calls_saved").asDouble())
                .isEqualTo(1.0 - testPhase.get("llm_calls").asDouble() / testPhase.get("requests").asDouble());
        final JsonNode stream = first.get("stream");
        // backfilled train split: the routed stream is the test phase, and the gate opened on the backfill
        assertThat(stream.get("requests").asLong()).isEqualTo(1_000);
        assertThat(stream.get("llm_calls").asLong()).isEqualTo(testPhase.get("llm_calls").asLong());
        assertThat(stream.get("llm_calls_saved").asDouble()).isEqualTo(testPhase.get("llm_calls_saved").asDouble());
        assertThat(stream.get("first_open_at").asLong()).isZero();
        assertThat(first.has("gate_flips")).isTrue();
        assertThat(first.has("traces_until_first_open")).isTrue();
        assertThat(first.get("served_learner").asText()).isEqualTo("ncm");
        final List<String> csv = Files.readAllLines(curve);
        assertThat(csv.get(0)).isEqualTo(ReplayCommand.CURVE_HEADER);
        // 1,000 test requests per alpha in two blocks of 500
        assertThat(csv).hasSize(1 + 2 * 2);
        final List<String> header = List.of(csv.get(0).split(","));
        for (final String row : csv.subList(1, csv.size())) {
            final String[] cells = row.split(",", -1);
            assertThat(cells).hasSize(header.size());
            assertThat(cells[header.indexOf("block_requests")]).isEqualTo("500");
            final double calls = Double.parseDouble(cells[header.indexOf("llm_calls")]);
            assertThat(Double.parseDouble(cells[header.indexOf("llm_calls_saved")])).isCloseTo(1 - calls / 500,
                    org.assertj.core.data.Offset.offset(1e-4));
            assertThat(cells[header.indexOf("gate_state")]).isIn("OPEN", "CLOSED");
        }
        final Path html90 = dir.resolve("report-alpha0.90-seed1.html");
        assertThat(html90).exists();
        assertThat(Files.readString(html90)).contains("<html").doesNotContain("please card");
        assertThat(dir.resolve("report-alpha0.95-seed1.json")).exists();
    }

    @Test
    void shouldReportTheTeacherShiftItRan() throws Exception {
        final Path train = dataset("train", 1_500, 1);
        final Path test = dataset("test", 600, 2);
        final String stdout = run("replay", "--train", train.toString(), "--test", test.toString(), "--alpha", "0.9",
                "--featurizer", "hashing", "--learners", "ncm", "--json", "--quiet", "--train-as", "REQUESTS",
                "--shift-labels", "2", "--shift-at", "1700", "--events", dir.resolve("events.jsonl").toString());
        final JsonNode result = new ObjectMapper().readTree(stdout).get("results").get(0);
        final JsonNode stream = result.get("stream");
        assertThat(stream.get("requests").asLong()).isEqualTo(2_100);
        assertThat(stream.get("first_open_at").asLong()).isBetween(1L, 2_100L);
        assertThat(stream.get("llm_calls").asLong()).isGreaterThan(result.get("test").get("llm_calls").asLong());
        final JsonNode shift = result.get("shift");
        assertThat(shift.get("labels").asInt()).isEqualTo(2);
        assertThat(shift.get("at").asLong()).isEqualTo(1_700);
        assertThat(shift.get("rotation")).hasSize(2);
        // every gate event is a line naming its run and the request it came after; the first opening is among them
        final List<JsonNode> events = new ArrayList<>();
        for (final String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            events.add(new ObjectMapper().readTree(line));
        }
        assertThat(events).isNotEmpty().allSatisfy(event -> {
            assertThat(event.get("alpha").asDouble()).isEqualTo(0.9);
            assertThat(event.get("seed").asLong()).isEqualTo(1);
            assertThat(event.get("task").asText()).isNotEmpty();
        });
        assertThat(events).extracting(event -> event.get("requests").asLong()).isSorted();
        assertThat(events).filteredOn(event -> "OPEN".equals(event.get("state").asText())
                && !"OPEN".equals(event.get("previous").asText()))
                .first().satisfies(event -> assertThat(event.get("requests").asLong())
                        .isEqualTo(stream.get("first_open_at").asLong()));
        final String unshifted = run("replay", "--train", train.toString(), "--alpha", "0.9", "--featurizer", "hashing",
                "--learners", "ncm", "--json", "--quiet");
        assertThat(new ObjectMapper().readTree(unshifted).get("results").get(0).has("shift")).isFalse();
    }

    @Test
    void shouldReportAValidationSplitOfTrainAndNeverReadTheTestFile() throws Exception {
        final Path train = dataset("train", 2_000, 1);
        final String stdout = run("replay", "--train", train.toString(), "--validation-fraction", "0.25", "--alpha",
                "0.9", "--seed", "1", "--seed", "2", "--featurizer", "hashing", "--learners", "ncm", "--json", "--quiet");
        final JsonNode root = new ObjectMapper().readTree(stdout);
        assertThat(root.get("phase").asText()).isEqualTo("validation");
        for (final JsonNode result : root.get("results")) {
            assertThat(result.get("phase").asText()).isEqualTo("validation");
            // the last quarter of the train rows is the reported phase; the other 1,500 were backfilled
            assertThat(result.get("test").get("requests").asLong()).isEqualTo(500);
            assertThat(result.get("stream").get("requests").asLong()).isEqualTo(500);
        }
        final JsonNode withTest = new ObjectMapper().readTree(run("replay", "--train", train.toString(), "--test",
                dataset("test", 300, 2).toString(), "--alpha", "0.9", "--featurizer", "hashing", "--learners", "ncm",
                "--json", "--quiet"));
        assertThat(withTest.get("phase").asText()).isEqualTo("test");
        // --test is never read with a validation split: giving both is an error, as is a fraction outside (0, 1)
        assertThat(TracerCli.execute("replay", "--train", train.toString(), "--test", train.toString(),
                "--validation-fraction", "0.2", "--alpha", "0.9", "--featurizer", "hashing", "--quiet")).isNotZero();
        assertThat(TracerCli.execute("replay", "--train", train.toString(), "--validation-fraction", "1.0",
                "--alpha", "0.9", "--featurizer", "hashing", "--quiet")).isNotZero();
    }

    @Test
    void shouldExplainABadFlagAndExitNonZero() throws Exception {
        final Path train = dataset("train", 10, 1);
        assertThat(TracerCli.execute("replay", "--train", train.toString(), "--alpha", "0.9", "--featurizer", "nope",
                "--quiet")).isEqualTo(2);
        assertThat(TracerCli.execute("replay", "--alpha", "0.9")).isEqualTo(2);
        // three labels cannot rotate five
        assertThat(TracerCli.execute("replay", "--train", dataset("three", 30, 2).toString(), "--alpha", "0.9",
                "--featurizer", "hashing", "--quiet", "--shift-labels", "5")).isEqualTo(2);
        assertThat(TracerCli.execute("replay", "--train", dataset("three", 30, 2).toString(), "--alpha", "0.9",
                "--featurizer", "hashing", "--quiet", "--shift-labels", "2", "--shift-at", "-1")).isEqualTo(2);
    }
}
