package dev.sluice.broker.group;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When this broker may start coordinating the groups of a {@code __consumer_offsets} partition it has just taken
 * over: at once if the previous leader cannot be coordinating any more, otherwise only after a full
 * {@link CoordinatorLease} period.
 *
 * <p>Why (found by review): a broker's lease says that the controller heard from it recently, not that its metadata
 * image is current. When the controller moves an offsets partition away from a live broker (back to its preferred
 * replica, a reassignment), the old leader goes on coordinating from its image until it applies the move, and a
 * paused old leader does so with a lease renewed before the pause. Each lease renewal waits until the image has
 * applied a read barrier taken after the heartbeat, so a renewal after the move shows the old leader the move: its
 * last valid lease that predates the move ends at most one lease period after the move committed. The new leader
 * learns of the move after it committed, so waiting one lease period from then outlasts it. The wait is skipped
 * when the previous leader was this broker, there was none, or it is fenced in the image that moved the partition
 * (fenced after a missed session, its lease had already ended; a broker in controlled shutdown gives its lease up
 * first), provided the leader epoch advanced by exactly one since the last image this broker applied: otherwise a
 * leader in between is unknown here.
 *
 * <p>Threads: {@link #onImage} runs on the metadata thread; {@link #remainingMs} on request threads. Times are
 * nanoseconds of the injected monotonic clock.
 */
public final class CoordinatorHandoffs {
    /** No waits: a single broker, or tests. */
    public static final CoordinatorHandoffs NONE = new CoordinatorHandoffs(-1, () -> 0, 0);

    private final int localBrokerId;
    private final LongSupplier nanoClock;
    private final long leaseNanos;
    private final Map<Integer, Takeover> takeovers = new ConcurrentHashMap<>();

    /** This broker leads offsets partition at {@code leaderEpoch} and may coordinate it from {@code readyNanos}. */
    private record Takeover(int leaderEpoch, long readyNanos) { }

    public CoordinatorHandoffs(int localBrokerId, LongSupplier nanoClock, long leaseMs) {
        this.localBrokerId = localBrokerId;
        this.nanoClock = nanoClock;
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMs);
    }

    /** Records the takeovers {@code next} brings, given the image this broker applied before it. */
    public void onImage(MetadataImage previous, MetadataImage next) {
        if (this == NONE) {
            return;
        }
        TopicImage offsets = next.topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        if (offsets == null) {
            takeovers.clear();
            return;
        }
        TopicImage before = previous.topics().topic(offsets.id());
        long now = nanoClock.getAsLong();
        for (Map.Entry<Integer, PartitionImage> entry : offsets.partitions().entrySet()) {
            int index = entry.getKey();
            PartitionImage partition = entry.getValue();
            if (partition.leaderId() != localBrokerId) {
                takeovers.remove(index);
                continue;
            }
            Takeover known = takeovers.get(index);
            if (known != null && known.leaderEpoch() == partition.leaderEpoch()) {
                continue;
            }
            PartitionImage earlier = before == null ? null : before.partition(index);
            boolean wait = previousLeaderMayStillCoordinate(earlier, partition, next);
            takeovers.put(index, new Takeover(partition.leaderEpoch(), wait ? now + leaseNanos : now));
        }
    }

    /**
     * Milliseconds until this broker may coordinate offsets partition {@code index} at {@code leaderEpoch}: 0 when it
     * may now, and a positive wait while a previous leader may still act, or while the takeover is not recorded yet.
     */
    public long remainingMs(int index, int leaderEpoch) {
        if (this == NONE) {
            return 0;
        }
        Takeover takeover = takeovers.get(index);
        if (takeover == null || takeover.leaderEpoch() != leaderEpoch) {
            return 1;
        }
        long remaining = takeover.readyNanos() - nanoClock.getAsLong();
        return remaining <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
    }

    private boolean previousLeaderMayStillCoordinate(PartitionImage earlier, PartitionImage now,
                                                     MetadataImage image) {
        if (earlier == null) {
            // The partition is new to this broker: with leader epoch 0 it never had another leader; otherwise the
            // leader before is unknown here (a broker that just started), unless no other broker exists at all.
            return now.leaderEpoch() > 0 && otherBrokersExist(image);
        }
        if (now.leaderEpoch() != earlier.leaderEpoch() + 1) {
            return now.leaderEpoch() != earlier.leaderEpoch();
        }
        int previousLeader = earlier.leaderId();
        if (previousLeader == localBrokerId || previousLeader == PartitionImage.NO_LEADER) {
            return false;
        }
        BrokerRegistration registration = image.cluster().broker(previousLeader);
        return registration != null && !registration.fenced();
    }

    private boolean otherBrokersExist(MetadataImage image) {
        return image.cluster().brokers().keySet().stream().anyMatch(id -> id != localBrokerId);
    }
}
