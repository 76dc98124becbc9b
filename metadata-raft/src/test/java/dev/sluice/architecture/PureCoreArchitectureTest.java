package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the deterministic cores deterministic (STYLE.md, "Pure core, I/O shell"): the Raft core, the metadata
 * image code and the controller's decision code take time and randomness as inputs, do no I/O, start no threads,
 * and never depend on the shell that drives them. A violation here means a simulation could no longer replay from
 * its seed.
 */
class PureCoreArchitectureTest {
    private static final String RAFT_CORE = "dev.sluice.raft";
    private static final String METADATA = "dev.sluice.metadata..";
    private static final String CONTROLLER = "dev.sluice.controller";
    /** The controller's shell: the event thread that runs the decision code and the service that owns it. */
    private static final DescribedPredicate<JavaClass> CONTROLLER_SHELL = JavaClass.Predicates.simpleName(
            "ControllerService").or(JavaClass.Predicates.simpleName("ThreadEventQueue"));
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice");
    }

    /** Meters included: the shell reads the core's status ({@code QuorumStatus}) and the broker publishes it. */
    @Test
    void theRaftCoreDoesNotDependOnItsShell() {
        ArchRule rule = noClasses().that().resideInAPackage(RAFT_CORE)
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.raft.io..", "io.grpc..",
                        "org.rocksdb..", "dev.sluice.proto..", "io.micrometer..");
        rule.check(classes);
    }

    @Test
    void coresReadNoClockAndMakeNoRandomness() {
        PureCoreRules.noClockAndNoRandomness(noClasses().that().resideInAnyPackage(RAFT_CORE, METADATA))
                .check(classes);
    }

    @Test
    void theControllersDecisionCodeReadsNoClockAndMakesNoRandomness() {
        PureCoreRules.noClockAndNoRandomness(noClasses().that().resideInAPackage(CONTROLLER).and(
                DescribedPredicate.not(CONTROLLER_SHELL))).check(classes);
    }

    @Test
    void theControllersDecisionCodeStartsNoThreadsAndDoesNoIo() {
        ArchRule rule = noClasses().that().resideInAPackage(CONTROLLER).and(DescribedPredicate.not(CONTROLLER_SHELL))
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "io.grpc..",
                        "org.rocksdb..", "dev.sluice.controller.io..", "dev.sluice.raft.io..")
                .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\..*Executor.*")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread");
        rule.check(classes);
    }

    @Test
    void coresStartNoThreadsAndDoNoFileOrNetworkIo() {
        ArchRule rule = noClasses().that().resideInAnyPackage(RAFT_CORE, METADATA)
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "io.grpc..",
                        "org.rocksdb..")
                .orShould().dependOnClassesThat().haveNameMatching(
                        "java\\.util\\.concurrent\\.(.*Executor.*|ForkJoinPool|CompletableFuture|Future)")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread");
        rule.check(classes);
    }
}
