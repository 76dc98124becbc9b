package dev.sluice.client.internal;

import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.HeartbeatResponse;
import dev.sluice.proto.v1.TopicPartitions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's group membership: a background thread that joins, heartbeats every {@code heartbeat.interval.ms}
 * (at once when the polling thread confirms a change), reports the partitions the polling thread owns, and hands
 * new assignments to the polling thread, which applies them inside {@code poll} (listener, commit) and confirms with
 * {@link #confirm}. It leaves the group when {@code poll} is not called within {@code max.poll.interval.ms}.
 *
 * <p>Threads: the heartbeat thread and the polling thread share the fields below under this object's monitor; the
 * gRPC call runs outside it. Times in milliseconds of the injected {@link Time}.
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /** What the polling thread has to apply: lost partitions and/or a new assignment of a generation. */
    public record Update(boolean lost, Set<TopicPartition> assignment, int epoch, SluiceException fatal) {
    }

    private final GroupClient client;
    private final ConsumerSettings settings;
    private final Time time;
    private final Runnable onUpdate;
    private final Thread thread;

    private List<String> topics = List.of();
    private String regex = "";
    private boolean active;
    private String memberId = "";
    private int memberEpoch;
    private Set<TopicPartition> owned = Set.of();
    private Set<TopicPartition> pendingAssignment;
    private int pendingEpoch;
    private boolean lost;
    /**
     * Counts memberships: a new one starts whenever one is lost (the next join gets a new member id). The polling
     * thread's records and positions belong to the membership {@code appliedIncarnation} it last took an update
     * from, and it commits only as that membership.
     */
    private long incarnation;
    private long appliedIncarnation;
    private SluiceException fatal;
    private long lastPollMs;
    private boolean waitingForPoll;
    private boolean beatNow;
    private boolean closed;

    public Membership(GroupClient client, ConsumerSettings settings, Time time, Runnable onUpdate) {
        this.client = client;
        this.settings = settings;
        this.time = time;
        this.onUpdate = onUpdate;
        this.lastPollMs = time.milliseconds();
        this.thread = new Thread(this::run, "sluice-heartbeat-" + settings.clientId());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Joins (or updates the subscription): topics, or a regex when {@code regex} is not empty. */
    public synchronized void subscribe(List<String> topics, String regex) {
        this.topics = List.copyOf(topics);
        this.regex = regex;
        this.active = true;
        this.beatNow = true;
        notifyAll();
    }

    /** Leaves the group and stops heartbeating until the next {@link #subscribe}. */
    public void unsubscribe() {
        HeartbeatRequest leave;
        synchronized (this) {
            active = false;
            leave = memberId.isEmpty() ? null : request(-1);
            memberId = "";
            memberEpoch = 0;
            owned = Set.of();
            pendingAssignment = null;
            lost = false;
            appliedIncarnation = ++incarnation;
        }
        if (leave != null) {
            try {
                client.heartbeat(leave, settings.requestTimeoutMs());
            } catch (SluiceException e) {
                LOG.warn("group {}: leaving failed: {}", client.groupId(), e.getMessage());
            }
        }
    }

    /** Called by every poll: keeps the membership alive and returns what to apply, or null. */
    public synchronized Update poll() {
        lastPollMs = time.milliseconds();
        if (waitingForPoll) {
            waitingForPoll = false;
            beatNow = true;
            notifyAll();
        }
        if (fatal != null) {
            SluiceException error = fatal;
            fatal = null;
            return new Update(false, null, 0, error);
        }
        if (!lost && pendingAssignment == null) {
            return null;
        }
        Update update = new Update(lost, pendingAssignment, pendingEpoch, null);
        appliedIncarnation = incarnation;
        lost = false;
        pendingAssignment = null;
        return update;
    }

    /** The polling thread now owns exactly {@code partitions}; tells the coordinator at once. */
    public synchronized void confirm(Set<TopicPartition> partitions) {
        owned = Set.copyOf(partitions);
        beatNow = true;
        notifyAll();
    }

    public synchronized String memberId() {
        return memberId;
    }

    /** Stops heartbeating and leaves the group (a static member leaves temporarily). Idempotent. */
    @Override
    public void close() {
        HeartbeatRequest leave;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
            leave = memberId.isEmpty() ? null : request(settings.groupInstanceId().isEmpty() ? -1 : -2);
        }
        thread.interrupt();
        try {
            thread.join(settings.requestTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leave != null) {
            try {
                client.heartbeat(leave, Math.min(settings.requestTimeoutMs(), 5000));
            } catch (SluiceException e) {
                LOG.warn("group {}: leaving failed ({}); the coordinator will expire this member", client.groupId(),
                        e.getMessage());
            }
        }
    }

    /** Simulates a crash (tests): stops heartbeating without leaving. */
    public void abandon() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
    }

    private void run() {
        long nextBeatMs = 0;
        while (true) {
            HeartbeatRequest request;
            synchronized (this) {
                try {
                    while (!closed && (!active || waitingForPoll || !beatNow && time.milliseconds() < nextBeatMs)) {
                        long waitMs = active && !waitingForPoll ? nextBeatMs - time.milliseconds() : 1000;
                        wait(Math.max(1, waitMs));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                if (!memberId.isEmpty() && time.milliseconds() - lastPollMs > settings.maxPollIntervalMs()) {
                    LOG.warn("group {}: poll not called for {} ms (max.poll.interval.ms); leaving the group",
                            client.groupId(), time.milliseconds() - lastPollMs);
                    request = request(-1);
                    markLost();
                    waitingForPoll = true;
                } else {
                    request = request(memberEpoch);
                }
                beatNow = false;
            }
            nextBeatMs = time.milliseconds() + beat(request);
        }
    }

    /** Sends one heartbeat and applies the answer; returns the delay before the next. */
    private long beat(HeartbeatRequest request) {
        HeartbeatResponse response;
        try {
            response = client.heartbeat(request, settings.requestTimeoutMs());
        } catch (SluiceException e) {
            LOG.debug("group {}: heartbeat failed: {}", client.groupId(), e.getMessage());
            client.forgetCoordinator();
            return settings.retryBackoffMs();
        }
        synchronized (this) {
            if (request.getMemberEpoch() < 0) {
                return settings.heartbeatIntervalMs();
            }
            ErrorCode error = response.getError();
            if (error == ErrorCode.NONE) {
                handleAssignment(response);
                // The coordinator suggests a shorter interval while the group reconciles.
                int suggestedMs = response.getHeartbeatIntervalMs();
                return suggestedMs > 0 ? Math.min(suggestedMs, settings.heartbeatIntervalMs())
                        : settings.heartbeatIntervalMs();
            }
            if (error == ErrorCode.UNKNOWN_MEMBER_ID || error == ErrorCode.FENCED_MEMBER_EPOCH) {
                LOG.info("group {}: {}; rejoining", client.groupId(), response.getErrorMessage());
                markLost();
                return 0;
            }
            if (Errors.isRetriable(error)) {
                client.forgetCoordinator();
                return settings.retryBackoffMs();
            }
            fatal = Errors.toException(error, response.getErrorMessage());
            active = false;
            onUpdate.run();
            return settings.heartbeatIntervalMs();
        }
    }

    private void handleAssignment(HeartbeatResponse response) {
        if (!memberId.equals(response.getMemberId())) {
            LOG.info("group {}: joined as {}", client.groupId(), response.getMemberId());
        }
        memberId = response.getMemberId();
        memberEpoch = response.getMemberEpoch();
        Set<TopicPartition> assignment = new HashSet<>();
        response.getAssignmentList().forEach(t -> t.getPartitionsList()
                .forEach(p -> assignment.add(new TopicPartition(t.getTopic(), p))));
        Set<TopicPartition> current = pendingAssignment != null ? pendingAssignment : owned;
        if (!assignment.equals(current) || pendingAssignment != null) {
            pendingAssignment = assignment;
            pendingEpoch = memberEpoch;
            onUpdate.run();
        } else if (pendingEpoch != memberEpoch) {
            pendingEpoch = memberEpoch;
        }
    }

    /**
     * The coordinator refused a commit made as {@code refused} because it no longer knows that membership: when it is
     * still this consumer's, the membership is lost now, as a heartbeat refused the same way would find. The
     * assignment not yet applied is dropped (it came from the membership that is over), the polling thread's next
     * poll loses what it owns, and the heartbeat thread rejoins at once.
     */
    public synchronized void commitRefused(GroupClient.MemberIdentity refused) {
        if (!memberId.isEmpty() && memberId.equals(refused.memberId())) {
            LOG.info("group {}: a commit as {} was refused, the membership is over; rejoining", client.groupId(),
                    memberId);
            markLost();
            beatNow = true;
            notifyAll();
        }
    }

    private void markLost() {
        memberId = "";
        memberEpoch = 0;
        pendingAssignment = null;
        owned = Set.of();
        lost = true;
        incarnation++;
        onUpdate.run();
    }

    /**
     * Who this consumer commits as: its member id and the member epoch the coordinator last gave it; {@code NONE}
     * when it does not take part in membership (not subscribed); null while subscribed but not a member (before
     * the first join, or after its membership was lost), when a commit must not go through. Also null once the
     * membership was lost and rejoined until the polling thread has taken the loss in {@link #poll}: the offsets it
     * commits until then come from the lost membership's partitions, which the new member may not own (the
     * coordinator would accept them from the new member id and move another member's offsets).
     */
    public synchronized GroupClient.MemberIdentity commitIdentity() {
        if (!active) {
            return GroupClient.MemberIdentity.NONE;
        }
        return memberId.isEmpty() || appliedIncarnation != incarnation ? null
                : new GroupClient.MemberIdentity(memberId, memberEpoch);
    }

    /** The current generation for an unchanged assignment (it may advance without a change). */
    public synchronized int currentEpoch() {
        return pendingEpoch;
    }

    private HeartbeatRequest request(int epoch) {
        HeartbeatRequest.Builder builder = HeartbeatRequest.newBuilder().setGroupId(client.groupId())
                .setMemberId(memberId).setMemberEpoch(epoch).setInstanceId(settings.groupInstanceId())
                .setClientId(settings.clientId()).setAssignor(settings.assignor())
                .setSessionTimeoutMs(settings.sessionTimeoutMs()).setRebalanceTimeoutMs(settings.maxPollIntervalMs());
        if (regex.isEmpty()) {
            builder.addAllSubscribedTopics(topics);
        } else {
            builder.setSubscribedTopicRegex(regex);
        }
        Map<String, TopicPartitions.Builder> byTopic = new TreeMap<>();
        owned.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> TopicPartitions.newBuilder().setTopic(t))
                .addPartitions(tp.partition()));
        byTopic.values().forEach(builder::addOwnedPartitions);
        return builder.build();
    }
}
