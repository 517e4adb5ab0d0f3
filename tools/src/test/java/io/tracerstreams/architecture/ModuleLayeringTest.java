/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering across modules, checked on every module the tools module sees (schemas, core, featurize, serde,
 * ingest, streams-app with its route endpoint, the client library streams-app's route endpoint uses, connectors,
 * testkit, tools; main classes only; not integration-tests): no package cycles among {@code io.tracerstreams..}, and what
 * ships ({@code tracer run}'s classpath) depends on nothing that only demonstrates. The core's own rules (no Kafka, task above gate, learning and report, those three
 * apart) are in core's {@code CoreLayeringTest}.
 */
class ModuleLayeringTest {

    /** The packages on {@code tracer run}'s classpath: streams-app and what it depends on. */
    private static final String[] SHIPPED = {
        "io.tracerstreams.topology..", "io.tracerstreams.config..", "io.tracerstreams.cli..",
        "io.tracerstreams.serde..", "io.tracerstreams.featurize..", "io.tracerstreams.schema..",
        "io.tracerstreams.learning..", "io.tracerstreams.gate..", "io.tracerstreams.report..",
        "io.tracerstreams.task..", "io.tracerstreams.ingest..", "io.tracerstreams.route..", "io.tracerstreams.client.."};
    /** The packages of the tools and testkit modules: demo, live page, embedded broker, benchmarks, replay, CLI. */
    private static final String[] TOOLING = {
        "io.tracerstreams.demo..", "io.tracerstreams.liveview..", "io.tracerstreams.broker..",
        "io.tracerstreams.bench..", "io.tracerstreams.replay..", "io.tracerstreams.tools..",
        "io.tracerstreams.testkit..", "io.tracerstreams.backfill.."};
    /** Test classes published as test-jars (core's gate simulation) are tests, not part of a module's code. */
    private static final ImportOption NO_TEST_JARS = location -> !location.matches(Pattern.compile(".*-tests\\.jar.*"));

    private static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(NO_TEST_JARS)
                .importPackages("io.tracerstreams");
    }

    @Test
    void shouldSeeTheClassesOfEveryModule() {
        for (final String pkg : new String[] {"topology", "config", "cli", "serde", "featurize", "schema", "task",
                "gate", "learning", "report", "ingest", "connect", "demo", "liveview", "broker", "bench", "replay",
                "backfill", "tools", "testkit", "route", "client"}) {
            final String name = "io.tracerstreams." + pkg;
            assertThat(classes.stream().anyMatch(c -> c.getPackageName().equals(name)
                    || c.getPackageName().startsWith(name + ".")))
                    .as("classes of io.tracerstreams.%s on the tools test classpath", pkg).isTrue();
        }
        assertThat(classes.stream().filter(c -> c.getSimpleName().endsWith("Test"))).isEmpty();
    }

    @Test
    void shouldHaveNoPackageCycles() {
        slices().matching("io.tracerstreams.(*)..").should().beFreeOfCycles()
                .because("a package cycle ties the packages (and soon their modules) into one: move the shared type"
                        + " to the lower package, or let the upper package build what the lower one needs")
                .check(classes);
    }

    @Test
    void shouldShipNothingThatOnlyDemonstrates() {
        noClasses().that().resideInAnyPackage(SHIPPED)
                .should().dependOnClassesThat().resideInAnyPackage(TOOLING)
                .because("tracer run's classpath (streams-app and what it depends on) holds no demo, live page,"
                        + " embedded broker, benchmark, replay or test fixture: move the needed code down into"
                        + " streams-app, core, featurize or serde, or invert the call (tools calls the topology)")
                .check(classes);
    }
}
