package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.identity.NodeIdentity;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftNodeSingleVoterTest {
    @TempDir
    Path dataDir;

    /**
     * An election timeout far longer than any wait below: a sole voter must elect itself at once (on start and on
     * restart), so these tests see a leader long before a timeout could have fired, however loaded the machine is.
     * (With the default 1 s timeout a wall-clock bound of 1 s said the same thing but failed on a busy machine.)
     */
    private static final long ELECTION_TIMEOUT_MS = 120_000;
    private static final Duration AT_ONCE = Duration.ofSeconds(30);

    private RaftNodeConfig config() {
        return new RaftNodeConfig(1, dataDir, Map.of(1, new InetSocketAddress("127.0.0.1", 1)), ELECTION_TIMEOUT_MS,
                2 * ELECTION_TIMEOUT_MS, new NodeIdentity("test-cluster", "directory-1", "incarnation-1"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void electsItselfAndCommitsAppendsInOrder() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (RaftNode node = new RaftNode(config(), listener)) {
            node.start();
            await().atMost(AT_ONCE).until(() -> node.status().leaderId() == 1);
            await().atMost(AT_ONCE).until(() -> listener.leaderChanges.size() == 1);
            assertThat(listener.leaderChanges.get(0)).isEqualTo(new RecordingListener.LeaderChange(1, 1, 0));
            assertThat(listener.markers).as("the epoch marker is delivered too").containsExactly(0L);

            List<CompletableFuture<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                appends.add(node.append(bytes("record-" + i)));
            }
            List<Long> offsets = new ArrayList<>();
            for (CompletableFuture<Long> append : appends) {
                offsets.add(append.get(30, TimeUnit.SECONDS));
            }
            assertThat(offsets.get(0)).isEqualTo(1);
            assertThat(offsets).isSorted().doesNotHaveDuplicates();
            assertThat(listener.commits).hasSize(200);
            assertThat(listener.commits.get(0)).isEqualTo(new RecordingListener.Commit(1, 1, "record-0"));
            assertThat(node.status().highWatermark()).isEqualTo(201);
            assertThat(node.status().voters()).extracting(ReplicaStatus::nodeId).containsExactly(1);
        }
    }

    @Test
    void restartReplaysCommittedEntriesAndMovesToANewEpoch() throws Exception {
        RecordingListener first = new RecordingListener();
        try (RaftNode node = new RaftNode(config(), first)) {
            node.start();
            node.append(bytes("a")).get(30, TimeUnit.SECONDS);
            node.append(bytes("b")).get(30, TimeUnit.SECONDS);
        }
        RecordingListener second = new RecordingListener();
        try (RaftNode node = new RaftNode(config(), second)) {
            node.start();
            await().atMost(AT_ONCE).until(() -> second.leaderChanges.size() == 1);
            assertThat(second.payloads()).containsExactly("a", "b");
            RecordingListener.LeaderChange change = second.leaderChanges.get(0);
            assertThat(change.epoch()).isEqualTo(2);
            assertThat(change.epochStartOffset()).isEqualTo(3);
            assertThat(node.append(bytes("c")).get(30, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(second.payloads()).containsExactly("a", "b", "c");
        }
    }
}
