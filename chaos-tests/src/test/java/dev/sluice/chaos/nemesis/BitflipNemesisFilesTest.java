package dev.sluice.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bitflip nemesis's two file steps, on a temporary directory laid out like a node's data dir. */
class BitflipNemesisFilesTest {
    @TempDir
    Path dataDir;

    @Test
    void candidatesAreTheNonEmptyTablesAndWriteAheadLogsOfThePartitionLog() throws Exception {
        Files.createDirectories(dataDir.resolve("log"));
        Files.createDirectories(dataDir.resolve("metadata"));
        Files.write(dataDir.resolve("log/000004.log"), new byte[10]);
        Files.write(dataDir.resolve("log/000007.sst"), new byte[20]);
        Files.write(dataDir.resolve("log/LOG"), new byte[30]);
        Files.write(dataDir.resolve("log/MANIFEST-000005"), new byte[40]);
        Files.write(dataDir.resolve("metadata/000003.log"), new byte[50]);

        assertThat(BitflipNemesis.candidates(dataDir)).containsExactlyInAnyOrder(
                new BitflipPlan.Candidate("log/000004.log", 10), new BitflipPlan.Candidate("log/000007.sst", 20));
        assertThat(BitflipNemesis.candidates(dataDir.resolve("absent"))).isEmpty();
    }

    @Test
    void applyingAFlipChangesExactlyThatBit() throws Exception {
        Files.createDirectories(dataDir.resolve("log"));
        byte[] original = {0x10, 0x20, 0x30, 0x40};
        Files.write(dataDir.resolve("log/000004.log"), original);

        String done = BitflipNemesis.apply(dataDir, new BitflipPlan.Flip("log/000004.log", 2, 3));

        byte[] after = Files.readAllBytes(dataDir.resolve("log/000004.log"));
        assertThat(after).containsExactly(0x10, 0x20, 0x38, 0x40);
        assertThat(done).isEqualTo("log/000004.log@2 bit 3 (0x30->0x38)");
        assertThat(BitflipNemesis.apply(dataDir, new BitflipPlan.Flip("log/000004.log", 9, 0)))
                .contains("beyond the end");
    }
}
