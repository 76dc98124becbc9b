package dev.sluice.wire;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The wire module is what the client and the broker share, so it may lean on nothing of either: only the JDK, the
 * generated protobuf classes, the gRPC API (the received message streams) and the codec libraries (DESIGN.md,
 * "Modules"). Anything more would drag one side's code into the other's classpath.
 */
class WireDependenciesTest {
    @Test
    void dependsOnlyOnProtoAndTheCodecLibraries() {
        JavaClasses wire = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.sluice.wire");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.sluice.wire..", "dev.sluice.proto..",
                "com.google.protobuf..", "io.grpc..", "java..", "net.jpountz..", "org.xerial.snappy..",
                "com.github.luben.zstd..")
                .check(wire);
    }
}
