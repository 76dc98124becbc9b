package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.create;
import static dev.sluice.controller.Fixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataLoader;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.TopicResult;
import dev.sluice.testing.FakeClock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ControllerServiceTest {
    private static final int NODE_ID = 1;

    private final MetadataLoader loader = new MetadataLoader();
    private final FakeMetadataLog metadataLog = new FakeMetadataLog(loader);
    private final FakeEventQueue queue = new FakeEventQueue();
    private final FakeClock clock = new FakeClock(100_000);
    private final ControllerService service = new ControllerService(NODE_ID, ControllerConfig.DEFAULT, metadataLog,
            clock, new SplittableRandom(11), queue);

    ControllerServiceTest() {
        loader.register(service);
    }

    private void becomeLeader(int epoch) {
        service.handleLeaderChange(NODE_ID, epoch, metadataLog.nextOffset());
        metadataLog.commitMarker();
        queue.runAll();
        assertThat(service.isActive()).isTrue();
    }

    private <T> T settle(CompletableFuture<T> future) {
        queue.runAll();
        metadataLog.commitAll();
        queue.runAll();
        assertThat(future).isDone();
        return future.join();
    }

    private void registerAndUnfence(int brokerId) {
        long epoch = settle(service.registerBroker(registration(brokerId, "host" + brokerId, 7092, ""))).brokerEpoch();
        assertThat(settle(service.brokerHeartbeat(brokerId, epoch)).error()).isEqualTo(ErrorCode.NONE);
    }

    private static ErrorCode firstError(CreateTopicsResponse response) {
        return response.getResults(0).getError();
    }

    @Test
    void answersNotControllerWithAHintWhenAnotherNodeLeads() {
        CompletableFuture<CreateTopicsResponse> unknown = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        assertThat(firstError(unknown.join())).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(unknown.join().getResults(0).getErrorMessage()).contains("unknown");

        service.handleLeaderChange(2, 3, 0);
        CompletableFuture<CreateTopicsResponse> other = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        assertThat(firstError(other.join())).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(other.join().getResults(0).getErrorMessage()).contains("node 2").contains("epoch 3");
        assertThat(metadataLog.pendingCount()).isZero();
    }

    @Test
    void becomesActiveOnlyOnceTheEpochStartIsCommitted() {
        service.handleLeaderChange(NODE_ID, 1, 0);
        CompletableFuture<BrokerRegistrationReply> early = service.registerBroker(registration(5, "h", 1, ""));
        queue.runAll();
        assertThat(early.join().error()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        metadataLog.commitMarker();
        queue.runAll();
        assertThat(service.isActive()).isTrue();
    }

    @Test
    void respondsOnlyAfterTheRecordsCommit() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> created = service.createTopics(create("orders", 2, 1));
        queue.runAll();
        assertThat(metadataLog.pendingCount()).isEqualTo(1);
        assertThat(created).isNotDone();
        metadataLog.commitAll();
        queue.runAll();
        assertThat(firstError(created.join())).isEqualTo(ErrorCode.NONE);
        assertThat(loader.image().topics().topic("orders").partitions()).hasSize(2);
    }

    @Test
    void aResponseWaitsForTheLoaderEvenWhenTheLogAnswersFirst() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> created = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        Runnable applyInLoader = metadataLog.commitNextFutureFirst();
        queue.runAll();
        assertThat(created).as("committed but not yet in the image").isNotDone();
        applyInLoader.run();
        queue.runAll();
        assertThat(firstError(created.join())).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void twoQuickCreatesOfOneNameConflictAgainstTheSpeculativeImage() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> first = service.createTopics(create("orders", 1, 1));
        CompletableFuture<CreateTopicsResponse> second = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        assertThat(metadataLog.pendingCount()).as("only the first proposes records").isEqualTo(1);
        assertThat(second).as("a refusal waits behind what it was judged against").isNotDone();
        metadataLog.commitAll();
        queue.runAll();
        assertThat(firstError(first.join())).isEqualTo(ErrorCode.NONE);
        assertThat(firstError(second.join())).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void aFailedAppendAnswersUnknownOutcomeForWhatWentToTheLogAndResetsTheSpeculativeImage() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> first = service.createTopics(create("orders", 1, 1));
        CompletableFuture<CreateTopicsResponse> second = service.createTopics(create("orders", 1, 1));
        CompletableFuture<CreateTopicsResponse> third = service.createTopics(create("payments", 1, 1));
        queue.runAll();
        metadataLog.failAll(new IllegalStateException("not the leader"));
        queue.runAll();
        // The creates' records went to the log and might still commit: not resent, answered as unknown. The second
        // create wrote nothing (it was refused against the first), so it may be sent again.
        assertThat(List.of(first.join(), second.join(), third.join())).extracting(ControllerServiceTest::firstError)
                .containsExactly(ErrorCode.REQUEST_TIMED_OUT, ErrorCode.NOT_CONTROLLER, ErrorCode.REQUEST_TIMED_OUT);
        assertThat(first.join().getResults(0).getErrorMessage()).contains("may or may not take effect");
        assertThat(service.isActive()).isFalse();

        becomeLeader(2);
        CompletableFuture<CreateTopicsResponse> retry = service.createTopics(create("orders", 1, 1));
        assertThat(firstError(settle(retry))).as("the failed create left no trace").isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aDeleteOrConfigChangeInFlightWhenLeadershipMovesAnswersUnknownOutcome() {
        becomeLeader(1);
        registerAndUnfence(1);
        settle(service.createTopics(create("orders", 1, 1)));
        settle(service.createTopics(create("payments", 1, 1)));
        var deleted = service.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("orders").build());
        var altered = service.alterConfigs(AlterConfigsRequest.newBuilder()
                .addAlterations(ConfigAlteration.newBuilder().setTopic("payments")
                        .putSet("retention.ms", "1000")).build());
        var refusedDelete = service.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("ghost").build());
        queue.runAll();
        service.handleLeaderChange(2, 2, metadataLog.nextOffset());
        queue.runAll();
        assertThat(deleted.join().getResults(0).getError()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        assertThat(altered.join().getResults(0).getError()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        assertThat(refusedDelete.join().getResults(0).getError())
                .as("a refusal wrote nothing and may be judged again").isEqualTo(ErrorCode.NOT_CONTROLLER);
    }

    @Test
    void losingLeadershipFailsWhatIsInFlight() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> created = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        service.handleLeaderChange(2, 2, 10);
        queue.runAll();
        // Its record may still commit under node 2, which would then answer a resend "already exists".
        assertThat(firstError(created.join())).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        assertThat(created.join().getResults(0).getErrorMessage()).contains("node 2");
        CompletableFuture<TopicResult> internal = service.createInternalTopic("__consumer_offsets", 1, 1, Map.of());
        queue.runAll();
        assertThat(internal.join().getError()).isEqualTo(ErrorCode.NOT_CONTROLLER);
    }

    @Test
    void tickFencesBrokersThatMissTheirSessionAndMovesLeadership() {
        becomeLeader(1);
        registerAndUnfence(1);
        registerAndUnfence(2);
        settle(service.createTopics(create("orders", 4, 2)));
        clock.advanceMs(4_000);
        settle(service.brokerHeartbeat(2, 1));
        clock.advanceMs(2_001);
        queue.runPeriodic();
        metadataLog.commitAll();
        queue.runAll();
        MetadataImage image = loader.image();
        assertThat(image.cluster().broker(1).fenced()).isTrue();
        assertThat(image.cluster().broker(2).fenced()).isFalse();
        for (PartitionImage partition : image.topics().topic("orders").partitions().values()) {
            assertThat(partition.leaderId()).isEqualTo(2);
            assertThat(partition.isr()).containsExactly(2);
        }
        assertThat(settle(service.brokerHeartbeat(1, 1)).fenced()).as("a heartbeat unfences again").isFalse();
        assertThat(loader.image().cluster().broker(1).fenced()).isFalse();
    }

    @Test
    void aControlledShutdownStaysFencedAndTheTickRebalancesOnceTheBrokerIsBack() {
        becomeLeader(1);
        registerAndUnfence(1);
        registerAndUnfence(2);
        settle(service.createTopics(create("orders", 2, 2)));
        int preferred = loader.image().topics().topic("orders").partition(0).replicas().get(0);
        assertThat(settle(service.controlledShutdown(preferred, 1)).error()).isEqualTo(ErrorCode.NONE);
        assertThat(loader.image().topics().topic("orders").partition(0).leaderId()).isNotEqualTo(preferred);
        assertThat(settle(service.brokerHeartbeat(preferred, 1)).fenced())
                .as("a late heartbeat of the shut-down epoch does not unfence").isTrue();
        assertThat(loader.image().cluster().broker(preferred).fenced()).isTrue();

        long epoch = settle(service.registerBroker(registration(preferred, "host", 7092, ""))).brokerEpoch();
        assertThat(settle(service.brokerHeartbeat(preferred, epoch)).fenced()).isFalse();
        var topic = loader.image().topics().topic("orders");
        PartitionImage moved = topic.partition(0);
        settle(service.alterPartition(topic.id(), 0, moved.leaderId(), moved.leaderEpoch(), moved.partitionEpoch(),
                List.of(moved.leaderId(), preferred), Map.of()));
        queue.runPeriodic();
        clock.advanceMs(ControllerConfig.DEFAULT.leaderRebalanceIntervalMs());
        queue.runPeriodic();
        metadataLog.commitAll();
        queue.runAll();
        assertThat(loader.image().topics().topic("orders").partition(0).leaderId()).isEqualTo(preferred);
    }

    @Test
    void aSecondProcessWithALiveBrokersIdIsRefusedUntilTheSessionExpires() {
        becomeLeader(1);
        registerAndUnfence(1);
        BrokerRegistrationRequest impostor = new BrokerRegistrationRequest(1, "other", 7092, "", "impostor", "x");
        BrokerRegistrationReply refused = settle(service.registerBroker(impostor));
        assertThat(refused.error()).isEqualTo(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
        assertThat(loader.image().cluster().broker(1).fenced()).as("the live broker keeps its session").isFalse();
        assertThat(loader.image().cluster().broker(1).incarnationId()).isEqualTo("incarnation-1");

        clock.advanceMs(ControllerConfig.DEFAULT.sessionTimeoutMs() + 1);
        BrokerRegistrationReply accepted = settle(service.registerBroker(impostor));
        assertThat(accepted.error()).as("the old process stopped heartbeating").isEqualTo(ErrorCode.NONE);
        assertThat(loader.image().cluster().broker(1).incarnationId()).isEqualTo("impostor");
    }

    @Test
    void aNewActiveControllerGivesUnfencedBrokersAFreshSessionAndFencedOnesNone() {
        becomeLeader(1);
        registerAndUnfence(1);
        settle(service.registerBroker(registration(2, "host2", 7092, "")));  // registered, never heartbeated
        clock.advanceMs(10 * ControllerConfig.DEFAULT.sessionTimeoutMs());
        service.handleLeaderChange(2, 2, metadataLog.nextOffset());
        queue.runAll();
        becomeLeader(3);

        BrokerRegistrationRequest impostorOfOne = new BrokerRegistrationRequest(1, "other", 7092, "", "new", "x");
        assertThat(settle(service.registerBroker(impostorOfOne)).error())
                .as("broker 1 is unfenced: the new controller cannot know it died, so it gets a session")
                .isEqualTo(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
        BrokerRegistrationRequest restartOfTwo = new BrokerRegistrationRequest(2, "host2", 7092, "", "new", "y");
        assertThat(settle(service.registerBroker(restartOfTwo)).error())
                .as("broker 2 is fenced: no session to protect").isEqualTo(ErrorCode.NONE);
    }

    @Test
    void staleHeartbeatsAndIsrChangesAreFenced() {
        becomeLeader(1);
        registerAndUnfence(1);
        registerAndUnfence(2);
        settle(service.registerBroker(registration(2, "host2", 7092, "")));
        assertThat(settle(service.brokerHeartbeat(2, 1)).error()).isEqualTo(ErrorCode.FENCED_EPOCH);
        settle(service.createTopics(create("orders", 1, 1)));
        var topic = loader.image().topics().topic("orders");
        PartitionImage partition = topic.partition(0);
        AlterPartitionReply stale = settle(service.alterPartition(topic.id(), 0, partition.leaderId(),
                partition.leaderEpoch(), partition.partitionEpoch() + 1, partition.isr(), Map.of()));
        assertThat(stale.error()).isEqualTo(ErrorCode.FENCED_EPOCH);
    }

    @Test
    void deleteAndProducerIdsGoThroughTheLog() {
        becomeLeader(1);
        registerAndUnfence(1);
        settle(service.createTopics(create("orders", 1, 1)));
        assertThat(settle(service.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("orders").build()))
                .getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(loader.image().topics().isEmpty()).isTrue();
        assertThat(settle(service.allocateProducerIds(1, 100)).firstProducerId()).isEqualTo(1);
        assertThat(settle(service.allocateProducerIds(1, 100)).firstProducerId()).isEqualTo(101);
    }

    @Test
    void closeAnswersWhatIsPendingAndRefusesWhatComesLater() {
        becomeLeader(1);
        registerAndUnfence(1);
        CompletableFuture<CreateTopicsResponse> pending = service.createTopics(create("orders", 1, 1));
        queue.runAll();
        service.close();
        assertThat(firstError(pending.join())).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        assertThat(firstError(service.createTopics(create("x", 1, 1)).join())).isEqualTo(ErrorCode.NOT_CONTROLLER);
    }

    @Test
    void runsOnARealThread() throws Exception {
        MetadataLoader threadLoader = new MetadataLoader();
        long[] next = {0};
        MetadataLog autoCommit = payload -> {
            long offset = next[0]++;
            threadLoader.handleCommit(offset, payload);
            return CompletableFuture.completedFuture(offset);
        };
        try (ThreadEventQueue threadQueue = new ThreadEventQueue("controller-test", (message, cause) -> { });
             ControllerService threaded = new ControllerService(NODE_ID, ControllerConfig.DEFAULT, autoCommit, clock,
                     new SplittableRandom(1), threadQueue)) {
            threadLoader.register(threaded);
            threaded.handleLeaderChange(NODE_ID, 1, 0);
            threadLoader.handleCommit(next[0]++, MetadataRecords.serialize(List.of()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(threaded::isActive);
            long epoch = threaded.registerBroker(registration(1, "h", 7092, ""))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS).brokerEpoch();
            threaded.brokerHeartbeat(1, epoch).get(10, java.util.concurrent.TimeUnit.SECONDS);
            CreateTopicsResponse response = threaded.createTopics(create("orders", 3, 1))
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(firstError(response)).isEqualTo(ErrorCode.NONE);
            assertThat(threadLoader.image().topics().topic("orders").partitions()).hasSize(3);
        }
    }

    @Test
    void readBarrierIsRefusedUnlessActive() {
        CompletableFuture<ReadBarrierReply> reply = service.readBarrier();
        queue.runAll();
        assertThat(reply.join().error()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(metadataLog.pendingCount()).isZero();
    }

    @Test
    void readBarrierAnswersWithTheOffsetOfACommittedEntryAppendedAfterTheRequest() {
        becomeLeader(1);
        CompletableFuture<ReadBarrierReply> first = service.readBarrier();
        queue.runAll();
        assertThat(metadataLog.pendingCount()).isEqualTo(1);
        // Arrives while the first append is in flight: it must not share it, and waits for the next one.
        CompletableFuture<ReadBarrierReply> second = service.readBarrier();
        CompletableFuture<ReadBarrierReply> third = service.readBarrier();
        queue.runAll();
        assertThat(metadataLog.pendingCount()).isEqualTo(1);
        long firstOffset = metadataLog.nextOffset();
        metadataLog.commitNext();
        queue.runAll();
        assertThat(first.join()).isEqualTo(new ReadBarrierReply(ErrorCode.NONE, "", firstOffset));
        assertThat(second).isNotDone();
        assertThat(metadataLog.pendingCount()).isEqualTo(1);
        metadataLog.commitNext();
        queue.runAll();
        assertThat(second.join().offset()).isEqualTo(firstOffset + 1);
        assertThat(third.join().offset()).isEqualTo(firstOffset + 1);
        assertThat(loader.image().offset()).isEqualTo(firstOffset + 1);
    }

    @Test
    void readBarrierFailsWhenItsAppendFailsOrLeadershipMoves() {
        becomeLeader(1);
        CompletableFuture<ReadBarrierReply> inFlight = service.readBarrier();
        queue.runAll();
        CompletableFuture<ReadBarrierReply> waiting = service.readBarrier();
        queue.runAll();
        service.handleLeaderChange(2, 2, metadataLog.nextOffset());
        queue.runAll();
        assertThat(waiting.join().error()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        metadataLog.failAll(new IllegalStateException("not the leader"));
        queue.runAll();
        assertThat(inFlight.join().error()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(inFlight.join().errorMessage()).contains("not the leader");
    }
}
