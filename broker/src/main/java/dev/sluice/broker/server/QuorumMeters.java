package dev.sluice.broker.server;

import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.raft.io.ReplicaStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * This node's view of the metadata quorum as meters ({@code sluice_raft_*}): its role, the leader and epoch it knows,
 * its log's high watermark and end, on a voter each voter's lag as the leader sees it, the time commits take, and
 * snapshots written and loaded. The gauges read the Raft node's {@link QuorumStatus} at scrape time, so they cost
 * nothing between scrapes. Thread-safe: the status is an immutable snapshot behind a volatile reference.
 */
final class QuorumMeters {
    private final MeterRegistry registry;
    private final Timer commitDuration;
    private final Counter snapshotsWritten;
    private final Counter snapshotsLoaded;

    QuorumMeters(MeterRegistry registry) {
        this.registry = registry;
        this.commitDuration = NodeMetrics.latencyTimer("sluice.raft.commit.duration",
                        "time from the active controller proposing a metadata record to the quorum committing it")
                .register(registry);
        this.snapshotsWritten = Counter.builder("sluice.raft.snapshots.written")
                .description("metadata snapshots this node wrote (every metadata.snapshot.interval.entries committed"
                        + " entries)")
                .register(registry);
        this.snapshotsLoaded = Counter.builder("sluice.raft.snapshots.loaded")
                .description("metadata snapshots this node loaded instead of replaying the log (at start, or fetched"
                        + " from the leader after falling behind its log start)")
                .register(registry);
    }

    /**
     * Registers the gauges that read {@code status}. One role series per possible role, so that a role change flips
     * values instead of making series appear and vanish. Voter lags only on a voter: a broker-only node is never the
     * leader, which alone knows them.
     */
    void bindStatus(Supplier<QuorumStatus> status, Set<Integer> voters, boolean isVoter) {
        for (String role : QuorumStatus.ROLES) {
            Gauge.builder("sluice.raft.role", status, s -> role.equals(s.get().role()) ? 1 : 0)
                    .strongReference(true)
                    .description("1 for this node's current metadata quorum role, 0 for the others (observer: a"
                            + " broker-only node, which fetches the log but never votes)")
                    .tag("role", role)
                    .register(registry);
        }
        gauge("sluice.raft.leader.id", status, QuorumStatus::leaderId, "the node id of the metadata quorum leader"
                + " (the active controller) as this node knows it; -1 when none is known");
        gauge("sluice.raft.epoch", status, QuorumStatus::epoch, "the metadata quorum's epoch as this node knows it");
        gauge("sluice.raft.high.watermark", status, QuorumStatus::highWatermark,
                "this node's metadata log high watermark: entries below it are committed");
        gauge("sluice.raft.log.end.offset", status, QuorumStatus::logEndOffset,
                "the end offset of this node's metadata log");
        if (isVoter) {
            voters.forEach(voter -> bindVoter(status, voter));
        }
    }

    private void bindVoter(Supplier<QuorumStatus> status, int voter) {
        String id = Integer.toString(voter);
        Gauge.builder("sluice.raft.voter.lag", status, s -> voterFigure(s.get(), voter, ReplicaStatus::lag))
                .strongReference(true)
                .description("entries the voter's metadata log is behind the leader's log end, as the leader sees"
                        + " it; reported by the leader only, -1 elsewhere or while unknown")
                .baseUnit("entries")
                .tag("voter", id)
                .register(registry);
        Gauge.builder("sluice.raft.voter.caught.up.age", status, s -> {
                    double msAgo = voterFigure(s.get(), voter, ReplicaStatus::lastCaughtUpMsAgo);
                    return msAgo < 0 ? -1 : msAgo / 1000.0;
                })
                .strongReference(true)
                .description("seconds since the voter last reached the leader's log end, as the leader sees it;"
                        + " reported by the leader only, -1 elsewhere or while unknown")
                .baseUnit("seconds")
                .tag("voter", id)
                .register(registry);
    }

    private void gauge(String name, Supplier<QuorumStatus> status, ToDoubleFunction<QuorumStatus> value,
                       String description) {
        Gauge.builder(name, status, s -> value.applyAsDouble(s.get()))
                .strongReference(true)
                .description(description)
                .register(registry);
    }

    /**
     * A voter's figure from the status, or -1 when this node is not the leader: a follower's status holds -1 for
     * the others anyway, but its own entry would show a stale view of itself.
     */
    private static double voterFigure(QuorumStatus status, int voter, ToDoubleFunction<ReplicaStatus> figure) {
        if (!"leader".equals(status.role())) {
            return -1;
        }
        for (ReplicaStatus replica : status.voters()) {
            if (replica.nodeId() == voter) {
                return figure.applyAsDouble(replica);
            }
        }
        return -1;
    }

    /** A proposal committed {@code nanos} after it was made. */
    void recordCommit(long nanos) {
        commitDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    void snapshotWritten() {
        snapshotsWritten.increment();
    }

    void snapshotLoaded() {
        snapshotsLoaded.increment();
    }
}
