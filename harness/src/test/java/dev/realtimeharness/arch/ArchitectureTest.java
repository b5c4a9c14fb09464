package dev.realtimeharness.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of design/architecture.md, enforced: cli → run → {client, publish, metrics, gate, results,
 * standin, capture, embedded} → {protocol, scenario, auth, pg}; the client and the stand-in share only protocol.
 */
class ArchitectureTest {
    private static final String BASE = "dev.realtimeharness";
    // "About 400": a class that needs more is doing more than one job.
    private static final int MAX_MAIN_FILE_LINES = 420;
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
        assertThat(main.size()).as("classes found to check").isGreaterThan(100);
    }

    private static String pkg(String name) {
        return BASE + "." + name + "..";
    }

    private static String[] pkgs(String... names) {
        return Stream.of(names).map(ArchitectureTest::pkg).toArray(String[]::new);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyTheCliKnowsTheCli() {
        noClasses().that().resideOutsideOfPackage(pkg("cli")).should().dependOnClassesThat()
                .resideInAPackage(pkg("cli")).check(main);
    }

    @Test
    void onlyTheCliKnowsTheRunEngine() {
        noClasses().that().resideOutsideOfPackages(pkgs("cli", "run")).should().dependOnClassesThat()
                .resideInAPackage(pkg("run")).check(main);
    }

    @Test
    void theBottomLayerKnowsNothingAboveIt() {
        noClasses().that().resideInAnyPackage(pkgs("protocol", "scenario", "auth", "pg")).should()
                .dependOnClassesThat().resideInAnyPackage(pkgs("cli", "run", "client", "publish", "metrics", "gate",
                        "results", "standin", "capture", "embedded"))
                .check(main);
    }

    @Test
    void theClientAndTheStandInShareOnlyProtocol() {
        noClasses().that().resideInAPackage(pkg("client")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("standin", "capture", "embedded", "publish", "gate", "results", "metrics"))
                .check(main);
        noClasses().that().resideInAnyPackage(pkgs("standin", "capture", "embedded")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("client", "publish", "metrics", "gate", "results"))
                .check(main);
    }

    @Test
    void captureKnowsNothingOfTheServerNorTheDatabaseItRunsIn() {
        noClasses().that().resideInAPackage(pkg("capture")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("standin", "embedded")).check(main);
        noClasses().that().resideInAPackage(pkg("standin")).should().dependOnClassesThat()
                .resideInAPackage(pkg("embedded")).check(main);
    }

    @Test
    void theGateJudgesFiguresWithoutKnowingTheResultsFiles() {
        noClasses().that().resideInAPackage(pkg("gate")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("results", "metrics", "publish", "client")).check(main);
    }

    @Test
    void publishingKnowsNothingOfTheNettyClient() {
        noClasses().that().resideInAPackage(pkg("publish")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("client", "standin", "results", "gate")).check(main);
    }

    @Test
    void metricsKnowNothingOfWhereNumbersGoAfterTheRun() {
        noClasses().that().resideInAPackage(pkg("metrics")).should().dependOnClassesThat()
                .resideInAnyPackage(pkgs("results", "gate", "publish", "client")).check(main);
    }

    @Test
    void noPackageIsNamedTarget() {
        // "target" is Maven's build folder: tools that skip build output would skip the package.
        assertThat(main.stream().map(c -> c.getPackageName()).distinct())
                .noneMatch(p -> p.equals(BASE + ".target") || p.contains(".target."));
    }

    @Test
    void noMainSourceFileIsOverAbout400Lines() throws IOException {
        Path root = Path.of("src/main/java");
        assertThat(root).isDirectory();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(root)) {
            tooLong = files.filter(f -> f.toString().endsWith(".java")).filter(f -> lines(f) > MAX_MAIN_FILE_LINES)
                    .map(f -> root.relativize(f) + " (" + lines(f) + " lines)").toList();
        }
        assertThat(tooLong).as("main source files over " + MAX_MAIN_FILE_LINES + " lines").isEmpty();
    }

    private static long lines(Path f) {
        try (Stream<String> s = Files.lines(f)) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
