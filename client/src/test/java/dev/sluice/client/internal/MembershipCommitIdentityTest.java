package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FindCoordinatorRequest;
import dev.sluice.proto.v1.FindCoordinatorResponse;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.HeartbeatResponse;
import dev.sluice.proto.v1.TopicPartitions;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Chaos seed 30003 (double ownership): a consumer's heartbeat met a coordinator that no longer knew its member id
 * (the group's offsets partition had moved), so the heartbeat thread rejoined at once under a new member id while the
 * polling thread was still committing offsets of its old assignment; the commit went out as the new member and the
 * new coordinator accepted it, after it had given those partitions to another member. The polling thread may commit
 * only as the membership whose update it applied last.
 */
class MembershipCommitIdentityTest {
    @Test
    void noCommitAsTheRejoinedMemberBeforeThePollingThreadTookTheLoss() throws Exception {
        AtomicBoolean coordinatorMoved = new AtomicBoolean();
        AtomicInteger joins = new AtomicInteger();
        FakeCoordinator coordinator = new FakeCoordinator(coordinatorMoved, joins);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(coordinator).build().start();
        coordinator.port = server.getPort();
        String address = "127.0.0.1:" + server.getPort();
        ConsumerSettings settings = ConsumerSettings.from(Map.of("bootstrap.servers", address, "group.id", "g",
                "heartbeat.interval.ms", 50, "retry.backoff.ms", 20));
        try (ChannelPool channels = new ChannelPool()) {
            Metadata metadata = new Metadata(List.of(address), channels, Time.SYSTEM, 60_000, 20, 5_000);
            GroupClient client = new GroupClient("g", metadata, channels, Time.SYSTEM, 5_000, 20);
            try (Membership membership = new Membership(client, settings, Time.SYSTEM, () -> { })) {
                membership.subscribe(List.of("t"), "");
                Membership.Update first = awaitUpdate(membership);
                assertThat(first.assignment()).hasSize(1);
                membership.confirm(first.assignment());
                assertThat(membership.commitIdentity()).isEqualTo(new GroupClient.MemberIdentity("m1", 1));

                // The coordinator forgets m1; the heartbeat thread rejoins as m2 without the polling thread polling.
                coordinatorMoved.set(true);
                waitFor(() -> membership.memberId().equals("m2"));
                assertThat(membership.commitIdentity()).isNull();

                // Once the polling thread has taken the loss (and dropped the old partitions), it commits as m2.
                Membership.Update afterLoss = awaitUpdate(membership);
                assertThat(afterLoss.lost()).isTrue();
                assertThat(membership.commitIdentity()).isEqualTo(new GroupClient.MemberIdentity("m2", 1));
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Membership.Update awaitUpdate(Membership membership) {
        Membership.Update[] update = new Membership.Update[1];
        waitFor(() -> (update[0] = membership.poll()) != null);
        return update[0];
    }

    private static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Gives m1 on the first join; once moved, refuses m1 (UNKNOWN_MEMBER_ID) and gives m2 on the next join. */
    private static final class FakeCoordinator extends GroupGrpc.GroupImplBase {
        private final AtomicBoolean moved;
        private final AtomicInteger joins;
        volatile int port;

        FakeCoordinator(AtomicBoolean moved, AtomicInteger joins) {
            this.moved = moved;
            this.joins = joins;
        }

        @Override
        public void findCoordinator(FindCoordinatorRequest request,
                                    StreamObserver<FindCoordinatorResponse> observer) {
            observer.onNext(FindCoordinatorResponse.newBuilder().setNodeId(1).setHost("127.0.0.1").setPort(port)
                    .build());
            observer.onCompleted();
        }

        @Override
        public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
            HeartbeatResponse.Builder response = HeartbeatResponse.newBuilder();
            if (request.getMemberId().isEmpty()) {
                String id = moved.get() ? "m2" : "m1";
                joins.incrementAndGet();
                response.setMemberId(id).setMemberEpoch(1).addAssignment(TopicPartitions.newBuilder()
                        .setTopic("t").addPartitions(0));
            } else if (moved.get() && request.getMemberId().equals("m1")) {
                response.setError(ErrorCode.UNKNOWN_MEMBER_ID).setErrorMessage("unknown member m1");
            } else {
                response.setMemberId(request.getMemberId()).setMemberEpoch(1).addAssignment(TopicPartitions
                        .newBuilder().setTopic("t").addPartitions(0));
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }
    }
}
