package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.group.CoordinatorLease;
import dev.sluice.broker.rpc.AppliedOffsetWaiters;
import dev.sluice.broker.rpc.ControllerChannel;
import dev.sluice.controller.AlterPartitionReply;
import dev.sluice.controller.BrokerHeartbeatReply;
import dev.sluice.controller.BrokerRegistrationReply;
import dev.sluice.controller.ControlledShutdownReply;
import dev.sluice.controller.ProducerIdsReply;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ReassignPartitionRequest;
import dev.sluice.proto.v1.TopicResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker side of {@code DUPLICATE_BROKER_REGISTRATION} and {@code INCONSISTENT_CLUSTER_ID}: a refused broker
 * stops the process through the fault handler, with a message naming its id; a duplicate refusal only after it has
 * outlasted two session timeouts (a dead predecessor's session). Each registration moves the injected clock on by one
 * session timeout.
 */
class BrokerLifecycleIdentityTest {
    private static final long SESSION_MS = 6000;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> faults = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RefusingController controller = new RefusingController();
    private BrokerLifecycle lifecycle;

    @AfterEach
    void stop() {
        lifecycle.close();
        scheduler.shutdownNow();
    }

    private void start() {
        Properties properties = new Properties();
        properties.setProperty(NodeConfig.NODE_ID, "2");
        properties.setProperty(NodeConfig.ROLES, "broker");
        properties.setProperty(NodeConfig.CONTROLLER_QUORUM, "1@127.0.0.1:7093");
        properties.setProperty(NodeConfig.CLUSTER_ID, "c1");
        properties.setProperty(NodeConfig.HEARTBEAT_INTERVAL_MS, "10");
        properties.setProperty(NodeConfig.SESSION_TIMEOUT_MS, Long.toString(SESSION_MS));
        AppliedOffsetWaiters applied = new AppliedOffsetWaiters(System::currentTimeMillis, 0);
        CaughtUpLeaseRenewal renewal = new CaughtUpLeaseRenewal(new CoordinatorLease(nanos::get, 4500),
                () -> new CompletableFuture<>(), applied::await, 4500);
        lifecycle = new BrokerLifecycle(NodeConfig.parse(properties), controller, () -> MetadataImage.EMPTY,
                () -> true, 7092, 0, "store-1", scheduler, renewal, (message, cause) -> faults.add(message), nanos::get,
                List::of, new BrokerEpoch());
        lifecycle.start();
    }

    @Test
    void aBrokerRefusedAsADuplicateStopsOnceTheRefusalsOutlastTwoSessionTimeouts() {
        controller.answer = ErrorCode.DUPLICATE_BROKER_REGISTRATION;
        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !faults.isEmpty());
        // Refused at T, T + S, T + 2S (still a dead predecessor's session, at most), then at T + 3S it gives up.
        assertThat(controller.registrations).hasValue(4);
        assertThat(faults).hasSize(1);
        assertThat(faults.get(0)).contains("broker 2's registration was refused for " + 3 * SESSION_MS + " ms")
                .contains("another process with node id 2 is alive").contains("the controller's words");
        assertThat(lifecycle.notReadyReason()).contains("another process with node id 2");
    }

    @Test
    void aBrokerOfAnotherClusterStopsAtOnce() {
        controller.answer = ErrorCode.INCONSISTENT_CLUSTER_ID;
        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !faults.isEmpty());
        assertThat(controller.registrations).hasValue(1);
        assertThat(faults.get(0)).contains("broker 2 cannot join").contains("the controller's words");
    }

    /** Answers every registration with {@link #answer}; nothing else is expected. */
    private final class RefusingController implements ControllerChannel {
        volatile ErrorCode answer;
        final AtomicInteger registrations = new AtomicInteger();

        @Override
        public CompletableFuture<BrokerRegistrationReply> registerBroker(int brokerId, String host, int port,
                int kafkaPort, String rack, String logStoreId) {
            registrations.incrementAndGet();
            CompletableFuture<BrokerRegistrationReply> reply = CompletableFuture.completedFuture(
                    BrokerRegistrationReply.error(answer, "the controller's words"));
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(SESSION_MS));
            return reply;
        }

        @Override
        public CompletableFuture<CreateTopicsResponse> createTopics(CreateTopicsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<DeleteTopicsResponse> deleteTopics(DeleteTopicsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<AlterConfigsResponse> alterConfigs(AlterConfigsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<TopicResult> createInternalTopic(String name, int partitionCount,
                int replicationFactor, Map<String, String> configs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(int brokerId, long brokerEpoch,
                List<dev.sluice.controller.ReplicaLogEnd> leaderlessLogEnds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<AlterPartitionReply> alterPartition(UUID topicId, int partition, int leaderId,
                int leaderEpoch, int partitionEpoch, List<Integer> newIsr, java.util.Map<Integer, Long> joining) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ProducerIdsReply> allocateProducerIds(int brokerId, int count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<TopicResult> reassignPartition(ReassignPartitionRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<dev.sluice.proto.v1.CreateAclsResponse> createAcls(
                dev.sluice.proto.v1.CreateAclsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<dev.sluice.proto.v1.DeleteAclsResponse> deleteAcls(
                dev.sluice.proto.v1.DeleteAclsRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ReadBarrierReply> readBarrier() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<ControlledShutdownReply> controlledShutdown(int brokerId, long brokerEpoch) {
            throw new UnsupportedOperationException();
        }
    }
}
