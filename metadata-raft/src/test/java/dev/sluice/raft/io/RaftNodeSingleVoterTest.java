package dev.sluice.raft.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    private RaftNodeConfig config() {
        return RaftNodeConfig.defaults(1, dataDir, Map.of(1, new InetSocketAddress("127.0.0.1", 1)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void electsItselfAndCommitsAppendsInOrder() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (RaftNode node = new RaftNode(config(), listener)) {
            long startMs = System.nanoTime() / 1_000_000;
            node.start();
            await().atMost(Duration.ofSeconds(1)).until(() -> node.status().leaderId() == 1);
            assertThat(System.nanoTime() / 1_000_000 - startMs).isLessThan(1000);
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.leaderChanges.size() == 1);
            assertThat(listener.leaderChanges.get(0)).isEqualTo(new RecordingListener.LeaderChange(1, 1, 0));
            assertThat(listener.markers).as("the epoch marker is delivered too").containsExactly(0L);

            List<CompletableFuture<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                appends.add(node.append(bytes("record-" + i)));
            }
            List<Long> offsets = new ArrayList<>();
            for (CompletableFuture<Long> append : appends) {
                offsets.add(append.get(5, TimeUnit.SECONDS));
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
            node.append(bytes("a")).get(5, TimeUnit.SECONDS);
            node.append(bytes("b")).get(5, TimeUnit.SECONDS);
        }
        RecordingListener second = new RecordingListener();
        try (RaftNode node = new RaftNode(config(), second)) {
            node.start();
            await().atMost(Duration.ofMillis(900)).until(() -> second.leaderChanges.size() == 1);
            assertThat(second.payloads()).containsExactly("a", "b");
            RecordingListener.LeaderChange change = second.leaderChanges.get(0);
            assertThat(change.epoch()).isEqualTo(2);
            assertThat(change.epochStartOffset()).isEqualTo(3);
            assertThat(node.append(bytes("c")).get(5, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(second.payloads()).containsExactly("a", "b", "c");
        }
    }
}
