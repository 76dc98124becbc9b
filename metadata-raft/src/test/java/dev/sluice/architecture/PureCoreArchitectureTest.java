package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the deterministic cores deterministic (STYLE.md, "Pure core, I/O shell"): the Raft core and the metadata
 * image code take time and randomness as inputs, do no I/O, start no threads, and never depend on the shell that
 * drives them. A violation here means a simulation could no longer replay from its seed.
 */
class PureCoreArchitectureTest {
    private static final String RAFT_CORE = "dev.sluice.raft";
    private static final String METADATA = "dev.sluice.metadata..";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice");
    }

    @Test
    void theRaftCoreDoesNotDependOnItsShell() {
        ArchRule rule = noClasses().that().resideInAPackage(RAFT_CORE)
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.raft.io..", "io.grpc..",
                        "org.rocksdb..", "dev.sluice.proto..");
        rule.check(classes);
    }

    @Test
    void coresReadNoClockAndMakeNoRandomness() {
        ArchRule rule = noClasses().that().resideInAnyPackage(RAFT_CORE, METADATA)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callConstructor(java.util.Random.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC");
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
