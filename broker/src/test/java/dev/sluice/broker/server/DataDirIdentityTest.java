package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meta.properties}: written once with a directory id, read strictly, and never silently replaced: a damaged
 * (empty, cut short) file or a directory with data but no file is refused with a message that says how to recover.
 */
class DataDirIdentityTest {
    private static final UUID FIRST = new UUID(1, 1);
    private static final UUID SECOND = new UUID(2, 2);

    @TempDir
    Path dataDir;

    private final Deque<UUID> ids = new ArrayDeque<>(List.of(FIRST, SECOND, new UUID(3, 3)));
    private final Supplier<UUID> randomIds = ids::removeFirst;

    private Path metaProperties() {
        return dataDir.resolve(MetaProperties.FILE_NAME);
    }

    private ClusterIdentity load(int nodeId, String clusterId, boolean adopt) throws Exception {
        return ClusterIdentity.loadOrCreate(dataDir, nodeId, clusterId, adopt, randomIds);
    }

    @Test
    void aNewDirectoryGetsADirectoryIdThatIsKept() throws Exception {
        ClusterIdentity created = load(2, "c1", false);
        assertThat(created).isEqualTo(new ClusterIdentity("c1", 2, FIRST));
        assertThat(Files.readString(metaProperties())).contains("version=1").contains("directory.id=" + FIRST);
        assertThat(dataDir.resolve(MetaProperties.FILE_NAME + ".tmp")).doesNotExist();
        assertThat(load(2, "c1", false)).isEqualTo(created);
        assertThat(load(2, "", false).directoryId()).isEqualTo(FIRST);
    }

    @Test
    void anEmptyFileIsReportedAsDamagedWithTheWayToRecover() throws Exception {
        Files.writeString(metaProperties(), "");
        assertThatThrownBy(() -> load(2, "c1", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("meta.properties in data directory").hasMessageContaining("is damaged")
                .hasMessageContaining("it is empty").hasMessageContaining("--adopt-data-dir")
                .hasMessageNotContaining("belongs to node -1");
        assertThat(Files.size(metaProperties())).as("left as found").isZero();
    }

    @Test
    void aFileCutShortAnywhereIsDamagedNeverReadWithAWrongValue() throws Exception {
        String whole = new MetaProperties(12, "cluster-one", FIRST).format();
        for (int length = 0; length < whole.length(); length++) {
            String cut = whole.substring(0, length);
            try {
                MetaProperties.Parsed parsed = MetaProperties.parse(cut, () -> SECOND);
                assertThat(length).as("only the final newline may be missing: '%s'", cut)
                        .isEqualTo(whole.length() - 1);
                assertThat(parsed.properties()).isEqualTo(new MetaProperties(12, "cluster-one", FIRST));
            } catch (MetaProperties.DamagedException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void aTruncatedFileOnDiskIsRefusedNamingWhatIsMissing() throws Exception {
        String whole = new MetaProperties(2, "c1", FIRST).format();
        Files.writeString(metaProperties(), whole.substring(0, whole.indexOf("directory.id") + 20));
        assertThatThrownBy(() -> load(2, "c1", false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("directory.id")
                .hasMessageContaining("is not a UUID");
        Files.writeString(metaProperties(), "version=1\nnode.id=2\n");
        assertThatThrownBy(() -> load(2, "c1", false)).hasMessageContaining("cluster.id is missing")
                .hasMessageContaining("directory.id is missing");
    }

    @Test
    void dataWithoutMetaPropertiesIsRefusedAndNothingIsWritten() throws Exception {
        Files.createDirectories(dataDir.resolve("log"));
        assertThatThrownBy(() -> load(2, "c1", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds data [log] but no meta.properties")
                .hasMessageContaining("--adopt-data-dir");
        assertThat(metaProperties()).doesNotExist();
        Files.createDirectories(dataDir.resolve("metadata"));
        assertThatThrownBy(() -> load(2, "", false)).hasMessageContaining("[log, metadata]");
        assertThat(metaProperties()).doesNotExist();
    }

    @Test
    void theOperatorMayAdoptADirectoryThatLostItsFile() throws Exception {
        Files.createDirectories(dataDir.resolve("metadata"));
        assertThat(load(2, "c1", true)).isEqualTo(new ClusterIdentity("c1", 2, FIRST));
        assertThat(load(2, "c1", false)).as("adopted once, then an ordinary directory")
                .isEqualTo(new ClusterIdentity("c1", 2, FIRST));
    }

    @Test
    void aFileWithoutAVersionIsUpgradedWithANewDirectoryId() throws Exception {
        Files.writeString(metaProperties(), "#Sluice node identity; do not edit\n#Mon Jan 01 00:00:00 UTC 2024\n"
                + "node.id=2\ncluster.id=c1\n", StandardCharsets.UTF_8);
        assertThat(load(2, "c1", false)).isEqualTo(new ClusterIdentity("c1", 2, FIRST));
        assertThat(Files.readString(metaProperties())).contains("version=1").contains("directory.id=" + FIRST);
        assertThat(load(2, "c1", false).directoryId()).as("written, so kept").isEqualTo(FIRST);
    }

    @Test
    void anotherNodesDirectoryIsStillRefused() throws Exception {
        load(2, "c1", false);
        assertThatThrownBy(() -> load(3, "c1", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to node 2, not node 3");
    }
}
