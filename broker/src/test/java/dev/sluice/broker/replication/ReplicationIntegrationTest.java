package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.log.FakeFullDisk;
import dev.sluice.broker.log.FlushPolicy;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.LogSyncer;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.RecordingFaultHandler;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.broker.testing.CountingExecutor;
import dev.sluice.broker.testing.CountingScheduler;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.ProducerIdsImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicsImage;
import dev.sluice.proto.internal.v1.ReplicaFetchPartition;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.testing.FakeClock;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers in one JVM, each with its own {@link LogStore} and a real gRPC server on loopback, replicating one
 * partition through {@link PartitionReplicas} driven by hand-built metadata images.
 */
class ReplicationIntegrationTest {

    private static final UUID TOPIC = new UUID(0x5107L, 0xCE11L);
    private static final PartitionKey KEY = new PartitionKey(TOPIC, 0);
    private static final List<Integer> ALL = List.of(1, 2, 3);
    private static final long LAG_MS = 30_000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final FakeClock clock = FakeClock.followingSystemTime();
    private final RecordingIsrChanges isrChanges = new RecordingIsrChanges();
    private final List<Broker> brokers = new ArrayList<>();
    private CountingScheduler scheduler;

    private record Broker(int id, LogStore store, LogSyncer syncer, PartitionReplicas replicas, Server server,
                          FakeFullDisk disk, RecordingFaultHandler faults, CountingExecutor storeReads) {
        PartitionLog log() {
            return store.partition(KEY);
        }
    }

    @BeforeEach
    void startBrokers() throws IOException {
        scheduler = new CountingScheduler(2);
        ReplicationConfig config = ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(LAG_MS)
                .withReplicaFetchWaitMaxMs(100).withReplicaFetchBackoffMs(20);
        for (int id = 1; id <= 3; id++) {
            FakeFullDisk disk = new FakeFullDisk();
            RecordingFaultHandler faults = new RecordingFaultHandler();
            LogStore store = LogStore.open(dir.resolve("broker-" + id), faults, disk);
            LogSyncer syncer = new LogSyncer(store, "syncer-" + id, System::nanoTime);
            syncer.start();
            PartitionReplicas replicas = new PartitionReplicas(id, () -> 1L, store, syncer, isrChanges,
                    ReplicationChannels.PLAINTEXT, clock, scheduler, config, identity(id, "c1"), faults,
                    ReplicaFetchListener.NONE);
            // As the broker's listener runs it: the stream's messages on the transport thread, store reads off it.
            CountingExecutor storeReads = new CountingExecutor();
            Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).directExecutor()
                    .addService(replicas.replicaFetchService(storeReads)).build().start();
            brokers.add(new Broker(id, store, syncer, replicas, server, disk, faults, storeReads));
        }
    }

    @AfterEach
    void stopBrokers() {
        for (Broker broker : brokers) {
            broker.replicas().close();
            broker.server().shutdownNow();
        }
        for (Broker broker : brokers) {
            broker.disk().releaseSyncs();
            broker.syncer().close();
            broker.store().close();
        }
        scheduler.shutdownNow();
        brokers.forEach(broker -> broker.storeReads().shutdownNow());
    }

    @Test
    void followersReplicateByteIdenticalBatchesAndTheHighWatermarkFollowsTheSlowest() {
        publish(image(1, 0, 0, ALL));
        for (int i = 0; i < 5; i++) {
            append(broker(1), 3 + i, 0);
        }
        long end = broker(1).log().logEndOffset();
        await().atMost(WAIT).untilAsserted(() -> {
            for (Broker broker : brokers) {
                assertThat(broker.log().logEndOffset()).isEqualTo(end);
                assertThat(broker.log().highWatermark()).isEqualTo(end);
            }
        });
        for (Broker follower : List.of(broker(2), broker(3))) {
            assertThat(batches(follower)).isEqualTo(batches(broker(1)));
            assertThat(follower.log().state().leaderEpochs()).isEqualTo(broker(1).log().state().leaderEpochs());
            await().atMost(WAIT).untilAsserted(() -> assertThat(follower.replicas().followerLags())
                    .as("the lag meters' source: caught up, as of the leader's last answer")
                    .singleElement().satisfies(lag -> {
                        assertThat(lag.key()).isEqualTo(KEY);
                        assertThat(lag.records()).isZero();
                    }));
        }
        assertThat(broker(1).replicas().followerLags()).as("a leader follows nothing").isEmpty();
        assertThat(isrChanges.proposals).isEmpty();
    }

    @Test
    void aFollowerOfAnotherClusterIsRefusedBeforeAnyPartitionIsRead() {
        broker(1).replicas().applyMetadata(image(1, 0, 0, ALL));
        append(broker(1), 3, 0);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", broker(1).server().getPort())
                .usePlaintext().build();
        try {
            ReplicationGrpc.ReplicationBlockingStub leader = ReplicationGrpc.newBlockingStub(channel);
            ReplicaFetchRequest.Builder fetch = ReplicaFetchRequest.newBuilder().setReplicaId(3).setBrokerEpoch(1)
                    .setMaxBytes(1 << 20).addPartitions(ReplicaFetchPartition.newBuilder()
                            .setTopicId(TopicIdBytes.encode(TOPIC)).setPartition(0).setFetchOffset(3)
                            .setLastFetchedEpoch(0).setCurrentLeaderEpoch(0).setPartitionMaxBytes(1 << 20));

            ReplicaFetchResponse foreign = leader.replicaFetch(fetch.setSender(identity(3, "c2").toProto()).build());
            assertThat(foreign.getError()).isEqualTo(ErrorCode.INCONSISTENT_CLUSTER_ID);
            assertThat(foreign.getErrorMessage()).contains("cluster c1").contains("cluster c2");
            assertThat(foreign.getPartitionsList()).isEmpty();
            assertThat(broker(1).log().highWatermark()).as("its fetch offset was not counted").isZero();

            ReplicaFetchResponse same = leader.replicaFetch(fetch.setSender(identity(3, "c1").toProto()).build());
            assertThat(same.getError()).isEqualTo(ErrorCode.NONE);
            assertThat(same.getPartitions(0).getError()).isEqualTo(ErrorCode.NONE);
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * KIP-903 on the leader: once broker 3's current process (broker epoch 2) fetched, a fetch its previous process
     * (epoch 1) sent, delivered late, is refused and counted nowhere. The ISR expansion names the epoch of the fetch
     * that caught the replica up, for the controller to check.
     */
    @Test
    void aLateFetchFromAFollowersPreviousProcessIsRefused() {
        broker(1).replicas().applyMetadata(image(1, 0, 0, List.of(1, 2)));
        append(broker(1), 3, 0);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", broker(1).server().getPort())
                .usePlaintext().build();
        try {
            ReplicationGrpc.ReplicationBlockingStub leader = ReplicationGrpc.newBlockingStub(channel);
            ReplicaFetchPartition.Builder partition = ReplicaFetchPartition.newBuilder()
                    .setTopicId(TopicIdBytes.encode(TOPIC)).setPartition(0).setLastFetchedEpoch(-1)
                    .setCurrentLeaderEpoch(0).setPartitionMaxBytes(1 << 20);
            ReplicaFetchRequest.Builder fetch = ReplicaFetchRequest.newBuilder().setReplicaId(3).setMaxBytes(1 << 20)
                    .setSender(identity(3, "c1").toProto());

            ReplicaFetchResponse current = leader.replicaFetch(fetch.setBrokerEpoch(2)
                    .addPartitions(partition.setFetchOffset(0)).build());
            assertThat(current.getPartitions(0).getError()).isEqualTo(ErrorCode.NONE);
            await().atMost(WAIT).until(() -> !isrChanges.proposals.isEmpty());
            assertThat(isrChanges.proposals).containsExactly(ALL);
            assertThat(isrChanges.joiningEpochs).containsExactly(Map.of(3, 2L));

            ReplicaFetchResponse late = leader.replicaFetch(fetch.setBrokerEpoch(1).clearPartitions()
                    .addPartitions(partition.setFetchOffset(3).setLastFetchedEpoch(0)).build());
            assertThat(late.getPartitions(0).getError()).isEqualTo(ErrorCode.STALE_BROKER_EPOCH);
            assertThat(late.getPartitions(0).getErrorMessage()).contains("broker epoch 1");
            assertThat(late.getPartitions(0).getBatchesList()).isEmpty();
        } finally {
            channel.shutdownNow();
        }
    }

    /** A fetch stream takes one request at a time: a second before the first's answer closes the stream. */
    @Test
    void aSecondFetchBeforeTheAnswerClosesTheFetchStream() throws Exception {
        broker(1).replicas().applyMetadata(image(1, 0, 0, ALL));
        append(broker(1), 3, 0);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", broker(1).server().getPort())
                .usePlaintext().build();
        try {
            ReplicaFetchRequest waiting = ReplicaFetchRequest.newBuilder().setReplicaId(3).setBrokerEpoch(1)
                    .setMaxWaitMs(30_000).setMinBytes(1).setMaxBytes(1 << 20).setSender(identity(3, "c1").toProto())
                    .addPartitions(ReplicaFetchPartition.newBuilder().setTopicId(TopicIdBytes.encode(TOPIC))
                            .setPartition(0).setFetchOffset(3).setLastFetchedEpoch(0).setCurrentLeaderEpoch(0)
                            .setPartitionMaxBytes(1 << 20)).build();
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            io.grpc.stub.StreamObserver<ReplicaFetchRequest> requests = ReplicationGrpc.newStub(channel)
                    .replicaFetchStream(new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(ReplicaFetchResponse response) {
                            ended.completeExceptionally(new AssertionError("answered: " + response));
                        }

                        @Override
                        public void onError(Throwable error) {
                            ended.complete(error);
                        }

                        @Override
                        public void onCompleted() {
                            ended.completeExceptionally(new AssertionError("completed"));
                        }
                    });
            requests.onNext(waiting);
            requests.onNext(waiting);
            assertThat(io.grpc.Status.fromThrowable(ended.get(10, java.util.concurrent.TimeUnit.SECONDS)).getCode())
                    .isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * A fetch that reads stored batches leaves the transport thread; a caught-up follower's fetch is answered, and its
     * wait started, on the transport thread, with no re-read while nothing is appended. An append wakes the waits:
     * a batch kept in memory is re-read on the appending thread; one too large for memory goes straight to the
     * store-read pool; neither through the scheduler (whose threads wake each other).
     */
    @Test
    void caughtUpFollowersWaitWithoutThreadHandOffsAndOnlyStoreReadsLeaveTheTransportThread() throws Exception {
        for (int i = 0; i < PartitionLog.TAIL_MAX_BATCHES + 5; i++) {
            append(broker(1), 3, 0);  // more than the leader keeps in memory: the first fetches read the store
        }
        publish(image(1, 0, 0, ALL));
        awaitSameLogs(brokers);
        Broker leader = broker(1);
        assertThat(leader.storeReads().tasks()).as("the followers' first fetches read stored batches")
                .hasPositiveValue();

        int storeReads = leader.storeReads().tasks().get();
        int schedulerHandOffs = scheduler.executed().get();
        Thread.sleep(1_000);  // about ten long polls of 100 ms per follower, none of them with data

        assertThat(leader.storeReads().tasks()).as("store reads while caught up").hasValue(storeReads);
        assertThat(scheduler.executed()).as("re-reads scheduled while caught up")
                .hasValue(schedulerHandOffs);

        append(broker(1), 2, 0);
        awaitSameLogs(brokers);
        assertThat(leader.storeReads().tasks()).as("woken re-reads of a batch in memory").hasValue(storeReads);

        append(broker(1), LARGER_THAN_MEMORY, 0);
        awaitSameLogs(brokers);
        assertThat(leader.storeReads().tasks().get()).as("woken re-reads of the store").isGreaterThan(storeReads);
        assertThat(scheduler.executed()).as("re-reads through the scheduler").hasValue(schedulerHandOffs);
    }

    /** Batches among the leader's newest, held in memory, are served to followers on the transport thread. */
    @Test
    void followersFetchTheNewestBatchesWithoutLeavingTheTransportThread() {
        for (int i = 0; i < 5; i++) {
            append(broker(1), 3, 0);
        }
        publish(image(1, 0, 0, ALL));
        awaitSameLogs(brokers);

        assertThat(broker(1).storeReads().tasks()).as("fetches handed to the store-read pool").hasValue(0);
    }

    /**
     * A store-read pool that refuses the woken re-reads (it shuts down with the broker) ends the followers' waits
     * with an error; the append that woke them (with a batch too large for memory, so read from the store) still
     * succeeds, since the refusal stays off the appending thread.
     */
    @Test
    void aReReadThatTheStoreReadPoolRefusesEndsTheWaitAndTheAppendStillSucceeds() {
        append(broker(1), 3, 0);
        publish(image(1, 0, 0, ALL));
        awaitSameLogs(brokers);
        Broker leader = broker(1);

        // The pool refuses only what the appending thread hands it, so the followers' own fetches still work and
        // they come back to wait. Appends until one finds a follower in its long poll (100 ms, with gaps between).
        await().atMost(WAIT).untilAsserted(() -> {
            Thread appending = Thread.currentThread();
            leader.storeReads().refuseTasksFrom(appending);
            int offered = leader.storeReads().callsFrom(appending);
            assertThatCode(() -> append(leader, LARGER_THAN_MEMORY, 0)).as("an append that wakes refused re-reads")
                    .doesNotThrowAnyException();
            assertThat(leader.storeReads().callsFrom(appending))
                    .as("re-reads this append offered to the refusing pool").isGreaterThan(offered);
        });
    }

    @Test
    void acksAllCompletesOnlyOnceTheFollowersHaveTheData() {
        broker(1).replicas().applyMetadata(image(1, 0, 0, ALL));
        assertThat(broker(1).replicas().checkAcksAll(KEY, 3)).isEqualTo(ErrorCode.NONE);
        assertThat(broker(1).replicas().checkAcksAll(KEY, 4)).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
        assertThat(broker(2).replicas().checkAcksAll(KEY, 1)).isEqualTo(ErrorCode.NOT_LEADER);
        AppendResult appended = append(broker(1), 4, 0);
        CompletableFuture<ErrorCode> acked = broker(1).replicas().awaitAcksAll(broker(1).log(), 0, appended, 60_000);
        assertThat(acked).isNotDone();
        assertThat(broker(1).log().highWatermark()).isZero();

        broker(2).replicas().applyMetadata(image(1, 0, 0, ALL));
        await().atMost(WAIT).until(() -> broker(2).log().logEndOffset() == appended.nextOffset());
        assertThat(acked).as("broker 3 has not fetched yet").isNotDone();

        broker(3).replicas().applyMetadata(image(1, 0, 0, ALL));
        assertThat(acked).succeedsWithin(WAIT).isEqualTo(ErrorCode.NONE);
        assertThat(broker(3).log().logEndOffset()).isEqualTo(appended.nextOffset());
    }

    /**
     * {@code durable.acks}: an acknowledgement means every in-sync replica has the batch on disk. A follower whose
     * fsync is slow holds {@code acks=all} back even after it fetched the batch; the leader's own fsync holds back
     * {@code acks=1}.
     */
    @Test
    void withDurableAcksAnAcknowledgementWaitsForEveryInSyncReplicasFsync() {
        brokers.forEach(broker -> broker.log().setFlushPolicy(FlushPolicy.DURABLE));
        publish(image(1, 0, 0, ALL));
        broker(3).disk().holdSyncs();
        AppendResult appended = append(broker(1), 4, 0);
        CompletableFuture<ErrorCode> acksAll = broker(1).replicas().awaitAcksAll(broker(1).log(), 0, appended,
                60_000);
        assertThat(broker(1).replicas().awaitAcknowledgeable(broker(1).log(), appended.nextOffset()))
                .as("acks=1: the leader's fsync").succeedsWithin(WAIT).isEqualTo(ErrorCode.NONE);

        await().atMost(WAIT).until(() -> broker(3).log().logEndOffset() == appended.nextOffset());
        await().atMost(WAIT).until(() -> broker(2).log().syncedEndOffset() == appended.nextOffset());
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !acksAll.isDone());
        assertThat(broker(1).log().highWatermark()).as("broker 3 fetched the batch but has not synced it").isZero();

        broker(3).disk().releaseSyncs();
        assertThat(acksAll).succeedsWithin(WAIT).isEqualTo(ErrorCode.NONE);
        assertThat(broker(3).log().syncedEndOffset()).isEqualTo(appended.nextOffset());
    }

    @Test
    void withoutAFlushPolicyTheHighWatermarkDoesNotWaitForAnyFsync() {
        publish(image(1, 0, 0, ALL));
        brokers.forEach(broker -> broker.disk().holdSyncs());
        AppendResult appended = append(broker(1), 4, 0);
        assertThat(broker(1).replicas().awaitAcksAll(broker(1).log(), 0, appended, 60_000))
                .succeedsWithin(WAIT).isEqualTo(ErrorCode.NONE);
        assertThat(brokers).allMatch(broker -> broker.disk().syncs() == 0);
    }

    /**
     * Chaos seed 30003 lost two acknowledged sends this way: the produce path appended on the old leader, leadership
     * moved (aborting the waiters) before it registered its {@code acks=all} wait, and the late wait then completed
     * on the demoted broker's follower high watermark, which passed the offset once the new leader had put another
     * batch there. The batch itself had been truncated, and the producer was told NONE with that offset.
     */
    @Test
    void anAcksAllWaitRegisteredAfterLeadershipMovedIsRefusedNotCompletedByTheFollowerHighWatermark() {
        publish(image(1, 0, 0, ALL));
        append(broker(1), 2, 0);
        awaitSameLogs(brokers);
        // Broker 1 appends a batch nobody fetches: brokers 2 and 3 elect broker 2 first.
        MetadataImage newLeader = image(2, 1, 1, List.of(2, 3));
        broker(2).replicas().applyMetadata(newLeader);
        broker(3).replicas().applyMetadata(newLeader);
        AppendResult lost = append(broker(1), 1, 0);
        broker(1).replicas().applyMetadata(newLeader);
        // The produce request that appended `lost` registers its wait only now.
        CompletableFuture<ErrorCode> acked = broker(1).replicas().awaitAcksAll(broker(1).log(), 0, lost, 60_000);

        append(broker(2), 3, 1);
        awaitSameLogs(List.of(broker(2), broker(3), broker(1)));
        await().atMost(WAIT).until(() -> broker(1).log().highWatermark() > lost.lastOffset());
        assertThat(acked).succeedsWithin(WAIT).isEqualTo(ErrorCode.NOT_LEADER);
    }

    @Test
    void aFollowerWithADivergentTailTruncatesAfterALeaderChangeAndConverges() {
        publish(image(1, 0, 0, ALL));
        append(broker(1), 3, 0);
        append(broker(1), 2, 0);
        awaitSameLogs(List.of(broker(1), broker(2), broker(3)));
        // Brokers 2 and 3 lose the leader; broker 1 keeps appending a tail nobody else gets.
        MetadataImage leaderless = image(PartitionImage.NO_LEADER, 0, 1, ALL);
        broker(2).replicas().applyMetadata(leaderless);
        broker(3).replicas().applyMetadata(leaderless);
        append(broker(1), 4, 0);
        append(broker(1), 1, 0);
        // The controller elects broker 2 in epoch 1; it appends before broker 1 hears of it.
        MetadataImage newLeader = image(2, 1, 2, List.of(2, 3));
        broker(2).replicas().applyMetadata(newLeader);
        broker(3).replicas().applyMetadata(newLeader);
        append(broker(2), 2, 1);
        awaitSameLogs(List.of(broker(2), broker(3)));
        assertThat(broker(2).log().highWatermark()).isEqualTo(broker(2).log().logEndOffset());

        broker(1).replicas().applyMetadata(newLeader);
        awaitSameLogs(List.of(broker(2), broker(1)));
        assertThat(broker(1).log().state().leaderEpochs()).isEqualTo(broker(2).log().state().leaderEpochs());
        await().atMost(WAIT).until(() -> isrChanges.proposals.contains(ALL));
    }

    @Test
    void aStoppedFollowerLeavesTheIsrAfterTheLagTimeAndRejoinsWhenCaughtUp() {
        publish(image(1, 0, 0, ALL));
        append(broker(1), 3, 0);
        awaitSameLogs(brokers);
        broker(3).replicas().stopReplica(KEY);
        append(broker(1), 5, 0);
        long end = broker(1).log().logEndOffset();
        await().atMost(WAIT).until(() -> broker(2).log().logEndOffset() == end);

        broker(1).replicas().maybeShrinkIsrs();
        assertThat(isrChanges.proposals).as("within the lag time").isEmpty();
        clock.advanceMs(LAG_MS + 1);
        broker(1).replicas().maybeShrinkIsrs();
        assertThat(isrChanges.proposals).containsExactly(List.of(1, 2));
        assertThat(broker(1).log().highWatermark()).as("held back until the change commits").isLessThan(end);

        publish(image(1, 0, 1, List.of(1, 2)));
        await().atMost(WAIT).until(() -> broker(1).log().highWatermark() == end);
        assertThat(broker(1).replicas().checkAcksAll(KEY, 3)).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);

        // Broker 3 followed again by that image: it catches up and the leader proposes it back.
        await().atMost(WAIT).until(() -> isrChanges.proposals.contains(ALL));
        assertThat(broker(3).log().logEndOffset()).isEqualTo(end);
        publish(image(1, 0, 2, ALL));
        assertThat(broker(1).replicas().isr(KEY)).contains(ALL);
        assertThat(broker(1).replicas().checkAcksAll(KEY, 3)).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aFollowerWhoseDiskFillsReportsTheFaultKeepsItsFetcherAliveAndHoldsTheHighWatermarkBack() {
        publish(image(1, 0, 0, ALL));
        append(broker(1), 2, 0);
        awaitSameLogs(brokers);
        broker(2).disk().fill();
        AppendResult appended = append(broker(1), 3, 0);

        await().atMost(WAIT).until(() -> broker(2).faults().faults.size() == 1);
        assertThat(broker(2).faults().faults.get(0).message()).contains("follower append");
        await().atMost(WAIT).until(() -> broker(3).log().logEndOffset() == appended.nextOffset());
        // The fetcher backs the partition off (the store refuses writes until the node stops) instead of dying.
        assertThat(fetcherThreads(2)).as("broker 2's fetcher thread is alive").isEqualTo(1);
        assertThat(broker(2).log().logEndOffset()).isEqualTo(2);
        assertThat(broker(1).log().highWatermark()).as("the failed follower append is never counted")
                .isEqualTo(2);
        assertThat(broker(2).faults().faults).as("reported once").hasSize(1);
        assertThat(broker(1).faults().faults).isEmpty();
        assertThat(broker(3).faults().faults).isEmpty();
    }

    private static int fetcherThreads(int brokerId) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("replica-fetcher-" + brokerId + "-from-"))
                .filter(Thread::isAlive).count();
    }

    /**
     * The chaos-test loss: broker 1 led epoch 0 and was deposed without hearing of it; broker 2 led epoch 1 and
     * broker 3 replicated its records. Broker 3 restarts and its metadata replay hands it the old image of epoch 0.
     * Following broker 1 there would get a divergence answer at broker 1's log end (broker 3's last epoch, 1, is newer
     * than anything broker 1 wrote) and truncate the acknowledged records of epoch 1.
     */
    @Test
    void aRestartedReplicaIgnoresAStaleImageAndKeepsRecordsOfANewerEpoch() throws Exception {
        MetadataImage newLeader = deposeBroker1WithoutItKnowing();
        long end = broker(2).log().logEndOffset();

        broker(3).replicas().close();
        try (PartitionReplicas restarted = restartedReplicas(broker(3))) {
            restarted.applyMetadata(image(1, 0, 0, ALL));
            assertThat(restarted.leaderPartition(KEY)).isEmpty();
            await().during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> broker(3).log().logEndOffset() == end);
            restarted.applyMetadata(newLeader);
            append(broker(2), 2, 1);
            awaitSameLogs(List.of(broker(2), broker(3)));
        }
    }

    /**
     * After a power cut of every node, the restarted leader still finds itself leader in the committed image, but that
     * leadership was given to the process before the cut, whose log may have been longer: followers fetching from it
     * would truncate to what this process kept. It leads only what the controller gives this process.
     */
    @Test
    void aRestartedLeaderDoesNotLeadOnALeadershipGivenToItsPredecessor() throws Exception {
        broker(1).replicas().close();
        try (PartitionReplicas restarted = restartedReplicas(broker(1))) {
            restarted.applyMetadata(withIncarnationOfBroker1(image(1, 0, 0, ALL), "the-process-before"));
            assertThat(restarted.leaderPartition(KEY)).as("granted to the earlier process").isEmpty();
            restarted.applyMetadata(withIncarnationOfBroker1(image(1, 1, 1, ALL), "incarnation-1"));
            assertThat(restarted.leaderPartition(KEY)).as("granted to this process").isPresent();
        }
    }

    private static MetadataImage withIncarnationOfBroker1(MetadataImage image, String incarnationId) {
        TreeMap<Integer, BrokerRegistration> registrations = new TreeMap<>();
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            registrations.put(broker.id(), broker.id() != 1 ? broker : new BrokerRegistration(1, broker.epoch(),
                    broker.host(), broker.port(), broker.rack(), false, incarnationId, "directory-1"));
        }
        return new MetadataImage(image.offset(), new ClusterImage(registrations), image.topics(), image.configs(),
                image.producerIds());
    }

    /**
     * Defence in depth: a deposed leader refuses a follower holding records of a newer epoch, it does not truncate it.
     */
    @Test
    void aDeposedLeaderRefusesAFollowerWithANewerEpochInsteadOfTruncatingIt() throws Exception {
        deposeBroker1WithoutItKnowing();
        long end = broker(3).log().logEndOffset();

        broker(3).replicas().close();
        try (PartitionReplicas restarted = restartedReplicas(broker(3))) {
            // Straight to the transition, past the stale-image check.
            restarted.becomeFollower(KEY, image(1, 0, 0, ALL).topics().topic(TOPIC).partition(0),
                    new BrokerEndpoint(1, "127.0.0.1", broker(1).server().getPort()));
            await().during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> broker(3).log().logEndOffset() == end);
        }
    }

    /**
     * Broker 1 leads epoch 0 and all three replicate its records; then brokers 2 and 3 (not 1) learn that broker 2
     * leads epoch 1 and replicate records of that epoch. Returns the image of epoch 1.
     */
    private MetadataImage deposeBroker1WithoutItKnowing() {
        publish(image(1, 0, 0, ALL));
        append(broker(1), 3, 0);
        awaitSameLogs(List.of(broker(1), broker(2), broker(3)));
        MetadataImage newLeader = image(2, 1, 1, List.of(2, 3));
        broker(2).replicas().applyMetadata(newLeader);
        broker(3).replicas().applyMetadata(newLeader);
        append(broker(2), 4, 1);
        awaitSameLogs(List.of(broker(2), broker(3)));
        return newLeader;
    }

    private PartitionReplicas restartedReplicas(Broker broker) {
        return new PartitionReplicas(broker.id(), () -> 2L, broker.store(), broker.syncer(), isrChanges,
                ReplicationChannels.PLAINTEXT,
                clock, scheduler, ReplicationConfig.DEFAULT.withReplicaLagTimeMaxMs(LAG_MS)
                        .withReplicaFetchWaitMaxMs(100).withReplicaFetchBackoffMs(20), identity(broker.id(), "c1"));
    }

    private static NodeIdentity identity(int brokerId, String clusterId) {
        return new NodeIdentity(clusterId, "directory-" + brokerId, "incarnation-" + brokerId);
    }

    private Broker broker(int id) {
        return brokers.get(id - 1);
    }

    /** Records in a batch too large for the newest batches kept in memory ({@link PartitionLog#TAIL_MAX_BYTES}). */
    private static final int LARGER_THAN_MEMORY = 5_000;

    private AppendResult append(Broker leader, int records, int leaderEpoch) {
        PartitionLog log = leader.log();
        AppendResult appended = log.append(TestBatches.batch(records, clock.millis()), leaderEpoch, clock.millis());
        leader.replicas().afterLocalAppend(log, appended);
        return appended;
    }

    private void awaitSameLogs(List<Broker> group) {
        await().atMost(WAIT).untilAsserted(() -> {
            List<ByteString> expected = batches(group.get(0));
            for (Broker broker : group) {
                assertThat(batches(broker)).isEqualTo(expected);
                assertThat(broker.log().highWatermark()).isEqualTo(group.get(0).log().logEndOffset());
            }
        });
    }

    private static List<ByteString> batches(Broker broker) {
        return broker.log().read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches();
    }

    private void publish(MetadataImage image) {
        brokers.forEach(broker -> broker.replicas().applyMetadata(image));
    }

    private MetadataImage image(int leaderId, int leaderEpoch, int partitionEpoch, List<Integer> isr) {
        TreeMap<Integer, BrokerRegistration> registrations = new TreeMap<>();
        for (Broker broker : brokers) {
            registrations.put(broker.id(), new BrokerRegistration(broker.id(), 1, "127.0.0.1",
                    broker.server().getPort(), "", false));
        }
        PartitionImage partition = new PartitionImage(ALL, isr, leaderId, leaderEpoch, partitionEpoch);
        TopicImage topic = new TopicImage("orders", TOPIC, new TreeMap<>(Map.of(0, partition)));
        return new MetadataImage(partitionEpoch + 1L, new ClusterImage(registrations), TopicsImage.of(List.of(topic)),
                ConfigsImage.EMPTY, ProducerIdsImage.EMPTY);
    }
}
