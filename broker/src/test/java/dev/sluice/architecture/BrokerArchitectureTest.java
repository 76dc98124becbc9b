package dev.sluice.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker's package layering as docs/architecture.md describes it, checked on every build: storage
 * ({@code log}) at the bottom, the request path ({@code partition}) and replication on top of it, the group
 * coordinator on the request path, the gRPC services above those, and {@code server}, the composition root, on top.
 * Nothing below may call back into a layer above it; when it needs to, it declares an interface the layer above
 * implements (as {@code partition.HighWatermarkPolicy} does for replication).
 */
class BrokerArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice.broker");
    }

    @Test
    void brokerPackagesDependOnlyDownwards() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("log").definedBy("dev.sluice.broker.log..")
                .layer("partition").definedBy("dev.sluice.broker.partition..")
                .layer("replication").definedBy("dev.sluice.broker.replication..")
                .layer("group").definedBy("dev.sluice.broker.group..")
                .layer("rpc").definedBy("dev.sluice.broker.rpc..")
                .layer("metrics").definedBy("dev.sluice.broker.metrics..")
                .layer("quota").definedBy("dev.sluice.broker.quota..")
                .layer("server").definedBy("dev.sluice.broker.server..")
                .whereLayer("server").mayNotBeAccessedByAnyLayer()
                .whereLayer("rpc").mayOnlyBeAccessedByLayers("server")
                .whereLayer("group").mayOnlyBeAccessedByLayers("rpc", "server")
                .whereLayer("replication").mayOnlyBeAccessedByLayers("server")
                // The request meters of the gRPC ports share the node's latency buckets (NodeMetrics).
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("rpc", "server")
                .whereLayer("quota").mayOnlyBeAccessedByLayers("rpc", "server")
                .whereLayer("partition").mayOnlyBeAccessedByLayers("group", "rpc", "server")
                .whereLayer("log").mayOnlyBeAccessedByLayers("partition", "replication", "group", "rpc", "server");
        rule.check(classes);
    }

    @Test
    void storageAndTheRequestPathDoNotReachTheControllerShellOrRaft() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.sluice.broker.log..",
                        "dev.sluice.broker.partition..", "dev.sluice.broker.replication..", "dev.sluice.broker.group..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.raft..", "dev.sluice.controller.io..")
                .orShould().dependOnClassesThat().haveSimpleName("ControllerService");
        rule.check(classes);
    }

    /**
     * Meters belong to the shell (STYLE.md, "Pure core, I/O shell"): storage, the request path, replication and the
     * group coordinator expose what is worth measuring as listeners ({@code ReplicaFetchListener},
     * {@code RebalanceListener}, the syncer's fsync callback) and snapshots ({@code FollowerLag},
     * {@code GroupSummary}), and the {@code server} package turns them into Micrometer meters. So the cores stay
     * testable without a registry, and metric names, units and HELP texts live in one layer.
     */
    @Test
    void theCoresExposeListenersAndSnapshotsNotMeters() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.sluice.broker.log..",
                        "dev.sluice.broker.partition..", "dev.sluice.broker.replication..", "dev.sluice.broker.group..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..");
        rule.check(classes);
    }

    /**
     * The leader's ISR and high-watermark decisions are a pure core (STYLE.md): time comes in as an argument and
     * nothing in it waits, so its property test can drive it with a seed.
     */
    @Test
    void leaderPartitionStateIsPure() {
        ArchRule rule = PureCoreRules.noClockAndNoRandomness(noClasses().that()
                        .haveFullyQualifiedName("dev.sluice.broker.replication.LeaderPartitionState"))
                .orShould().dependOnClassesThat().haveNameMatching("java\\.util\\.concurrent\\..*")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "io.grpc..",
                        "org.rocksdb..");
        rule.check(classes);
    }

    /**
     * Quota measurement is a pure core (STYLE.md): the clock is injected, so its tests step time by hand, and it keeps
     * no meters (the server's {@code QuotaMeters} listens).
     */
    @Test
    void quotasArePure() {
        ArchRule rule = PureCoreRules.noClockAndNoRandomness(noClasses().that()
                        .resideInAPackage("dev.sluice.broker.quota.."))
                .orShould().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.grpc..", "java.net..");
        rule.check(classes);
    }
}
