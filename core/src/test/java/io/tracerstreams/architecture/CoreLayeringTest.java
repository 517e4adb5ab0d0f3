/*
 * Copyright (C) 2026 the tracer-streams authors. GPL-3.0-or-later.
 */
package io.tracerstreams.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of the learning core (module {@code core}): no package cycles, no Kafka, the engine
 * ({@code task}) on top of the parts it wires ({@code learning}, {@code gate}, {@code report}), never below them,
 * and those parts apart: {@code learning} sees neither the gate nor the report, the gate does not see the report.
 * The rules across modules are in the tools module's {@code ModuleLayeringTest}.
 */
class CoreLayeringTest {

    private static final String[] LOWER_LAYERS = {
        "io.tracerstreams.learning..", "io.tracerstreams.gate..", "io.tracerstreams.report.."};
    private static final String[] CORE = {
        "io.tracerstreams.learning..", "io.tracerstreams.gate..", "io.tracerstreams.report..", "io.tracerstreams.task.."};

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.tracerstreams");
    }

    @Test
    void shouldHaveNoPackageCycles() {
        slices().matching("io.tracerstreams.(*)..").should().beFreeOfCycles()
                .because("a package cycle ties the packages into one: move the shared type to the lower package, or"
                        + " let the upper package build what the lower one needs (as TaskConfig#gateConfig() does)")
                .check(core);
    }

    @Test
    void shouldNotDependOnKafka() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("the learning core runs without Kafka (the replay harness and benchmarks use it alone):"
                        + " put Kafka code in streams-app (topology) or serde and call the core from there")
                .check(core);
    }

    @Test
    void shouldKeepTheEngineAboveTheGateLearningAndReport() {
        noClasses().that().resideInAnyPackage(LOWER_LAYERS)
                .should().dependOnClassesThat().resideInAPackage("io.tracerstreams.task..")
                .because("task wires learning, gate and report and builds their configs: give the lower package"
                        + " its own type or setting, and have task build it (e.g. TaskConfig#gateConfig())")
                .check(core);
    }

    @Test
    void shouldKeepLearningApartFromTheGateAndTheReport() {
        noClasses().that().resideInAPackage("io.tracerstreams.learning..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tracerstreams.gate..", "io.tracerstreams.report..")
                .because("the learners predict and learn, nothing more: what the gate or the report needs from them"
                        + " goes through task, which wires the three")
                .check(core);
    }

    @Test
    void shouldKeepTheGateApartFromTheReport() {
        noClasses().that().resideInAPackage("io.tracerstreams.gate..")
                .should().dependOnClassesThat().resideInAPackage("io.tracerstreams.report..")
                .because("the report observes the gate (its events and stats), never the other way round: task feeds"
                        + " the report what the gate decided")
                .check(core);
    }
}
