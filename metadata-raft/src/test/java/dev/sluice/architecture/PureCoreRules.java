package dev.sluice.architecture;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;

import com.tngtech.archunit.lang.syntax.elements.ClassesShouldConjunction;
import com.tngtech.archunit.lang.syntax.elements.GivenClassesConjunction;

/** ArchUnit rules shared by the modules' architecture tests (metadata-raft's and the broker's). */
public final class PureCoreRules {
    private PureCoreRules() {
    }

    /** Time and randomness come in as inputs (a clock, a {@code RandomGenerator}) so that one seed replays a run. */
    public static ClassesShouldConjunction noClockAndNoRandomness(GivenClassesConjunction classes) {
        return classes.should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callConstructorWhere(target(owner(assignableTo(java.util.Random.class))))
                .orShould().callConstructor(java.util.SplittableRandom.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().callMethod(java.util.random.RandomGenerator.class, "getDefault")
                .orShould().callMethod(java.util.random.RandomGenerator.class, "of", String.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().callMethod(java.util.UUID.class, "randomUUID")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(java.time.Clock.class, "systemDefaultZone");
    }
}
